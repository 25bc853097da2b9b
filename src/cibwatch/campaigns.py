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

**Operations.** A flooding operation often shows up as several small
communities, one per wave, with no edge between them (two waves hours apart
never co-act within the time window). :class:`OperationLinks` joins
campaigns that push the same *rare content* — a link, a website, an image, a
hashtag, a message cluster (:data:`LINK_KINDS`) on which each of them
co-acted. For an object used by ``k`` of the ``N`` accounts active in the
period, a group of ``n`` accounts unrelated to it holds two or more of its
users with probability ``π(n) = P(Binomial(n, k/N) ≥ 2)``; the number of
campaigns that do is then Poisson-binomial with these probabilities, and
the object links the campaigns that share it when the upper tail at the
observed count is below ``alpha`` divided by the number of objects examined
(Bonferroni). Popular objects (a generic reply, a big news site) are
expected in many groups and link nothing; targets (posts replied to,
accounts mentioned) are never links, since unrelated groups answer the
same people. Operations are the connected components of these links.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .errors import NotFoundError, ParameterError
from .store import split_node_key

if TYPE_CHECKING:
    from .store import Store

__all__ = ["find_campaigns", "campaigns_report", "CAMPAIGN_SCHEMA", "MEMBER_SCHEMA", "LINK_KINDS", "OperationLinks", "link_operations"]

#: Trace kinds whose objects are content an operation pushes, and so may link campaigns.
LINK_KINDS: tuple[str, ...] = ("url", "domain", "media", "hashtag", "text_near", "crosslingual")
#: SQL for the operation a campaign was joined into by the assessment (NULL when none), from ``campaigns.profile``.
OPERATION_ID_SQL = "json_extract_string(profile, '$.assessment.operation.operation_id')"

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


def _tail_at_least(probs: list[float], k: int) -> float:
    """``P(X >= k)`` for ``X`` a sum of independent Bernoulli(``probs``) (Poisson-binomial, exact)."""
    if k <= 0:
        return 1.0
    dist = np.zeros(k + 1)  # dist[j] = P(X = j) for j < k, dist[k] = P(X >= k)
    dist[0] = 1.0
    for p in probs:
        moved = dist * p
        dist = dist * (1.0 - p)
        dist[1:] += moved[:-1]
        dist[k] += moved[k]
    return float(min(1.0, max(0.0, dist[k])))


def _concentration_tail(sizes: list[int], q: float, min_users: int, m: int) -> tuple[float, float]:
    """``P(Σ X_c ≥ m)`` and ``E[Σ X_c]`` for ``X_c ~ Binomial(n_c, q)`` conditioned on ``X_c ≥ min_users``.

    The members of each holding campaign who used an object, given that the
    campaign holds it at all (which is how it was picked), under the null that
    they used it as often as anyone else: the exact convolution of the
    truncated binomials.
    """
    from scipy import stats

    dist = np.ones(1)
    expected = 0.0
    for n in sizes:
        x = np.arange(n + 1)
        pmf = stats.binom.pmf(x, n, q)
        pmf[:min_users] = 0.0
        total = pmf.sum()
        pmf = pmf / total if total > 0 else np.eye(1, n + 1, min(min_users, n)).ravel()
        expected += float((x * pmf).sum())
        dist = np.convolve(dist, pmf)
    return float(min(1.0, max(0.0, dist[m:].sum()))), expected


class OperationLinks:
    """Campaigns that push the same rare content, joined into operations.

    Parameters
    ----------
    alpha : significance level, Bonferroni-corrected over the objects examined.
    min_users : members that must have used an object for a campaign to count as pushing it.
    kinds : object kinds (the prefix of an object key, ``"domain:…"``) that may link; default :data:`LINK_KINDS`.

    ``fit(sizes, objects, users, population, inside=None)``: ``sizes`` campaign → accounts;
    ``objects`` campaign → object keys its members co-acted on (keys of other
    kinds than ``kinds`` are ignored); ``users``
    object key → accounts that used it in the period (objects without a count
    are not tested); ``population`` accounts active in the period; ``inside``
    (optional) object key → how many of its users are known to be members of
    the campaigns that hold it (a lower bound is fine: it only makes the test
    more cautious).

    Two tests per object shared by two or more campaigns, the smaller p-value
    doubled (Bonferroni over the two):

    * *spread*: how many of the run's campaigns would include ``min_users`` or
      more of its users if they were unrelated to it (Poisson-binomial tail);
    * *concentration* (with ``inside``, and only when members are at least
      half of its users): how likely it is that the holding campaigns
      include ``inside`` or more of its users if their members used it as
      often as anyone else (``users / population``), given that each holds
      ``min_users`` or more (how they were picked): the tail of a sum of
      truncated binomials, multiplied by the number of campaign pairs.
      Content that these campaigns post and others hardly do is what an
      operation shares, however many accounts that is.

    Attributes
    ----------
    tests_ : one dict per object shared by two or more campaigns:
        ``{object, campaigns, users, population, expected, p_value, linked}``
        (``expected``: campaigns that would hold two or more of its users by chance).
    objects_examined_ : objects any campaign co-acted on (the Bonferroni divisor).
    operations_ : ``[{operation_id, campaigns, accounts, links}]`` for every
        group of two or more linked campaigns, numbered ``O01, O02, …`` by
        decreasing size.
    operation_of_ : campaign → operation id.
    """

    def __init__(self, alpha: float = 0.01, min_users: int = 2, kinds: Iterable[str] = LINK_KINDS) -> None:
        self.alpha = alpha
        self.min_users = min_users
        self.kinds = kinds

    def fit(self, sizes: Mapping[str, int], objects: Mapping[str, Iterable[str]], users: Mapping[str, int], population: int,
            inside: Mapping[str, int] | None = None) -> OperationLinks:
        from scipy import stats

        own = "OperationLinks"
        if not isinstance(self.alpha, (int, float)) or not 0 < self.alpha < 1:
            raise ParameterError("alpha", "a number in (0, 1)", self.alpha, owner=own)
        if not isinstance(self.min_users, int) or isinstance(self.min_users, bool) or self.min_users < 1:
            raise ParameterError("min_users", "an integer >= 1", self.min_users, owner=own)
        kinds = frozenset(self.kinds)
        holders: dict[str, set[str]] = {}
        for cid, keys in objects.items():
            for key in keys:
                if key.partition(":")[0] in kinds:
                    holders.setdefault(key, set()).add(cid)
        self.objects_examined_ = len(holders)
        self.tests_: list[dict[str, Any]] = []
        cids = sorted(sizes)
        parent = {c: c for c in cids}

        def root(c: str) -> str:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        level = self.alpha / max(1, self.objects_examined_)
        inside = inside or {}
        pairs = len(cids) * (len(cids) - 1) // 2  # campaign pairs that could have been picked
        for key in sorted(holders):
            camps = sorted(c for c in holders[key] if c in parent)
            k = users.get(key)
            if len(camps) < 2 or not k or population <= 0:
                continue
            q = min(1.0, k / population)
            probs = [float(stats.binom.sf(self.min_users - 1, sizes[c], q)) for c in cids]
            p = _tail_at_least(probs, len(camps))
            test = {"object": key, "campaigns": camps, "users": int(k), "population": int(population), "expected": sum(probs)}
            m = inside.get(key)
            if m:
                m = min(int(m), int(k), sum(sizes[c] for c in camps))
                p_conc, expected_in = _concentration_tail([sizes[c] for c in camps], q, self.min_users, m)
                test.update(inside=m, expected_inside=expected_in, p_concentration=min(1.0, p_conc * pairs))
                if 2 * m >= k:  # most of its users are members: content these campaigns post and others hardly do
                    p = min(1.0, 2 * min(p, p_conc * pairs))
                else:
                    p = min(1.0, 2 * p)
            linked = p < level
            self.tests_.append({**test, "p_value": p, "linked": linked})
            if linked:
                for c in camps[1:]:
                    parent[root(c)] = root(camps[0])
        groups: dict[str, list[str]] = {}
        for c in cids:
            groups.setdefault(root(c), []).append(c)
        ops = sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-sum(sizes[c] for c in g), g[0]))
        self.operations_: list[dict[str, Any]] = []
        self.operation_of_: dict[str, str] = {}
        for i, g in enumerate(ops, start=1):
            oid = f"O{i:02d}"
            members = set(g)
            links = [t for t in self.tests_ if t["linked"] and set(t["campaigns"]) <= members]
            self.operations_.append({"operation_id": oid, "campaigns": g, "accounts": sum(sizes[c] for c in g), "links": links})
            for c in g:
                self.operation_of_[c] = oid
        return self


def link_operations(sizes: Mapping[str, int], objects: Mapping[str, Iterable[str]], users: Mapping[str, int], population: int,
                    inside: Mapping[str, int] | None = None, **params: Any) -> list[dict[str, Any]]:
    """Function form of :class:`OperationLinks`; returns ``operations_``."""
    return OperationLinks(**params).fit(sizes, objects, users, population, inside).operations_


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
    "classification", "operation", "first_seen", "last_seen"}]}``; ``operation`` is the id of the operation
    the campaign was joined into by the assessment (:class:`OperationLinks`), or None."""
    run = _run(store, run_id)
    rid = run["run_id"]
    camps = store.query(
        "SELECT campaign_id, size, score, classification, signals, first_seen, last_seen, "  # noqa: S608 - a constant
        f"{OPERATION_ID_SQL} AS operation FROM campaigns "
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
                "operation": c["operation"],
                "first_seen": iso(c["first_seen"]),
                "last_seen": iso(c["last_seen"]),
            }
            for c in camps
        ],
    }
