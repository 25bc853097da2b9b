"""Inline SVG charts (no external resources): daily timeline, hour-of-day heatmap, network picture.

Every label that can come from data is HTML-escaped; numbers are formatted by
the caller's language through ``fmt`` callables.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from .safe import esc

ZONES = (("Ottawa", "America/Toronto"), ("Beijing", "Asia/Shanghai"))
#: Weekday office hours (local) outlined on the Beijing row: 09:00–12:00 and 14:00–18:00.
OFFICE_HOURS = (range(9, 12), range(14, 18))
FONT = "font-family=\"'Noto Sans','DejaVu Sans',sans-serif\""
RED, DARK_RED, BLUE, ORANGE, GREY = "#d98880", "#922b21", "#1f4e79", "#d35400", "#95a5a6"

__all__ = ["timeline", "heatmap", "network", "ZONES", "OFFICE_HOURS"]


def _utc(ts: _dt.datetime) -> _dt.datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=_dt.UTC)


def _empty() -> str:
    return "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10' role='img'></svg>"


def timeline(
    daily: dict[_dt.date, int],
    *,
    bursts: Sequence[_dt.date] = (),
    shaded: dict[_dt.date, str] | None = None,
    fmt_day: Callable[[_dt.date], str] = lambda d: d.isoformat(),
    width: int = 680,
    height: int = 190,
) -> str:
    """Bars of messages per day, burst days darker, holidays shaded, a tick on every Monday."""
    if not daily:
        return _empty()
    d0, d1 = min(daily), max(daily)
    n = (d1 - d0).days + 1
    top = max(daily.values()) or 1
    left, plot_h = 34, height - 50
    bw = (width - left - 8) / n
    burst = set(bursts)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' {FONT} font-size='9'>"]
    for i in range(n):
        d = d0 + _dt.timedelta(days=i)
        if shaded and d in shaded:
            parts.append(
                f"<rect x='{left + i * bw:.1f}' y='8' width='{bw:.1f}' height='{plot_h}' fill='#ececec'>"
                f"<title>{esc(shaded[d])}</title></rect>"
            )
    for frac in (0.0, 0.5, 1.0):
        y = 8 + plot_h - frac * plot_h
        parts.append(f"<line x1='{left}' x2='{width - 8}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd' stroke-width='0.5'/>")
        parts.append(f"<text x='{left - 4}' y='{y + 3:.1f}' text-anchor='end'>{round(top * frac)}</text>")
    for i in range(n):
        d = d0 + _dt.timedelta(days=i)
        v = daily.get(d, 0)
        h = v / top * plot_h
        colour = DARK_RED if d in burst else RED
        parts.append(
            f"<rect x='{left + i * bw + 0.5:.1f}' y='{8 + plot_h - h:.1f}' width='{max(bw - 1, 0.6):.1f}' "
            f"height='{h:.1f}' fill='{colour}'><title>{esc(fmt_day(d))}: {v}</title></rect>"
        )
        if d.weekday() == 0 or i == 0 or n <= 10:
            x = left + i * bw
            parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{8 + plot_h}' y2='{12 + plot_h}' stroke='#555'/>")
            if (d.weekday() == 0 and i > 2) or n <= 10:
                lx = x + (bw / 2 if n <= 10 else 0)
                parts.append(f"<text x='{lx:.1f}' y='{24 + plot_h}' text-anchor='middle'>{esc(fmt_day(d))}</text>")
    parts.append(f"<line x1='{left}' x2='{width - 8}' y1='{8 + plot_h}' y2='{8 + plot_h}' stroke='#555'/></svg>")
    return "".join(parts)


def heatmap(times: Sequence[_dt.datetime], labels: tuple[str, str] = ("Ottawa", "Beijing")) -> str:
    """Messages per hour of local time in Ottawa (America/Toronto) and Beijing (Asia/Shanghai), counts in the
    cells; Beijing's weekday office hours outlined."""
    rows = []
    for (_, zone), label in zip(ZONES, labels, strict=True):
        c = Counter(_utc(t).astimezone(ZoneInfo(zone)).hour for t in times)
        rows.append((label, [c.get(h, 0) for h in range(24)]))
    top = max([max(r) for _, r in rows] + [1])
    cw, ch, x0, y0 = 25, 24, 70, 16
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{x0 + 24 * cw + 4}' height='{y0 + 2 * ch + 8}' role='img' "
             f"{FONT} font-size='9'>"]
    parts += [f"<text x='{x0 + h * cw + cw / 2}' y='{y0 - 4}' text-anchor='middle'>{h:02d}</text>" for h in range(24)]
    for y, (label, counts) in enumerate(rows):
        parts.append(f"<text x='0' y='{y0 + y * ch + 15}' font-size='10'>{esc(label)}</text>")
        for h, v in enumerate(counts):
            a = v / top
            fill = f"rgb({255 - int(a * 110)},{255 - int(a * 210)},{255 - int(a * 200)})"
            parts.append(
                f"<rect x='{x0 + h * cw}' y='{y0 + y * ch}' width='{cw}' height='{ch}' fill='{fill}' stroke='#fff'>"
                f"<title>{esc(label)} {h:02d}:00: {v}</title></rect>"
            )
            if v:
                colour = "#fff" if a > 0.55 else "#333"
                parts.append(
                    f"<text x='{x0 + h * cw + cw / 2}' y='{y0 + y * ch + 15}' text-anchor='middle' fill='{colour}'>{v}</text>"
                )
    for span in OFFICE_HOURS:
        parts.append(
            f"<rect x='{x0 + span.start * cw}' y='{y0 + ch}' width='{len(span) * cw}' height='{ch}' fill='none' "
            f"stroke='#1f4e79' stroke-width='2'/>"
        )
    parts.append("</svg>")
    return "".join(parts)


def network(
    nodes: Sequence[dict[str, object]],
    edges: Sequence[tuple[str, str, float]],
    *,
    seed: int = 0,
    size: int = 520,
    legend: Sequence[tuple[str, str]] = (),
) -> str:
    """Fruchterman–Reingold layout (igraph, seeded) of the campaign's coordination edges.

    ``nodes``: ``{"id", "label", "colour", "score"}``; ``legend``: ``(colour, text)`` pairs drawn below.
    """
    import random

    import igraph as ig

    if not nodes:
        return _empty()
    idx = {str(n["id"]): i for i, n in enumerate(nodes)}
    es = [(idx[a], idx[b], w) for a, b, w in edges if a in idx and b in idx]
    g = ig.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in es])
    rng = random.Random(seed)
    lay = g.layout_fruchterman_reingold(seed=[[rng.random(), rng.random()] for _ in nodes], weights=None)
    xs, ys = zip(*lay.coords, strict=True)

    def sc(v: float, lo: float, hi: float) -> float:
        return 14 + (v - lo) / ((hi - lo) or 1) * (size - 28)

    pts = [(sc(x, min(xs), max(xs)), sc(y, min(ys), max(ys))) for x, y in lay.coords]
    wmax = max([w for *_, w in es] + [1e-9])
    leg_h = 18 if legend else 0
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size + leg_h}' role='img' {FONT} font-size='10'>"]
    parts += [
        f"<line x1='{pts[a][0]:.1f}' y1='{pts[a][1]:.1f}' x2='{pts[b][0]:.1f}' y2='{pts[b][1]:.1f}' "
        f"stroke='#7f8c8d' stroke-opacity='0.45' stroke-width='{0.3 + 1.7 * (w / wmax):.2f}'/>"
        for a, b, w in es
    ]
    for n, (x, y) in zip(nodes, pts, strict=True):
        r = 3 + 3 * float(n.get("score") or 0)  # type: ignore[arg-type]
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{esc(n.get('colour') or BLUE)}' stroke='#fff' "
            f"stroke-width='0.6'><title>{esc(n.get('label'))}</title></circle>"
        )
    x = 4
    for colour, text in legend:
        parts.append(f"<circle cx='{x + 5}' cy='{size + 8}' r='5' fill='{esc(colour)}'/>")
        parts.append(f"<text x='{x + 14}' y='{size + 12}'>{esc(text)}</text>")
        x += 24 + 6 * len(text)
    parts.append("</svg>")
    return "".join(parts)
