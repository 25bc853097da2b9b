"""Inline SVG charts (no external resources): daily timeline, hour-of-day heatmap, network picture."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from zoneinfo import ZoneInfo

from .safe import esc

ZONES = (("Ottawa", "America/Toronto"), ("Beijing", "Asia/Shanghai"))


def _utc(ts: _dt.datetime) -> _dt.datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=_dt.UTC)


def timeline(times: list[_dt.datetime], width: int = 640, height: int = 160) -> str:
    """Bar chart of posts per UTC day."""
    days = Counter(_utc(t).date() for t in times)
    if not days:
        return "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'></svg>"
    d0, d1 = min(days), max(days)
    n = (d1 - d0).days + 1
    top = max(days.values())
    bw = (width - 40) / n
    bars = "".join(
        f"<rect x='{30 + i * bw:.1f}' y='{height - 20 - (days.get(d0 + _dt.timedelta(i), 0) / top) * (height - 40):.1f}' "
        f"width='{max(bw - 3, 1):.1f}' height='{(days.get(d0 + _dt.timedelta(i), 0) / top) * (height - 40):.1f}' fill='#b03a2e'/>"
        for i in range(n)
    )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img'>{bars}"
        f"<text x='30' y='{height - 4}' font-size='10'>{d0}</text><text x='{width - 90}' y='{height - 4}' font-size='10'>{d1}</text>"
        f"<text x='2' y='14' font-size='10'>{top}</text></svg>"
    )


def heatmap(times: list[_dt.datetime], labels: tuple[str, str] = ("Ottawa", "Beijing")) -> str:
    """Posts per hour of day in Ottawa (America/Toronto) and Beijing (Asia/Shanghai) local time."""
    rows = []
    for (_, zone), label in zip(ZONES, labels, strict=True):
        c = Counter(_utc(t).astimezone(ZoneInfo(zone)).hour for t in times)
        rows.append((label, [c.get(h, 0) for h in range(24)]))
    top = max([max(r) for _, r in rows] + [1])
    cells = []
    for y, (label, counts) in enumerate(rows):
        cells.append(f"<text x='0' y='{y * 22 + 26}' font-size='10'>{esc(label)}</text>")
        for h, v in enumerate(counts):
            a = v / top
            cells.append(
                f"<rect x='{60 + h * 22}' y='{y * 22 + 12}' width='21' height='21' stroke='#ddd' fill='rgb({255 - int(a * 80)},{255 - int(a * 200)},{255 - int(a * 200)})'><title>{h}h: {v}</title></rect>"
            )
    cells += [f"<text x='{63 + h * 22}' y='8' font-size='8'>{h}</text>" for h in range(24)]
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{60 + 24 * 22}' height='60' role='img'>{''.join(cells)}</svg>"
    )


def network(nodes: list[str], edges: list[tuple[str, str, float]], seed: int = 0, size: int = 360) -> str:
    """Fruchterman-Reingold layout (igraph) of the campaign's coordination edges."""
    import random

    import igraph as ig

    if not nodes:
        return "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'></svg>"
    idx = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(idx[a], idx[b]) for a, b, _ in edges if a in idx and b in idx])
    rng = random.Random(seed)
    lay = g.layout_fruchterman_reingold(seed=[[rng.random(), rng.random()] for _ in nodes])
    xs, ys = zip(*lay.coords, strict=True)

    def sc(v: float, lo: float, hi: float) -> float:
        return 15 + (v - lo) / ((hi - lo) or 1) * (size - 30)

    pts = [(sc(x, min(xs), max(xs)), sc(y, min(ys), max(ys))) for x, y in lay.coords]
    lines = "".join(
        f"<line x1='{pts[e.source][0]:.1f}' y1='{pts[e.source][1]:.1f}' x2='{pts[e.target][0]:.1f}' "
        f"y2='{pts[e.target][1]:.1f}' stroke='#999' stroke-width='0.6'/>"
        for e in g.es
    )
    dots = "".join(
        f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4' fill='#1f4e79'><title>{esc(nodes[i])}</title></circle>"
        for i, (x, y) in enumerate(pts)
    )
    return f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size}' role='img'>{lines}{dots}</svg>"
