"""Near-duplicate comments: an exact set-similarity join on character shingles, then clusters.

:class:`NearDuplicates` follows the estimator contract (parameters in
``__init__``, ``fit`` returns ``self``, results in ``*_`` attributes):

1. texts are normalised (:func:`cibwatch.normalize.text.normalize_many`,
   after :func:`~cibwatch.normalize.text.strip_padding`), identical
   normalised texts kept once;
2. each distinct text becomes a set of tokens: character ``shingle_size``-grams
   (``cjk_shingle_size``-grams in Chinese and Japanese, so no word
   segmentation is needed), or words (``tokens="words"``, or any
   ``tokenizer`` callable);
3. the exact Jaccard join inside the time window (:func:`._kernels.similarity_join`):
   posts are swept in time order; a text is compared only with texts in the
   window that share one of the rarest tokens of its prefix
   (``|x| - ceil(t |x|) + 1`` tokens) and whose size is within
   ``[t |x|, |x| / t]``; every candidate is verified by its exact overlap.
   Optionally only texts of the same ``scope`` (conversation, target) are
   compared;
4. clusters of the similarity graph: greedy *stars* (default; every member
   is similar to its centre, so chains of small edits do not merge unrelated
   texts) or connected components.

Every similar pair is found: the prefix filter is exact (Chaudhuri et al.
2006), so the result equals all-pairs Jaccard ``>= threshold`` within the
window, up to 40-bit token-hash collisions (about 1 in 10¹² per token pair).

Example::

    >>> nd = NearDuplicates(threshold=0.6, window=3600).fit(texts, ts)   # doctest: +SKIP
    >>> nd.labels_        # cluster of each post (-1: none)                # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ParameterError
from ..normalize.text import (
    F_CJK,
    _codepoints,
    _decode,
    _tables,
    copy_texts,
    normalize_arrow_batches,
    normalize_codepoints,
)
from ._kernels import (
    Picked,
    components,
    every_text,
    first_seen,
    order_keys,
    picked_offsets,
    similarity_join,
    span_hashes,
    star_clusters,
    token_hashes_of,
)

__all__ = ["NearDuplicates", "near_duplicates", "encode_token_sets", "DEFAULTS"]

#: Default parameters (chosen with ``bench/bench_text.py`` and the perturbation suite).
DEFAULTS: dict[str, Any] = {
    "threshold": 0.5,
    "window": 60,
    "shingle_size": 4,
    "cjk_shingle_size": 2,
    "min_tokens": 6,
    "clustering": "star",
}
_TOKENS = ("shingles", "words")
_CLUSTERING = ("star", "components")


def _cjk_table() -> np.ndarray:
    return (_tables().flags & F_CJK) != 0


def _bucket_bits(n_tokens: int) -> int:
    """Frequency buckets: about four token occurrences per bucket (2**12 to 2**22)."""
    return int(min(22, max(12, math.ceil(math.log2(max(n_tokens, 2))) - 2)))


#: Posts per slice of the timeline below which the join runs on one thread.
PARALLEL_MIN_POSTS = 100_000


JoinSlice = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray, np.ndarray, int]]


def _parallel_join(
    join: JoinSlice, post_doc: np.ndarray, post_ts: np.ndarray, window: int, n_jobs: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``join(post_doc, post_ts, emit_from)`` (:func:`._kernels.similarity_join` with its other
    arguments bound) over slices of the timeline, one thread each.

    Each slice after the first starts ``window`` seconds early to warm its
    index and reports only the pairs its own posts find, so the multiset of
    pairs is exactly the single sweep's; pairs come back sorted by
    ``(a, b)`` whatever the number of threads.
    """
    n = post_doc.shape[0]
    jobs = n_jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, n // PARALLEL_MIN_POSTS))
    bounds = [n * k // jobs for k in range(jobs + 1)]
    tasks = []
    for k in range(jobs):
        s, e = bounds[k], bounds[k + 1]
        w = int(np.searchsorted(post_ts, post_ts[s] - window, side="left")) if k else 0
        tasks.append((w, s - w, e))

    def run(task: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        w, emit_from, e = task
        return join(post_doc[w:e], post_ts[w:e], emit_from)

    if len(tasks) == 1:
        parts = [run(tasks[0])]
    else:
        with ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="cibwatch-join") as pool:
            parts = list(pool.map(run, tasks))
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    jac = np.concatenate([p[2] for p in parts])
    order = np.lexsort((b, a))
    return a[order], b[order], jac[order], sum(int(p[3]) for p in parts)


def _pick(parts: list[tuple[np.ndarray, np.ndarray]], idx: np.ndarray) -> Picked:
    """Where the texts ``idx`` (numbered across the batches ``parts``) are, as :data:`Picked`."""
    starts = np.cumsum([0] + [o.shape[0] - 1 for _, o in parts])
    batch_of = np.searchsorted(starts, idx, side="right") - 1
    out = []
    for b, (c, o) in enumerate(parts):
        dst = np.flatnonzero(batch_of == b)
        out.append((c, o, idx[dst] - starts[b], dst))
    return out


def _gather_parts(parts: list[tuple[np.ndarray, np.ndarray]], idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The texts ``idx`` (numbered across the batches ``parts`` of code points and offsets), as one buffer."""
    picked = _pick(parts, idx)
    new = picked_offsets(picked, idx.shape[0])
    out = np.empty(int(new[-1]), np.uint32)
    for c, o, src, dst in picked:
        copy_texts(out, new, dst, src, c, o)
    return out, new


def _index_bits(n_posts: int, span: int, window: int, mean_prefix: float) -> int:
    """Buckets of the join's inverted index: twice the entries alive in one window (2**10 to 2**22)."""
    live = n_posts * min(1.0, (window + 1) / max(span, 1)) * max(mean_prefix, 1.0)
    return int(min(22, max(10, math.ceil(math.log2(max(2 * live, 2))))))


def encode_token_sets(
    texts: Sequence[str],
    *,
    tokens: str = "shingles",
    shingle_size: int = 4,
    cjk_shingle_size: int = 2,
    seed: int = 0,
    tokenizer: Callable[[str], Sequence[str]] | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Token sets of (already normalised) ``texts`` as sorted order keys in CSR form.

    Returns ``(keys, offsets, bucket_bits)``: text ``i``'s distinct tokens are
    ``keys[offsets[i]:offsets[i + 1]]``, sorted rarest first (see
    :func:`._kernels.order_keys`). ``tokens="words"`` splits on spaces (the
    normalised text's words); ``tokenizer`` (a callable returning a text's
    tokens) overrides both.
    """
    if tokenizer is not None:
        joined = ["\x00".join(tokenizer(t)) for t in texts]
        cps, offs = _codepoints(joined)
        mode = 1
    elif tokens == "words":
        cps, offs = _codepoints([t.replace(" ", "\x00") for t in texts])
        mode = 1
    else:
        cps, offs = _codepoints(list(texts))
        mode = 0
    n = offs.shape[0] - 1
    return _order_tokens(every_text(cps, offs), n, mode, int(shingle_size), int(cjk_shingle_size), int(seed))


def _check(name: str, value: Any, ok: bool, allowed: str) -> None:
    if not ok:
        raise ParameterError(name, allowed, value, owner="NearDuplicates")


class NearDuplicates:
    """Clusters of near-identical texts posted within a time window.

    Parameters
    ----------
    threshold:
        Jaccard similarity of token sets at or above which two texts are
        near-duplicates, in ``(0, 1]``.
    window:
        Seconds (inclusive): two texts are compared when posts of both are at
        most this far apart.
    shingle_size, cjk_shingle_size:
        Character ``k`` of the shingles outside and inside CJK runs.
    min_tokens:
        Texts with fewer distinct tokens are not compared (exact copies of
        them are still one text).
    tokens:
        ``"shingles"`` (default) or ``"words"``.
    tokenizer:
        Optional callable ``raw text -> tokens``; then texts are not normalised
        (used to reproduce a peer's word sets exactly).
    clustering:
        ``"star"`` (default) or ``"components"``.
    seed:
        Seed of the token hash.
    """

    def __init__(
        self,
        threshold: float = DEFAULTS["threshold"],
        window: int = DEFAULTS["window"],
        shingle_size: int = DEFAULTS["shingle_size"],
        cjk_shingle_size: int = DEFAULTS["cjk_shingle_size"],
        min_tokens: int = DEFAULTS["min_tokens"],
        tokens: str = "shingles",
        tokenizer: Callable[[str], Sequence[str]] | None = None,
        clustering: str = DEFAULTS["clustering"],
        strip_padding: bool = True,
        seed: int = 0,
    ) -> None:
        self.threshold = threshold
        self.window = window
        self.shingle_size = shingle_size
        self.cjk_shingle_size = cjk_shingle_size
        self.min_tokens = min_tokens
        self.tokens = tokens
        self.tokenizer = tokenizer
        self.clustering = clustering
        self.strip_padding = strip_padding
        self.seed = seed

    def get_params(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "window": self.window,
            "shingle_size": self.shingle_size,
            "cjk_shingle_size": self.cjk_shingle_size,
            "min_tokens": self.min_tokens,
            "tokens": self.tokens,
            "tokenizer": None if self.tokenizer is None else getattr(self.tokenizer, "__name__", "callable"),
            "clustering": self.clustering,
            "strip_padding": self.strip_padding,
            "seed": self.seed,
        }

    def _validate(self) -> None:
        t = self.threshold
        _check(
            "threshold",
            t,
            bool(isinstance(t, (int, float)) and not isinstance(t, bool) and 0 < t <= 1),
            "a number in (0, 1]",
        )
        for name, lo in (("window", 0), ("shingle_size", 1), ("cjk_shingle_size", 1), ("min_tokens", 0), ("seed", 0)):
            v = getattr(self, name)
            _check(
                name,
                v,
                bool(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= lo),
                f"an integer >= {lo}",
            )
        _check("tokens", self.tokens, self.tokens in _TOKENS, "one of 'shingles', 'words'")
        _check("clustering", self.clustering, self.clustering in _CLUSTERING, "one of 'star', 'components'")
        _check("tokenizer", self.tokenizer, self.tokenizer is None or callable(self.tokenizer), "None or a callable")

    def fit(
        self,
        texts: Sequence[str | None] | pa.Array | pa.ChunkedArray,
        ts: Sequence[int] | np.ndarray,
        scope: Sequence[Any] | None = None,
    ) -> NearDuplicates:
        """Find near-duplicate clusters among posts (``texts[i]`` posted at ``ts[i]``, epoch seconds).

        ``texts`` may be an Arrow string array: then it is normalised without
        building Python strings (a compiled UTF-8 decoder; NFKC only where a
        text needs it, see :func:`cibwatch.normalize.text.arrow_codepoints`).

        Sets ``norm_`` (distinct normalised texts, numbered by their first
        post in time and decoded on first access), ``text_hash_`` (their
        64-bit hashes), ``text_of_post_``,
        ``doc_text_`` / ``doc_scope_`` / ``doc_of_post_`` (a doc is a distinct
        text within one scope), ``pairs_`` (similar docs with their Jaccard),
        ``centre_`` (each doc's cluster centre doc), ``labels_`` (each post's
        cluster centre doc, ``-1`` for a post without text), ``info_``.
        """
        self._validate()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        n = len(texts)
        ts_arr = np.asarray(ts, dtype=np.int64)
        if ts_arr.shape[0] != n:
            raise ParameterError(
                "ts", f"a sequence of {n} times (one per text)", ts_arr.shape[0], owner="NearDuplicates"
            )
        arrow = isinstance(texts, (pa.Array, pa.ChunkedArray))
        if arrow:
            has_text = pc.is_valid(texts).to_numpy(zero_copy_only=False)
        else:
            has_text = np.fromiter((isinstance(x, str) for x in texts), bool, n)
        if self.tokenizer is not None:
            items = texts.to_pylist() if isinstance(texts, (pa.Array, pa.ChunkedArray)) else texts
            raw = [x if isinstance(x, str) else "" for x in items]
            parts = [_codepoints(raw)]
        elif arrow:
            parts = normalize_arrow_batches(texts, strip_tags=bool(self.strip_padding))
        else:
            raw = [x if isinstance(x, str) else "" for x in texts]
            parts = [normalize_codepoints(raw, strip_tags=bool(self.strip_padding))]
        timings["normalize_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        # distinct texts: by a 64-bit hash of their (normalised) code points
        # numbered by first appearance in time: the texts alive in one window of the
        # join are then neighbours in memory
        hashes = np.concatenate([span_hashes(c, o, int(self.seed)) for c, o in parts])
        if n < 2 or bool((ts_arr[1:] >= ts_arr[:-1]).all()):  # the store reads posts in time order
            by_time = np.arange(n, dtype=np.int64)
        else:
            by_time = np.argsort(ts_arr, kind="stable")
        text_of_post, first = first_seen(hashes, by_time)
        # the normalised batches are kept and the distinct texts read from them in place
        # (copying 650k texts out of 1M costs half a second)
        self._parts, self._first = parts, first
        if self.tokenizer is not None:
            uniq_raw = [raw[int(i)] for i in first]
            keys, koffs, bits = encode_token_sets(uniq_raw, tokenizer=self.tokenizer, seed=int(self.seed))
        else:
            keys, koffs, bits = _encode_parts(
                _pick(parts, first), first.shape[0], self.tokens, int(self.shingle_size), int(self.cjk_shingle_size),
                int(self.seed),
            )  # fmt: skip
        n_texts = first.shape[0]
        timings["tokens_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        if scope is None:
            doc_of_post = text_of_post
            doc_text = np.arange(n_texts, dtype=np.int64)
            doc_scope = np.zeros(n_texts, np.int64)
        else:
            if len(scope) != n:
                raise ParameterError("scope", f"None or a sequence of {n} keys", len(scope), owner="NearDuplicates")
            sc: dict[Any, int] = {}
            scope_id = np.fromiter((sc.setdefault(s, len(sc)) for s in scope), np.int64, n)
            pair_key = scope_id * n_texts + text_of_post
            udoc, doc_of_post = np.unique(pair_key, return_inverse=True)
            doc_text = udoc % n_texts
            doc_scope = udoc // n_texts
        post_doc = np.where(has_text, doc_of_post, -1)
        valid = np.flatnonzero(has_text)
        order = by_time[has_text[by_time]]
        sizes = np.diff(koffs)
        span = int(ts_arr[valid].max() - ts_arr[valid].min() + 1) if valid.size else 1
        mean_prefix = float(np.mean(sizes - np.ceil(float(self.threshold) * sizes) + 1)) if sizes.size else 1.0
        ibits = _index_bits(int(valid.size), span, int(self.window), mean_prefix)
        window, threshold, min_tokens = int(self.window), float(self.threshold), int(self.min_tokens)

        def join(docs: np.ndarray, times: np.ndarray, emit_from: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
            return similarity_join(keys, koffs, doc_text, doc_scope, docs, times, window, threshold, ibits, min_tokens, emit_from)

        a, b, jac, n_cand = _parallel_join(join, post_doc[order].astype(np.int64), ts_arr[order], window)
        timings["join_s"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        n_docs = doc_text.shape[0]
        posts_per_doc = np.bincount(post_doc[valid], minlength=n_docs) if n_docs else np.zeros(0, np.int64)
        if self.clustering == "star":
            centre = star_clusters(n_docs, a.astype(np.int64), b.astype(np.int64), posts_per_doc.astype(np.int64))
        else:
            centre = components(n_docs, a.astype(np.int64), b.astype(np.int64))
        timings["cluster_s"] = time.perf_counter() - t3
        self._norm: list[str] | None = None
        self.text_hash_ = hashes[first]
        self.text_of_post_ = np.where(has_text, text_of_post, -1)
        self.doc_text_ = doc_text
        self.doc_scope_ = doc_scope
        self.doc_of_post_ = post_doc
        self.token_keys_ = keys
        self.token_offsets_ = koffs
        self.pairs_ = pa.table(
            {"doc_a": pa.array(a, pa.int64()), "doc_b": pa.array(b, pa.int64()), "jaccard": pa.array(jac, pa.float32())}
        )
        self.centre_ = centre
        self.labels_ = np.where(has_text, centre[np.maximum(post_doc, 0)] if n_docs else -1, -1)
        self.parameters_ = self.get_params()
        self.info_ = {
            "posts": n,
            "texts": int(n_texts),
            "docs": int(n_docs),
            "tokens": int(keys.shape[0]),
            "bucket_bits": bits,
            "index_bits": ibits,
            "candidates": int(n_cand),
            "similar_pairs": int(a.shape[0]),
            "clusters_multi": int(np.unique(centre[np.flatnonzero(centre != np.arange(n_docs))]).shape[0])
            if n_docs
            else 0,
            **{k: round(v, 4) for k, v in timings.items()},
        }
        return self

    @property
    def norm_(self) -> list[str]:
        """The distinct (normalised) texts, decoded on first access."""
        if not hasattr(self, "_parts"):
            raise AttributeError("norm_: call fit() first")
        if self._norm is None:
            self._norm = _decode(*self.text_codepoints())
        return self._norm

    def drop_tokens(self) -> None:
        """Free ``token_keys_`` and ``token_offsets_`` (the largest arrays of a fit) when only
        the pairs and clusters are needed any more."""
        self.token_keys_ = np.zeros(0, np.uint64)
        self.token_offsets_ = np.zeros(1, np.int64)

    def text_codepoints(self, texts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (normalised) texts ``texts`` (all when None) as one buffer of code points and offsets."""
        first = self._first if texts is None else self._first[np.asarray(texts, np.int64)]
        return _gather_parts(self._parts, first)


def _encode_parts(
    picked: Picked,
    n: int,
    tokens: str,
    k: int,
    cjk_k: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Token sets as sorted order keys (see :func:`encode_token_sets`) of ``n`` texts picked from batches."""
    if tokens == "words":  # words are the spaces' pieces: spaces become the NUL separators of mode 1
        picked = [(np.where(c == 32, np.uint32(0), c).astype(np.uint32), o, src, dst) for c, o, src, dst in picked]
        mode = 1
    else:
        mode = 0
    return _order_tokens(picked, n, mode, k, cjk_k, seed)


def _order_tokens(
    picked: Picked, n: int, mode: int, k: int, cjk_k: int, seed: int
) -> tuple[np.ndarray, np.ndarray, int]:
    hashes, starts, lengths = token_hashes_of(picked, n, _cjk_table(), mode, k, cjk_k, seed)
    bits = _bucket_bits(int(lengths.sum()))
    keys, koffs, _ = order_keys(hashes, starts, lengths, bits)
    return keys, koffs, bits


def near_duplicates(texts: Sequence[str | None], ts: Sequence[int] | np.ndarray, **params: Any) -> np.ndarray:
    """Cluster label (centre doc) of each post; ``params`` as for :class:`NearDuplicates`."""
    return NearDuplicates(**params).fit(texts, ts).labels_
