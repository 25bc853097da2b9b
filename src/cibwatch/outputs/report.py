"""Case report for one campaign: self-contained HTML (inline CSS and SVG, CSP) and PDF (WeasyPrint, no fetching)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import disarm
from ..errors import ParameterError
from ..store import Store
from . import charts, data
from .referral import post_link
from .render import render
from .safe import CSP, defang, html_to_pdf


def write_report(
    store: Store,
    campaign_id: str,
    out_dir: str | Path,
    *,
    formats: tuple[str, ...] = ("html", "pdf"),
    run_id: str | None = None,
) -> list[Path]:
    """Write ``report-<campaign>.html``/``.pdf`` for one campaign (or every campaign when ``all``)."""
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise ParameterError("formats", "html and/or pdf", ",".join(formats))
    run = data.resolve_run(store, run_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for cid in data.campaign_ids(store, run, campaign_id):
        html = _html(store, run, cid)
        stem = out / f"report-{cid}"
        if "html" in formats:
            stem.with_suffix(".html").write_text(html, encoding="utf-8")
            paths.append(stem.with_suffix(".html"))
        if "pdf" in formats:
            paths.append(html_to_pdf(html, stem.with_suffix(".pdf")))
    return paths


def _narratives(nar: Any) -> list[dict[str, Any]]:
    """Narrative items ``{lang, n_posts, representative}`` from a campaign profile.

    The profile lists text clusters (``narratives.clusters``); a campaign
    without text clusters falls back to its most repeated messages per language.
    """
    if isinstance(nar, list):  # profiles written before narratives were grouped
        clusters, repeated = nar, {}
    else:
        clusters, repeated = nar.get("clusters") or [], nar.get("repeated_messages") or {}
    items = [
        {
            "lang": c.get("lang") or ", ".join(c.get("langs") or []) or "und",
            "n_posts": c.get("n_posts"),
            "representative": defang(c.get("representative")),
        }
        for c in clusters
        if c.get("representative")
    ]
    if not items:
        items = [
            {"lang": lang, "n_posts": m.get("count"), "representative": defang(m.get("text"))}
            for lang, msgs in repeated.items()
            for m in msgs
            if m.get("text")
        ]
    return items


def _html(store: Store, run: str, cid: str) -> str:
    c = data.campaign(store, run, cid)
    prof = c["profile"] or {}
    posts = data.campaign_posts(store, run, cid)
    accts = data.accounts(store, run, cid)
    times = [p["created_at"] for p in posts]
    es = data.edges(store, run, cid)
    targets = data.targets_reached(store, run, cid)
    threats = []
    for t in targets:
        th = data.threat(store, run, t["target_id"])
        t["level"] = th["level"] if th else "not assessed"
        if th:
            threats.append(
                {
                    "name": t["name"],
                    "level": th["level"],
                    "checked": json.dumps(th["checked"], ensure_ascii=False),
                    "reasons": "; ".join(map(str, th["reasons"])),
                }
            )
    narratives = prof.get("narratives") or []
    evidence = []
    for a in accts:
        for e in a["evidence"][:3]:
            plat = a["platform"]
            evidence.append(
                {
                    "kind": e["kind"],
                    "detail": defang(e["detail"]),
                    "links": [post_link(plat, pid) for pid in (e["posts"] or [])[:3] if post_link(plat, pid)],
                }
            )
    run_info = data.run_info(store, run)
    return render(
        "report.html.j2",
        csp=CSP,
        cid=cid,
        n_accounts=len(accts) or c.get("size") or 0,
        n_posts=len(posts),
        first=c.get("first_seen") or (min(times) if times else "—"),
        last=c.get("last_seen") or (max(times) if times else "—"),
        classification=c.get("classification") or "unclassified",
        score=c.get("score"),
        cases=data.case_links(store, run, cid),
        timeline=charts.timeline(times),
        heatmap=charts.heatmap(times),
        network=charts.network(
            [a["node"] for a in accts], [(e["a"], e["b"], e["weight"] or 0) for e in es], seed=run_info.get("seed") or 0
        ),
        narratives=_narratives(narratives),
        targets=targets,
        accounts=accts,
        evidence=evidence[:60],
        examples=[defang(t) for t in list(dict.fromkeys(p["text"] for p in posts if p["text"]))[:8]],
        threats=threats,
        techniques=disarm.techniques_for(data.evidence_kinds(store, run, cid)),
        run=run_info,
        params=json.dumps(run_info["parameters"], indent=1, ensure_ascii=False, default=str),
    )
