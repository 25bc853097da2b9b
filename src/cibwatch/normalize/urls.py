"""URL normalisation and registered domains, offline.

:func:`normalize_url` maps the many spellings of one link to one key, so that
two accounts pushing the same page co-act on the same object:

* scheme and host are lower-cased, a trailing dot on the host dropped, user
  info dropped, default ports (80 for http, 443 for https) removed;
* tracking parameters are removed (``utm_*``, ``fbclid``, ``gclid`` and the
  others in :data:`TRACKING_PARAMS`, and the share parameters of a few big
  sites in :data:`SITE_TRACKING_PARAMS`, such as YouTube's ``si`` or X's
  ``s`` and ``t``), the remaining parameters sorted;
* the fragment and trailing slashes are removed, percent-escapes upper-cased;
* a link without a scheme (``www.example.org/a``) is read as ``http``.

It returns ``None`` for anything that is not an http(s) URL with a host: an
empty or missing URL is never an object (the Coordination Network Toolkit
stores a missing URL as ``""`` and so links every link-less post).
The function is idempotent: ``normalize_url(normalize_url(u)) ==
normalize_url(u)``.

:func:`registered_domain` gives the registrable domain (``bbc.co.uk`` for
``news.bbc.co.uk``) from the public-suffix list shipped with the
``publicsuffixlist`` package, with no network access.

Example::

    >>> normalize_url("HTTPS://Example.org:443/a/?utm_source=x&b=2&a=1#top")
    'https://example.org/a?a=1&b=2'
    >>> registered_domain("https://news.bbc.co.uk/x")
    'bbc.co.uk'
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

__all__ = ["normalize_url", "registered_domain", "TRACKING_PARAMS", "SITE_TRACKING_PARAMS"]

#: Query parameters that identify a click or campaign, not a page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "ref_url",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "_ga",
        "_gl",
        "spm",
        "s_cid",
        "cmpid",
    }
)
#: Parameter name prefixes that are tracking (``utm_source``, ``utm_medium``, …).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
#: Share and referral parameters that only these sites use that way (elsewhere ``s`` or ``t`` may
#: name a search or a time): registered domain -> parameter names. Parameters that pick the
#: content (Instagram's ``img_index``, a YouTube ``t`` timestamp, Spotify's ``context``) stay.
SITE_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"si", "feature", "pp", "ab_channel"}),
    "youtu.be": frozenset({"si", "feature"}),
    "twitter.com": frozenset({"s", "t"}),
    "x.com": frozenset({"s", "t"}),
    "facebook.com": frozenset({"mibextid", "rdid", "sfnsn", "__cft__[0]", "__tn__", "refsrc", "hc_ref"}),
    "tiktok.com": frozenset({"_r", "_t", "is_from_webapp", "sender_device", "is_copy_url", "web_id", "sec_user_id"}),
    "spotify.com": frozenset({"si"}),
    "linkedin.com": frozenset({"trk", "trackingid", "lipi", "rcm"}),
    "reddit.com": frozenset({"share_id", "rdt"}),
}
_NO_SITE_PARAMS: frozenset[str] = frozenset()
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEMELESS = re.compile(r"^(?:www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[:/?#]|$))", re.IGNORECASE)
_PCT = re.compile(r"%[0-9a-fA-F]{2}")
# characters left unescaped in a path (RFC 3986 pchar without '%', plus '/')
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _is_tracking(name: str, site: frozenset[str] = _NO_SITE_PARAMS) -> bool:
    """Whether a query parameter only tracks the click: everywhere, or on this ``site`` (its :data:`SITE_TRACKING_PARAMS`)."""
    n = name.lower()
    return n in TRACKING_PARAMS or n.startswith(TRACKING_PREFIXES) or n in site


def _canon_escapes(s: str, safe: str) -> str:
    """Percent-encode what must be, upper-case existing escapes, keep the rest."""
    s = _PCT.sub(lambda m: m.group(0).upper(), s)
    return quote(s, safe=safe + "%")


def _site(host: str) -> str:
    """The last two labels of ``host`` (enough to look up :data:`SITE_TRACKING_PARAMS`, whose sites are all ``name.tld``)."""
    return ".".join(host.rsplit(".", 2)[-2:])


def normalize_url(url: str | None) -> str | None:
    """The canonical form of an http(s) URL, or ``None`` when there is none."""
    if url is None:
        return None
    u = url.strip()
    if not u or any(c.isspace() for c in u):
        return None
    if "://" not in u:
        if u.startswith("//"):
            u = "http:" + u
        elif _SCHEMELESS.match(u):
            u = "http://" + u
        else:
            return None
    try:
        parts = urlsplit(u)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c in host for c in "/\\@"):
        return None
    host = host.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _canon_escapes(parts.path, _PATH_SAFE).rstrip("/")
    site = SITE_TRACKING_PARAMS.get(_site(host), _NO_SITE_PARAMS)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, site)]
    params.sort()
    query = urlencode(params, doseq=False, quote_via=quote, safe="")
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


@functools.lru_cache(maxsize=1)
def _psl():  # type: ignore[no-untyped-def]
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def registered_domain(url_or_host: str | None) -> str | None:
    """The registrable domain of a URL or host name (public-suffix list, offline), or ``None``."""
    if not url_or_host:
        return None
    s = url_or_host.strip()
    if "/" in s or ":" in s:
        norm = normalize_url(s)
        if norm is None:
            return None
        host = urlsplit(norm).hostname or ""
    else:
        host = s.lower().rstrip(".")
    if not host or host.startswith("[") or re.fullmatch(r"[0-9.]+", host):
        return host or None  # IP addresses are their own domain
    dom = _psl().privatesuffix(host)
    return dom
