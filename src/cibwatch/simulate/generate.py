"""Build the ``canada-2023`` scenario and write it to a directory."""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError
from . import activity as A
from . import population as P
from .export import Exporter, assign_ids, write_json
from .params import SCALE_DEFAULTS, SCALES, SCENARIOS, ScenarioParams, build_params


@dataclass
class SimulationResult:
    """What :func:`simulate` wrote, and the headline counts."""

    out: Path
    params: ScenarioParams
    seed: int
    scale: str
    counts: dict[str, int]
    files: list[str]
    scenario: dict[str, Any]


def _world(p: ScenarioParams, seed: int) -> dict[str, Any]:
    rng = np.random.Generator(np.random.PCG64(seed))
    ids = P.Ids(rng)
    used: set[str] = set()
    targets = P.make_targets(p, rng, ids, used)
    targeted = sorted(rng.choice(len(targets), size=p.n_targeted, replace=False).tolist())
    others = [t["index"] for t in targets if t["index"] not in set(targeted)]
    pick_others = rng.choice(len(others), size=2 + p.spam_targets, replace=False).tolist()
    mps = {"pileon": others[pick_others[0]], "supporters": others[pick_others[1]],
           "spam": [others[k] for k in pick_others[2:]]}

    start = P.epoch(p.start_date)
    old_range = (P.epoch(_dt.date(2009, 1, 1)), P.epoch(_dt.date(2023, 6, 1)))
    accounts: list[dict[str, Any]] = []
    people = P.make_people(p, rng, ids, used, p.n_organic_accounts, platform=None, role="organic", campaign_id="",
                           kind="organic", created_range=old_range)
    accounts += people
    groups: dict[str, list[int]] = {}
    for gid, n, new in (("hn-pileon", p.pileon_accounts, False), ("hn-supporters", p.supporters_accounts, False),
                        ("hn-spam", p.spam_accounts, True)):
        rng_range = (P.epoch(p.spam_date) - 4 * A.DAY, P.epoch(p.spam_date) - A.DAY) if new else old_range
        made = P.make_people(p, rng, ids, used, n, platform="x", role="hard_negative", campaign_id=gid, kind=gid,
                             created_range=rng_range, new_accounts=new, lang="en" if new or gid == "hn-supporters" else None)
        groups[gid] = list(range(len(accounts), len(accounts) + len(made)))
        accounts += made
    ops, batch_info = P.make_operators(p, rng, ids, used)
    op_idx = list(range(len(accounts), len(accounts) + len(ops)))
    accounts += ops

    posts = A.Posts()
    boost = {mps["supporters"]: max(1.0, p.supporters_posts / max(1e-9, p.mp_posts_per_day * ((p.end_date - p.start_date).days + 1)))}
    by_mp = A.mp_posts(p, rng, targets, posts, boost)
    planted_org = A.organic(p, rng, targets, accounts, list(range(len(people))), by_mp, posts, set(targeted))
    planted_hn = A.hard_negatives(p, rng, targets, accounts, groups, by_mp, posts, mps)
    community = A.community_page(p, rng, posts)
    hijacked = [i for i in op_idx if accounts[i]["kind"] == "hijacked"]
    A.hijack_history(p, rng, accounts, hijacked, community, posts)
    planted_c = A.campaign(p, rng, targets, accounts, op_idx, targeted, by_mp, posts)

    items = posts.items
    assign_ids(items, rng.integers(10**14, 10**15, size=len(items)))
    for q in items:
        if q["author"][0] == "acc":
            accounts[q["author"][1]]["posts"] += 1
        if q["parent"] is not None:
            items[q["parent"]]["n_replies"] = items[q["parent"]].get("n_replies", 0) + 1
        if q["rt_of"] is not None:
            items[q["rt_of"]]["n_rt"] = items[q["rt_of"]].get("n_rt", 0) + 1
    for q in items:
        if q["kind"] == "filler" and rng.random() < 0.5:
            q["media"] = f"3_{q['num']}"
    return {
        "rng": rng, "targets": targets, "targeted": targeted, "accounts": accounts, "posts": items,
        "groups": groups, "mps": mps, "batch_info": batch_info, "hijacked": hijacked, "start_epoch": start,
        "planted": {"organic": planted_org, "hard_negatives": planted_hn, "campaign": planted_c},
        "community": {"id": ids.draw(10**14, 10**15), "name": "Cricket Lovers Community", "slug": "cricket.lovers.community"},
    }


def _post_ref(w: dict[str, Any], i: int) -> dict[str, Any]:
    q = w["posts"][i]
    if q["platform"] == "x":
        pid = q["id"]
    elif q["parent"] is None:
        pid = f"{w['targets'][q['author'][1]]['fb_page_id']}_{q['num']}" if q["author"][0] == "mp" else q["num"]
    else:
        pid = f"{w['posts'][q['root']]['num']}_{q['num']}"
    acc = w["accounts"][q["author"][1]]["id"] if q["author"][0] == "acc" else None
    return {"platform": q["platform"], "post_id": pid, "account_id": acc, "created_at": _iso_z(q["ts"])}


def _iso_z(ts: int) -> str:
    return _dt.datetime.fromtimestamp(ts, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _planted(p: ScenarioParams, w: dict[str, Any]) -> dict[str, Any]:
    acc, posts, targets = w["accounts"], w["posts"], w["targets"]
    pc = w["planted"]["campaign"]
    thr = _post_ref(w, pc["threat_post"])
    by_acc: dict[int, list[int]] = {}
    for q in posts:
        if q["author"][0] == "acc" and acc[q["author"][1]]["kind"] == "hijacked":
            by_acc.setdefault(q["author"][1], []).append(q["ts"])
    hij = []
    for i in w["hijacked"]:
        a = acc[i]
        hist = [t for t in by_acc.get(i, []) if t < a["rename_at"]]
        camp = [t for t in by_acc.get(i, []) if t >= a["rename_at"]]
        hij.append({"platform": a["platform"], "account_id": a["id"], "created_at": _iso_z(a["created"]),
                    "old_handle": a["old_handle"] if a["platform"] == "x" else None, "new_handle": a["handle"] if a["platform"] == "x" else None,
                    "old_name": a["old_name"], "new_name": a["name"], "renamed_at": _iso_z(a["rename_at"]),
                    "last_history_post": _iso_z(max(hist)) if hist else None,
                    "first_campaign_post": _iso_z(min(camp)) if camp else None})
    hn = w["planted"]["hard_negatives"]
    kinds: dict[str, int] = {}
    for q in posts:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    last_day = p.exposure_date + _dt.timedelta(days=p.stop_delay_days)
    return {
        "exposure_date": p.exposure_date.isoformat(),
        "campaign_last_day": last_day.isoformat(),
        "long_weekend": {"start": p.surge_start.isoformat(), "end": p.surge_end.isoformat(), "multiplier": p.surge_multiplier},
        "targeted": [targets[k]["target_id"] for k in w["targeted"]],
        "threats": [{**thr, "target_id": targets[pc["threat_target"]]["target_id"],
                     "target_name": targets[pc["threat_target"]]["name"], "text": pc["threat_text"],
                     "address": p.threat_address, "kind": "doxxing_home_address"}],
        "hijacked": hij,
        "creation_batches": w["batch_info"],
        "operator_utc_offset_hours": p.utc_offset_hours,
        "video_domain": p.video_domain,
        "video_ids": pc["videos"],
        "perturbations": dict(sorted(pc["stats"]["perturbations"].items())),
        "campaign_languages": pc["stats"]["languages"],
        "campaign_waves": pc["stats"]["waves"],
        "hard_negatives": {
            "hn-pileon": {"post": _post_ref(w, hn["pileon"]["post"]), "target_id": targets[hn["pileon"]["target"]]["target_id"],
                          "accounts": len(w["groups"]["hn-pileon"]), "minutes": hn["pileon"]["minutes"]},
            "hn-supporters": {"target_id": targets[hn["supporters"]["target"]]["target_id"], "posts": hn["supporters"]["posts"],
                              "accounts": len(w["groups"]["hn-supporters"]), "minutes": hn["supporters"]["minutes"]},
            "hn-spam": {"target_ids": [targets[k]["target_id"] for k in hn["spam"]["targets"]], "date": hn["spam"]["date"],
                        "window_hours": hn["spam"]["window_hours"], "accounts": len(w["groups"]["hn-spam"])},
        },
        "viral_posts": [_post_ref(w, v["post"]) for v in w["planted"]["organic"]["viral_posts"]],
        "post_counts": dict(sorted(kinds.items())),
    }


def simulate(out: str | Path, *, scenario: str = "canada-2023", seed: int = 0, scale: str = "small",
             overrides: list[str] | dict[str, Any] | None = None) -> SimulationResult:
    """Generate the scenario into ``out`` and return what was written.

    ``overrides`` are ``key=value`` strings (or a dict) over the fields of
    :class:`ScenarioParams`; unknown keys raise :class:`ParameterError`.
    The same ``seed``, ``scale`` and ``overrides`` give identical bytes.
    """
    if scenario not in SCENARIOS:
        raise ParameterError("scenario", "one of " + ", ".join(SCENARIOS), scenario)
    if scale not in SCALES:
        raise ParameterError("scale", "one of " + ", ".join(SCALES), scale)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError("seed", "an integer >= 0", seed)
    p = build_params(scale, overrides)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    w = _world(p, seed)
    ex = Exporter(out, w, w["rng"])
    ex.write_x()
    ex.write_facebook()
    ex.write_tables()
    acc = w["accounts"]
    counts = {
        "targets": len(w["targets"]),
        "targeted": len(w["targeted"]),
        "campaign_accounts": sum(a["role"] == "campaign" for a in acc),
        "campaign_posts": sum(q["kind"] in ("campaign", "filler", "retweet") for q in w["posts"]),
        "organic_accounts": sum(a["role"] == "organic" and a["posts"] > 0 for a in acc),
        "organic_posts": sum(q["kind"] == "organic" for q in w["posts"]),
        "hard_negative_accounts": sum(a["role"] == "hard_negative" for a in acc),
        "posts": len(w["posts"]),
    }
    scen = {
        "scenario": scenario,
        "seed": seed,
        "scale": scale,
        "overrides": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in
                      (overrides.items() if isinstance(overrides, dict) else
                       ((i.split("=", 1)[0].strip(), i.split("=", 1)[1]) for i in overrides or []))},
        "parameters": p.to_dict(),
        "defaults": ScenarioParams().to_dict(),
        "scale_defaults": SCALE_DEFAULTS,
        "planted": _planted(p, w),
        "counts": counts,
        "files": sorted(ex.files),
    }
    scen["files_sha256"] = {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in sorted(ex.files)}
    write_json(out / "scenario.json", scen)
    return SimulationResult(out, p, seed, scale, counts, sorted(ex.files + ["scenario.json"]), scen)
