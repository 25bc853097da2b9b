"""Case report for one campaign: self-contained HTML (inline CSS and SVG, CSP) and PDF (WeasyPrint, no fetching).

The content comes from :func:`cibwatch.outputs.casefile.case_file`; this
module words it in English or French (``lang``), draws the charts and writes
the files. Adversary text is escaped by the template engine and URLs in it
are defanged; the only links are to post and profile pages on the platforms,
to the DISARM technique pages and to the report's own sections.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from .. import disarm
from ..errors import ParameterError
from ..store import Store
from . import charts, data, i18n
from .casefile import case_file
from .render import render
from .safe import CSP, html_to_pdf
from .wording import Fmt, signs_view, threat_view, tz_label

__all__ = ["write_report", "report_html", "SECTIONS"]

SECTIONS = ("summary", "score", "timeline", "hours", "network", "narratives", "targets", "accounts", "evidence",
            "disarm", "method")
_COLOURS = {"hijack": charts.ORANGE, "batch": charts.BLUE, "other": charts.GREY}
_DETECTION_SKIP = {"assessment"}


def write_report(
    store: Store,
    campaign_id: str,
    out_dir: str | Path,
    *,
    formats: tuple[str, ...] = ("html", "pdf"),
    run_id: str | None = None,
    lang: str = "en",
) -> list[Path]:
    """Write ``report-<campaign>.html``/``.pdf`` for one campaign (or every campaign when ``all``).

    ``lang`` is ``en`` or ``fr``; the French report is named ``report-<campaign>-fr``.
    """
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise ParameterError("formats", "html and/or pdf", ",".join(formats))
    lang = i18n.check_lang(lang)
    run = data.resolve_run(store, run_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for cid in data.campaign_ids(store, run, campaign_id):
        html = report_html(store, run, cid, lang=lang)
        stem = out / (f"report-{_safe_name(cid)}" + ("" if lang == "en" else f"-{lang}"))
        if "html" in formats:
            p = stem.with_name(stem.name + ".html")
            p.write_text(html, encoding="utf-8")
            paths.append(p)
        if "pdf" in formats:
            paths.append(html_to_pdf(html, stem.with_name(stem.name + ".pdf")))
    return paths


def _safe_name(s: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in s)


def _chip(f: Fmt) -> Any:
    def chip(c: dict[str, Any]) -> str:
        k = c["kind"]
        if k == "batch":
            return f.tr("i_batch", n=f.int(c.get("n")), date=f.date(c.get("date")))
        if k == "handle":
            return f.tr("i_handle")
        if k == "schedule":
            return f.tr("i_schedule", tz=tz_label(c.get("offset")))
        if k == "hijack":
            text = f.tr("i_hijack", old="@" + c["old"]) if c.get("old") else f.tr("i_hijack_plain")
            if c.get("lang_before") and c.get("lang_after") and c["lang_before"] != c["lang_after"]:
                text += f", {f.name('lang', c['lang_before'])} → {f.name('lang', c['lang_after'])}"
            return text
        if k == "low_reach":
            return f.tr("i_low_reach")
        if k == "partners":
            return f.tr("i_partners", n=f.int(c.get("n")))
        return f.tr("i_known")

    return chip


def _params(d: dict[str, Any], skip: set[str] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    out = []
    for k in sorted(d):
        if k in skip:
            continue
        v = d[k]
        out.append((k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)))
    return out


def _shared(link: dict[str, Any], f: Fmt) -> list[str]:
    counts = (link.get("evidence") or {}).get("counts") or {}
    out = []
    for k, n in counts.items():
        one, _, many = f.name("case_kind", k).partition("|")
        out.append(f"{f.int(n)} {one if n == 1 or not many else many}")
    return out or ["—"]


def _checks(threats: dict[str, dict[str, Any]]) -> list[str]:
    return next((v["checks"] for v in threats.values() if v["checks"]), [])


def report_html(store: Store, run: str, cid: str, *, lang: str = "en") -> str:
    """The report of one campaign as an HTML string."""
    f = Fmt(i18n.check_lang(lang))
    m = case_file(store, run, cid)
    tl = m["timeline"]
    shaded = {d: f.holiday(v) for d, v in tl["shaded"].items()}
    bursts = [_dt.date.fromisoformat(b["date"][:10]) for b in tl["bursts"]]
    weights = [r["weight"] for r in m["score_rows"]]
    computed = 1.0
    for w in weights:
        computed *= 1.0 - min(max(float(w), 0.0), 1.0)
    threats = {t["target_id"]: threat_view(t["threat"], f.lang) for t in m["targets"]}
    params = m["run_info"]["parameters"]
    net = m["network"]
    legend = [(_COLOURS[g], f.tr(f"legend_{g}")) for g in ("hijack", "batch", "other")
              if any(n["group"] == g for n in net["nodes"])]
    nodes = [{**n, "colour": _COLOURS[n["group"]]} for n in net["nodes"]]
    return render(
        "report.html.j2",
        f=f,
        m=m,
        csp=CSP,
        generated=_dt.datetime.now(_dt.UTC),
        sections=SECTIONS,
        top_targets=[t["name"] for t in m["targets"][:5]],
        signs=signs_view(m["assessment"], m["campaign_evidence"], f.lang),
        shared={lk["case_id"]: _shared(lk, f) for lk in m["links"]},
        factors=" × ".join(f"(1 − {f.num(w, 3)})" for w in weights),
        computed=1.0 - computed,
        timeline=charts.timeline(tl["daily"], bursts=bursts, shaded=shaded,
                                 fmt_day=lambda d: f"{d.day} {f.name('month', d.month)[:3]}"),
        heatmap=charts.heatmap(m["times"], labels=("Ottawa", "Beijing" if f.lang == "en" else "Pékin")),
        network=charts.network(nodes, net["edges"], seed=m["run_info"].get("seed") or 0, legend=legend),
        capped=f.tr("net_capped", n=f.int(len(net["edges"]))) if net["capped"] else "",
        threats=threats,
        checks=_checks(threats),
        top_bursts=sorted(sorted(tl["bursts"], key=lambda b: -(b.get("z") or 0))[:6], key=lambda b: b["date"]),
        chip=_chip(f),
        disarm_url=disarm.technique_url,
        detection_params=_params(params, _DETECTION_SKIP),
        assessment_params=_params(params.get("assessment") or {}),
        run_summary=_params({k: v for k, v in m["run_info"]["summary"].items() if k != "engine"}),
    )
