"""Campaigns: communities of the significant co-action graph (Leiden).

:func:`find_campaigns` runs the Leiden algorithm (Traag, Waltman & van Eck
2019, *From Louvain to Leiden: guaranteeing well-connected communities*,
Scientific Reports 9:5233; ``leidenalg`` on ``igraph``) with the
Reichardt–Bornholdt configuration-model quality function
(``RBConfigurationVertexPartition``; ``resolution = 1`` is modularity) on the
weighted graph of *significant* edges. Vertices are added in sorted order and
the seed is passed to Leiden, so a seed gives one answer.

Each community of at least ``min_size`` accounts becomes a campaign, numbered
``C01, C02, …`` by decreasing size (ties: smallest member first), with:

* ``score``: mean internal weighted degree (the weight of co-action an
  average member shares with the rest of the campaign); the assessment stage
  replaces it with its evidence-based score;
* ``signals``: ``{kind: co-acted objects}`` summed over internal edges;
* ``first_seen`` / ``last_seen``: the first and last co-action of the
  evidence rows behind internal edges.

:func:`campaigns_report` reads a stored run back for the ``campaigns``
command, with the watch-list targets the members reached.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .errors import NotFoundError, ParameterError
from .store import split_node_key

if TYPE_CHECKING:
    from .store import Store

__all__ = ["find_campaigns", "campaigns_report", "CAMPAIGN_SCHEMA", "MEMBER_SCHEMA"]

CAMPAIGN_SCHEMA = pa.schema(
    [
        ("campaign_id", pa.string()),
        ("size", pa.int64()),
        ("score", pa.float64()),
        ("signals", pa.string()),
        ("first_seen", pa.int64()),
        ("last_seen", pa.int64()),
    ]
)
MEMBER_SCHEMA = pa.schema(
    [
        ("campaign_id", pa.string()),
        ("node", pa.string()),
        ("platform", pa.string()),
        ("account_id", pa.string()),
        ("score", pa.float64()),
    ]
)


def find_campaigns(
    edges: pa.Table,
    evidence: pa.Table | None = None,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    min_size: int = 3,
    significant_only: bool = True,
) -> tuple[pa.Table, pa.Table]:
    """Leiden communities of the (significant) account graph → (campaigns, members).

    ``edges`` needs ``a, b, weight`` (and ``significant``, ``signals`` when
    present); ``evidence`` (``a, b, ts_a, ts_b``) gives first/last activity.
    """
    import igraph as ig
    import leidenalg

    if not isinstance(resolution, (int, float)) or isinstance(resolution, bool) or not resolution > 0:
        raise ParameterError("resolution", "a number > 0", resolution, owner="find_campaigns")
    if not isinstance(min_size, int) or isinstance(min_size, bool) or min_size < 2:
        raise ParameterError("min_size", "an integer >= 2", min_size, owner="find_campaigns")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError("seed", "an integer >= 0", seed, owner="find_campaigns")

    rows = edges.to_pydict()
    n = edges.num_rows
    sig = rows.get("significant", [True] * n)
    keep = [i for i in range(n) if (sig[i] or not significant_only) and rows["weight"][i] and rows["weight"][i] > 0]
    nodes = sorted({rows["a"][i] for i in keep} | {rows["b"][i] for i in keep})
    if not nodes:
        return CAMPAIGN_SCHEMA.empty_table(), MEMBER_SCHEMA.empty_table()
    index = {v: k for k, v in enumerate(nodes)}
    keep.sort(key=lambda i: (index[rows["a"][i]], index[rows["b"][i]]))
    g = ig.Graph(n=len(nodes), edges=[(index[rows["a"][i]], index[rows["b"][i]]) for i in keep])
    g.es["weight"] = [float(rows["weight"][i]) for i in keep]
    part = leidenalg.find_partition(
        g,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=float(resolution),
        n_iterations=-1,
        seed=seed,
    )
    membership = np.asarray(part.membership)
    groups: dict[int, list[int]] = {}
    for v, c in enumerate(membership.tolist()):
        groups.setdefault(c, []).append(v)
    ranked = sorted((m for m in groups.values() if len(m) >= min_size), key=lambda m: (-len(m), nodes[m[0]]))

    # per-node internal weighted degree and per-campaign signal sums
    strength = np.zeros(len(nodes))
    sig_sum: dict[int, Counter[str]] = {}
    pair_campaign: dict[tuple[str, str], int] = {}
    signals_col = rows.get("signals")
    for i in keep:
        va, vb = index[rows["a"][i]], index[rows["b"][i]]
        if membership[va] != membership[vb]:
            continue
        c = int(membership[va])
        w = float(rows["weight"][i])
        strength[va] += w
        strength[vb] += w
        pair_campaign[(rows["a"][i], rows["b"][i])] = c
        if signals_col is not None and signals_col[i]:
            sig_sum.setdefault(c, Counter()).update(json.loads(signals_col[i]))
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    if evidence is not None and evidence.num_rows:
        ev = evidence.select(["a", "b", "ts_a", "ts_b"]).to_pydict()
        for a, b, ta, tb in zip(ev["a"], ev["b"], ev["ts_a"], ev["ts_b"], strict=True):
            c = pair_campaign.get((a, b))
            if c is None:
                continue
            lo, hi = min(ta, tb), max(ta, tb)
            first[c] = min(first.get(c, lo), lo)
            last[c] = max(last.get(c, hi), hi)

    camp_rows, member_rows = [], []
    for k, members in enumerate(ranked, start=1):
        cid = f"C{k:02d}"
        c = int(membership[members[0]])
        s = strength[members]
        top = float(s.max()) if len(s) and s.max() > 0 else 1.0
        camp_rows.append(
            {
                "campaign_id": cid,
                "size": len(members),
                "score": float(s.mean()),
                "signals": json.dumps(dict(sorted(sig_sum.get(c, Counter()).items())), sort_keys=True),
                "first_seen": first.get(c),
                "last_seen": last.get(c),
            }
        )
        for v in members:
            platform, account_id = split_node_key(nodes[v])
            member_rows.append(
                {
                    "campaign_id": cid,
                    "node": nodes[v],
                    "platform": platform,
                    "account_id": account_id,
                    "score": float(strength[v]) / top,
                }
            )
    return pa.Table.from_pylist(camp_rows, schema=CAMPAIGN_SCHEMA), pa.Table.from_pylist(
        member_rows, schema=MEMBER_SCHEMA
    )


def _run(store: Store, run_id: str | None) -> dict[str, Any]:
    if run_id is None:
        return store.latest_run("detect")
    rows = store.query("SELECT * FROM runs WHERE run_id = ?", [run_id])
    if not rows:
        raise NotFoundError(
            f"no run {run_id!r} in the store {store.path!r}.",
            hint="List runs with `cibwatch runs`, or omit --run for the latest.",
        )
    run = rows[0]
    run["parameters"] = json.loads(run["parameters"]) if run.get("parameters") else {}
    run["summary"] = json.loads(run["summary"]) if run.get("summary") else {}
    return run


_TARGETS_SQL = """
WITH members AS (
    SELECT campaign_id, platform, account_id FROM campaign_accounts WHERE run_id = ?
), hits AS (
    SELECT m.campaign_id, t.target_id
    FROM members m
    JOIN posts p ON p.platform = m.platform AND p.account_id = m.account_id
    JOIN targets t ON t.platform = p.platform
    LEFT JOIN posts r ON r.platform = p.platform AND r.post_id = COALESCE(p.root_post_id, p.reply_to_post_id)
    WHERE (t.account_id IS NOT NULL AND (p.reply_to_account_id = t.account_id OR r.account_id = t.account_id))
       OR (t.handle IS NOT NULL AND list_contains(
              list_transform(COALESCE(p.mentions, []), lambda x: lower(ltrim(x, '@'))),
              lower(ltrim(t.handle, '@'))))
)
SELECT campaign_id, target_id FROM hits GROUP BY campaign_id, target_id ORDER BY campaign_id, target_id
"""


def campaigns_report(store: Store, run_id: str | None = None) -> dict[str, Any]:
    """The campaigns of a detect run (the latest when ``run_id`` is None), as a JSON-ready dict:
    ``{"run_id", "parameters", "campaigns": [{"id", "accounts", "size", "score", "signals", "targets",
    "classification", "first_seen", "last_seen"}]}``."""
    run = _run(store, run_id)
    rid = run["run_id"]
    camps = store.query(
        "SELECT campaign_id, size, score, classification, signals, first_seen, last_seen FROM campaigns "
        "WHERE run_id = ? ORDER BY campaign_id",
        [rid],
    )
    members: dict[str, list[str]] = {}
    for r in store.query(
        "SELECT campaign_id, node FROM campaign_accounts WHERE run_id = ? ORDER BY campaign_id, node", [rid]
    ):
        members.setdefault(r["campaign_id"], []).append(r["node"])
    targets: dict[str, list[str]] = {}
    for r in store.query(_TARGETS_SQL, [rid]):
        targets.setdefault(r["campaign_id"], []).append(r["target_id"])

    def iso(t: _dt.datetime | None) -> str | None:
        return None if t is None else t.replace(microsecond=0).isoformat() + "Z"

    return {
        "run_id": rid,
        "parameters": run["parameters"],
        "campaigns": [
            {
                "id": c["campaign_id"],
                "accounts": members.get(c["campaign_id"], []),
                "size": c["size"],
                "score": c["score"],
                "signals": json.loads(c["signals"]) if c["signals"] else {},
                "targets": targets.get(c["campaign_id"], []),
                "classification": c["classification"],
                "first_seen": iso(c["first_seen"]),
                "last_seen": iso(c["last_seen"]),
            }
            for c in camps
        ],
    }
