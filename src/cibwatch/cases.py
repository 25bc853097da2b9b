"""The case library: known networks, and recognising them when they return.

A *case* is a named set of indicators (``case_indicators``: ``account``,
``handle``, ``domain``, ``url``, ``text``). Cases come from

* Meta's published threat-indicator CSVs (columns ``Tactic, Technique,
  Procedure, Indicator, Note``, or the long table with ``source_file``): URLs
  are refanged (``twitter[.]com`` → ``twitter.com``), account URLs become
  handles (or account ids for numeric profile ids), other URLs become
  domains and URLs, and post titles become text fingerprints;
* a plain cibwatch case CSV (``kind,value,note``) written by hand;
* :func:`export_case_from_campaign`, which saves a detected campaign so that
  the same network is recognised months later.

Matching (:func:`match_campaign`): a campaign's accounts, handles (current and
former), link domains and URLs, and message texts are compared with every
case. Texts match when the word-trigram (character 4-gram for Chinese)
shingles of the shorter text are contained in the other's at
``text_threshold`` or more — the containment measure of Broder 1997 (*On the
resemblance and containment of documents*), computed with an inverted index
over the case texts. The link score is a noisy-OR over matched values,
``1 − Π_kind (1 − w_kind)^n_kind``, with per-kind weights stating how unlikely
one shared value is by coincidence (an account id is near-certain, a domain
much less so). A link is an attribution claim with its own evidence, kept
apart from the coordination finding.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import MissingColumnError, NotFoundError, ParameterError, UnknownFormatError
from .profile import registered_domain
from .store import Store

__all__ = [
    "CASE_KINDS",
    "refang",
    "normalize_case_text",
    "parse_indicator",
    "import_cases",
    "list_cases",
    "export_case_from_campaign",
    "CaseMatcher",
    "match_campaign",
    "DEFAULT_MATCH_WEIGHTS",
]

CASE_KINDS = ("account", "handle", "domain", "url", "text")

#: Weight of one shared value of each kind in the link score.
DEFAULT_MATCH_WEIGHTS = {"account": 0.7, "handle": 0.5, "url": 0.25, "domain": 0.15, "text": 0.3}

#: Hosts whose URLs name an account rather than a website.
PLATFORM_DOMAINS = frozenset(
    "twitter.com x.com facebook.com fb.com instagram.com tiktok.com youtube.com youtu.be medium.com reddit.com vimeo.com "
    "tumblr.com livejournal.com quora.com flickr.com vk.com t.me telegram.me linkedin.com pinterest.com threads.net "
    "steemit.com ameblo.jp t.co bit.ly".split()
)
_SKIP_SEGMENTS = frozenset("i intent search hashtag home share groups pages watch events photo photos story.php permalink.php p r status".split())


def refang(s: str) -> str:
    """Undo defanging: ``hxxps://twitter[.]com`` → ``https://twitter.com``."""
    s = (s or "").strip()
    s = re.sub(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", ".", s, flags=re.I)
    s = re.sub(r"\[:\]", ":", s)
    s = re.sub(r"^hxxp", "http", s, flags=re.I)
    return s


def _local_normalize(text: str) -> str:
    # Minimal local normaliser, used only when cibwatch.normalize.text is not installed:
    # NFKC, casefold, no zero-width/bidi controls, URLs and mentions removed, spaces collapsed.
    t = unicodedata.normalize("NFKC", text or "").casefold()
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Cf")
    t = re.sub(r"https?://\S+|www\.\S+", " ", t)
    t = re.sub(r"@\w+", " ", t)
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


def normalize_case_text(text: str) -> str:
    """The text fingerprint form: the project's text normaliser when present, else a minimal local one."""
    try:
        from .normalize.text import normalize_text  # type: ignore[import-not-found]
    except ImportError:
        return _local_normalize(text)
    try:
        out = normalize_text(text)
    except Exception:  # a normaliser with another signature: stay usable
        return _local_normalize(text)
    return _local_normalize(out if isinstance(out, str) else text)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _shingles(norm: str) -> set[str]:
    if not norm:
        return set()
    if _CJK.search(norm):
        s = norm.replace(" ", "")
        return {s[i : i + 4] for i in range(max(1, len(s) - 3))}
    w = norm.split()
    if len(w) < 3:
        return {" ".join(w)}
    return {" ".join(w[i : i + 3]) for i in range(len(w) - 2)}


# ---------------------------------------------------------------------------
# parsing indicators
# ---------------------------------------------------------------------------
def _host(u: str) -> tuple[str, Any]:
    parts = urlsplit(u if "//" in u else "//" + u)
    host = (parts.hostname or "").lower()
    for pre in ("www.", "m.", "mobile.", "web."):
        if host.startswith(pre):
            host = host[len(pre) :]
    return host, parts


def _norm_url(u: str) -> str:
    host, parts = _host(u)
    path = parts.path.rstrip("/")
    q = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{q}"


def parse_indicator(value: str) -> list[tuple[str, str]]:
    """The ``(kind, value)`` indicators one Meta indicator cell yields (after refanging)."""
    v = refang(value)
    if not v:
        return []
    looks_url = bool(re.match(r"^(https?://|www\.)", v, re.I)) or bool(re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", v, re.I))
    if not looks_url:
        return []
    host, parts = _host(v)
    if not host:
        return []
    out = [("url", _norm_url(v))]
    segs = [s for s in parts.path.split("/") if s]
    base = registered_domain(host) or host
    handle: str | None = None
    if base in PLATFORM_DOMAINS:
        if base == "facebook.com" and segs and segs[0] == "profile.php":
            fid = parse_qs(parts.query).get("id", [None])[0]
            if fid:
                out.append(("account", f"facebook:{fid}"))
        elif base == "reddit.com" and len(segs) >= 2 and segs[0] in ("user", "u"):
            handle = segs[1]
        elif base == "youtube.com" and len(segs) >= 2 and segs[0] == "channel":
            out.append(("account", f"youtube:{segs[1]}"))
        elif base == "youtube.com" and len(segs) >= 2 and segs[0] in ("c", "user"):
            handle = segs[1]
        elif base == "quora.com" and len(segs) >= 2 and segs[0] == "profile":
            handle = segs[1]
        elif host != base and base in ("tumblr.com", "livejournal.com", "quora.com") and host.split(".")[0] not in ("www", "forum"):
            handle = host[: -len(base) - 1]
        elif segs and segs[0].lstrip("@") and segs[0].casefold() not in _SKIP_SEGMENTS:
            handle = segs[0]
    else:
        out.append(("domain", base))
    if handle:
        h = handle.lstrip("@").casefold()
        if h and not h.isdigit():
            out.append(("handle", h))
        elif h.isdigit():
            out.append(("account", f"{base.split('.')[0]}:{h}"))
    return out


@dataclass
class _Case:
    case_id: str
    name: str
    source: str
    facts: list[str] = field(default_factory=list)
    indicators: dict[tuple[str, str], str] = field(default_factory=dict)
    skipped: int = 0


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.casefold()).strip("-") or "case"


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise NotFoundError(f"no file {str(path)!r}.", hint="Check the path.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnknownFormatError(f"{path}: not UTF-8 text ({exc}).", hint="Save the file as UTF-8 CSV.") from exc
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise UnknownFormatError(f"{path}: the file is empty.", hint="A case file needs a header row.") from None
    cols = [h.strip().casefold() for h in header]
    rows = [dict(zip(cols, (c.strip() for c in r), strict=False)) for r in reader if any(c.strip() for c in r)]
    return cols, rows


def import_cases(store: Store, path: str | Path, *, name: str | None = None, case_id: str | None = None) -> list[dict[str, Any]]:
    """Import a Meta indicator CSV or a cibwatch ``kind,value,note`` CSV into the case library.

    Re-importing replaces the case's indicators. Returns one summary per case.
    """
    p = Path(path)
    cols, rows = _read_rows(p)
    cases: dict[str, _Case] = {}
    stem = p.stem

    def get(cid: str, nm: str) -> _Case:
        if cid not in cases:
            cases[cid] = _Case(cid, nm, str(p.name))
        return cases[cid]

    if "indicator" in cols:
        for col in ("tactic", "procedure"):
            if col not in cols and "source_file" not in cols:
                raise MissingColumnError(col, cols, path=str(p), hint="Meta's indicator CSVs have Tactic, Technique, Procedure, Indicator, Note.")
        for r in rows:
            src = r.get("source_file") or stem
            if case_id:
                cid = case_id
                nm = name or case_id
            else:
                base = Path(src).stem
                cid = _slug(base)
                nm = name if name and "source_file" not in cols else base.replace("_", " ")
            c = get(cid, nm)
            value = r.get("indicator", "")
            note = r.get("note") or ""
            found = parse_indicator(value)
            if found:
                for kind, val in found:
                    c.indicators.setdefault((kind, val), note or value)
            elif re.match(r"^\s*[\d,.]+\s+\w", value):
                c.facts.append(value)
            elif "posting" in (r.get("procedure") or "").casefold() and len(value.strip()) >= (6 if _CJK.search(value) else 20):
                c.indicators.setdefault(("text", normalize_case_text(value)), (value + (f" — {note}" if note else ""))[:1000])
            else:
                c.skipped += 1
    elif "kind" in cols and "value" in cols:
        cid = case_id or _slug(name or stem)
        c = get(cid, name or stem)
        for i, r in enumerate(rows, start=2):
            kind = r.get("kind", "").casefold()
            if kind not in CASE_KINDS:
                raise ParameterError(f"kind (line {i} of {p.name})", "one of " + ", ".join(CASE_KINDS), r.get("kind"))
            val = _normalize_value(kind, r.get("value", ""))
            if val:
                c.indicators.setdefault((kind, val), r.get("note") or "")
    else:
        raise UnknownFormatError(
            f"{p}: not a case file (expected Meta's Tactic,Technique,Procedure,Indicator,Note or kind,value,note); columns are: {', '.join(cols)}.",
            hint="Use Meta's indicator CSV (Tactic, Technique, Procedure, Indicator, Note) or a CSV with columns kind,value,note "
            "where kind is account, handle, domain, url or text.",
        )
    out = []
    with store.transaction():
        for c in cases.values():
            _write_case(store, c.case_id, c.name, c.source, "; ".join(c.facts[:20]) or None, c.indicators)
            out.append({"case_id": c.case_id, "name": c.name, "indicators": dict(Counter(k for k, _ in c.indicators)), "skipped": c.skipped})
    return out


def _normalize_value(kind: str, value: str) -> str:
    v = refang(value)
    if kind == "handle":
        return v.lstrip("@").casefold()
    if kind == "domain":
        return registered_domain(v) or ""
    if kind == "url":
        return _norm_url(v)
    if kind == "text":
        return normalize_case_text(v)
    return v


def _write_case(store: Store, case_id: str, name: str, source: str, description: str | None, indicators: dict[tuple[str, str], str]) -> None:
    store.execute("DELETE FROM case_indicators WHERE case_id = ?", [case_id])
    store.execute("DELETE FROM cases WHERE case_id = ?", [case_id])
    store.execute(
        "INSERT INTO cases (case_id, name, source, description, imported_at) VALUES (?, ?, ?, ?, ?)",
        [case_id, name, source, description, _dt.datetime.now(_dt.UTC).replace(tzinfo=None)],
    )
    rows = [[case_id, k, v, n] for (k, v), n in indicators.items()]
    if rows:
        store.con.executemany("INSERT INTO case_indicators VALUES (?, ?, ?, ?)", rows)


def list_cases(store: Store) -> list[dict[str, Any]]:
    """Every case with its indicator counts per kind."""
    cases = store.query("SELECT case_id, name, source, description, imported_at FROM cases ORDER BY case_id")
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in store.query("SELECT case_id, kind, count(*) AS n FROM case_indicators GROUP BY case_id, kind"):
        counts[r["case_id"]][r["kind"]] = int(r["n"])
    return [{**c, "imported_at": str(c["imported_at"]), "indicators": counts.get(c["case_id"], {})} for c in cases]


# ---------------------------------------------------------------------------
# campaign side
# ---------------------------------------------------------------------------
def _campaign_values(store: Store, run_id: str, campaign_id: str, *, min_accounts: int = 1, max_texts: int = 5000) -> dict[str, Any]:
    members = store.query(
        "SELECT node, platform, account_id FROM campaign_accounts WHERE run_id = ? AND campaign_id = ? ORDER BY node", [run_id, campaign_id]
    )
    if not members:
        raise NotFoundError(f"no campaign {campaign_id!r} in run {run_id!r}.", hint="List campaigns with `cibwatch campaigns`.")
    handles: dict[str, str] = {}
    for r in store.query(
        """SELECT ca.node, lower(ltrim(a.handle, '@')) AS h FROM campaign_accounts ca
           JOIN accounts a ON a.platform = ca.platform AND a.account_id = ca.account_id
           WHERE ca.run_id = ? AND ca.campaign_id = ? AND a.handle IS NOT NULL
           UNION SELECT ca.node, lower(ltrim(h.value, '@')) FROM campaign_accounts ca
           JOIN account_history h ON h.platform = ca.platform AND h.account_id = ca.account_id AND h.field = 'handle'
           WHERE ca.run_id = ? AND ca.campaign_id = ?""",
        [run_id, campaign_id, run_id, campaign_id],
    ):
        handles[r["h"]] = r["node"]
    posts = store.query(
        """SELECT ca.node, p.post_id, p.text, p.urls FROM posts p
           JOIN campaign_accounts ca ON ca.platform = p.platform AND ca.account_id = p.account_id
           WHERE ca.run_id = ? AND ca.campaign_id = ?""",
        [run_id, campaign_id],
    )
    domains: dict[str, set[str]] = defaultdict(set)
    urls: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, list[str]] = defaultdict(list)
    text_nodes: dict[str, set[str]] = defaultdict(set)
    norm_cache: dict[str, str] = {}
    for p in posts:
        for u in p["urls"] or []:
            d = registered_domain(u)
            if d and d not in PLATFORM_DOMAINS:
                domains[d].add(p["node"])
            urls[_norm_url(u)].add(p["node"])
        if p["text"]:
            n = norm_cache.get(p["text"])
            if n is None:
                n = norm_cache[p["text"]] = normalize_case_text(p["text"])
            if len(n) >= 10:
                texts[n].append(p["post_id"])
                text_nodes[n].add(p["node"])
    ranked = sorted(texts, key=lambda t: -len(texts[t]))[:max_texts]
    return {
        "members": members,
        "handles": handles,
        "domains": {d: n for d, n in domains.items() if len(n) >= min_accounts},
        "urls": {u: n for u, n in urls.items() if len(n) >= min_accounts},
        "texts": {t: texts[t] for t in ranked if len(text_nodes[t]) >= min_accounts},
    }


def export_case_from_campaign(store: Store, run_id: str, campaign_id: str, case_id: str, *, name: str | None = None) -> dict[str, Any]:
    """Save a detected campaign as a case: its accounts, handles, shared domains/URLs and repeated texts."""
    if not case_id or not re.match(r"^[\w.:-]+$", case_id):
        raise ParameterError("case_id", "a non-empty id of letters, digits, '.', ':', '_' or '-'", case_id)
    v = _campaign_values(store, run_id, campaign_id, min_accounts=2, max_texts=200)
    ind: dict[tuple[str, str], str] = {}
    for m in v["members"]:
        ind[("account", m["node"])] = f"member of {campaign_id} in run {run_id}"
    for h in v["handles"]:
        ind[("handle", h)] = f"handle of {v['handles'][h]}"
    for d, nodes in v["domains"].items():
        ind[("domain", d)] = f"linked by {len(nodes)} accounts"
    for u, nodes in v["urls"].items():
        ind[("url", u)] = f"linked by {len(nodes)} accounts"
    for t, posts in v["texts"].items():
        ind[("text", t)] = f"posted {len(posts)} time{'s' if len(posts) != 1 else ''}"
    desc = f"Exported from campaign {campaign_id} of run {run_id} ({len(v['members'])} accounts)."
    with store.transaction():
        _write_case(store, case_id, name or f"{campaign_id} ({run_id})", f"cibwatch:{run_id}:{campaign_id}", desc, ind)
    return {"case_id": case_id, "name": name or f"{campaign_id} ({run_id})", "indicators": dict(Counter(k for k, _ in ind))}


class CaseMatcher:
    """Link campaigns to cases (see the module docstring for the method).

    Parameters: ``weights`` (kind → weight of one shared value),
    ``text_threshold`` (shingle containment for a text match),
    ``min_score`` (smallest link score reported), ``max_posting`` (shingles
    shared by more case texts than this are too common to index).
    ``fit(store)`` loads the library; ``match(store, run_id, campaign_id)``
    returns links ``[{case_id, name, score, matches, counts}]``.
    """

    def __init__(self, weights: dict[str, float] | None = None, text_threshold: float = 0.7, min_score: float = 0.5, max_posting: int = 50) -> None:
        self.weights = weights
        self.text_threshold = text_threshold
        self.min_score = min_score
        self.max_posting = max_posting

    def fit(self, store: Store, *, exclude_source_prefix: str | None = None) -> CaseMatcher:
        for nm, val in (("text_threshold", self.text_threshold), ("min_score", self.min_score)):
            if not (isinstance(val, (int, float)) and 0 < val <= 1):
                raise ParameterError(nm, "a number in (0, 1]", val, owner="CaseMatcher")
        self.weights_ = {**DEFAULT_MATCH_WEIGHTS, **(self.weights or {})}
        for k, w in self.weights_.items():
            if not 0 <= w < 1:
                raise ParameterError(f"weights[{k!r}]", "a number in [0, 1)", w, owner="CaseMatcher")
        self.cases_ = {c["case_id"]: c for c in store.query("SELECT case_id, name, source FROM cases")}
        if exclude_source_prefix:
            self.cases_ = {k: c for k, c in self.cases_.items() if not (c["source"] or "").startswith(exclude_source_prefix)}
        self.values_: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # kind -> value -> cases
        self.texts_: list[tuple[str, str, set[str]]] = []
        index: dict[str, list[int]] = defaultdict(list)
        for r in store.execute("SELECT case_id, kind, value FROM case_indicators").fetchall():
            if r[0] not in self.cases_:
                continue
            if r[1] == "text":
                sh = _shingles(r[2])
                if sh:
                    for s in sh:
                        index[s].append(len(self.texts_))
                    self.texts_.append((r[0], r[2], sh))
            else:
                self.values_[r[1]][r[2]].add(r[0])
        self.index_ = {s: ids for s, ids in index.items() if len(ids) <= self.max_posting}
        return self

    def match(self, store: Store, run_id: str, campaign_id: str) -> list[dict[str, Any]]:
        v = _campaign_values(store, run_id, campaign_id)
        hits: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))  # case -> kind -> value -> detail
        for m in v["members"]:
            for key in (m["node"], m["account_id"]):
                for cid in self.values_["account"].get(key, ()):
                    hits[cid]["account"][m["node"]] = {"node": m["node"]}
        for h, node in v["handles"].items():
            for cid in self.values_["handle"].get(h, ()):
                hits[cid]["handle"][h] = {"node": node}
        for d, nodes in v["domains"].items():
            for cid in self.values_["domain"].get(d, ()):
                hits[cid]["domain"][d] = {"accounts": len(nodes)}
        for u, nodes in v["urls"].items():
            for cid in self.values_["url"].get(u, ()):
                hits[cid]["url"][u] = {"accounts": len(nodes)}
        for t, post_ids in v["texts"].items():
            sh = _shingles(t)
            shared: Counter[int] = Counter()
            for s in sh:
                for i in self.index_.get(s, ()):
                    shared[i] += 1
            for i, n_shared in shared.items():
                cid, ctext, csh = self.texts_[i]
                contain = n_shared / max(1, min(len(sh), len(csh)))
                if contain >= self.text_threshold and ctext not in hits[cid]["text"]:
                    hits[cid]["text"][ctext] = {"posts": post_ids[:5], "campaign_text": t[:200], "containment": round(contain, 3)}
        links = []
        for cid, kinds in hits.items():
            counts = {k: len(vals) for k, vals in kinds.items() if vals}
            if not counts:
                continue
            miss = 1.0
            for k, n in counts.items():
                miss *= (1 - self.weights_.get(k, 0.0)) ** n
            score = 1 - miss
            if score >= self.min_score:
                links.append(
                    {"case_id": cid, "name": self.cases_[cid]["name"], "score": round(score, 4), "counts": counts,
                     "matches": {k: dict(list(vals.items())[:20]) for k, vals in kinds.items() if vals},
                     "members": len(v["members"])}
                )
        return sorted(links, key=lambda link: -link["score"])


def match_campaign(store: Store, run_id: str, campaign_id: str, **params: Any) -> list[dict[str, Any]]:
    """Function form of :class:`CaseMatcher` (cases exported from this run are skipped)."""
    return CaseMatcher(**params).fit(store, exclude_source_prefix=f"cibwatch:{run_id}:").match(store, run_id, campaign_id)

