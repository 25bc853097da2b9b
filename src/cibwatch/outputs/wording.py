"""Sentences built from stored results, in the reader's language (shared by briefs and reports).

The assessment stores its own explanations in English (``checked.statement``,
evidence ``detail``); the briefs must read in French throughout, so what a
target is told is rebuilt here from the structured fields instead.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from . import i18n
from .referral import post_link
from .safe import defang

__all__ = ["Fmt", "threat_view", "signs_view", "tz_label", "LEVELS"]

LEVELS = ("safety", "harassment", "nuisance", "none")
_Int = int  # ``Fmt.int`` shadows the builtin inside the class body


@dataclass(frozen=True)
class Fmt:
    """Formatting bound to one language, for templates: ``f.tr('key', x=1)``, ``f.date(d)``, ``f.int(n)``…"""

    lang: str

    def tr(self, key: str, **kw: object) -> str:
        return i18n.tr(self.lang, key, **kw)

    @property
    def colon(self) -> str:
        """``:`` (French puts a no-break space before it)."""
        return "\u00a0:" if self.lang == "fr" else ":"

    def name(self, table: str, code: object) -> str:
        return i18n.name(table, code, self.lang)

    def date(self, d: Any) -> str:
        return i18n.fmt_date(d, self.lang)

    def int(self, n: Any) -> str:
        return i18n.fmt_int(n, self.lang)

    def num(self, x: Any, digits: _Int = 2) -> str:
        return i18n.fmt_num(x, self.lang, digits)

    def list(self, items: Any) -> str:
        return i18n.fmt_list(items, self.lang)

    def gap(self, s: Any) -> str:
        return i18n.fmt_gap(s, self.lang)

    def sci(self, x: Any) -> str:
        """A p- or q-value: ``3.2e-07`` / ``3,2e-07``."""
        if x is None:
            return "—"
        s = f"{float(x):.2g}" if float(x) >= 1e-3 else f"{float(x):.1e}"
        return s.replace(".", ",") if self.lang == "fr" else s

    def counts(self, table: str, counts: dict[str, _Int]) -> str:
        """``English 35, Chinese 20`` from ``{"en": 35, "zh": 20}``, largest first."""
        items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        return ", ".join(f"{self.name(table, k)} {self.int(v)}" for k, v in items)

    def weekday(self, d: Any) -> str:
        if isinstance(d, str):
            d = _dt.date.fromisoformat(d[:10])
        return self.name("weekday", d.weekday())

    def holiday(self, b: dict[str, Any]) -> str:
        if b.get("holiday"):
            return self.name("holiday", b["holiday"])
        if b.get("long_weekend"):
            return i18n.name("long_weekend", "_", self.lang).format(name=self.name("holiday", b["long_weekend"]))
        return ""


def tz_label(offset: int | float | None) -> str:
    """``UTC+8`` / ``UTC−5`` (true minus sign)."""
    if offset is None:
        return "UTC"
    o = int(offset)
    return "UTC" if o == 0 else f"UTC{'+' if o > 0 else '−'}{abs(o)}"


def signs_view(assessment: dict[str, Any], campaign_evidence: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """Each state-style sign of a campaign: its name and what it means, in ``lang``."""
    offset = next(
        (e["data"].get("utc_offset") for e in campaign_evidence if e["kind"] == "schedule" and e["data"].get("foreign")),
        None,
    )
    out = []
    for s in assessment.get("state_style_signs") or []:
        code = s["sign"] if isinstance(s, dict) else str(s)
        out.append(
            {
                "sign": code,
                "meaning": i18n.name("sign", code, lang),
                "why": i18n.name("sign_why", code, lang).replace("{tz}", tz_label(offset)),
            }
        )
    return out


def threat_view(th: dict[str, Any] | None, lang: str, *, n_campaign: int | None = None) -> dict[str, Any]:
    """What a target is told about the threat: level, one-line verdict, what was checked, what matched,
    the messages that tripped a safety rule."""
    f = Fmt(lang)
    if not th:
        return {"level": "unknown", "label": f.tr("not_assessed"), "verdict": f.tr("level_unknown"), "checked": "",
                "checks": [], "matched": [], "flagged": [], "rule": "", "n": None, "from_campaign": None, "others": None}
    level = th.get("level") or "none"
    checked: dict[str, Any] = th["checked"] if isinstance(th.get("checked"), dict) else {}
    n = checked.get("messages", 0)
    from_campaign = checked.get("from_campaign", n_campaign or 0)
    others = checked.get("from_others", max(0, n - from_campaign))
    by_lang = checked.get("by_language") or {}
    intro = f.tr("checked_intro", n=f.int(n), campaign=f.int(from_campaign), others=f.int(others),
                 langs=f.counts("lang", by_lang) or "—")
    groups: dict[str, list[str]] = defaultdict(list)
    for r in checked.get("rules") or []:
        groups[r.get("kind") or "lexicon"].append(f.name("check", r.get("rule")))
    checks = [i18n.name("check_group", kind, lang).format(items=", ".join(items)) for kind, items in groups.items()]
    matched_n: Counter[tuple[str, str]] = Counter()
    matched_lang: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in th.get("reasons") or []:
        if not isinstance(r, dict):
            continue
        cat = r.get("category") or str(r.get("rule"))
        key = (r.get("level") or "nuisance", cat)
        matched_n[key] += int(r.get("messages") or 0)
        rule = str(r.get("rule") or "")
        if ":" in rule:
            matched_lang[key][rule.split(":", 1)[0]] += int(r.get("messages") or 0)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    matched = []
    for (lvl, cat), cnt in sorted(matched_n.items(), key=lambda kv: (order.get(kv[0][0], 9), -kv[1])):
        langs = matched_lang.get((lvl, cat))
        matched.append({"level": lvl, "label": f.name("check", cat), "level_label": f.tr(lvl) if lvl in LEVELS else lvl,
                        "messages": f.tr("messages_1") if cnt == 1 else f.tr("messages_n", n=f.int(cnt)), "langs": f.counts("lang", langs) if langs else ""})
    flagged = []
    for m in th.get("messages") or []:
        if isinstance(m, dict) and m.get("level") == "safety":
            flagged.append({"text": defang(m.get("text")), "date": f.date(m.get("created_at")), "handle": m.get("handle") or "",
                            "link": m.get("link") or post_link(m.get("platform") or "", m.get("post_id") or ""),
                            "rules": f.list(f.name("check", r.get("category") if ":" in str(r.get("rule")) else r.get("rule"))
                                            for r in m.get("rules") or [m])})
    return {"level": level, "label": f.tr(level) if level in LEVELS else level, "verdict": f.tr(f"level_{level}")
            if level in LEVELS else "", "checked": intro, "checks": checks, "matched": matched, "flagged": flagged,
            "rule": f.tr("level_rule"), "n": n, "from_campaign": from_campaign, "others": others}
