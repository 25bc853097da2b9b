"""Compiled kernels of the near-duplicate stage (numba, cached on disk).

* :func:`token_hashes`: character shingles (or NUL-separated tokens) of
  texts given as concatenated code points → 64-bit hashes, per text.
* :func:`order_keys`: the global token order of prefix filtering. A token is
  its 40 low hash bits; its sort key is ``(frequency bucket count << 40) |
  token``: rare tokens first, ties broken by the token, so the order is a
  total order that every text agrees on (which is all prefix filtering
  needs; the counts only make it efficient).
* :func:`similarity_join`: the exact set-similarity join inside a time window
  (AllPairs with prefix and length filters; Bayardo, Ma & Srikant 2007,
  *Scaling up all pairs similarity search*, WWW; Chaudhuri, Ganti & Kaushik
  2006, *A primitive operator for similarity joins in data cleaning*, ICDE).
* :func:`star_clusters` / :func:`components`: clusters of the similarity graph.
* :func:`brute_force_pairs`: every pair within the window, for recall checks.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

MASK40 = np.uint64((1 << 40) - 1)
_P = np.uint64(0x100000001B3)  # FNV prime, as the rolling multiplier


@njit(cache=True, inline="always")
def _mix(h: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    """splitmix64 finaliser (Steele, Lea & Flood 2014)."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


@njit(cache=True)
def _hash_span(cps: np.ndarray, a: int, b: int, seed: np.uint64, domain: np.uint64) -> np.uint64:  # pragma: no cover
    h = seed ^ domain
    for i in range(a, b):
        h = h * _P + np.uint64(cps[i]) + np.uint64(1)
    return _mix(h)


@njit(cache=True)
def _tokens_of(
    cps: np.ndarray,
    a: int,
    b: int,
    cjk: np.ndarray,
    mode: int,
    k: int,
    cjk_k: int,
    s: np.uint64,
    out: np.ndarray,
    pos: int,
) -> int:  # pragma: no cover - compiled
    """Shingles (mode 0) or NUL-separated tokens (mode 1) of ``cps[a:b]``: their hashes
    written at ``out[pos:]``, and their number."""
    m = 0
    if mode == 1:
        i = a
        while i < b:
            j = i
            while j < b and cps[j] != 0:
                j += 1
            if j > i:
                out[pos + m] = _hash_span(cps, i, j, s, np.uint64(0))
                m += 1
            i = j + 1
        return m
    i = a
    while i < b:
        c = cjk[cps[i]]
        j = i + 1
        while j < b and cjk[cps[j]] == c:
            j += 1
        g = cjk_k if c else k
        dom = np.uint64(0x9E3779B97F4A7C15) if c else np.uint64(0)
        if j - i <= g:
            blank = True
            for q in range(i, j):
                if cps[q] != 32:
                    blank = False
                    break
            if not blank:
                out[pos + m] = _hash_span(cps, i, j, s, dom)
                m += 1
        else:
            for q in range(i, j - g + 1):
                out[pos + m + q - i] = _hash_span(cps, q, q + g, s, dom)
            m += j - g + 1 - i
        i = j
    return m


#: Texts picked from batches of code points: per batch ``(cps, offs, src, dst)``, text
#: ``src[r]`` of the batch being text ``dst[r]`` of the picked texts.
Picked = list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def every_text(cps: np.ndarray, offs: np.ndarray) -> Picked:
    """All the texts of one buffer, in order, as :data:`Picked`."""
    idx = np.arange(offs.shape[0] - 1, dtype=np.int64)
    return [(cps, offs, idx, idx)]


def picked_offsets(parts: Picked, n: int) -> np.ndarray:
    """Offsets of the ``n`` picked texts' code points laid end to end (``n + 1`` values)."""
    out = np.zeros(n + 1, np.int64)
    for _, offs, src, dst in parts:
        out[dst + 1] = offs[src + 1] - offs[src]
    np.cumsum(out, out=out)
    return out


def token_hashes(
    cps: np.ndarray, offs: np.ndarray, cjk: np.ndarray, mode: int, k: int, cjk_k: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of each text's shingles (``mode`` 0) or NUL-separated tokens (``mode`` 1), in CSR form.

    Mode 0 follows :func:`cibwatch.normalize.text.shingles`: maximal runs of
    CJK and other code points; a run gives its ``k``-grams (``cjk_k`` for
    CJK), or itself when shorter; a run of spaces alone gives nothing.
    ``cjk`` is a per-code-point boolean table. Duplicates are kept.
    """
    n = offs.shape[0] - 1
    out, starts, lengths = token_hashes_of(every_text(cps, offs), n, cjk, mode, k, cjk_k, seed)
    new_offs = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=new_offs[1:])
    pack_left(out, starts, lengths, new_offs)
    return out[: new_offs[-1]], new_offs


def token_hashes_of(
    parts: Picked,
    n: int,
    cjk: np.ndarray,
    mode: int,
    k: int,
    cjk_k: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`token_hashes` of ``n`` texts picked from several code-point buffers, read in place.

    Every text of the result comes from one part (:data:`Picked`). Returns ``(hashes, starts, lengths)``: text ``i``'s hashes are
    ``hashes[starts[i] : starts[i] + lengths[i]]``. A text of ``L`` code
    points has at most ``L`` tokens, so each text is given ``L`` slots and
    hashed in one parallel pass (no counting pass; the slack is a few slots a
    text).
    """
    bound = picked_offsets(parts, n)
    out = np.empty(int(bound[n]), np.uint64)
    lengths = np.zeros(n, np.int64)
    for cps, offs, src, dst in parts:
        _write_tokens(cps, offs, src, dst, cjk, mode, k, cjk_k, np.uint64(seed), out, bound, lengths)
    return out, bound[:n], lengths


@njit(cache=True, parallel=True)
def _write_tokens(
    cps: np.ndarray,
    offs: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    cjk: np.ndarray,
    mode: int,
    k: int,
    cjk_k: int,
    s: np.uint64,
    out: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
) -> None:  # pragma: no cover - compiled
    for r in prange(src.shape[0]):
        i = src[r]
        t = dst[r]
        lengths[t] = _tokens_of(cps, offs[i], offs[i + 1], cjk, mode, k, cjk_k, s, out, starts[t])


@njit(cache=True)
def pack_left(x: np.ndarray, starts: np.ndarray, lengths: np.ndarray, new_offs: np.ndarray) -> None:  # pragma: no cover
    """Move ``x[starts[t] : starts[t] + lengths[t]]`` to ``new_offs[t]``, in place.

    ``new_offs[t] <= starts[t]`` (each text moves left), so a forward pass
    never overwrites what it still has to read: no second buffer.
    """
    for t in range(starts.shape[0]):
        a = starts[t]
        d = new_offs[t]
        if a != d:
            for i in range(lengths[t]):
                x[d + i] = x[a + i]


@njit(cache=True, inline="always")
def _sort_unique(x: np.ndarray, a: int, b: int) -> int:  # pragma: no cover - compiled
    """Sort ``x[a:b]`` in place and move its distinct values to the front; returns their number.

    Up to 32 values are insertion-sorted (no call into the general sort: a
    third faster on the guard's ~17 words per text).
    """
    if b - a <= 32:
        for i in range(a + 1, b):
            v = x[i]
            j = i - 1
            while j >= a and x[j] > v:
                x[j + 1] = x[j]
                j -= 1
            x[j + 1] = v
    else:
        x[a:b].sort()
    d = 0
    for i in range(a, b):
        if i == a or x[i] != x[a + d - 1]:
            x[a + d] = x[i]
            d += 1
    return d


@njit(cache=True, parallel=True)
def order_keys(
    hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, bucket_bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """Per text (``hashes[starts[t] : starts[t] + lengths[t]]``): its distinct tokens as
    sorted order keys, in CSR form; and the bucket counts.

    A token is the 40 low bits of its hash; its bucket the ``bucket_bits``
    low bits; the bucket count (of a systematic sample of occurrences)
    approximates the token's frequency. Any function of the token gives a valid global order;
    this one puts rare tokens first. ``hashes`` is overwritten.
    """
    n = starts.shape[0]
    nb = 1 << bucket_bits
    bmask = np.uint64(nb - 1)
    mask40 = np.uint64((1 << 40) - 1)
    counts = np.zeros(nb, np.int32)
    # frequencies from every 4th occurrence of each text: any function of the token is a
    # valid order, and a quarter of the counting (random memory access) ranks tokens as well
    for t in range(n):
        for i in range(starts[t], starts[t] + lengths[t], 4):
            counts[np.int64(hashes[i] & bmask)] += 1
    cap = np.uint64((1 << 23) - 1)
    keys = hashes  # overwritten in place (the caller's hashes are not needed afterwards)
    distinct = np.zeros(n + 1, np.int64)
    for t in prange(n):
        a = starts[t]
        b = a + lengths[t]
        for i in range(a, b):
            tok = hashes[i] & mask40
            c = np.uint64(counts[np.int64(tok & bmask)])
            if c > cap:
                c = cap
            keys[i] = (c << np.uint64(40)) | tok
        distinct[t + 1] = _sort_unique(keys, a, b)
    new_offs = np.cumsum(distinct)
    pack_left(keys, starts, distinct[1:], new_offs)  # no second buffer of the size of all tokens
    return keys[: new_offs[n]], new_offs, counts


@njit(cache=True, inline="always")
def _need_overlap(la: int, lb: int, t: float) -> int:  # pragma: no cover - compiled
    """Smallest overlap o with o / (la + lb - o) >= t (exact in floating point, like the verifier)."""
    o = int(np.ceil(t * (la + lb) / (1.0 + t) - 1e-9))
    if o < 0:
        o = 0
    while o > 0 and (o - 1) / (la + lb - (o - 1)) >= t:
        o -= 1
    while o <= min(la, lb) and o / (la + lb - o) < t:
        o += 1
    return o


@njit(cache=True)
def _overlap(keys: np.ndarray, a0: int, a1: int, b0: int, b1: int, need: int) -> int:  # pragma: no cover
    """|A ∩ B| of two sorted key ranges, or -1 as soon as ``need`` is out of reach."""
    i, j, o = a0, b0, 0
    while i < a1 and j < b1:
        if o + min(a1 - i, b1 - j) < need:
            return -1
        ki, kj = keys[i], keys[j]
        if ki == kj:
            o += 1
            i += 1
            j += 1
        elif ki < kj:
            i += 1
        else:
            j += 1
    return o


@njit(cache=True)
def _grown(a: np.ndarray, n: int, cap: int) -> np.ndarray:  # pragma: no cover - compiled
    """A buffer of ``cap`` items starting with ``a[:n]`` (for arrays grown by doubling)."""
    b = np.empty(cap, a.dtype)
    b[:n] = a[:n]
    return b


@njit(cache=True, inline="always")
def prefix_len(n: int, t: float) -> int:  # pragma: no cover - compiled
    """Probe prefix of a set of ``n`` tokens for Jaccard >= t: ``n - ceil(t n) + 1`` (safe rounding)."""
    p = n - int(np.ceil(t * n - 1e-9)) + 1
    if p < 1:
        p = 1
    if p > n:
        p = n
    return p


@njit(cache=True, nogil=True)
def similarity_join(
    keys: np.ndarray,
    key_offs: np.ndarray,
    doc_text: np.ndarray,
    doc_scope: np.ndarray,
    post_doc: np.ndarray,
    post_ts: np.ndarray,
    window: int,
    t: float,
    bucket_bits: int,
    min_tokens: int,
    emit_from: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:  # pragma: no cover - compiled
    # ``bucket_bits``: size of the index's hash table (buckets of token low bits); sized to
    # the entries alive in one window, not to the vocabulary, so that it stays in cache
    """Pairs of docs with Jaccard >= t that have posts at most ``window`` seconds apart.

    ``post_ts`` is sorted; ``doc_text`` maps a doc to its token range, and
    two docs are compared only when their ``doc_scope`` agree. A doc is
    *indexed* while its last post is within the window; its prefix tokens
    then sit in a bucketed inverted index (linked lists; expired entries are
    unlinked as lists are walked). A doc probes the index when it becomes
    indexed (its first post, or its first post after an expiry); a doc that
    is still indexed does not probe again, since every doc that arrived in the
    meantime probed it. Each candidate passes the length filter and is
    verified by the exact overlap. Returns (a, b, jaccard, candidates).

    Posts before ``emit_from`` only warm the index (they are indexed, never
    probe): a slice of the posts that starts ``window`` seconds before
    ``emit_from`` gives exactly the pairs the whole sweep finds from there on,
    so slices of the timeline can be joined in parallel (the kernel releases
    the GIL).
    """
    n_docs = doc_text.shape[0]
    nb = 1 << bucket_bits
    bmask = np.uint64(nb - 1)
    head = np.full(nb, -1, np.int64)
    cap = 1 << 16
    nxt = np.empty(cap, np.int64)
    ent = np.empty(cap, np.int32)
    pos = np.empty(cap, np.int32)  # the entry's token: its position in the doc's sorted keys
    n_ent = 0
    free = -1  # unlinked entries, reused (the live index stays the size of one window)
    last = np.full(n_docs, np.iinfo(np.int64).min // 2, np.int64)
    stamp = np.full(n_docs, -1, np.int64)
    pcap = 1 << 12
    pa_ = np.empty(pcap, np.int32)
    pb_ = np.empty(pcap, np.int32)
    pj_ = np.empty(pcap, np.float32)
    n_pairs = 0
    n_cand = 0
    for p in range(post_doc.shape[0]):
        d = post_doc[p]
        ts = post_ts[p]
        lo = ts - window
        if last[d] >= lo:
            last[d] = ts
            continue
        last[d] = ts
        tx = doc_text[d]
        a0, a1 = key_offs[tx], key_offs[tx + 1]
        la = a1 - a0
        if la < min_tokens or la == 0:
            continue
        plen = prefix_len(la, t)
        min_len = int(np.ceil(t * la - 1e-9))
        max_len = int(np.floor(la / t + 1e-9))
        for q in range(a0, a0 + (plen if p >= emit_from else 0)):
            bkt = np.int64(keys[q] & bmask)
            prev = -1
            e = head[bkt]
            while e >= 0:
                v = ent[e]
                nx = nxt[e]
                j = pos[e]
                if last[v] < lo:  # expired: unlink, and keep the entry for reuse
                    if prev < 0:
                        head[bkt] = nx
                    else:
                        nxt[prev] = nx
                    nxt[e] = free
                    free = e
                    e = nx
                    continue
                prev = e
                e = nx
                if v == d or stamp[v] == p or doc_scope[v] != doc_scope[d]:
                    continue
                tv = doc_text[v]
                b0, b1 = key_offs[tv], key_offs[tv + 1]
                if keys[b0 + j] != keys[q]:  # another token of the bucket
                    continue
                # the first shared token (keys are in one global order, and every smaller
                # shared token would be in both prefixes and found at an earlier q): the
                # overlap is 1 + that of what follows it in both (positional filter)
                stamp[v] = p
                lb = b1 - b0
                if lb < min_len or lb > max_len:
                    continue
                need = _need_overlap(la, lb, t)
                i = q - a0
                if 1 + min(la - i - 1, lb - j - 1) < need:
                    continue
                n_cand += 1
                o = 1 + _overlap(keys, q + 1, a1, b0 + j + 1, b1, need - 1)
                if o < need:
                    continue
                jac = o / (la + lb - o)
                if jac < t:
                    continue
                if n_pairs == pcap:
                    pcap *= 2
                    pa_, pb_ = _grown(pa_, n_pairs, pcap), _grown(pb_, n_pairs, pcap)
                    pj_ = _grown(pj_, n_pairs, pcap)
                pa_[n_pairs] = min(d, v)
                pb_[n_pairs] = max(d, v)
                pj_[n_pairs] = jac
                n_pairs += 1
        # index d's prefix
        for q in range(a0, a0 + plen):
            if free >= 0:
                e = free
                free = nxt[e]
            else:
                if n_ent == cap:
                    cap *= 2
                    nxt, ent, pos = _grown(nxt, n_ent, cap), _grown(ent, n_ent, cap), _grown(pos, n_ent, cap)
                e = n_ent
                n_ent += 1
            bkt = np.int64(keys[q] & bmask)
            ent[e] = d
            pos[e] = q - a0
            nxt[e] = head[bkt]
            head[bkt] = e
    return pa_[:n_pairs], pb_[:n_pairs], pj_[:n_pairs], n_cand


@njit(cache=True)
def brute_force_pairs(
    keys: np.ndarray,
    key_offs: np.ndarray,
    post_text: np.ndarray,
    post_ts: np.ndarray,
    window: int,
    t: float,
    min_tokens: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Every pair of distinct texts with posts at most ``window`` apart and Jaccard >= t (all pairs compared)."""
    n = post_ts.shape[0]
    cap = 1 << 12
    pa_ = np.empty(cap, np.int64)
    pb_ = np.empty(cap, np.int64)
    m = 0
    j0 = 0
    for i in range(n):
        while post_ts[j0] < post_ts[i] - window:
            j0 += 1
        a = post_text[i]
        a0, a1 = key_offs[a], key_offs[a + 1]
        if a1 - a0 < min_tokens or a1 == a0:
            continue
        for j in range(j0, i):
            b = post_text[j]
            if b == a:
                continue
            b0, b1 = key_offs[b], key_offs[b + 1]
            if b1 - b0 < min_tokens or b1 == b0:
                continue
            o = _overlap(keys, a0, a1, b0, b1, 0)
            la, lb = a1 - a0, b1 - b0
            if o / (la + lb - o) >= t:
                if m == cap:
                    cap *= 2
                    pa_, pb_ = _grown(pa_, m, cap), _grown(pb_, m, cap)
                pa_[m] = min(a, b)
                pb_[m] = max(a, b)
                m += 1
    return pa_[:m], pb_[:m]


@njit(cache=True)
def _csr(n: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    deg = np.zeros(n + 1, np.int64)
    for i in range(a.shape[0]):
        deg[a[i] + 1] += 1
        deg[b[i] + 1] += 1
    for i in range(n):
        deg[i + 1] += deg[i]
    fill = deg[:-1].copy()
    adj = np.empty(deg[n], np.int64)
    for i in range(a.shape[0]):
        adj[fill[a[i]]] = b[i]
        fill[a[i]] += 1
        adj[fill[b[i]]] = a[i]
        fill[b[i]] += 1
    return deg, adj


@njit(cache=True)
def star_clusters(n: int, a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Greedy star clustering: the node with the most similar neighbours (then the
    largest ``weight``, then the smallest index) becomes a centre and takes its
    unassigned neighbours; repeat. Every member is similar to its centre, so
    clusters do not chain. Returns the centre of each node (itself when alone)."""
    deg, adj = _csr(n, a, b)
    degree = np.diff(deg)
    order = np.argsort(-(degree.astype(np.float64) * 1e12 + weight.astype(np.float64)), kind="mergesort")
    centre = np.full(n, -1, np.int64)
    for c in order:
        if centre[c] >= 0:
            continue
        centre[c] = c
        for e in range(deg[c], deg[c + 1]):
            v = adj[e]
            if centre[v] < 0:
                centre[v] = c
    return centre


@njit(cache=True)
def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Connected components (union-find); each node's label is its component's smallest node."""
    parent = np.arange(n)
    for i in range(a.shape[0]):
        x, y = a[i], b[i]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x != y:
            if x < y:
                parent[y] = x
            else:
                parent[x] = y
    for i in range(n):
        r = i
        while parent[r] != r:
            r = parent[r]
        parent[i] = r
    return parent


@njit(cache=True)
def _words_of(
    cps: np.ndarray, a: int, b: int, cjk: np.ndarray, s: np.uint64, out: np.ndarray, pos: int, write: bool
) -> int:  # pragma: no cover - compiled
    """The word hashes of one text (written to ``out`` from ``pos`` when ``write``); returns their number."""
    m = 0
    i = a
    while i < b:
        if cps[i] == 32:
            i += 1
            continue
        if cps[i] == 60:  # '<' starts a placeholder: skip to its end
            while i < b and cps[i] != 32:
                i += 1
            continue
        c = cjk[cps[i]]
        j = i + 1
        while j < b and cps[j] != 32 and cjk[cps[j]] == c:
            j += 1
        if c and j - i > 1:
            for q in range(i, j - 1):
                if write:
                    out[pos + m] = _hash_span(cps, q, q + 2, s, np.uint64(0))
                m += 1
        else:
            if write:
                out[pos + m] = _hash_span(cps, i, j, s, np.uint64(0))
            m += 1
        i = j
    return m


@njit(cache=True, parallel=True)
def word_hashes(
    cps: np.ndarray, offs: np.ndarray, cjk: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Hashes of the words of normalised texts, as :func:`cibwatch.normalize.text.word_tokens`:
    space-separated words, a CJK run read as its character bigrams (a lone
    character as itself), placeholders (``<url>``, ``<user>``) skipped.
    Texts are hashed in parallel (a counting pass sizes the output)."""
    n = offs.shape[0] - 1
    s = np.uint64(seed)
    counts = np.zeros(n + 1, np.int64)
    dummy = np.empty(0, np.uint64)
    for t in prange(n):
        counts[t + 1] = _words_of(cps, offs[t], offs[t + 1], cjk, s, dummy, 0, False)
    out_offs = np.cumsum(counts)
    out = np.empty(out_offs[n], np.uint64)
    for t in prange(n):
        _words_of(cps, offs[t], offs[t + 1], cjk, s, out, out_offs[t], True)
    return out, out_offs


@njit(cache=True, parallel=True)
def word_information(
    hashes: np.ndarray, offs: np.ndarray, bucket_bits: int, with_info: bool
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Per text: its number of distinct words, and the sum of their ``log2(N / df)``.

    A word is the 40 low bits of its hash; ``df`` the number of texts using
    a word of its bucket (the ``bucket_bits`` low bits; sized so that two
    common words rarely share one). ``hashes`` is sorted in place per text.
    Without ``with_info`` only the counts are computed (info is 0).
    """
    n = offs.shape[0] - 1
    mask40 = np.uint64((1 << 40) - 1)
    bmask = np.uint64((1 << bucket_bits) - 1)
    words = np.zeros(n, np.int64)
    for t in prange(n):
        a, b = offs[t], offs[t + 1]
        for i in range(a, b):
            hashes[i] &= mask40
        words[t] = _sort_unique(hashes, a, b)
    info = np.zeros(n, np.float64)
    if not with_info:
        return words, info
    df = np.zeros(1 << bucket_bits, np.int32)  # half the memory of int64 for the random increments
    for t in range(n):
        for i in range(offs[t], offs[t] + words[t]):
            df[np.int64(hashes[i] & bmask)] += 1
    log_n = np.log2(n)
    for t in prange(n):
        acc = 0.0
        for i in range(offs[t], offs[t] + words[t]):
            acc += log_n - np.log2(df[np.int64(hashes[i] & bmask)])
        info[t] = acc
    return words, info


@njit(cache=True, parallel=True)
def span_hashes(cps: np.ndarray, offs: np.ndarray, seed: int) -> np.ndarray:  # pragma: no cover - compiled
    """A 64-bit hash of each text (its code points): identity of normalised texts."""
    n = offs.shape[0] - 1
    out = np.empty(n, np.uint64)
    s = np.uint64(seed)
    for t in prange(n):
        out[t] = _hash_span(cps, offs[t], offs[t + 1], s, np.uint64(0x2545F4914F6CDD1D))
    return out


@njit(cache=True)
def first_seen(hashes: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Distinct values of ``hashes`` numbered by first appearance in ``order``.

    Returns ``(ids, first)``: ``ids[i]`` is item ``i``'s number, ``first[k]``
    the item that first showed value ``k`` (an open-addressing hash table;
    one pass, no sort).
    """
    n = hashes.shape[0]
    bits = 4
    while (1 << bits) < 2 * n:
        bits += 1
    mask = np.uint64((1 << bits) - 1)
    slot_key = np.zeros(1 << bits, np.uint64)
    slot_id = np.full(1 << bits, -1, np.int64)
    ids = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    m = 0
    for r in range(order.shape[0]):
        i = order[r]
        h = hashes[i]
        s = np.int64(_mix(h) & mask)
        while slot_id[s] >= 0 and slot_key[s] != h:
            s = np.int64((np.uint64(s) + np.uint64(1)) & mask)
        if slot_id[s] < 0:
            slot_key[s] = h
            slot_id[s] = m
            first[m] = i
            m += 1
        ids[i] = slot_id[s]
    return ids, first[:m]
