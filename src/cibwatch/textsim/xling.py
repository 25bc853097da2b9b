"""The same message in several languages: language-agnostic fingerprints and cross-language links.

A translated copy shares few character shingles with its original, but it
keeps what translation does not touch: the names of people and places
(``Vancouver``, the targeted MP), @handles, links, numbers, hashtags and
emoji. :func:`fingerprint` extracts them from a raw text:

* ``name:`` capitalised words of three letters or more that do not start a
  sentence, or do and are followed by another capitalised word ("Jean
  Tremblay has ..."), and any Latin word inside Chinese or Japanese text; transliterated by
  the text normaliser (look-alikes, case and diacritics removed:
  ``Émilie`` → ``emilie``); no pinyin table is used, so a name written in Han
  characters matches only itself;
* ``@`` handles, ``url:`` normalised links, ``#`` hashtags, ``n:`` numbers of
  two digits or more (``5,000`` → ``5000``), ``emoji:`` the emoji sequence.

:class:`CrossLingualLinker` links *units* (near-duplicate clusters) of
different languages whose fingerprints agree: weighted Jaccard
``Σ_shared w / Σ_union w >= threshold`` (``w = log2((N + 1) / (df + 1)) + 1``,
the smoothed idf) with at least ``min_shared``
shared features, features used by more than ``max_df`` of the units
ignored (too common to identify a message), and time spans at most
``window`` seconds apart. An optional :class:`~cibwatch.textsim.embed.EmbeddingMatcher`
adds links between units whose sentence embeddings agree. Linked units form
groups (connected components); a group spanning two or more languages is one
cross-language object.

Example::

    >>> sorted(fingerprint("A critic in Vancouver accuses Jean Tremblay of corruption!"))
    ['name:jean', 'name:tremblay', 'name:vancouver']
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import regex

from ..errors import ParameterError
from ..normalize.text import emoji_fingerprint, has_cjk, normalize_text
from ..normalize.urls import normalize_url
from ._kernels import components

if TYPE_CHECKING:
    from .embed import EmbeddingMatcher

__all__ = ["fingerprint", "CrossLingualLinker", "XLING_DEFAULTS"]

XLING_DEFAULTS: dict[str, Any] = {"threshold": 0.5, "min_shared": 2, "max_df": 0.05, "window": 86400}

_URL = regex.compile(r"(?:https?://|www\.)[^\s<>\"]+", regex.IGNORECASE)
_HANDLE = regex.compile(r"(?<![\p{L}\p{N}_@])[@＠]([\p{L}\p{M}\p{N}_]+)")
_TAG = regex.compile(r"(?<![\p{L}\p{N}_#])[#＃]([\p{L}\p{M}\p{N}_]+)")
_NUMBER = regex.compile(r"\p{Nd}+(?:[,.'’]\p{Nd}{3})*")
_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’\-]*")
_INVISIBLE = regex.compile(r"[\p{Cf}\ufe0e\ufe0f]")
_LATIN_WORD = regex.compile(r"\p{Latin}[\p{Latin}\p{M}'’\-]*")
_END_MARK = re.compile(r"[.!?。！？…:;\n]")


def _clause_start(starts: list[int], pos: int) -> int:
    """The last of ``starts`` at or before ``pos`` (0 when none)."""
    j = bisect.bisect_right(starts, pos)
    return starts[j - 1] if j else 0


@functools.lru_cache(maxsize=1 << 16)
def _normalize_word(word: str) -> str:
    """:func:`normalize_text` of one word (names recur across messages: cached)."""
    return normalize_text(word)


def fingerprint(text: str | None) -> frozenset[str]:
    """Language-agnostic features of a raw text (see the module docstring)."""
    if not isinstance(text, str) or not text:
        return frozenset()
    feats: set[str] = set()
    raw = text
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    rest = text
    for m in _URL.finditer(text):
        u = normalize_url(m.group(0).rstrip(".,;:!?)»\"'"))
        if u:
            feats.add("url:" + u)
    rest = _URL.sub(" ", rest)
    for m in _HANDLE.finditer(rest):
        h = normalize_text(m.group(1))
        if h:
            feats.add("@" + h.replace(" ", ""))
    for m in _TAG.finditer(rest):
        t = normalize_text(m.group(1))
        if t:
            feats.add("#" + t.replace(" ", ""))
    core = _TAG.sub(" ", _HANDLE.sub(" ", rest))
    for m in _NUMBER.finditer(core):
        digits = regex.sub(r"\D", "", m.group(0))
        if len(digits) >= 2:
            feats.add("n:" + digits)
    cjk_text = has_cjk(core)
    words = list((_LATIN_WORD if cjk_text else _WORD).finditer(core))
    # letters since the last sentence end decide "sentence-initial": the clause of a word
    # starts after the last end mark before it
    clause_starts = [e.end() for e in _END_MARK.finditer(core)]
    for k, m in enumerate(words):
        w = m.group(0)
        if cjk_text:
            if len(w) < 2:
                continue
        elif not (w[0].isupper() and len(w) >= 3):
            continue
        elif not any(ch.isalnum() for ch in core[_clause_start(clause_starts, m.start()) : m.start()]):
            # sentence-initial: a name only when the next word is capitalised too ("Jean Tremblay has ...")
            nxt = words[k + 1] if k + 1 < len(words) else None
            if nxt is None or core[m.end() : nxt.start()].strip() or not nxt.group(0)[0].isupper():
                continue
        n = _normalize_word(w)
        if n and " " not in n:
            feats.add("name:" + n)
    e = emoji_fingerprint(raw)
    if e:
        feats.add("emoji:" + e)
    return frozenset(feats)


class CrossLingualLinker:
    """Links units of different languages whose fingerprints (or embeddings) agree.

    Parameters
    ----------
    threshold:
        Weighted Jaccard of fingerprints, in ``(0, 1]``.
    min_shared:
        Features two units must share.
    max_df:
        Features used by more than this share of the units are ignored
        (at least fifty units may always share a feature).
    window:
        Seconds: two units are linked only if their time spans are at most
        this far apart.
    embedding:
        Optional :class:`~cibwatch.textsim.embed.EmbeddingMatcher`; its
        pairs across languages are links too.
    """

    def __init__(
        self,
        threshold: float = XLING_DEFAULTS["threshold"],
        min_shared: int = XLING_DEFAULTS["min_shared"],
        max_df: float = XLING_DEFAULTS["max_df"],
        window: int = XLING_DEFAULTS["window"],
        embedding: EmbeddingMatcher | None = None,
    ) -> None:
        self.threshold = threshold
        self.min_shared = min_shared
        self.max_df = max_df
        self.window = window
        self.embedding = embedding

    def get_params(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "min_shared": self.min_shared,
            "max_df": self.max_df,
            "window": self.window,
            "embedding": None if self.embedding is None else self.embedding.get_params(),
        }

    def _validate(self) -> None:
        for name in ("threshold", "max_df"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not (0 < v <= 1):
                raise ParameterError(name, "a number in (0, 1]", v, owner="CrossLingualLinker")
        for name in ("min_shared", "window"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < (1 if name == "min_shared" else 0):
                raise ParameterError(
                    name,
                    "an integer >= 1" if name == "min_shared" else "an integer >= 0",
                    v,
                    owner="CrossLingualLinker",
                )

    def fit(
        self,
        features: Sequence[frozenset[str]],
        langs: Sequence[str | None],
        first_ts: Sequence[int] | np.ndarray,
        last_ts: Sequence[int] | np.ndarray,
        texts: Sequence[str] | None = None,
    ) -> CrossLingualLinker:
        """Link units; sets ``links_`` (list of ``(a, b, score, how)``), ``group_``
        (component label per unit, ``-1`` unless its group spans two or more
        languages) and ``weights_`` (idf of each used feature)."""
        self._validate()
        n = len(features)
        if not (len(langs) == n == len(first_ts) == len(last_ts)):
            raise ParameterError(
                "langs", f"one language and time span per unit ({n})", len(langs), owner="CrossLingualLinker"
            )
        t_first = np.asarray(first_ts, np.int64)
        t_last = np.asarray(last_ts, np.int64)
        df: dict[str, int] = defaultdict(int)
        for f in features:
            for x in f:
                df[x] += 1
        max_count = max(50, int(self.max_df * n))
        # smoothed idf (as scikit-learn's ``smooth_idf``): every kept feature weighs at least 1
        weights = {x: math.log2((n + 1) / (c + 1)) + 1.0 for x, c in df.items() if 2 <= c <= max_count}
        index: dict[str, list[int]] = defaultdict(list)
        for u, f in enumerate(features):
            if langs[u] is None:
                continue
            for x in f:
                if x in weights:
                    index[x].append(u)
        seen: set[tuple[int, int]] = set()
        links: list[tuple[int, int, float, str]] = []

        def close(a: int, b: int) -> bool:
            gap = max(t_first[a], t_first[b]) - min(t_last[a], t_last[b])
            return gap <= self.window

        for posting in index.values():
            for i, a in enumerate(posting):
                for b in posting[i + 1 :]:
                    key = (a, b) if a < b else (b, a)
                    if key in seen or langs[a] == langs[b]:
                        continue
                    seen.add(key)
                    fa = {x for x in features[a] if x in weights}
                    fb = {x for x in features[b] if x in weights}
                    shared = fa & fb
                    if len(shared) < self.min_shared or not close(a, b):
                        continue
                    score = sum(weights[x] for x in shared) / sum(weights[x] for x in fa | fb)
                    if score >= self.threshold:
                        links.append((key[0], key[1], float(score), "fingerprint"))
        if self.embedding is not None and texts is not None and n:
            m = self.embedding.fit(list(texts))
            for a, b, score in m.pairs_:
                if langs[a] is not None and langs[b] is not None and langs[a] != langs[b] and close(a, b):
                    links.append((min(a, b), max(a, b), float(score), "embedding"))
        a_arr = np.array([x[0] for x in links], np.int64)
        b_arr = np.array([x[1] for x in links], np.int64)
        label = components(n, a_arr, b_arr) if n else np.zeros(0, np.int64)
        group_langs: dict[int, set[str]] = defaultdict(set)
        for u in range(n):
            if langs[u] is not None:
                group_langs[int(label[u])].add(str(langs[u]))
        linked = np.zeros(n, bool)
        linked[a_arr] = True
        linked[b_arr] = True
        self.group_ = np.array(
            [int(label[u]) if linked[u] and len(group_langs[int(label[u])]) >= 2 else -1 for u in range(n)], np.int64
        )
        self.links_ = links
        self.weights_ = weights
        self.parameters_ = self.get_params()
        return self
