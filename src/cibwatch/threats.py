"""Threat level per target: is anyone in danger, and how do we know?

For every watch-list target, the messages directed at it in the run's period
(replies, mentions, comments under its posts; :func:`cibwatch.profile.directed_messages`),
from campaign accounts and from everyone else, are checked against:

* **lexicons** in English, French and Chinese (``cibwatch/data/lexicons/*.json``):
  violence, incitement and intimidation (level ``safety``), defamation and
  insults (``harassment``), spam (``nuisance``). English and French phrases
  match whole words after case and accent folding; Chinese phrases match as
  substrings (no word segmentation needed);
* **doxxing patterns** (level ``safety``): North American, international and
  Chinese mobile phone numbers, e-mail addresses, street addresses in English,
  French and Chinese forms ("123 Maple Street", "45 rue Sainte-Catherine",
  "中山路12号"). A number or address equal to the target's own published
  contact is not doxxing and is skipped.

The level is the most severe rule hit; without any hit it is ``nuisance``
when campaign accounts reached the target or one account sent it the same
text ``repetition_min`` times or more, else ``none``. Every hit quotes the message (post id, author, text, rule, whether
it came from a campaign account). When no safety threat is found, the result
still lists every rule and lexicon checked and on how many messages, so the
judgement can be checked. The patterns are fixed in this module and the
lexicons are package data: message text is only ever matched, never compiled.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from importlib import resources
from typing import Any

from .evidence import Evidence
from .profile import directed_messages, post_languages, post_link, run_period
from .store import Store

__all__ = ["LEVELS", "PATTERNS", "load_lexicons", "scan_message", "assess_threats", "write_threats", "threat_evidence", "read_threats"]

#: Levels from most to least severe.
LEVELS = ("safety", "harassment", "nuisance", "none")
_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
LANGS = ("en", "fr", "zh")

_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_STREET_EN = r"street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|crescent|cres|court|ct|way|place|pl|terrace|trail|circle|highway|hwy|parkway|pkwy"
_STREET_FR = r"rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|place|route|rang|côte|cote|montée|montee|allée|allee|impasse|promenade|croissant|quai"

#: name -> (compiled pattern, description). Fixed here; never built from message text.
PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "email": (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I), "e-mail address"),
    "phone_nanp": (
        re.compile(r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[\s.-]?[2-9]\d{2}[\s.-]?\d{4}(?![\d])"),
        "North American phone number",
    ),
    "phone_intl": (re.compile(r"(?<![\w+])\+[2-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\d])"), "international phone number"),
    "phone_cn": (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "Chinese mobile number"),
    "address_en": (
        re.compile(rf"(?<![\w])\d{{1,5}}\s+(?:[^\W\d_][\w'’.-]*\s+){{1,3}}(?:{_STREET_EN})\b\.?", re.I),
        "street address (English form)",
    ),
    "address_fr": (
        re.compile(
            rf"(?<![\w])\d{{1,5}}(?:\s?(?:bis|ter))?,?\s+(?:{_STREET_FR})\s+(?:de\s+la\s+|du\s+|des\s+|de\s+l['’]|d['’]|de\s+)?[^\W\d_][\w'’-]*",
            re.I,
        ),
        "street address (French form)",
    ),
    "address_zh": (re.compile(r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|道|巷|弄)\d{1,5}(?:号|號)"), "street address (Chinese form)"),
}
_PATTERN_CATEGORY = {"email": "doxxing", "phone_nanp": "doxxing", "phone_intl": "doxxing", "phone_cn": "doxxing",
                     "address_en": "doxxing", "address_fr": "doxxing", "address_zh": "doxxing"}


_NONWORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Case- and accent-folded text with punctuation as spaces (lexicon matching form)."""
    t = text or ""
    if t.isascii():
        t = t.casefold()
    else:
        t = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", t).casefold()))
        t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return " " + _NONWORD.sub(" ", t).strip() + " "


_END = ""


def _trie_regex(node: dict[str, Any]) -> str:
    """Regex of a trie of atoms; shared prefixes are matched once (fast on long phrase lists)."""
    alts = [atom + _trie_regex(child) for atom, child in sorted(node.items()) if atom != _END]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if _END in node:
        return "(?:" + body + ")?" if len(alts) > 1 or len(alts[0]) > 1 else body + "?"
    return body


def _phrase_body(phrases: list[str]) -> str:
    """One pattern for a list of phrases: words joined by whitespace, a trailing ``*`` for any word ending."""
    trie: dict[str, Any] = {}
    for ph in phrases:
        words = fold(ph.rstrip("*")).split()
        if not words:
            continue
        atoms = []
        for i, w in enumerate(words):
            if i:
                atoms.append(r"\s+")
            atoms += [re.escape(ch) for ch in w]
        if ph.endswith("*"):
            atoms.append(r"\w*")
        node = trie
        for a in atoms:
            node = node.setdefault(a, {})
        node[_END] = {}
    return _trie_regex(trie)


@functools.lru_cache(maxsize=1)
def load_lexicons() -> dict[str, dict[str, Any]]:
    """The packaged lexicons: ``{lang: {category: {level, description, phrases}}}``.

    English and French phrases are compiled into one pattern per language
    (:func:`_combined`, a named group per category) so a message is read once
    per language; Chinese phrases are kept as substrings (``"subs"``).
    """
    out: dict[str, dict[str, Any]] = {}
    base = resources.files("cibwatch") / "data" / "lexicons"
    for lang in LANGS:
        data = json.loads((base / f"{lang}.json").read_text(encoding="utf-8"))
        cats: dict[str, Any] = {}
        for name, c in data["categories"].items():
            entry = {"level": c["level"], "description": c["description"], "phrases": list(c["phrases"])}
            if lang == "zh":
                entry["subs"] = [unicodedata.normalize("NFKC", p) for p in c["phrases"]]
            cats[name] = entry
        out[lang] = cats
    return out


@functools.lru_cache(maxsize=4)
def _combined(lang: str) -> re.Pattern[str]:
    groups = [f"(?P<{name}>{_phrase_body(c['phrases'])})" for name, c in load_lexicons()[lang].items()]
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)")


_CATEGORIES = ("violence", "incitement", "intimidation", "defamation", "insult", "spam")
_NOT_DIGIT = re.compile(r"\D+")
_MAYBE_DOX = re.compile(r"[\d@]")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def scan_message(text: str, *, lang: str | None = None, exclude: frozenset[str] = frozenset(), folded: str | None = None) -> list[dict[str, Any]]:
    """Every rule a message trips: ``[{rule, category, level, language, match}]``.

    One hit per pattern and per lexicon category (the message's language is
    tried first). ``exclude``: folded e-mail addresses and digit strings of phone numbers
    that are the target's own published contact.
    """
    hits: list[dict[str, Any]] = []
    raw = unicodedata.normalize("NFKC", text or "")
    if _MAYBE_DOX.search(raw):  # every doxxing pattern needs a digit or an '@'
        no_urls = _URL.sub(" ", raw)
        n_digits = len(_NOT_DIGIT.sub("", no_urls))
        for name, (rx, _desc) in PATTERNS.items():
            if (name == "email" and "@" not in no_urls) or (name.startswith("phone") and n_digits < 8) or n_digits == 0 and name != "email":
                continue
            for m in rx.finditer(no_urls):
                val = m.group(0).strip()
                if name.startswith("phone"):
                    d = _digits(val)
                    if not 8 <= len(d) <= 15 or d in exclude or d[-10:] in exclude:
                        continue
                if name == "email" and val.casefold() in exclude:
                    continue
                hits.append({"rule": name, "category": _PATTERN_CATEGORY[name], "level": "safety", "language": None, "match": val})
                break
    if folded is None:
        folded = fold(raw)
    lex = load_lexicons()
    found: dict[str, dict[str, str]] = {}  # lang -> category -> first match
    for lg in ("en", "fr"):
        for m in _combined(lg).finditer(folded):
            found.setdefault(lg, {}).setdefault(m.lastgroup or "", m.group(0))
    if _HAS_CJK.search(raw):
        for cat, c in lex["zh"].items():
            sub = next((x for x in c["subs"] if x in raw), None)
            if sub:
                found.setdefault("zh", {})[cat] = sub
    order = sorted(LANGS, key=lambda lg: lg != lang)  # the message's own language first
    for cat in _CATEGORIES:
        for lg in order:
            if cat in found.get(lg, {}):
                c = lex[lg][cat]
                hits.append({"rule": f"{lg}:{cat}", "category": cat, "level": c["level"], "language": lg, "match": found[lg][cat]})
                break
    return hits


def _contact_exclusions(contact: str | None) -> frozenset[str]:
    if not contact:
        return frozenset()
    out = {m.group(0).casefold() for m in PATTERNS["email"][0].finditer(contact)}
    d = _digits(contact)
    if len(d) >= 10:
        out |= {d, d[-10:]}
    return frozenset(out)


def _checked_rules() -> list[dict[str, Any]]:
    rules = []
    lex = load_lexicons()
    for cat in _CATEGORIES:
        rules.append(
            {"rule": cat, "kind": "lexicon", "level": lex["en"][cat]["level"], "description": lex["en"][cat]["description"],
             "entries": {lang: len(lex[lang][cat]["phrases"]) for lang in LANGS if cat in lex[lang]}}
        )
    for name, (_, desc) in PATTERNS.items():
        rules.append({"rule": name, "kind": "pattern", "level": "safety", "description": desc})
    return rules


def assess_threats(
    store: Store,
    run_id: str,
    *,
    campaign_of: dict[tuple[str, str], str] | None = None,
    directed: list[dict[str, Any]] | None = None,
    quote_limit: int = 20,
    repetition_min: int = 3,
) -> list[dict[str, Any]]:
    """One result per watch-list target: ``{target, name, level, reasons, messages, checked}``."""
    if campaign_of is None:
        campaign_of = {
            (r["platform"], r["account_id"]): r["campaign_id"]
            for r in store.query("SELECT platform, account_id, campaign_id FROM campaign_accounts WHERE run_id = ?", [run_id])
        }
    if directed is None:
        since, until = run_period(store, run_id)
        directed = directed_messages(store, since, until)
    targets = store.query(
        "SELECT target_id, any_value(name) AS name, string_agg(coalesce(contact, ''), ' ') AS contact FROM targets GROUP BY target_id ORDER BY target_id"
    )
    per: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for d in directed:
        per[d["target_id"]].setdefault((d["platform"], d["post_id"]), d)
    # each message's language: the export's, else identified from the text (once, though it may reach several targets)
    unique = {(d["platform"], d["post_id"]): d for d in directed}
    lang_of = dict(zip(unique, post_languages(list(unique.values())), strict=True))
    authors = {(d["platform"], d["account_id"]) for d in directed}
    handles = _handles(store, authors)
    rules = _checked_rules()
    results = []
    for t in targets:
        tid = t["target_id"]
        msgs = list(per.get(tid, {}).values())
        exclude = _contact_exclusions(t["contact"])
        quoted: list[dict[str, Any]] = []
        reason_counts: Counter[tuple[str, str, str]] = Counter()
        level = "none"
        texts: Counter[tuple[str, str]] = Counter()
        from_campaign = 0
        ordered = sorted(msgs, key=lambda r: (r["created_at"], r["post_id"]))
        by_lang: Counter[str] = Counter(lang_of[(m["platform"], m["post_id"])] for m in ordered)
        for m in ordered:
            cid = campaign_of.get((m["platform"], m["account_id"]))
            from_campaign += cid is not None
            folded = fold(m["text"] or "")
            texts[(m["account_id"], folded)] += 1
            hits = scan_message(m["text"] or "", lang=m["lang"], exclude=exclude, folded=folded)
            if not hits:
                continue
            for h in hits:
                reason_counts[(h["level"], h["category"], h["rule"])] += 1
            top = min(hits, key=lambda h: _RANK[h["level"]])
            if _RANK[top["level"]] < _RANK[level]:
                level = top["level"]
            quoted.append(
                {"post_id": m["post_id"], "platform": m["platform"], "link": post_link(m["platform"], m["post_id"]),
                 "author": m["account_id"], "handle": handles.get((m["platform"], m["account_id"])), "created_at": str(m["created_at"]),
                 "text": m["text"], "level": top["level"], "rule": top["rule"], "category": top["category"], "match": top["match"],
                 "rules": [{"rule": h["rule"], "category": h["category"], "level": h["level"], "match": h["match"]} for h in hits],
                 "from_campaign": cid is not None, "campaign_id": cid}
            )
        repeated = sum(c for (_, txt), c in texts.items() if txt.strip() and c >= repetition_min)
        if level == "none" and (from_campaign or repeated):
            level = "nuisance"
        reasons = [
            {"level": lv, "category": cat, "rule": rule, "messages": n}
            for (lv, cat, rule), n in sorted(reason_counts.items(), key=lambda kv: (_RANK[kv[0][0]], -kv[1], kv[0][2]))
        ]
        if from_campaign:
            reasons.append({"level": "nuisance", "category": "coordinated", "rule": "campaign_messages", "messages": from_campaign})
        if repeated:
            reasons.append({"level": "nuisance", "category": "repetition", "rule": f"one account, same text {repetition_min}+ times", "messages": repeated})
        quoted.sort(key=lambda q: (_RANK[q["level"]], q["created_at"]))
        safety_n = sum(1 for q in quoted if q["level"] == "safety")
        shown = quoted[: max(quote_limit, safety_n)]
        langs = ", ".join(f"{k} {v}" for k, v in by_lang.most_common())
        n = len(msgs)
        scope = (
            f"{n} message(s) directed at this person ({langs or 'none'}; {from_campaign} from campaign accounts, {n - from_campaign} from others) "
            "were checked against violence, incitement and intimidation lexicons (English, French, Chinese), defamation, insult and spam "
            "lexicons, and doxxing patterns (phone numbers, e-mail addresses, street addresses)"
        )
        if level == "safety":
            statement = f"Safety threat: {safety_n} message(s) tripped a safety rule. {scope}."
        else:
            statement = f"No safety threat found. {scope}; none matched a safety rule."
        results.append(
            {"target": tid, "name": t["name"], "level": level, "reasons": reasons, "messages": shown,
             "checked": {"messages": n, "from_campaign": from_campaign, "from_others": n - from_campaign, "by_language": dict(by_lang),
                         "rules": rules, "statement": statement}}
        )
    return results


def _handles(store: Store, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    if not keys:
        return {}
    import pyarrow as pa

    tbl = pa.table({"platform": [k[0] for k in keys], "account_id": [k[1] for k in keys]})
    store.con.register("_cib_authors", tbl)
    try:
        rows = store.execute(
            "SELECT a.platform, a.account_id, a.handle FROM accounts a JOIN _cib_authors k ON k.platform = a.platform AND k.account_id = a.account_id"
        ).fetchall()
    finally:
        store.con.unregister("_cib_authors")
    return {(r[0], r[1]): r[2] for r in rows if r[2]}


def write_threats(store: Store, run_id: str, results: list[dict[str, Any]]) -> None:
    """Replace the run's ``threats`` rows with ``results``."""
    store.execute("DELETE FROM threats WHERE run_id = ?", [run_id])
    rows = [
        [run_id, r["target"], r["level"], json.dumps(r["reasons"], ensure_ascii=False, default=str),
         json.dumps(r["messages"], ensure_ascii=False, default=str), json.dumps(r["checked"], ensure_ascii=False, default=str)]
        for r in results
    ]
    if rows:
        store.con.executemany("INSERT INTO threats VALUES (?, ?, ?, ?, ?, ?)", rows)


def threat_evidence(results: list[dict[str, Any]]) -> list[Evidence]:
    """One evidence row per target (kind ``threat_<level>``) for reports and briefs."""
    out = []
    for r in results:
        posts = [q["post_id"] for q in r["messages"] if q["level"] == r["level"]][:10]
        out.append(
            Evidence("target", r["target"], f"threat_{r['level']}", r["checked"]["statement"], 0.0, posts,
                     {"level": r["level"], "reasons": r["reasons"], "messages_checked": r["checked"]["messages"]})
        )
    return out


def read_threats(store: Store, run_id: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The stored threat assessment of a run (the latest detection run by default)."""
    from .errors import NotFoundError

    run = run_id or str(store.latest_run("detect")["run_id"])
    rows = store.query("SELECT target_id, level, reasons, messages, checked FROM threats WHERE run_id = ? ORDER BY target_id", [run])
    if not rows:
        raise NotFoundError(f"run {run} has no threat assessment.", hint="Run `cibwatch assess` (or `cibwatch detect`) first.")
    names = {r["target_id"]: r["name"] for r in store.query("SELECT target_id, any_value(name) AS name FROM targets GROUP BY target_id")}
    out = []
    for r in sorted(rows, key=lambda r: (_RANK.get(r["level"], 9), r["target_id"])):
        out.append(
            {"target": r["target_id"], "name": names.get(r["target_id"]), "level": r["level"], "reasons": json.loads(r["reasons"] or "[]"),
             "messages": json.loads(r["messages"] or "[]"), "checked": json.loads(r["checked"] or "{}")}
        )
    return run, out
