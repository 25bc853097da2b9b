"""URL normalisation and registered domains."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.normalize.urls import TRACKING_PARAMS, normalize_url, registered_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.ORG:443/a/?utm_source=x&b=2&a=1#top", "https://example.org/a?a=1&b=2"),
        ("http://example.org:80/", "http://example.org"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org/path///", "https://example.org/path"),
        ("https://example.org/a?fbclid=IwAR0&gclid=1&utm_medium=social", "https://example.org/a"),
        ("https://example.org/a?id=7&mc_eid=abc&igshid=z", "https://example.org/a?id=7"),
        ("www.example.org/news", "http://www.example.org/news"),
        # share parameters of big sites go; the same names elsewhere, and the parameters that name the page, stay
        ("https://www.youtube.com/watch?v=abc&si=Xy12&feature=share", "https://www.youtube.com/watch?v=abc"),
        ("https://youtu.be/abc?si=Xy12&t=42", "https://youtu.be/abc?t=42"),
        ("https://x.com/someone/status/123?s=20&t=AbCd", "https://x.com/someone/status/123"),
        ("https://mobile.twitter.com/someone/status/123?s=46", "https://mobile.twitter.com/someone/status/123"),
        ("https://www.facebook.com/story.php?story_fbid=9&id=7&mibextid=Nif5oz", "https://www.facebook.com/story.php?id=7&story_fbid=9"),
        ("https://example.org/search?s=budget&t=1", "https://example.org/search?s=budget&t=1"),
        ("https://www.instagram.com/p/Cx1/?img_index=2&igsh=abc", "https://www.instagram.com/p/Cx1?img_index=2"),
        ("https://open.spotify.com/track/7?si=ab&context=spotify%3Aplaylist%3A9", "https://open.spotify.com/track/7?context=spotify%3Aplaylist%3A9"),
        ("https://notyoutube.com/watch?v=1&si=2", "https://notyoutube.com/watch?si=2&v=1"),
        ("https://user:pw@Example.org./x", "https://example.org/x"),
        ("https://example.org/%7ejoe", "https://example.org/%7Ejoe"),
        ("https://example.org/a b", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("mailto:someone@example.org", None),
        ("javascript:alert(1)", None),
        ("not a url", None),
        ("https://", None),
    ],
)
def test_normalize_url_examples(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("http://WWW.Example.com/a", "example.com"),
        ("example.org", "example.org"),
        ("https://someone.github.io/page", "someone.github.io"),  # private suffix: each user is a site
        ("", None),
        (None, None),
        ("mailto:a@b.org", None),
    ],
)
def test_registered_domain(raw, expected):
    assert registered_domain(raw) == expected


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_host = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["org", "com", "co.uk", "ca", "fr"]),
)
_seg = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/?#%", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    max_size=8,
)
_key = st.sampled_from(["id", "q", "page", "lang", "utm_source", "utm_campaign", "fbclid", "gclid", "ref_src", "v"])
_val = st.text(alphabet="abcXYZ019-_.", max_size=6)


@st.composite
def urls(draw):
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(_host)
    host = "".join(c.upper() if draw(st.booleans()) else c for c in host)
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/".join(draw(st.lists(_seg, max_size=3)))
    trailing = draw(st.sampled_from(["", "/", "//"]))
    params = draw(st.lists(st.tuples(_key, _val), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in params)
    frag = draw(st.sampled_from(["", "#x", "#section-2"]))
    return f"{scheme}://{host}{port}/{path}{trailing}" + (f"?{query}" if query else "") + frag


@settings(max_examples=300, deadline=None)
@given(urls())
def test_normalisation_is_idempotent_non_empty_and_drops_tracking(url):
    n = normalize_url(url)
    assert n  # a valid URL is never empty
    assert normalize_url(n) == n
    parts = urlsplit(n)
    assert parts.scheme in ("http", "https") and parts.hostname == parts.hostname.lower()
    assert not parts.fragment and not parts.path.endswith("/")
    for k, _ in parse_qsl(parts.query, keep_blank_values=True):
        assert k not in TRACKING_PARAMS and not k.startswith("utm_")
    assert parts.port not in (80, 443) or (parts.scheme, parts.port) not in (("http", 80), ("https", 443))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normalize_url_never_raises_and_never_returns_empty(text):
    n = normalize_url(text)
    assert n is None or (n and normalize_url(n) == n)
