"""Score a detection run against ground truth.

An account is *flagged* when it belongs to a campaign of the run whose
``classification`` is ``state_style``; members of ``unattributed`` campaigns
are counted apart (``unattributed_flagged``), since reporting a supporters'
group or a spam burst as unattributed coordination is not an error.

Metrics (accounts are ``(platform, account_id)``):

* precision, recall and F1 of flagged accounts against ``role == campaign``;
* purity (per detected state-style campaign, the share of its members from its
  dominant truth campaign) and completeness (per truth campaign, the share of
  its accounts found in its best-matching detected campaign) — the cluster
  homogeneity / completeness pair of Rosenberg & Hirschberg (2007), computed
  as majority shares, averaged over campaigns; ``operation_purity`` and
  ``operation_completeness`` the same over operations (below);
* ``organic_flagged_share`` and ``hard_negative_flagged``;
* ``time_to_detection_days``: the first day ``d`` (from the campaign's first
  activity in the truth) on which detection using only data before the end of
  day ``d`` flags the campaign, found by calling ``detect_fn(until)`` day by
  day. A day counts when some state-style *operation* holds at least
  ``min_detected_accounts`` truth campaign accounts: an operation is a group
  of campaigns that the assessment linked because they push the same rare
  content (``profile.assessment.operation``), or a campaign on its own. An
  early flood often shows up as several small communities, one per wave,
  that only their shared links and messages tie together.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .campaigns import OPERATION_ID_SQL
from .errors import MissingColumnError, NotFoundError, ParameterError
from .store import Store

__all__ = ["evaluate", "read_truth", "account_metrics", "operations", "TRUTH_COLUMNS"]

TRUTH_COLUMNS = ("account_id", "platform", "role", "campaign_id")
ROLES = ("campaign", "organic", "hard_negative")
FLAGGED_CLASS = "state_style"

Key = tuple[str, str]


def read_truth(path: str | Path) -> dict[Key, tuple[str, str]]:
    """``{(platform, account_id): (role, campaign_id)}`` from a truth CSV."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"truth file {str(path)!r} not found.", hint="Pass the truth.csv that `cibwatch simulate` wrote.")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        for col in TRUTH_COLUMNS:
            if col not in header:
                raise MissingColumnError(col, header, path=str(path),
                                         hint="A truth file has columns account_id, platform, role, campaign_id.")
        truth: dict[Key, tuple[str, str]] = {}
        for n, row in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            role = row["role"]
            if role not in ROLES:
                raise ParameterError("role", f"one of {', '.join(ROLES)} (line {n} of {path})", role)
            truth[(row["platform"].lower(), row["account_id"])] = (role, row["campaign_id"])
    return truth


def _prf(flagged: set[Key], positives: set[Key]) -> dict[str, float]:
    tp = len(flagged & positives)
    precision = tp / len(flagged) if flagged else 0.0
    recall = tp / len(positives) if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_positives": tp}


def _members(store: Store, run_id: str) -> dict[str, dict[str, Any]]:
    """``{campaign_id: {"classification", "operation", "members"}}``; ``operation`` is the campaign's operation id or its own id."""
    rows = store.query(
        f"SELECT c.campaign_id, c.classification, {OPERATION_ID_SQL} AS operation, "  # noqa: S608 - a constant
        "a.platform, a.account_id FROM campaigns c "
        "JOIN campaign_accounts a ON a.run_id = c.run_id AND a.campaign_id = c.campaign_id WHERE c.run_id = ?",
        [run_id],
    )
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        c = out.setdefault(r["campaign_id"], {"classification": r["classification"], "operation": r["operation"] or r["campaign_id"], "members": set()})
        c["members"].add((str(r["platform"]).lower(), str(r["account_id"])))
    return out


def operations(campaigns: dict[str, dict[str, Any]], classification: str = FLAGGED_CLASS) -> dict[str, set[Key]]:
    """Members of each operation whose campaigns have ``classification`` (a campaign without an operation is its own)."""
    out: dict[str, set[Key]] = {}
    for cid, c in campaigns.items():
        if c["classification"] == classification:
            out.setdefault(c.get("operation") or cid, set()).update(c["members"])
    return out


def _purity(groups: dict[str, set[Key]], truth: dict[Key, tuple[str, str]]) -> dict[str, float]:
    """Per detected group, the share of its members from its dominant truth campaign (other roles count apart)."""
    out = {}
    for gid, mem in sorted(groups.items()):
        labels = Counter(truth[k][1] if k in truth and truth[k][0] == "campaign" else f"({truth[k][0] if k in truth else 'unknown'})" for k in mem)
        out[gid] = labels.most_common(1)[0][1] / len(mem) if mem else 0.0
    return out


def _completeness(groups: dict[str, set[Key]], truth_groups: dict[str, set[Key]]) -> dict[str, float]:
    """Per truth campaign, the share of its accounts inside its best-matching detected group."""
    return {tid: max((len(accs & mem) for mem in groups.values()), default=0) / len(accs) for tid, accs in sorted(truth_groups.items())}


def account_metrics(campaigns: dict[str, dict[str, Any]], truth: dict[Key, tuple[str, str]]) -> dict[str, Any]:
    """All account- and campaign-level figures for one run's campaigns."""
    flagged: set[Key] = set()
    unattributed: set[Key] = set()
    for c in campaigns.values():
        (flagged if c["classification"] == FLAGGED_CLASS else unattributed).update(c["members"])
    unattributed -= flagged
    positives = {k for k, (role, _) in truth.items() if role == "campaign"}
    organic = {k for k, (role, _) in truth.items() if role == "organic"}
    hard = {k for k, (role, _) in truth.items() if role == "hard_negative"}
    res: dict[str, Any] = _prf(flagged, positives)
    res["organic_flagged_share"] = len(flagged & organic) / len(organic) if organic else 0.0
    res["organic_flagged"] = len(flagged & organic)
    res["hard_negative_flagged"] = len(flagged & hard)
    res["hard_negative_flagged_by_group"] = dict(sorted(Counter(truth[k][1] for k in flagged & hard).items()))
    res["unattributed_flagged"] = len(unattributed)
    res["unattributed_flagged_by_role"] = dict(sorted(Counter(truth[k][0] if k in truth else "unknown" for k in unattributed).items()))
    res["flagged"] = len(flagged)
    res["flagged_not_in_truth"] = len(flagged - truth.keys())
    # purity and completeness over state-style campaigns
    state = {cid: c["members"] for cid, c in campaigns.items() if c["classification"] == FLAGGED_CLASS}
    truth_groups: dict[str, set[Key]] = {}
    for k, (role, cid) in truth.items():
        if role == "campaign":
            truth_groups.setdefault(cid, set()).add(k)
    purity = _purity(state, truth)
    completeness = _completeness(state, truth_groups)
    res["purity"] = sum(purity.values()) / len(purity) if purity else None
    res["completeness"] = sum(completeness.values()) / len(completeness) if completeness else None
    res["purity_by_campaign"] = purity
    res["completeness_by_truth_campaign"] = completeness
    # the same over operations (campaigns the assessment joined because they push the same content)
    ops = operations(campaigns)
    op_purity = _purity(ops, truth)
    op_completeness = _completeness(ops, truth_groups)
    res["operation_purity"] = sum(op_purity.values()) / len(op_purity) if op_purity else None
    res["operation_completeness"] = sum(op_completeness.values()) / len(op_completeness) if op_completeness else None
    res["counts"] = {
        "truth_accounts": len(truth), "truth_campaign_accounts": len(positives), "truth_organic_accounts": len(organic),
        "truth_hard_negative_accounts": len(hard), "detected_campaigns": len(campaigns),
        "state_style_campaigns": len(state), "state_style_operations": len(operations(campaigns)), "flagged_accounts": len(flagged),
    }
    return res


def _campaign_window_start(store: Store, accs: set[Key], rename_aware: bool = True) -> _dt.datetime | None:
    """First post of the campaign's accounts, ignoring hijacked accounts' older lives (posts > 30 days before the rest)."""
    rows = store.query(
        "SELECT p.created_at AS t FROM posts p JOIN (SELECT unnest(?) AS platform, unnest(?) AS account_id) k "
        "ON p.platform = k.platform AND p.account_id = k.account_id ORDER BY 1",
        [[k[0] for k in accs], [k[1] for k in accs]],
    )
    ts = [r["t"] for r in rows]
    if not ts:
        return None
    # the bulk of the campaign: the earliest post after which activity never pauses for 30 days
    start = ts[0]
    for a, b in zip(ts, ts[1:], strict=False):
        if rename_aware and (b - a) > _dt.timedelta(days=30):
            start = b
    return start


def time_to_detection(store: Store, truth: dict[Key, tuple[str, str]], detect_fn: Callable[[_dt.datetime], str],
                      *, min_detected_accounts: int = 10, max_days: int = 60) -> dict[str, Any]:
    """Call ``detect_fn(until)`` for successive days; the first day the campaign is flagged."""
    if not isinstance(min_detected_accounts, int) or min_detected_accounts < 1:
        raise ParameterError("min_detected_accounts", "an integer >= 1", min_detected_accounts)
    positives = {k for k, (role, _) in truth.items() if role == "campaign"}
    start = _campaign_window_start(store, positives)
    tried: list[dict[str, Any]] = []
    if start is None:
        return {"time_to_detection_days": None, "campaign_start": None, "days": tried}
    day0 = _dt.datetime(start.year, start.month, start.day)
    last = store.query("SELECT max(created_at) AS t FROM posts")[0]["t"]
    for d in range(1, max_days + 1):
        until = day0 + _dt.timedelta(days=d)
        run_id = detect_fn(until)
        camps = _members(store, run_id)
        best = max((len(m & positives) for m in operations(camps).values()), default=0)
        best_campaign = max((len(c["members"] & positives) for c in camps.values() if c["classification"] == FLAGGED_CLASS), default=0)
        tried.append({"day": d, "until": until.isoformat(), "run_id": run_id, "campaign_accounts_flagged": best,
                      "campaign_accounts_flagged_in_one_campaign": best_campaign})
        if best >= min_detected_accounts:
            return {"time_to_detection_days": d, "campaign_start": day0.date().isoformat(), "days": tried}
        if last is not None and until > last:
            break
    return {"time_to_detection_days": None, "campaign_start": day0.date().isoformat(), "days": tried}


def evaluate(store: Store, truth_path: str | Path, *, run_id: str | None = None,
             detect_fn: Callable[[_dt.datetime], str] | None = None, min_detected_accounts: int = 10,
             max_days: int = 60) -> dict[str, Any]:
    """Score a run (default: the latest ``detect`` run) against ``truth_path``.

    ``detect_fn(until: datetime) -> run_id`` runs detection on data before
    ``until``; when given, time-to-detection is measured with it (one call per
    day from the campaign's first day). Returns a JSON-ready dict with at least
    ``precision, recall, f1, organic_flagged_share, hard_negative_flagged,
    time_to_detection_days``.
    """
    truth = read_truth(truth_path)
    if run_id is None:
        run_id = str(store.latest_run("detect")["run_id"])
    elif not store.query("SELECT 1 FROM runs WHERE run_id = ?", [run_id]):
        raise NotFoundError(f"no run {run_id!r} in the store.", hint="List runs with `cibwatch status`.")
    res = account_metrics(_members(store, run_id), truth)
    res["run_id"] = run_id
    res["parameters"] = {"truth": str(truth_path), "flagged_classification": FLAGGED_CLASS,
                         "min_detected_accounts": min_detected_accounts, "max_days": max_days,
                         "time_to_detection": detect_fn is not None}
    if detect_fn is not None:
        ttd = time_to_detection(store, truth, detect_fn, min_detected_accounts=min_detected_accounts, max_days=max_days)
        res["time_to_detection_days"] = ttd["time_to_detection_days"]
        res["time_to_detection"] = ttd
    else:
        res["time_to_detection_days"] = None
    return res
