"""The text signals through the store: text_near, crosslingual, text_exact with the guard."""

from __future__ import annotations

import numpy as np
import pytest

from cibwatch import pipeline
from cibwatch.errors import ParameterError
from cibwatch.signals import TRACE_SCHEMA, SignalContext, available_signals, get_signal
from cibwatch.simulate import perturb
from cibwatch.simulate.texts import NARRATIVES
from cibwatch.textsim.clusters import PARAMS
from coord_fixtures import add_posts

MP = "Jean Tremblay"


def _campaign(rng, n_waves=6, size=8, langs=("en",), thread_of=lambda w, b: f"t{w}"):
    rows = []
    for w in range(n_waves):
        for b in range(size):
            lang = langs[b % len(langs)]
            text = perturb.perturb(NARRATIVES[w % 6][lang].format(mp=MP), rng, max_ops=2)[0]
            rows.append(
                {"post_id": f"w{w}_{b}", "account_id": f"bot{b}", "created_at": w * 5000 + int(rng.integers(0, 40)),
                 "text": text, "reply_to_post_id": thread_of(w, b), "root_post_id": thread_of(w, b), "reply_to_account_id": "mp"}
            )  # fmt: skip
    return rows


def _traces(store, name, **params):
    return get_signal(name).fn(store, SignalContext(params=params)).to_pylist()


def test_text_signals_are_registered_as_defaults():
    sigs = available_signals()
    assert sigs["text_near"].default and sigs["crosslingual"].default
    assert {"text_near", "crosslingual"} <= set(pipeline._signal_names(None))


def test_text_near_links_perturbed_copies_and_writes_clusters_with_a_run(store):
    rng = np.random.default_rng(1)
    add_posts(
        store,
        _campaign(rng)
        + [
            {
                "post_id": "x1",
                "account_id": "solo",
                "created_at": 5,
                "text": "Entirely unrelated remark about the ferry schedule",
            }
        ],
    )
    traces = _traces(store, "text_near")
    assert all(t["kind"] == "text_near" and t["object_key"].startswith("text_near:") for t in traces)
    by_wave: dict[str, set[str]] = {}
    for t in traces:
        by_wave.setdefault(t["post_id"].split("_")[0], set()).add(t["object_key"])
    assert len(by_wave) == 7 and all(len(v) == 1 for k, v in by_wave.items() if k.startswith("w"))
    assert len({next(iter(v)) for k, v in by_wave.items() if k.startswith("w")}) == 6  # one object per narrative
    # no run id: nothing written; with one, the shared clusters are
    assert store.count("text_clusters") == 0
    run_id = store.new_run("detect", {}, 0)
    get_signal("text_near").fn(store, SignalContext(run_id=run_id))
    rows = store.query("SELECT * FROM text_clusters WHERE run_id = ? ORDER BY cluster_key", [run_id])
    assert len(rows) == 6 and all(r["n_accounts"] == 8 and r["n_posts"] == 8 and r["langs"] == ["en"] for r in rows)
    assert all(
        MP.split()[1] in r["representative"] or "Tr3mbl4y" in r["representative"] or "Trеmblay" in r["representative"]
        for r in rows
    )


def test_text_signal_parameters_come_from_the_context(store):
    rng = np.random.default_rng(2)
    add_posts(store, _campaign(rng, thread_of=lambda w, b: f"t{w}_{b % 2}"))
    objects = {t["object_key"] for t in _traces(store, "text_near")}
    scoped = {t["object_key"] for t in _traces(store, "text_near", text_scope="conversation")}
    assert len(scoped) == 2 * len(objects)  # each narrative split over its two threads
    strict = _traces(store, "text_near", text_threshold=1.0)
    assert len({t["object_key"] for t in strict}) > len(objects)
    with pytest.raises(ParameterError, match="text_scope"):
        _traces(store, "text_near", text_scope="thread")
    assert {
        "text_threshold",
        "text_window",
        "shingle_size",
        "guard_margin_bits",
        "xling_threshold",
        "embedding_model",
    } <= set(PARAMS)


def test_crosslingual_links_en_fr_zh_versions(store):
    rng = np.random.default_rng(3)
    add_posts(store, _campaign(rng, n_waves=3, size=9, langs=("en", "fr", "zh")))
    # the waves are 5,000 s apart: with a shorter cross-language window each wave is one message
    traces = _traces(store, "crosslingual", xling_window=600)
    assert traces and {t["kind"] for t in traces} == {"crosslingual"}
    keys = {t["object_key"] for t in traces}
    assert len(keys) == 3  # one message in three languages per wave
    # with the default window (a day) the three waves about one MP are one group
    assert len({t["object_key"] for t in _traces(store, "crosslingual")}) == 1
    posts_per_key = {k: {t["post_id"] for t in traces if t["object_key"] == k} for k in keys}
    assert all(len(v) == 9 for v in posts_per_key.values())
    run_id = store.new_run("detect", {}, 0)
    get_signal("crosslingual").fn(store, SignalContext(run_id=run_id, params={"xling_window": 600}))
    rows = store.query("SELECT langs, n_accounts FROM text_clusters WHERE run_id = ?", [run_id])
    assert len(rows) == 3 and all(r["langs"] == ["en", "fr", "zh"] and r["n_accounts"] == 9 for r in rows)


def test_one_language_only_gives_no_crosslingual_co_action(store):
    rng = np.random.default_rng(4)
    add_posts(store, _campaign(rng, n_waves=3, size=6, langs=("en",)))
    traces = _traces(store, "crosslingual")
    per_key: dict[str, set[str]] = {}
    for t in traces:
        per_key.setdefault(t["object_key"], set()).add(t["account"])
    assert all(len(accs) == 1 for accs in per_key.values())


def test_text_exact_drops_generic_replies_in_a_large_corpus(store):
    rng = np.random.default_rng(5)
    vocab = [f"word{i}" for i in range(2000)] + ["the", "and", "to", "of", "for", "you", "your", "in"] * 100
    rows = [
        {"post_id": f"o{i}", "account_id": f"org{i}", "created_at": i,
         "text": " ".join(vocab[int(k)] for k in rng.integers(len(vocab), size=12))}
        for i in range(800)
    ] + [
        {"post_id": f"g{i}", "account_id": f"org{i}", "created_at": 10_000 + i, "text": ["Thank you!", "Bravo", "Merci", "👍", "Well said", "谢谢", "So true"][i % 7]}
        for i in range(350)
    ] + [
        {"post_id": f"c{i}", "account_id": f"bot{i}", "created_at": 20_000 + i, "text": NARRATIVES[0]["en"].format(mp=MP)}
        for i in range(30)
    ]  # fmt: skip
    add_posts(store, rows)
    got = _traces(store, "text_exact")
    posts = {t["post_id"] for t in got}
    assert not any(p.startswith("g") for p in posts)
    assert {f"c{i}" for i in range(30)} <= posts and len([p for p in posts if p.startswith("o")]) >= 790
    # the guard can be turned off through the parameters
    off = _traces(store, "text_exact", guard_margin_bits=0.0, guard_min_words=0, guard_min_corpus=10**9)
    assert (
        len({t["post_id"] for t in off if t["post_id"].startswith("g")}) == 300
    )  # all but the 👍 (empty once normalised)


def test_hostile_text_is_data(store):
    evil = "'); DROP TABLE posts; -- \u202e<script>alert(1)</script> @x https://evil.example/'?a=1"
    add_posts(store, [{"post_id": f"e{i}", "account_id": f"a{i}", "created_at": i, "text": evil} for i in range(3)])
    for name in ("text_near", "crosslingual", "text_exact"):
        t = get_signal(name).fn(store, SignalContext(run_id=store.new_run("detect", {}, 0)))
        assert t.schema == TRACE_SCHEMA
    assert store.count("posts") == 3
    reps = store.query("SELECT representative FROM text_clusters")
    assert reps and all(r["representative"] == evil for r in reps)


def test_detect_run_uses_text_near_evidence_and_stores_representatives(store):
    rng = np.random.default_rng(6)
    # different threads and minutes apart per wave: only the text ties the accounts together
    rows = _campaign(rng, n_waves=6, size=8, thread_of=lambda w, b: f"t{w}_{b}")
    vocab = [f"word{i}" for i in range(3000)] + "the and to of for you your in is it".split() * 100
    for i in range(200):
        for k in range(3):
            words = " ".join(vocab[int(j)] for j in rng.integers(len(vocab), size=12))
            rows.append(
                {
                    "post_id": f"o{i}_{k}",
                    "account_id": f"org{i}",
                    "created_at": int(rng.integers(0, 30_000)),
                    "text": words,
                }
            )
    add_posts(store, rows)
    run_id = pipeline.detect(store, signals="text_near", window=60, seed=0)
    sig = {r["a"] for r in store.query("SELECT a FROM edges WHERE run_id = ? AND significant", [run_id])}
    sig |= {r["b"] for r in store.query("SELECT b FROM edges WHERE run_id = ? AND significant", [run_id])}
    assert sig == {f"x:bot{b}" for b in range(8)}
    ev = store.query(
        "SELECT DISTINCT ee.object_key, tc.representative FROM edge_evidence ee JOIN text_clusters tc "
        "ON tc.run_id = ee.run_id AND tc.cluster_key = ee.object_key WHERE ee.run_id = ?",
        [run_id],
    )
    assert len(ev) == 6 and all(r["object_key"].startswith("text_near:") for r in ev)
