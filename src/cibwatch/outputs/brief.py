"""Briefs for targets (EN/FR): HTML, PDF and an .eml with plain text, HTML alternative and the PDF attached.

A brief tells one person, in their preferred language, that a coordinated
network reached them, by what, since when, how much, with examples; the
threat level and *how* it was assessed (what was checked, on how many
messages, what matched); and what they can do. Everything the person reads
is built from structured results in :mod:`cibwatch.outputs.wording`, so a
French brief is French throughout; the messages quoted are the adversary's
own words, shown as quotes in their original language.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from ..store import Store
from . import data, i18n
from .referral import post_link
from .render import render
from .safe import CSP, defang, html_to_pdf
from .wording import Fmt, signs_view, threat_view

__all__ = ["write_brief", "write_briefs", "reached_targets", "brief_content"]

EXAMPLES = 5


def reached_targets(store: Store, run_id: str | None = None) -> list[str]:
    """Ids of the targets that campaign accounts reached in a run, most messages first."""
    run = data.resolve_run(store, run_id)
    return [t["target_id"] for t in data.targets_reached(store, run)]


def _examples(posts: list[dict[str, Any]], lang: str, f: Fmt) -> list[dict[str, Any]]:
    """Distinct messages, those in the reader's language first, then the most repeated."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for p in posts:
        text = " ".join((p.get("text") or "").split())
        if text:
            groups.setdefault(text, []).append(p)
    ranked = sorted(groups.items(), key=lambda kv: ((kv[1][0].get("lang") or "und") != lang, -len(kv[1]), kv[1][0]["created_at"]))
    return [
        {"text": defang(text), "lang": ps[0].get("lang") or "und", "lang_name": f.name("lang", ps[0].get("lang") or "und"),
         "count": len(ps), "date": f.date(ps[0]["created_at"]), "platform": f.name("platform", ps[0]["platform"]),
         "link": post_link(ps[0]["platform"], ps[0]["post_id"])}
        for text, ps in ranked[:EXAMPLES]
    ]


def _reached(f: Fmt, posts: list[dict[str, Any]]) -> str:
    first = posts[0]["created_at"] if posts else None
    last = posts[-1]["created_at"] if posts else None
    kw = {"accounts": f.int(len({(p["platform"], p["account_id"]) for p in posts})), "posts": f.int(len(posts)),
          "platforms": f.list(f.name("platform", p) for p in sorted({p["platform"] for p in posts}))}
    if first is not None and last is not None and first.date() == last.date():
        return f.tr("reached_day", date=f.date(first), **kw)
    return f.tr("reached", since=f.date(first), until=f.date(last), **kw)


def brief_content(store: Store, run: str, target_id: str, lang: str) -> dict[str, Any]:
    """Everything a brief says, worded in ``lang``."""
    f = Fmt(lang)
    tgt = data.target(store, target_id)
    posts = data.target_posts(store, run, target_id)
    cids = sorted({p["campaign_id"] for p in posts})
    camps = [data.campaign(store, run, c) for c in cids]
    assessments = [c["profile"].get("assessment") or {} for c in camps if isinstance(c["profile"], dict)]
    signs: dict[str, dict[str, str]] = {}
    for c in camps:
        a = c["profile"].get("assessment") if isinstance(c["profile"], dict) else None
        if a and a.get("classification") == "state_style":
            for s in signs_view(a, data.campaign_evidence(store, run, c["campaign_id"]), lang):
                signs.setdefault(s["sign"], s)
    links = sorted({k.get("name") or k.get("case_id") for a in assessments for k in a.get("known_networks") or []})
    langs = Counter(d.get("lang") or "und" for d in data.directed(store, run) if d["campaign_id"] in cids)
    reached = data.targets_reached(store, run)
    n_targets = sum(1 for t in reached if set(t["campaigns"]) & set(cids))
    how = Counter(p["how"] for p in posts)
    peak = None
    for c in camps:
        tl = (c["profile"].get("timeline") or {}) if isinstance(c["profile"], dict) else {}
        for t in tl.get("targets") or []:
            if t.get("target_id") == target_id:
                for b in t.get("bursts") or []:
                    if peak is None or b.get("z", 0) > peak["z"]:
                        peak = {**b, "usual": t.get("baseline_mean")}
    th = data.threat(store, run, target_id)
    return {
        "lang": lang,
        "f": f,
        "target": tgt,
        "run": run,
        "campaigns": cids,
        "greeting": f.tr("greeting", name=tgt["name"]),
        "reached": _reached(f, posts),
        "how": [f"{f.tr(k)}{f.colon} {f.int(n)}" for k, n in how.most_common()],
        "peak": f.tr("peak", date=f.date(peak["date"]), posts=f.int(peak["campaign_posts"]),
                     usual=f.num(peak["usual"], 1)) if peak else "",
        "network_size": f.tr("network_size", accounts=f.int(sum(c.get("size") or 0 for c in camps)),
                             targets=f.int(n_targets), langs=f.list(f.name("lang", k) for k, _ in langs.most_common() if k != "und")),
        "network_kind": f.tr("network_state", signs=f.list(s["meaning"] for s in signs.values())) if signs
        else f.tr("network_unattributed"),
        "known_link": f.tr("known_link", names=f.list(links)) if links else f.tr("no_known_link"),
        "examples": _examples(posts, lang, f),
        "threat": threat_view(th, lang, n_campaign=len(posts)),
        "reference": f.tr("reference", run=run, campaigns=", ".join(cids) or "—", date=f.date(_dt.datetime.now(_dt.UTC))),
    }


def _plain(ctx: dict[str, Any]) -> str:
    """The plain-text alternative of the e-mail (same content as the HTML)."""
    f: Fmt = ctx["f"]
    th = ctx["threat"]
    lines = [ctx["greeting"], "", f.tr("intro"), "", f.tr("what").upper(), ctx["reached"]]
    lines += [f"  - {h}" for h in ctx["how"]]
    if ctx["peak"]:
        lines.append(ctx["peak"])
    lines += ["", f.tr("network").upper(), ctx["network_size"], ctx["network_kind"], f.tr("finding"), ctx["known_link"]]
    lines += ["", f.tr("examples").upper()]
    lines += [f"  « {e['text']} » ({e['lang_name']}, {e['date']}, ×{e['count']})" for e in ctx["examples"]]
    lines += ["", f"{f.tr('level').upper()}{f.colon} {th['label']}", th["verdict"], "", f.tr("how"), th["checked"]]
    lines += [f"  - {c}" for c in th["checks"]]
    if th["n"] is not None:
        lines.append(f.tr("matched") + f.colon)
        lines += [f"  - {r['label']}{f.colon} {r['messages']}" for r in th["matched"]] or [f"  {f.tr('nothing_matched')}"]
        lines.append(th["rule"])
    for q in th["flagged"]:
        lines.append(f"  ! « {q['text']} » ({q['date']}, {q['rules']}) {q['link']}")
    lines += ["", f.tr("actions").upper()] + [f"{i}. {f.tr(f'a{i}')}" for i in range(1, 5)]
    lines += ["", ctx["reference"]]
    return "\n".join(lines) + "\n"


def write_brief(
    store: Store,
    target_id: str,
    out_dir: str | Path,
    *,
    lang: str | None = None,
    run_id: str | None = None,
    sender: str | None = None,
) -> list[Path]:
    """Write ``brief-<target>-<lang>.html/.pdf/.eml`` telling the target what reached them and what to do.

    ``lang`` defaults to the target's ``preferred_lang`` (English when unset).
    """
    run = data.resolve_run(store, run_id)
    tgt = data.target(store, target_id)
    preferred = str(tgt.get("preferred_lang") or "")
    lang = i18n.check_lang(lang, default=preferred if preferred in i18n.LANGS else "en")
    ctx = brief_content(store, run, target_id, lang)
    html = render("brief.html.j2", csp=CSP, s=i18n.t(lang), **ctx)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", target_id)
    stem = out / f"brief-{safe_id}-{lang}"
    hp, pp, ep = (stem.with_name(stem.name + ext) for ext in (".html", ".pdf", ".eml"))
    hp.write_text(html, encoding="utf-8")
    html_to_pdf(html, pp)
    msg = EmailMessage()
    msg["Subject"] = i18n.tr(lang, "subject", name=tgt["name"])
    msg["To"] = tgt.get("contact") or ""
    msg["From"] = sender or "cibwatch@localhost"
    msg["Date"] = format_datetime(_dt.datetime.now(_dt.UTC))
    msg["Message-ID"] = make_msgid(domain="cibwatch.invalid")
    msg.set_content(_plain(ctx))
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(pp.read_bytes(), maintype="application", subtype="pdf", filename=pp.name)
    msg["Content-Language"] = lang  # after the body: setting content clears Content-* headers
    ep.write_bytes(bytes(msg))
    return [hp, pp, ep]


def write_briefs(
    store: Store, target_ids: list[str] | str, out_dir: str | Path, *, lang: str | None = None, run_id: str | None = None
) -> list[Path]:
    """Briefs for several targets (``"all"``: every target the run's campaigns reached)."""
    run = data.resolve_run(store, run_id)
    ids = reached_targets(store, run) if target_ids == "all" else list(target_ids)
    return [p for t in ids for p in write_brief(store, t, out_dir, lang=lang, run_id=run)]
