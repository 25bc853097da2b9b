"""The generic-phrase guard: short or common texts are not coordination evidence on their own.

Many real people post "Thank you!", "Bravo", "Merci", "👍", "Well said" or
"谢谢" under a politician's post within minutes. Those texts must not become
shared objects. The guard needs no hand list; it asks how much a text says
and how many accounts say it.

For a corpus of ``N`` *units* (a unit is one distinct text, or one
near-duplicate cluster, so copies of one message count once), each word
``w`` (:func:`cibwatch.normalize.text.word_tokens`: UAX #29 words, CJK
bigrams) has ``idf(w) = log2(N / df(w))`` bits, ``df`` counting the units
that use it. A unit's *information* is the sum of the idf of its distinct
words: the surprise, in bits, of its words under independent draws (the
self-information that tf-idf approximates; Robertson 2004, *Understanding
inverse document frequency*, J. Documentation 60(5)). A unit is generic when

* it has fewer than ``min_words`` distinct words (``"Bravo"``, ``"👍"`` → none), or
* the corpus has at least ``min_corpus`` units and the information is below
  ``log2(N) + log2(n_accounts) + margin_bits``.

The threshold is derived, not tuned per phrase: ``log2(N)`` bits are what
it takes for a text to be expected less than once among ``N`` independent
texts; ``log2(n_accounts)`` more for it to be expected less than once even
though ``n_accounts`` accounts posted it; ``margin_bits`` covers the
dependence between words that the independence model ignores ("thank" and
"you" come together). A copied 20-word message carries 80-150 bits and
passes however many accounts post it; "Well said" carries about 10.

Below ``min_corpus`` units the idf estimates are noise, and only the word
floor applies.

Example::

    >>> g = GenericPhraseGuard().fit(["thank you", "see what a critic in vancouver says about the mp"], [300, 40])  # doctest: +SKIP
    >>> g.generic_                                                                                           # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..normalize.text import _codepoints
from ._kernels import word_hashes, word_information

__all__ = ["GenericPhraseGuard", "generic_mask", "GUARD_DEFAULTS"]

GUARD_DEFAULTS: dict[str, Any] = {"margin_bits": 16.0, "min_words": 2, "min_corpus": 500}


class GenericPhraseGuard:
    """Flags generic units (see the module docstring).

    Parameters
    ----------
    margin_bits:
        Bits required beyond ``log2(N) + log2(n_accounts)``.
    min_words:
        Units with fewer distinct words are always generic.
    min_corpus:
        Units needed before the information test applies.
    seed:
        Seed of the word hash.
    """

    def __init__(
        self,
        margin_bits: float = GUARD_DEFAULTS["margin_bits"],
        min_words: int = GUARD_DEFAULTS["min_words"],
        min_corpus: int = GUARD_DEFAULTS["min_corpus"],
        seed: int = 0,
    ) -> None:
        self.margin_bits = margin_bits
        self.min_words = min_words
        self.min_corpus = min_corpus
        self.seed = seed

    def get_params(self) -> dict[str, Any]:
        return {
            "margin_bits": self.margin_bits,
            "min_words": self.min_words,
            "min_corpus": self.min_corpus,
            "seed": self.seed,
        }

    def _validate(self) -> None:
        m = self.margin_bits
        if not isinstance(m, (int, float)) or isinstance(m, bool) or not math.isfinite(m) or m < 0:
            raise ParameterError("margin_bits", "a number >= 0", m, owner="GenericPhraseGuard")
        for name in ("min_words", "min_corpus", "seed"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 0:
                raise ParameterError(name, "an integer >= 0", v, owner="GenericPhraseGuard")

    def fit(
        self, units: Sequence[str] | tuple[np.ndarray, np.ndarray], n_accounts: Sequence[int] | np.ndarray
    ) -> GenericPhraseGuard:
        """``units``: one *normalised* text per unit (or their code points and offsets);
        ``n_accounts``: distinct accounts posting each.

        Sets ``words_`` (distinct words per unit), ``info_bits_``,
        ``required_bits_``, ``generic_`` (bool per unit) and ``corpus_`` (N).
        """
        self._validate()
        if isinstance(units, tuple):
            cps, offs = units
        else:
            cps, offs = _codepoints(list(units))
        n = offs.shape[0] - 1
        acc = np.asarray(n_accounts, dtype=np.float64)
        if acc.shape[0] != n:
            raise ParameterError("n_accounts", f"one count per unit ({n})", acc.shape[0], owner="GenericPhraseGuard")
        self.corpus_ = n
        if n == 0:
            self.words_ = self.info_bits_ = self.required_bits_ = np.zeros(0)
            self.generic_ = np.zeros(0, bool)
            return self
        from .near import _cjk_table

        h, hoffs = word_hashes(cps, offs, _cjk_table(), int(self.seed))
        bits = int(min(24, max(12, math.ceil(math.log2(max(h.shape[0], 2))))))
        # df per word: distinct units per hash bucket (buckets are sized so that two
        # common words rarely share one)
        informative = n >= self.min_corpus
        words, info = word_information(h, hoffs, bits, informative)
        self.words_ = words
        if informative:
            required = math.log2(n) + np.log2(np.maximum(acc, 1.0)) + float(self.margin_bits)
            generic = (words < self.min_words) | (info < required)
        else:
            info = np.full(n, np.nan)
            required = np.full(n, np.nan)
            generic = words < self.min_words
        self.info_bits_ = info
        self.required_bits_ = np.broadcast_to(required, (n,)).astype(np.float64)
        self.generic_ = np.asarray(generic, bool)
        self.parameters_ = self.get_params()
        return self


def generic_mask(units: Sequence[str], n_accounts: Sequence[int] | np.ndarray, **params: Any) -> np.ndarray:
    """``GenericPhraseGuard(**params).fit(units, n_accounts).generic_``: for signals such as ``text_exact``."""
    return GenericPhraseGuard(**params).fit(units, n_accounts).generic_
