"""Near-duplicate join (exactness against all pairs), clusters, the generic-phrase guard, fingerprints."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.errors import ParameterError
from cibwatch.normalize.text import normalize_many, shingles
from cibwatch.simulate import perturb
from cibwatch.simulate.texts import FIRST_EN, LAST_EN, NARRATIVES, RIDINGS
from cibwatch.textsim import (
    CrossLingualLinker,
    GenericPhraseGuard,
    NearDuplicates,
    encode_token_sets,
    fingerprint,
    generic_mask,
    text_clusters,
)
from cibwatch.textsim._kernels import _sort_unique, brute_force_pairs, components, similarity_join, star_clusters


def _jaccard(a: str, b: str, k: int = 4) -> float:
    x, y = set(shingles(a, k)), set(shingles(b, k))
    return len(x & y) / len(x | y) if x | y else 0.0


def _corpus(seed: int, n: int, span: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    base = [NARRATIVES[i % 6]["en"].format(mp=f"MP {i}") for i in range(12)]
    words = "the budget road school tax rent bus ferry clinic bridge snow hockey fish dock farm rail".split()
    texts = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            texts.append(perturb.perturb(base[int(rng.integers(len(base)))], rng, max_ops=2)[0])
        elif r < 0.9:
            texts.append(" ".join(words[int(i)] for i in rng.integers(len(words), size=int(rng.integers(3, 12)))))
        else:
            texts.append("Thank you!")
    return texts, rng.integers(0, span, n)


def _all_pairs(nd: NearDuplicates, ts: np.ndarray, window: int, t: float) -> set[tuple[int, int]]:
    """Every pair of distinct texts with posts within the window and Jaccard >= t, by brute force (pure Python)."""
    text = nd.text_of_post_
    order = np.argsort(ts, kind="stable")
    sets = [set(shingles(x, nd.shingle_size)) for x in nd.norm_]
    out = set()
    for i, j in itertools.combinations(order.tolist(), 2):
        a, b = int(text[i]), int(text[j])
        if a == b or abs(int(ts[i]) - int(ts[j])) > window:
            continue
        if len(sets[a]) < nd.min_tokens or len(sets[b]) < nd.min_tokens:
            continue
        inter = len(sets[a] & sets[b])
        if inter / (len(sets[a]) + len(sets[b]) - inter) >= t:
            out.add((min(a, b), max(a, b)))
    return out


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_join_equals_all_pairs_brute_force(threshold):
    texts, ts = _corpus(1, 400, 4000)
    nd = NearDuplicates(threshold=threshold, window=300, min_tokens=3).fit(texts, ts)
    got = {
        (int(a), int(b)) for a, b in zip(nd.pairs_["doc_a"].to_pylist(), nd.pairs_["doc_b"].to_pylist(), strict=True)
    }
    assert got == _all_pairs(nd, ts, 300, threshold)
    assert got  # the corpus has near-duplicates at every threshold tested
    # and every reported similarity is the exact Jaccard of the shingle sets
    for a, b, j in zip(*(nd.pairs_[c].to_pylist() for c in ("doc_a", "doc_b", "jaccard")), strict=True):
        assert j == pytest.approx(_jaccard(nd.norm_[a], nd.norm_[b]), abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0, 30, 600]), st.floats(0.2, 1.0))
def test_compiled_join_equals_compiled_brute_force(seed, window, t):
    texts, ts = _corpus(seed, 150, 1200)
    nd = NearDuplicates(threshold=t, window=window, min_tokens=1).fit(texts, ts)
    order = np.argsort(ts, kind="stable")
    ba, bb = brute_force_pairs(
        nd.token_keys_, nd.token_offsets_, nd.text_of_post_[order], np.asarray(ts)[order], window, t, 1
    )
    brute = set(zip(ba.tolist(), bb.tolist(), strict=True))
    got = set(zip(nd.pairs_["doc_a"].to_pylist(), nd.pairs_["doc_b"].to_pylist(), strict=True))
    assert got == brute


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0, 30, 600]), st.floats(0.3, 0.9), st.integers(2, 5))
def test_join_over_slices_of_the_timeline_equals_one_sweep(seed, window, t, jobs):
    """Slices joined on their own threads (each warmed by the window before it) give the single sweep's pairs."""
    from cibwatch.textsim import near

    texts, ts = _corpus(seed, 300, 2400)
    nd = NearDuplicates(threshold=t, window=window, min_tokens=2).fit(texts, ts)
    order = np.argsort(ts, kind="stable")
    docs, times = nd.doc_of_post_[order].astype(np.int64), np.asarray(ts, np.int64)[order]
    def join(d, s, emit_from):
        return similarity_join(nd.token_keys_, nd.token_offsets_, nd.doc_text_, nd.doc_scope_, d, s, window, t, 10, 2, emit_from)

    args = (join, docs, times, window)
    one = near._parallel_join(*args, n_jobs=1)
    old = near.PARALLEL_MIN_POSTS
    near.PARALLEL_MIN_POSTS = 1  # slice even this small corpus
    try:
        many = near._parallel_join(*args, n_jobs=jobs)
        again = NearDuplicates(threshold=t, window=window, min_tokens=2).fit(texts, ts)
    finally:
        near.PARALLEL_MIN_POSTS = old
    for x, y in zip(one[:3], many[:3], strict=True):
        assert np.array_equal(x, y)  # the same pairs, duplicates included, in the same order
    assert one[3] == many[3]  # and the same candidates verified
    assert np.array_equal(again.labels_, nd.labels_)


def test_window_and_scope_restrict_comparisons():
    a = "A critic in Vancouver accuses the member of corruption and abuse of power"
    b = a + " today"
    nd = NearDuplicates(window=60).fit([a, b, b], [0, 61, 200])
    assert nd.pairs_.num_rows == 0 and nd.labels_[0] != nd.labels_[1]
    nd = NearDuplicates(window=61).fit([a, b], [0, 61])
    assert nd.pairs_.num_rows == 1 and nd.labels_[0] == nd.labels_[1]
    nd = NearDuplicates(window=61).fit([a, b], [0, 61], scope=["thread1", "thread2"])
    assert nd.pairs_.num_rows == 0
    # a text that reappears after its window expired is indexed again
    nd = NearDuplicates(window=10).fit([a, b, a, b], [0, 100, 1000, 1005])
    assert nd.pairs_.num_rows == 1


def test_perturbed_copies_cluster_and_stars_do_not_chain():
    rng = np.random.default_rng(5)
    base = NARRATIVES[0]["en"].format(mp="Jean Tremblay")
    copies = [perturb.perturb(base, rng, max_ops=2)[0] for _ in range(30)]
    other = [NARRATIVES[3]["en"].format(mp="Jean Tremblay")]
    nd = NearDuplicates(threshold=0.5, window=3600).fit(copies + other, list(range(31)))
    assert len(set(nd.labels_[:30].tolist())) <= 2 and nd.labels_[30] not in set(nd.labels_[:30].tolist())
    # a chain 0 ~ 1 ~ 2 ~ 3 ~ 4: every star member is similar to its centre, components merge all
    a, b = np.array([0, 1, 2, 3]), np.array([1, 2, 3, 4])
    centre = star_clusters(5, a, b, np.ones(5, np.int64))
    assert centre.tolist() == [1, 1, 1, 3, 3]
    assert len(set(components(5, a, b).tolist())) == 1


def test_words_mode_and_custom_tokenizer():
    nd = NearDuplicates(tokens="words", threshold=0.6, min_tokens=1).fit(["a b c d", "a b c e", "x y z"], [0, 1, 2])
    assert nd.pairs_.to_pylist() == [{"doc_a": 0, "doc_b": 1, "jaccard": pytest.approx(0.6)}]
    nd = NearDuplicates(tokenizer=lambda s: s.lower().split(), threshold=1.0, min_tokens=1).fit(
        ["A B", "b a", "a"], [0, 0, 0]
    )
    assert nd.pairs_.num_rows == 1 and nd.norm_ == ["A B", "b a", "a"]


def test_token_order_is_one_global_order():
    texts = normalize_many(["common words here", "common words there", "common words"] * 20)
    keys, offs, _ = encode_token_sets(texts)
    mask = np.uint64((1 << 40) - 1)
    key_of: dict[int, int] = {}
    for i in range(len(texts)):
        seg = keys[offs[i] : offs[i + 1]]
        assert (seg[1:] > seg[:-1]).all()  # sorted, distinct
        for k in seg.tolist():
            assert key_of.setdefault(k & int(mask), k) == k  # a token has one key in every text
    # shared tokens ("comm") come after tokens of one text ("ther") in the order
    assert (keys >> np.uint64(40)).max() > (keys >> np.uint64(40)).min()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("threshold", 0),
        ("threshold", 1.5),
        ("window", -1),
        ("shingle_size", 0),
        ("tokens", "bytes"),
        ("clustering", "dbscan"),
    ],
)
def test_parameters_are_validated_with_their_names(name, value):
    with pytest.raises(ParameterError, match=f"'{name}' parameter of NearDuplicates"):
        NearDuplicates(**{name: value}).fit(["a"], [0])


def test_guard_flags_short_and_common_texts_not_copypasta():
    rng = np.random.default_rng(2)
    vocab = [f"w{i}" for i in range(3000)] + ["the", "a", "and", "to", "of", "you", "for", "your"] * 150
    organic = [" ".join(vocab[int(i)] for i in rng.integers(len(vocab), size=12)) for _ in range(2000)]
    generic = ["thank you", "well said", "bravo", "merci", "谢谢", "so true", "thank you for your work"]
    campaign = [
        "a critic in vancouver accuses jean tremblay of corruption and abuse of power see what an individual says"
    ]
    units = organic + generic + campaign
    accounts = [1] * 2000 + [300] * len(generic) + [400]
    g = GenericPhraseGuard().fit(units, accounts)
    assert g.generic_[2000 : 2000 + len(generic)].all()
    assert not g.generic_[-1]
    assert g.generic_[:2000].mean() < 0.01
    assert g.info_bits_[-1] > g.required_bits_[-1] + 20
    # the same text gets more scrutiny the more accounts post it
    more = GenericPhraseGuard().fit(units, accounts[:-1] + [10**6])
    assert more.required_bits_[-1] > g.required_bits_[-1]
    # small corpora: only the word floor applies
    small = GenericPhraseGuard().fit(["bravo", "shame on you", "👍 "], [5, 5, 5])
    assert small.generic_.tolist() == [True, False, True]
    assert generic_mask(["bravo", "shame on you"], [5, 5]).tolist() == [True, False]
    with pytest.raises(ParameterError, match="margin_bits"):
        GenericPhraseGuard(margin_bits=-1).fit(["a"], [1])


def test_fingerprints_are_language_agnostic():
    en = fingerprint(
        NARRATIVES[0]["en"].format(mp="Jean Tremblay") + " https://vid.example/x?utm_source=a @MP_One #Truth"
    )
    fr = fingerprint(NARRATIVES[0]["fr"].format(mp="Jean Tremblay") + " https://vid.example/x @mp_one #truth")
    zh = fingerprint(NARRATIVES[0]["zh"].format(mp="Jean Tremblay"))
    assert {"name:jean", "name:tremblay", "name:vancouver", "url:https://vid.example/x", "@mpone", "#truth"} <= en & fr
    assert {"name:jean", "name:tremblay"} <= zh
    assert fingerprint("Thank you!") == frozenset() and fingerprint(None) == frozenset()
    assert "n:5000" in fingerprint("Turn $250 into $5,000")


def test_linker_links_languages_not_same_language_units():
    feats = [
        frozenset({"name:jean", "name:tremblay", "name:vancouver"}),
        frozenset({"name:jean", "name:tremblay", "name:vancouver"}),
        frozenset({"name:jean", "name:tremblay"}),
        frozenset({"name:jean", "name:tremblay", "name:vancouver"}),
        frozenset({"name:other", "name:person"}),
    ]
    langs = ["en", "fr", "zh", "en", "fr"]
    lk = CrossLingualLinker().fit(feats, langs, [0] * 5, [10] * 5)
    g = lk.group_.tolist()
    assert g[0] == g[1] == g[2] == g[3] >= 0 and g[4] == -1
    assert all(langs[a] != langs[b] for a, b, _, _ in lk.links_)
    # too far apart in time: no link
    far = CrossLingualLinker(window=100).fit(feats[:2], langs[:2], [0, 10_000], [10, 10_010])
    assert far.group_.tolist() == [-1, -1]


def test_text_clusters_traces_and_table():
    import pyarrow as pa

    rng = np.random.default_rng(3)
    rows = []
    for w in range(3):
        for b in range(6):
            lang = "en" if b % 2 else "fr"
            text = perturb.perturb(NARRATIVES[w][lang].format(mp="Jean Tremblay"), rng, max_ops=1)[0]
            rows.append({"account": f"x:b{b}", "post_id": f"w{w}_{b}", "ts": w * 7200 + b, "text": text, "lang": lang})
    rows += [{"account": f"x:o{i}", "post_id": f"o{i}", "ts": i, "text": "Thank you!", "lang": "en"} for i in range(20)]
    vocab = "road school budget ferry snow rink clinic wheat dock mill rent bus tax farm rail pier".split()
    for i in range(150):  # other people's comments naming other people
        words = " ".join(vocab[int(k)] for k in rng.integers(len(vocab), size=8))
        name = f"{FIRST_EN[i % len(FIRST_EN)]} {LAST_EN[(7 * i) % len(LAST_EN)]}"
        rows.append(
            {
                "account": f"x:n{i}",
                "post_id": f"n{i}",
                "ts": 3 * i,
                "lang": "en",
                "text": f"So {words} said {name} in {RIDINGS[i % 12]}",
            }
        )
    res = text_clusters(pa.Table.from_pylist(rows), {"guard_min_corpus": 5})
    near = res.near_traces.to_pylist()
    assert {t["kind"] for t in near} == {"text_near"} and not any(t["account"].startswith("x:o") for t in near)
    assert {t["account"] for t in res.xling_traces.to_pylist()} >= {f"x:b{b}" for b in range(6)}
    shared = [r for r in res.clusters.to_pylist() if r["cluster_key"].startswith("text_near:")]
    assert len(shared) == 6 and all(r["n_accounts"] == 3 and r["langs"] in (["en"], ["fr"]) for r in shared)
    xl = [r for r in res.clusters.to_pylist() if r["cluster_key"].startswith("crosslingual:")]
    assert len(xl) == 1 and xl[0]["langs"] == ["en", "fr"] and xl[0]["n_accounts"] == 6
    assert res.info["parameters"]["text_threshold"] == 0.5 and res.info["near"]["similar_pairs"] > 0
    with pytest.raises(ParameterError, match="text parameters"):
        text_clusters(pa.Table.from_pylist(rows), {"treshold": 0.4})



@pytest.mark.parametrize("far_post", [False, True])  # a post decades away: (time, row) no longer fits one integer
def test_representative_is_the_first_post_of_the_cluster_centre(far_post):
    import pyarrow as pa

    message = "Ask why the ferry budget for {} was cut again before the winter storms"
    raw = [message.format("Port Hardy"), message.format("PORT HARDY"), message.format("port hardy")]
    rows = [  # the same text after normalisation, posted by five accounts; rows 2 and 3 tie on the earliest time
        {"account": f"x:a{i}", "post_id": f"p{i}", "ts": t, "text": raw[i % 3]} for i, t in enumerate([30, 20, 10, 10, 40])
    ]
    if far_post:
        rows.append({"account": "x:late", "post_id": "late", "ts": 5 * 10**17, "text": "A remark on rinks and snow"})
    res = text_clusters(pa.Table.from_pylist(rows), {"guard_min_corpus": 10**6})
    (cluster,) = res.clusters.to_pylist()
    assert cluster["n_accounts"] == 5 and cluster["representative"] == raw[2]  # row 2: earliest time, then lowest row


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=70), st.integers(0, 5), st.integers(0, 5))
def test_sort_unique_sorts_a_slice_in_place_and_keeps_its_distinct_values(values, before, after):
    # short slices are insertion-sorted, longer ones use the general sort: both must agree with NumPy
    x = np.array([99] * before + values + [99] * after, np.uint64)
    d = _sort_unique(x, before, before + len(values))
    assert x[before : before + d].tolist() == sorted(set(values))
    assert x[:before].tolist() == [99] * before and x[before + len(values) :].tolist() == [99] * after


def test_posts_in_time_order_or_shuffled_give_the_same_clusters():
    texts, ts = _corpus(5, 400, 600)
    by_time = np.argsort(ts, kind="stable")  # the store's order (the fast path that skips sorting by time)
    shuffled = np.random.default_rng(5).permutation(len(texts))

    def clusters(order: np.ndarray) -> set[frozenset[int]]:
        nd = NearDuplicates(threshold=0.5, window=60).fit([texts[i] for i in order], ts[order])
        groups: dict[int, set[int]] = {}
        for pos, doc in enumerate(nd.doc_of_post_.tolist()):
            groups.setdefault(int(nd.centre_[doc]), set()).add(int(order[pos]))
        return {frozenset(g) for g in groups.values()}

    got = clusters(by_time)
    assert got == clusters(shuffled) and any(len(g) > 2 for g in got)


def test_string_codes_number_equal_strings_alike_by_first_appearance():
    import pyarrow as pa

    from cibwatch.textsim.clusters import string_codes

    values = ["x:b", "x:a", None, "x:b", "", "x:é", "x:a", "x:é"]
    chunked = pa.chunked_array([values[:3], values[3:]])
    for col in (pa.array(values), chunked, pa.array(["pad"] + values).slice(1)):
        assert string_codes(col).tolist() == [0, 1, 2, 0, 2, 3, 1, 3]  # a null is the empty string
