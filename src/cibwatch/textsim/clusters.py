"""Posts → text clusters → traces: what the ``text_near`` and ``crosslingual`` signals run.

:func:`text_clusters` takes the posts of a period (an Arrow table with
``account, post_id, ts, text`` and optionally ``lang``, ``scope``) and
returns a :class:`TextClusterResult`:

* ``near_traces``: one ``text_near`` trace per post of a near-duplicate
  cluster that the generic-phrase guard lets through; object
  ``text_near:{cluster id}``. Clusters that one account posted are objects
  too: they cannot give a co-action, but they are part of the account-object
  graph whose degrees the engine's null model uses (without them the
  campaign's own clusters would set the chance rate of the kind);
* ``xling_traces``: one ``crosslingual`` trace per post of a cross-language
  group — near-duplicate clusters linked across languages (by fingerprints or
  embeddings) into a group spanning two or more languages —, object
  ``crosslingual:{group id}``; and, for the null model's degrees, one per post
  of each non-generic cluster that a single account posted (its own id; no
  co-action can come of it);
* ``clusters``: one row per object that two or more accounts posted (``cluster_key``,
  ``representative`` — the raw text of the cluster centre's first post —,
  ``lang``, ``n_posts``, ``n_accounts``, ``langs``), the ``text_clusters``
  table's columns;
* ``info``: the parameters used and the counts of each stage.

Cluster ids are content hashes (64-bit hash of the centre's normalised text,
mixed with its scope; xxh3-64 of the sorted member cluster ids for a group),
so a rerun on the same posts gives the same keys.

Parameters are the keys of :data:`PARAMS` (defaults there); unknown keys are
an error.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from ..errors import ParameterError
from ..normalize.lang import DEFAULT_LANGUAGES, detect_languages
from ..normalize.text import arrow_utf8
from ..signals import TRACE_SCHEMA
from ._kernels import first_seen, span_hashes
from .guard import GUARD_DEFAULTS, GenericPhraseGuard
from .near import DEFAULTS, NearDuplicates
from .xling import XLING_DEFAULTS, CrossLingualLinker, fingerprint

__all__ = ["PARAMS", "CLUSTER_SCHEMA", "TextClusterResult", "text_clusters", "check_params"]

#: Parameters of the text signals, their defaults and meaning (names as read from ``SignalContext.params``).
PARAMS: dict[str, tuple[Any, str]] = {
    "text_threshold": (DEFAULTS["threshold"], "Jaccard of character shingles for near-duplicates, (0, 1]"),
    "text_window": (DEFAULTS["window"], "seconds within which two texts are compared (in a run: the engine's window)"),
    "shingle_size": (DEFAULTS["shingle_size"], "characters per shingle"),
    "cjk_shingle_size": (DEFAULTS["cjk_shingle_size"], "characters per shingle in Chinese/Japanese runs"),
    "min_tokens": (DEFAULTS["min_tokens"], "texts with fewer distinct shingles are only matched exactly"),
    "text_scope": (None, "None, 'conversation' or 'target': compare texts only within one"),
    "clustering": (DEFAULTS["clustering"], "'star' (no chaining) or 'components'"),
    "guard_margin_bits": (GUARD_DEFAULTS["margin_bits"], "generic-phrase guard: bits beyond log2(N) + log2(accounts)"),
    "guard_min_words": (
        GUARD_DEFAULTS["min_words"],
        "generic-phrase guard: texts with fewer distinct words are generic",
    ),
    "guard_min_corpus": (GUARD_DEFAULTS["min_corpus"], "generic-phrase guard: units needed for the information test"),
    "xling_threshold": (XLING_DEFAULTS["threshold"], "cross-language: weighted Jaccard of fingerprints"),
    "xling_min_shared": (XLING_DEFAULTS["min_shared"], "cross-language: shared fingerprint features"),
    "xling_max_df": (XLING_DEFAULTS["max_df"], "cross-language: ignore features of more than this share of units"),
    "xling_window": (XLING_DEFAULTS["window"], "cross-language: seconds between the time spans of linked clusters"),
    "languages": (DEFAULT_LANGUAGES, "candidate languages (ISO 639-1) for language identification"),
    "embedding_model": (None, "local sentence-transformers directory for cross-language links (optional)"),
    "embedding_threshold": (0.8, "cosine similarity of embedding links"),
    "seed": (0, "seed of the token hashes"),
}

CLUSTER_SCHEMA = pa.schema(
    [
        ("cluster_key", pa.string()),
        ("representative", pa.string()),
        ("lang", pa.string()),
        ("n_posts", pa.int64()),
        ("n_accounts", pa.int64()),
        ("langs", pa.list_(pa.string())),
    ]
)


def check_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """``params`` over the defaults of :data:`PARAMS`; unknown names are a :class:`ParameterError`."""
    out = {k: v[0] for k, v in PARAMS.items()}
    for k, v in (params or {}).items():
        if k not in PARAMS:
            raise ParameterError("text parameters", "names among " + ", ".join(PARAMS), k, owner="text_clusters")
        out[k] = v
    if out["text_scope"] not in (None, "conversation", "target"):
        raise ParameterError("text_scope", "None, 'conversation' or 'target'", out["text_scope"], owner="text_clusters")
    return out


@dataclass
class TextClusterResult:
    near_traces: pa.Table
    xling_traces: pa.Table
    clusters: pa.Table
    info: dict[str, Any] = field(default_factory=dict)


def _key(*parts: str) -> str:
    return xxhash.xxh3_64_hexdigest("\x1f".join(parts).encode("utf-8"))


def hash_str(s: str) -> int:
    return xxhash.xxh3_64_intdigest(s.encode("utf-8"))


def _traces(posts: pa.Table, rows: np.ndarray, keys: pa.Array, kind: str) -> pa.Table:
    if rows.size == 0:
        return TRACE_SCHEMA.empty_table()
    idx = pa.array(rows, pa.int64())
    return pa.table(
        {
            "account": posts.column("account").take(idx),
            "object_key": keys,
            "kind": pa.repeat(pa.scalar(kind, pa.string()), rows.size),
            "post_id": posts.column("post_id").take(idx),
            "ts": posts.column("ts").take(idx),
        }
    ).cast(TRACE_SCHEMA)


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", np.uint8)


def _hex_keys(values: np.ndarray, prefix: str) -> pa.Array:
    """``prefix`` + the 16 lower-case hex digits of each 64-bit value, built as one buffer."""
    n = values.shape[0]
    head = np.frombuffer(prefix.encode("utf-8"), np.uint8)
    p = head.shape[0]
    width = p + 16
    digits = np.ascontiguousarray(values, dtype=">u8").view(np.uint8).reshape(n, 8)
    data = np.empty((n, width), np.uint8)
    data[:, :p] = head
    data[:, p::2] = _HEX_DIGITS[digits >> 4]
    data[:, p + 1 :: 2] = _HEX_DIGITS[digits & 15]
    large = n * width >= 2**31
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if large else np.int32)
    kind = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def string_codes(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Equal strings get equal codes (0, 1, … by first appearance; a null is the empty string).

    A 64-bit hash of each string's bytes, numbered in one hash-table pass:
    two to three times faster than Arrow's dictionary encoding on a million
    account ids. Two distinct strings share a code only if their hashes
    collide (about one chance in 30 million among a million distinct strings).
    """
    data, offs = arrow_utf8(col)
    codes, _ = first_seen(span_hashes(data, offs, 0), np.arange(offs.shape[0] - 1, dtype=np.int64))
    return codes  # type: ignore[no-any-return]


def text_clusters(
    posts: pa.Table, params: dict[str, Any] | None = None, *, xling: bool = True, describe: bool = True
) -> TextClusterResult:
    """Near-duplicate clusters and cross-language groups of ``posts`` (see the module docstring).

    ``describe=False`` leaves the languages of the cluster table empty (no
    language identification; the traces do not need it).
    """
    p = check_params(params)
    n = posts.num_rows
    info: dict[str, Any] = {
        "parameters": {k: (list(v) if isinstance(v, tuple) else v) for k, v in p.items()},
        "posts": n,
    }
    if n == 0:
        empty = TRACE_SCHEMA.empty_table()
        return TextClusterResult(empty, empty, CLUSTER_SCHEMA.empty_table(), info)
    ts = posts.column("ts").to_numpy(zero_copy_only=False).astype(np.int64)
    texts_col = posts.column("text").combine_chunks()

    class _Texts:  # raw texts, built as ``str`` only where needed (representatives, fingerprints)
        def __getitem__(self, r: int) -> str | None:
            return texts_col[int(r)].as_py()

    texts = _Texts()
    lang_col = posts.column("lang").combine_chunks().cast(pa.string()) if "lang" in posts.column_names else None
    scope = None
    if p["text_scope"] is not None and "scope" in posts.column_names:
        scope = [s or "" for s in posts.column("scope").to_pylist()]
    acc_codes = string_codes(posts.column("account"))

    nd = NearDuplicates(
        threshold=p["text_threshold"],
        window=p["text_window"],
        shingle_size=p["shingle_size"],
        cjk_shingle_size=p["cjk_shingle_size"],
        min_tokens=p["min_tokens"],
        clustering=p["clustering"],
        seed=p["seed"],
    ).fit(texts_col, ts, scope)
    info["near"] = nd.info_
    nd.drop_tokens()
    t0 = time.perf_counter()
    doc_of_post = nd.doc_of_post_
    has = doc_of_post >= 0
    post_centre = np.where(has, nd.centre_[np.maximum(doc_of_post, 0)], -1)
    # units: clusters (their centre doc); per post its unit, per unit its size in accounts
    present = np.zeros(nd.centre_.shape[0], bool)
    present[post_centre[has]] = True
    units = np.flatnonzero(present)  # sorted centre docs, and each post's index among them
    post_unit = (np.cumsum(present) - 1)[post_centre[has]]
    rows_with = np.flatnonzero(has)
    unit_of_post = np.full(n, -1, np.int64)
    unit_of_post[rows_with] = post_unit
    n_units = units.shape[0]
    n_acc_codes = int(acc_codes.max()) + 1 if n else 1
    pairs = np.sort(post_unit.astype(np.int64) * n_acc_codes + acc_codes[rows_with])
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if pairs.size else pairs
    n_acc = np.bincount(pairs // n_acc_codes, minlength=n_units)
    n_posts = np.bincount(post_unit, minlength=n_units)
    # the first post (by time, then row) of each unit's centre doc: the representative
    centre_rows = rows_with[doc_of_post[rows_with] == post_centre[rows_with]]
    t_min = int(ts.min())
    if (int(ts.max()) - t_min + 1) * n < 2**62:  # (time, row) as one integer: a min per unit, no sort
        first_key = np.full(n_units, np.iinfo(np.int64).max, np.int64)
        np.minimum.at(first_key, unit_of_post[centre_rows], (ts[centre_rows] - t_min) * n + centre_rows)
        rep_row = first_key % n
    else:
        cr = centre_rows[np.lexsort((centre_rows, ts[centre_rows], unit_of_post[centre_rows]))]
        first = np.r_[True, unit_of_post[cr][1:] != unit_of_post[cr][:-1]]
        rep_row = np.empty(n_units, np.int64)
        rep_row[unit_of_post[cr[first]]] = cr[first]
    # the guard reads each unit's normalised centre text
    unit_text = nd.doc_text_[units]
    guard = GenericPhraseGuard(
        margin_bits=p["guard_margin_bits"],
        min_words=p["guard_min_words"],
        min_corpus=p["guard_min_corpus"],
        seed=p["seed"],
    ).fit(nd.text_codepoints(unit_text), n_acc)
    generic = guard.generic_
    info["guard"] = {"units": int(n_units), "generic_units": int(generic.sum()), "corpus": guard.corpus_}
    # cluster ids: the centre text's hash, with its scope
    key_hash = nd.text_hash_[unit_text]
    if scope is not None:
        scope_h = np.array([hash_str(str(scope[r])) for r in rep_row.tolist()], np.uint64)
        key_hash = key_hash ^ (scope_h * np.uint64(0x9E3779B97F4A7C15))

    def unit_key(u: int) -> str:
        return f"{int(key_hash[u]):016x}"

    keep = ~generic
    shared = keep & (n_acc >= 2)
    near_mask = has.copy()
    near_mask[rows_with] = keep[post_unit]
    near_rows = np.flatnonzero(near_mask)
    near_keys = _hex_keys(key_hash[unit_of_post[near_rows]], "text_near:")
    info["text_near"] = {
        "objects": int(keep.sum()),
        "shared_clusters": int(shared.sum()),
        "traces": int(near_rows.size),
    }

    lang_of: dict[int, str | None] = {}

    def detect(rows: list[int]) -> list[str | None]:
        """The stored language of each post, else the one detected from its text."""
        stored = lang_col.take(pa.array(rows, pa.int64())).to_pylist() if lang_col is not None else [None] * len(rows)
        need = [r for r, lg in dict(zip(rows, stored, strict=True)).items() if lg is None and r not in lang_of]
        if need:
            lang_of.update(zip(need, detect_languages([texts[r] for r in need], languages=p["languages"]), strict=True))
        return [lg if lg is not None else lang_of[r] for r, lg in zip(rows, stored, strict=True)]

    shared_units = np.flatnonzero(shared)
    store_langs: dict[int, set[str]] = {}
    if lang_col is not None:  # the stored languages of each shared cluster's posts
        rows = rows_with[shared[post_unit]]
        langs = lang_col.take(pa.array(rows))
        seen = pa.table({"u": unit_of_post[rows], "lang": langs}).filter(pc.not_equal(pc.fill_null(langs, ""), ""))
        distinct = seen.group_by(["u", "lang"]).aggregate([])
        for u, lg in zip(distinct.column("u").to_pylist(), distinct.column("lang").to_pylist(), strict=True):
            store_langs.setdefault(int(u), set()).add(lg)
    rep_langs = detect(rep_row[shared_units].tolist()) if describe and shared_units.size else [None] * shared_units.size
    cluster_rows: list[dict[str, Any]] = []
    for u, lg in zip(shared_units.tolist(), rep_langs, strict=True):
        cluster_rows.append(
            {
                "cluster_key": "text_near:" + unit_key(u),
                "representative": texts[int(rep_row[u])],
                "lang": lg,
                "n_posts": int(n_posts[u]),
                "n_accounts": int(n_acc[u]),
                "langs": sorted(store_langs.get(u, set()) | ({lg} if lg else set())),
            }
        )
    info["describe_s"] = round(time.perf_counter() - t0, 4)

    xl_rows = np.empty(0, np.int64)
    xl_keys: list[pa.Array] = []
    if xling and n_units:
        t1 = time.perf_counter()
        fp_cache: dict[str, frozenset[str]] = {}

        def fp(r: int) -> frozenset[str]:
            t = texts[r] or ""
            if t not in fp_cache:
                fp_cache[t] = fingerprint(t)
            return fp_cache[t]

        members: dict[int, list[int]] = {}
        for r in rows_with[np.argsort(ts[rows_with], kind="stable")].tolist():
            members.setdefault(int(unit_of_post[r]), []).append(r)
        cand: list[int] = []
        feats: list[frozenset[str]] = []
        for u in np.flatnonzero(keep).tolist():
            rows = members[u]
            cnt: Counter[str] = Counter()
            for r in rows:
                cnt.update(fp(r))
            f = frozenset(x for x, k in cnt.items() if 2 * k >= len(rows))
            if len(f) >= p["xling_min_shared"] or p["embedding_model"]:
                cand.append(u)
                feats.append(f)
        rep_rows = [int(rep_row[u]) for u in cand]
        unit_lang = detect(rep_rows) if rep_rows else []
        first = [int(ts[members[u][0]]) for u in cand]
        last = [int(ts[members[u][-1]]) for u in cand]
        embedding = None
        if p["embedding_model"]:
            from .embed import EmbeddingMatcher

            embedding = EmbeddingMatcher(p["embedding_model"], threshold=p["embedding_threshold"])
        linker = CrossLingualLinker(
            threshold=p["xling_threshold"],
            min_shared=p["xling_min_shared"],
            max_df=p["xling_max_df"],
            window=p["xling_window"],
            embedding=embedding,
        ).fit(feats, unit_lang, first, last, texts=[texts[r] or "" for r in rep_rows])
        groups: dict[int, list[int]] = {}
        grouped: set[int] = set()
        for j, g in enumerate(linker.group_.tolist()):
            if g >= 0:
                groups.setdefault(g, []).append(j)
                grouped.add(cand[j])
        # the universe of the kind: every non-generic message. Clusters linked across
        # languages are one message; a cluster that one account posted is its own
        # (it gives no co-action but counts in the null model's degrees). Clusters of
        # one language that several accounts posted are left to ``text_near``: a
        # co-action of this kind always involves a message in two or more languages.
        parts: list[np.ndarray] = []
        single = keep & (n_acc == 1)
        single[list(grouped)] = False
        rows_single = rows_with[single[post_unit]]
        parts.append(rows_single)
        xl_keys.append(_hex_keys(key_hash, "crosslingual:").take(pa.array(unit_of_post[rows_single])))
        n_groups = 0
        for js in groups.values():
            rows = sorted((r for j in js for r in members[cand[j]]), key=lambda r: (ts[r], r))
            gkey = "crosslingual:" + _key(*sorted(unit_key(cand[j]) for j in js))
            parts.append(np.asarray(rows, np.int64))
            xl_keys.append(pa.array([gkey] * len(rows), xl_keys[0].type))
            accs = {int(acc_codes[r]) for r in rows}
            if len(accs) < 2:
                continue
            n_groups += 1
            big = max(js, key=lambda j: (len(members[cand[j]]), -j))
            cluster_rows.append(
                {
                    "cluster_key": gkey,
                    "representative": texts[rep_rows[big]],
                    "lang": unit_lang[big],
                    "n_posts": len(rows),
                    "n_accounts": len(accs),
                    "langs": sorted({str(unit_lang[j]) for j in js if unit_lang[j]}),
                }
            )
        xl_rows = np.concatenate(parts) if parts else np.empty(0, np.int64)
        info["crosslingual"] = {
            "units": len(cand),
            "links": len(linker.links_),
            "embedding_links": sum(1 for x in linker.links_ if x[3] == "embedding"),
            "groups": n_groups,
            "traces": int(xl_rows.size),
            "seconds": round(time.perf_counter() - t1, 4),
        }
    return TextClusterResult(
        _traces(posts, near_rows, near_keys, "text_near"),
        _traces(posts, xl_rows, pa.concat_arrays(xl_keys) if xl_keys else pa.array([], pa.string()), "crosslingual"),
        pa.Table.from_pylist(cluster_rows, schema=CLUSTER_SCHEMA),
        info,
    )
