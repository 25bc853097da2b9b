"""Stores for the output tests.

:func:`build_real` runs the real pipeline on a shrunken ``canada-2023``
scenario: simulate → import targets → import a known-network case → ingest
the platform exports plus one extra X API v2 file → detect (with the
assessment). The extra file plants hostile comments as ordinary replies of
six campaign accounts to one member of parliament: a ``<script>`` tag and a
spreadsheet formula, each posted six times within minutes, the way the
network posts copypasta. Everything downstream (text clusters, repeated
messages, threats, evidence) sees them through the real code paths.

:func:`build` keeps a tiny hand-made store for edge cases the pipeline does
not produce (hostile handles, an empty profile, a run without a profile).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from cibwatch import Store

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'

#: Shrinks ``canada-2023`` (small) so the store builds in about 15 s.
OVERRIDES = [
    "n_targets=40",
    "n_targeted=10",
    "n_organic_accounts=500",
    "n_organic_posts=2500",
    "n_viral_posts=1",
    "viral_replies=60",
    "pileon_accounts=30",
    "supporters_accounts=10",
    "supporters_posts=8",
    "spam_accounts=10",
    "n_campaign_accounts=60",
    "n_campaign_posts=500",
]

CASE_ID = "meta-spamouflage-2023q2"
CASE_NAME = "Spamouflage (Meta Q2 2023 indicators)"


@dataclass
class RealCase:
    """What the real-pipeline store holds, for assertions."""

    path: Path
    run_id: str
    campaign: str  # the campaign of the planting accounts
    target: str  # the member of parliament the hostile comments answer
    target_name: str
    fr_target: str  # a French-preferring target the campaign reached
    script_text: str
    formula_text: str
    planted_posts: list[str] = field(default_factory=list)
    planting_accounts: list[str] = field(default_factory=list)  # X account ids
    hijacked: list[dict] = field(default_factory=list)  # from scenario.json
    languages: dict[str, int] = field(default_factory=dict)


def _x_records(folder: Path) -> list[dict]:
    """Every tweet of the X exports (one tweet per line, or API response pages with ``data``)."""
    out = []
    for f in sorted(folder.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    out += rec["data"] if "data" in rec else [rec]
    return out


def _plant(sim_dir: Path, targets: list[dict]) -> dict:
    """Write ``exports/x/planted-hostile.jsonl``: 12 replies by 6 campaign accounts to one English-speaking member."""
    truth = {r["account_id"] for r in csv.DictReader((sim_dir / "truth.csv").open()) if r["role"] == "campaign"}
    hijacked = {h["account_id"] for h in json.loads((sim_dir / "scenario.json").read_text())["planted"]["hijacked"]}
    en_x = {t["account_id"]: t for t in targets if t["platform"] == "x" and t["preferred_lang"] == "en"}
    recs = _x_records(sim_dir / "exports" / "x")
    waves: dict[str, list[dict]] = {}
    for r in recs:
        if r.get("author_id") in truth and r["author_id"] not in hijacked and r.get("in_reply_to_user_id") in en_x:
            waves.setdefault(r["conversation_id"], []).append(r)
    conv, wave = max(waves.items(), key=lambda kv: (len({r["author_id"] for r in kv[1]}), kv[0]))
    authors: dict[str, dict] = {}
    for r in sorted(wave, key=lambda r: r["created_at"]):
        authors.setdefault(r["author_id"], r["author"])
    authors = dict(list(authors.items())[:6])
    tgt = en_x[wave[0]["in_reply_to_user_id"]]
    start = max(dt.datetime.fromisoformat(r["created_at"].replace("Z", "+00:00")) for r in wave) + dt.timedelta(minutes=20)
    surname = tgt["name"].split()[-1]
    script_text = f"{SCRIPT} Why is {tgt['name']} silent? {surname} hides the truth from Canadians."
    formula_text = f"{FORMULA} {tgt['name']} lies to Canadians, resign now!"
    base = max(int(r["id"]) for r in recs) + 1000
    planted, k = [], 0
    with (sim_dir / "exports" / "x" / "planted-hostile.jsonl").open("w", encoding="utf-8") as fh:
        for text in (script_text, formula_text):
            for aid, author in authors.items():
                pid = str(base + k)
                ts = start + dt.timedelta(seconds=17 * k)
                k += 1
                fh.write(
                    json.dumps(
                        {
                            "id": pid,
                            "text": text,
                            "author_id": aid,
                            "created_at": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                            "conversation_id": conv,
                            "lang": "en",
                            "edit_history_tweet_ids": [pid],
                            "reply_settings": "everyone",
                            "in_reply_to_user_id": tgt["account_id"],
                            "referenced_tweets": [{"type": "replied_to", "id": conv}],
                            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
                            "author": author,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                planted.append(pid)
    return {
        "target": tgt["target_id"],
        "target_name": tgt["name"],
        "script_text": script_text,
        "formula_text": formula_text,
        "planted_posts": planted,
        "planting_accounts": list(authors),
    }


def _case_file(sim_dir: Path) -> Path:
    """A known-network case (kind,value,note) naming two former handles of hijacked X accounts and the video site."""
    scen = json.loads((sim_dir / "scenario.json").read_text())["planted"]
    old = [h["old_handle"] for h in scen["hijacked"] if h["platform"] == "x" and h["old_handle"]][:2]
    p = sim_dir / "case-spamouflage.csv"
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "value", "note"])
        for h in old:
            w.writerow(["handle", h, "account in Meta's published indicators"])
        w.writerow(["domain", scen["video_domain"], "video site used for the deepfake links"])
    return p


def build_real(workdir: Path, *, seed: int = 0) -> RealCase:
    """Run the real stages into ``workdir/store.duckdb`` (closed on return) and describe what was planted."""
    from cibwatch.cases import import_cases
    from cibwatch.ingest import ingest_paths
    from cibwatch.ingest.targets import import_targets
    from cibwatch.pipeline import detect
    from cibwatch.simulate import simulate

    sim_dir = workdir / "sim"
    sim = simulate(sim_dir, scenario="canada-2023", seed=seed, scale="small", overrides=OVERRIDES)
    targets = list(csv.DictReader((sim_dir / "targets.csv").open(encoding="utf-8")))
    planted = _plant(sim_dir, targets)
    path = workdir / "store.duckdb"
    with Store(str(path)) as store:
        import_targets(store, sim_dir / "targets.csv")
        import_cases(store, _case_file(sim_dir), name=CASE_NAME, case_id=CASE_ID)
        ingest_paths(store, [sim_dir / "exports"], progress=False)
        run = detect(store, seed=seed)
        camp = store.query(
            "SELECT campaign_id, count(*) AS n FROM campaign_accounts WHERE run_id = ? AND platform = 'x' "
            "AND list_contains(?, account_id) GROUP BY 1 ORDER BY n DESC",
            [run, planted["planting_accounts"]],
        )[0]["campaign_id"]
        fr = store.query(
            "SELECT DISTINCT t.target_id FROM targets t JOIN posts p ON p.platform = t.platform "
            "AND p.reply_to_account_id = t.account_id JOIN campaign_accounts ca ON ca.run_id = ? "
            "AND ca.platform = p.platform AND ca.account_id = p.account_id AND ca.campaign_id = ? "
            "WHERE t.preferred_lang = 'fr' ORDER BY 1",
            [run, camp],
        )[0]["target_id"]
        prof = json.loads(
            store.query("SELECT profile FROM campaigns WHERE run_id = ? AND campaign_id = ?", [run, camp])[0]["profile"]
        )
        store.execute("CHECKPOINT")
    return RealCase(
        path=path,
        run_id=run,
        campaign=camp,
        fr_target=fr,
        hijacked=[h for h in sim.scenario["planted"]["hijacked"] if h["platform"] == "x"],
        languages=prof["languages"],
        **planted,
    )


# ---------------------------------------------------------------------------
# the small hand-made store, for edge cases
# ---------------------------------------------------------------------------
TEXTS = [
    "Stop lying to Canadians! " + SCRIPT,
    FORMULA,
    "Arrêtez de mentir aux Canadiens !",
    "停止对加拿大人撒谎！ see https://evil.example.com/x",
]


def build(store: Store) -> str:
    """A hand-made run: six X accounts (one with a hostile handle and display name), two targets, one campaign ``c1``."""
    run = store.new_run("detect", {"window": 60, "alpha": 0.01}, seed=7)
    t0 = dt.datetime(2026, 10, 1, 2, 0)
    now = dt.datetime(2026, 11, 1)
    store.execute(
        "INSERT INTO targets VALUES ('mp-en','Jane Doe','MP','X','en','jane@example.org','x','Jane','900'),"
        "('mp-fr','Luc Tremblay','MP','Y','fr','luc@example.org','x','Luc','901')"
    )
    for i in range(6):
        aid = str(100 + i)
        handle = f"bot_{i}" if i else "o'brien\"x"
        store.execute(
            "INSERT INTO accounts (platform, account_id, handle, display_name, created_at) VALUES ('x', ?, ?, ?, ?)",
            [aid, handle, SCRIPT if i == 0 else f"Bot {i}", t0],
        )
        store.execute(
            "INSERT INTO campaign_accounts VALUES (?, 'c1', ?, 'x', ?, ?)", [run, f"x:{aid}", aid, 0.9 - i / 20]
        )
        for j in range(4):
            store.execute(
                "INSERT INTO posts (platform, post_id, account_id, created_at, text, lang, reply_to_account_id, urls, "
                "source_id, ingested_at) VALUES ('x', ?, ?, ?, ?, ?, ?, ?, 's', ?)",
                [
                    f"{i}{j}",
                    aid,
                    t0 + dt.timedelta(days=j, minutes=i),
                    TEXTS[j],
                    ["en", "en", "fr", "zh"][j],
                    "900" if j % 2 == 0 else "901",
                    ["https://evil.example.com/x"] if j == 3 else None,
                    now,
                ],
            )
        store.execute(
            "INSERT INTO evidence VALUES (?, 'account', ?, ?, ?, 0.5, ?, NULL)",
            [
                run,
                f"x:{aid}",
                "creation_batch" if i % 2 else "text_near",
                f"Posted {SCRIPT} near-identical text",
                [f"{i}0"],
            ],
        )
    for i in range(5):
        a, b = f"x:{100 + i}", f"x:{101 + i}"
        store.execute(
            "INSERT INTO edges VALUES (?, ?, ?, 3.5, 4, 4, ?, 12.0, 0.1, 1e-6, 1e-5, true)",
            [run, a, b, json.dumps({"text_near": 4})],
        )
        store.execute(
            "INSERT INTO edge_evidence VALUES (?, ?, ?, 'text_near', 'k1', ?, ?, NULL, NULL, 5.0)",
            [run, a, b, f"{i}0", f"{i + 1}0"],
        )
    store.execute(
        "INSERT INTO campaigns VALUES (?, 'c1', 6, 0.75, 'unattributed', '{}', NULL, ?, ?)",
        [run, t0, t0 + dt.timedelta(days=3)],
    )
    store.finish_run(run)
    return run


_SHARED: dict[str, object] = {}


def shared_real(tmp_path_factory) -> tuple[RealCase, Store]:
    """The real-pipeline store, built once per test process and opened once (tests must not write to it)."""
    if "case" not in _SHARED:
        import atexit

        case = build_real(tmp_path_factory.mktemp("real-pipeline"))
        store = Store(str(case.path))
        atexit.register(store.close)
        _SHARED.update(case=case, store=store)
    return _SHARED["case"], _SHARED["store"]  # type: ignore[return-value]
