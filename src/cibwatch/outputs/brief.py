"""Briefs for targets (EN/FR): HTML, PDF and an .eml with plain text, HTML alternative and the PDF attached."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

from ..errors import ParameterError
from ..store import Store
from . import data, i18n
from .render import render
from .safe import CSP, defang, html_to_pdf


def reached_targets(store: Store, run_id: str | None = None) -> list[str]:
    run = data.resolve_run(store, run_id)
    return [t["target_id"] for t in data.targets_reached(store, run)]


def write_brief(
    store: Store,
    target_id: str,
    out_dir: str | Path,
    *,
    lang: str | None = None,
    run_id: str | None = None,
    sender: str | None = None,
) -> list[Path]:
    """Write ``brief-<target>-<lang>.html/.pdf/.eml`` telling the target what reached them and what to do."""
    run = data.resolve_run(store, run_id)
    tgt = data.target(store, target_id)
    lang = lang or (tgt.get("preferred_lang") or "en")
    if lang not in i18n.STRINGS:
        raise ParameterError("lang", "en or fr", lang)
    s = i18n.t(lang)
    posts = data.target_posts(store, run, target_id)
    th = data.threat(store, run, target_id) or {"level": "none", "reasons": [], "messages": [], "checked": {}}
    checked = th["checked"] if isinstance(th["checked"], dict) else {}
    n_checked = checked.get("messages", len(posts)) if isinstance(checked.get("messages"), int) else len(posts)
    checks = [str(k) for k, v in checked.items() if k != "messages"] or [
        str(c) for c in th["checked"] if not isinstance(th["checked"], dict)
    ]
    ctx = dict(
        lang=lang,
        s=s,
        csp=CSP,
        intro=s["intro"].format(name=tgt["name"]),
        since=i18n.fmt_date(posts[0]["created_at"] if posts else None, lang),
        until=i18n.fmt_date(posts[-1]["created_at"] if posts else None, lang),
        n_posts=i18n.fmt_int(len(posts), lang),
        n_accounts=i18n.fmt_int(len({p["account_id"] for p in posts}), lang),
        examples=[defang(p["text"]) for p in posts[:5] if p["text"]],
        level=s.get(th["level"], th["level"]),
        on_n=s["on_n"].format(n=i18n.fmt_int(n_checked, lang)),
        checks=checks,
        reasons=[defang(str(r)) for r in th["reasons"]],
    )
    html = render("brief.html.j2", **ctx)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", target_id)
    stem = out / f"brief-{safe_id}-{lang}"
    hp, pp, ep = stem.with_suffix(".html"), stem.with_suffix(".pdf"), stem.with_suffix(".eml")
    hp.write_text(html, encoding="utf-8")
    html_to_pdf(html, pp)
    msg = EmailMessage()
    msg["Subject"] = s["subject"].format(name=tgt["name"])
    msg["To"] = tgt.get("contact") or ""
    msg["From"] = sender or "cibwatch@localhost"
    text = "\n".join(
        [
            ctx["intro"],
            "",
            f"{s['since']} {ctx['since']} — {s['until']} {ctx['until']}",
            f"{s['messages']}: {ctx['n_posts']}",
            f"{s['level']}: {ctx['level']}",
            "",
            s["actions"],
            f"1. {s['a1']}",
            f"2. {s['a2']}",
            f"3. {s['a3']}",
            f"4. {s['a4']}",
        ]
    )
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(pp.read_bytes(), maintype="application", subtype="pdf", filename=pp.name)
    ep.write_bytes(bytes(msg))
    return [hp, pp, ep]
