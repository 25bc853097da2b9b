"""Language of a post, offline: Lingua (``lingua-language-detector``, which ships its models).

:func:`detect_language` and :func:`detect_languages` return ISO 639-1 codes
(``"en"``, ``"fr"``, ``"zh"``) or ``None`` when a text is too short to tell
(fewer than ``min_letters`` letters once URLs, mentions, hashtags, digits
and emoji are set aside; a Han, kana or Hangul character counts as
:data:`CJK_LETTER_WEIGHT` letters, since one carries about a word) or when
Lingua cannot decide.

Detection is restricted to a set of candidate languages (default
:data:`DEFAULT_LANGUAGES`: the campaign's English, French and Chinese plus
languages common in Canadian comment sections); fewer candidates is both
faster and more accurate on short texts (Lingua's documentation). The
detector of each language set is built once per process (:func:`detector`);
batches go through Lingua's parallel entry point, distinct texts once.

Example::

    >>> detect_languages(["Merci pour votre travail", "Thank you for your work", "谢谢大家", "👍"])
    ['fr', 'en', 'zh', None]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import regex

from ..errors import ParameterError

__all__ = ["DEFAULT_LANGUAGES", "CJK_LETTER_WEIGHT", "detect_language", "detect_languages", "detector", "letter_count"]

#: Candidate languages (ISO 639-1) unless a caller names others.
DEFAULT_LANGUAGES: tuple[str, ...] = (
    "en", "fr", "zh", "es", "pt", "de", "it", "ar", "pa", "hi", "bn", "ur", "fa", "tl", "vi", "ko", "ja", "ru", "uk",
)  # fmt: skip
#: Letters one Han / kana / Hangul character counts for in the length test.
CJK_LETTER_WEIGHT = 3

_STRIP = regex.compile(r"(?:https?://|www\.)\S+|[@#＠＃][\p{L}\p{M}\p{N}_]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_LETTER = regex.compile(r"\p{L}")


def _check_languages(languages: Iterable[str]) -> tuple[str, ...]:
    from lingua import IsoCode639_1

    langs = tuple(sorted({str(code).strip().lower() for code in languages}))
    known = {name.lower() for name in dir(IsoCode639_1) if len(name) == 2 and name.isupper()}
    bad = [c for c in langs if c not in known]
    if len(langs) < 2 or bad:
        raise ParameterError(
            "languages", "at least two ISO 639-1 codes that Lingua supports (e.g. en, fr, zh)", bad or list(langs)
        )
    return langs


@functools.lru_cache(maxsize=8)
def detector(languages: tuple[str, ...] = DEFAULT_LANGUAGES):  # noqa: ANN201 - lingua's type
    """The Lingua detector of ``languages`` (ISO 639-1 codes), built once per process."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    langs = _check_languages(languages)
    codes = [getattr(IsoCode639_1, c.upper()) for c in langs]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def letter_count(text: str) -> int:
    """Letters of ``text`` outside URLs, mentions and hashtags (CJK characters weighted)."""
    core = _STRIP.sub(" ", text)  # URLs, mentions, hashtags; digits, symbols and emoji are not letters
    n_cjk = len(_CJK.findall(core))
    return len(_LETTER.findall(core)) - n_cjk + CJK_LETTER_WEIGHT * n_cjk


def _check_min(min_letters: object) -> int:
    if not isinstance(min_letters, int) or isinstance(min_letters, bool) or min_letters < 1:
        raise ParameterError("min_letters", "an integer >= 1", min_letters, owner="detect_languages")
    return min_letters


def detect_languages(
    texts: Sequence[str | None], *, languages: Iterable[str] = DEFAULT_LANGUAGES, min_letters: int = 5
) -> list[str | None]:
    """ISO 639-1 code of each text, or ``None`` (missing, too short, undecided).

    Distinct texts are detected once, in one call to Lingua's parallel detector.
    """
    min_letters = _check_min(min_letters)
    det = detector(_check_languages(languages))
    uniq: dict[str, int] = {}
    for t in texts:
        if isinstance(t, str) and t not in uniq and letter_count(t) >= min_letters:
            uniq[t] = len(uniq)
    keys = list(uniq)
    found = det.detect_languages_in_parallel_of(keys) if keys else []
    codes = [None if lang is None else lang.iso_code_639_1.name.lower() for lang in found]
    return [codes[uniq[t]] if isinstance(t, str) and t in uniq else None for t in texts]


def detect_language(
    text: str | None, *, languages: Iterable[str] = DEFAULT_LANGUAGES, min_letters: int = 5
) -> str | None:
    """ISO 639-1 code of one text, or ``None`` (see :func:`detect_languages`)."""
    return detect_languages([text], languages=languages, min_letters=min_letters)[0]
