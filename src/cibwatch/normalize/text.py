"""Text normalisation for matching: one pure function, :func:`normalize_text`.

Two comments that a reader sees as the same message should normalise to the
same string, whatever the evasion: full-width or mathematical letters,
Cyrillic or Greek look-alikes, zero-width characters, letter-for-digit swaps,
stretched words, emoji padding, punctuation. The steps, in order:

1. NFKC (compatibility forms: ``ｆｕｌｌ`` → ``full``, ``𝐛𝐨𝐥𝐝`` → ``bold``);
2. removal of invisible characters: format characters (zero-width space,
   joiners, bidi controls, BOM, soft hyphen, tag characters), variation
   selectors, the combining grapheme joiner, Hangul fillers, private-use
   characters, lone surrogates and control characters;
3. case folding (``str.casefold``: ``Straße`` → ``strasse``);
4. placeholders: URLs become ``<url>``, @mentions ``<user>``;
5. confusable skeleton (Unicode TS #39): each non-ASCII character whose
   confusables include an ASCII letter or digit is replaced by it
   (Cyrillic ``а`` → ``a``, Greek ``ο`` → ``o``); the table is derived once,
   offline, from the ``confusable-homoglyphs`` package's copy of
   ``confusables.txt``;
6. Latin/Greek/Cyrillic diacritics removed (``évidence`` → ``evidence``;
   "zalgo" stacks of combining marks go too);
7. digit groups joined (``5,000`` → ``5000``);
8. letter-for-digit swaps undone inside tokens that contain a Latin letter
   (``c0rrupt10n`` → ``corruption``; ``0→o 1→i 3→e 4→a 5→s 7→t @→a $→s``);
   tokens without letters keep their digits (``2024``, ``$250``);
9. punctuation, symbols and emoji become spaces (see
   :func:`emoji_fingerprint` for the emoji sequence, kept separately);
10. runs of three or more identical letters shortened to two
    (``soooo`` → ``soo``, ``哈哈哈哈`` → ``哈哈``);
11. whitespace collapsed and trimmed.

The result is idempotent (``normalize_text(normalize_text(s)) ==
normalize_text(s)``), never contains invisible or bidi characters, and never
raises for a ``str``. Chinese needs no segmentation here: the near-duplicate
stage uses character shingles (:func:`shingles`), and :func:`word_tokens`
follows the Unicode word-break rules (UAX #29), which split Han text into
single characters.

Example::

    >>> normalize_text("Ѕее whаt an іndividual in Vancouver is saying!!! 🔥🔥 https://t.co/x")
    'see what an individual in vancouver is saying <url>'
    >>> normalize_text("c0rrupt10n in 2024")
    'corruption in 2024'
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import regex
from numba import njit, prange

__all__ = [
    "normalize_text",
    "normalize_many",
    "normalize_codepoints",
    "word_tokens",
    "shingles",
    "emoji_fingerprint",
    "strip_padding",
    "is_cjk_char",
    "has_cjk",
    "URL_PLACEHOLDER",
    "USER_PLACEHOLDER",
    "LEET",
]

URL_PLACEHOLDER = "<url>"
USER_PLACEHOLDER = "<user>"
#: Letter-for-digit (and symbol) swaps undone inside tokens that contain a letter.
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}

_EMOJI_RE = regex.compile(
    r"(?:\p{Regional_Indicator}{2})|(?:[#*0-9]\ufe0f?\u20e3)"
    r"|(?:\p{Extended_Pictographic}(?:\ufe0f|\p{Emoji_Modifier})*(?:\u200d\p{Extended_Pictographic}(?:\ufe0f|\p{Emoji_Modifier})*)*)"
)
_WORD_SPLIT_RE = regex.compile(r"\b", regex.WORD | regex.V1)
_WORD_CHAR_RE = regex.compile(r"\w")
_PADDING_RE = regex.compile(
    r"^(?:[#＃]\w+|[\s\p{P}\p{S}\p{Cf}\ufe0f\u20e3])+|(?:[#＃]\w+|[\s\p{P}\p{S}\p{Cf}\ufe0f\u20e3])+$"
)

# Combining diacritics of the Latin, Greek and Cyrillic scripts (and of symbols, e.g. the keycap).
_DIACRITIC_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
# Invisible letters and joiners that are not format characters (CGJ, Hangul fillers, Mongolian separator).
_INVISIBLE_EXTRA = (0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x180E)
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
_WHITESPACE_CC = frozenset((0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x85))

# Scripts written without spaces: Han (with radicals, compatibility and supplementary
# ideographs, 々〆〇), Hiragana and Katakana. Hangul is written with spaces and is not here.
_CJK_RANGES = ((0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3190, 0x31FF), (0x3400, 0x4DBF),
               (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))  # fmt: skip

# flags of a (mapped) code point; F_NFKC: a code point that NFKC may change or compose with
# its neighbour (every other code point is left alone by NFKC, so a text without one is NFKC)
F_WORD, F_LETTER, F_SPACE, F_CJK, F_NFKC = 1, 2, 4, 8, 16
_HANGUL_VT = ((0x1161, 0x1175), (0x11A8, 0x11C2))  # vowel and trailing jamo: compose with a syllable


class _Tables(NamedTuple):
    map_off: np.ndarray  # int32 per code point: -1 identity, else offset into pool
    map_len: np.ndarray  # uint8: replacement length (0 = delete)
    pool: np.ndarray  # uint32 replacement code points
    flags: np.ndarray  # uint8 per code point
    max_rep: int  # longest replacement


def _skeleton_map() -> dict[str, str]:
    """Non-ASCII character → the ASCII letter or digit it is confusable with.

    Derived from ``confusable_homoglyphs``' ``confusables.json`` (the UTS #39
    data): the first lower-case ASCII letter among a character's
    confusables, else the first ASCII letter (lower-cased), else the first
    ASCII digit.
    """
    from confusable_homoglyphs.utils import load

    out: dict[str, str] = {}
    for ch, alts in load("confusables.json").items():
        if len(ch) != 1 or ch.isascii():
            continue
        cands = [a["c"] for a in alts if len(a["c"]) == 1 and a["c"].isascii() and a["c"].isalnum()]
        if cands:
            lower = [c for c in cands if c.islower()]
            letters = [c for c in cands if c.isalpha()]
            out[ch] = (lower or letters or cands)[0].lower()
    return out


def _nfkc_unstable(cats: list[str]) -> list[int]:
    """Code points outside NFKC's quick-check "yes, combining class 0" set: those with a
    decomposition that NFKC does not keep, non-zero combining classes, and the second
    code points of canonical compositions (with the Hangul vowel and trailing jamo)."""
    out = {cp for lo, hi in _HANGUL_VT for cp in range(lo, hi + 1)}
    for cp, cat in enumerate(cats):
        if cat in ("Cn", "Co", "Cs"):
            continue
        ch = chr(cp)
        if unicodedata.combining(ch):
            out.add(cp)
        d = unicodedata.decomposition(ch)
        if not d:
            continue
        if unicodedata.normalize("NFKC", ch) != ch:
            out.add(cp)
        parts = d.split()
        if not parts[0].startswith("<") and len(parts) == 2:
            pair = "".join(chr(int(x, 16)) for x in parts)
            if unicodedata.normalize("NFC", pair) == ch:
                out.add(int(parts[1], 16))
    return sorted(out)


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The per-code-point tables of steps 2, 3, 5 and 6, built once per process (about 1.3 s)."""
    n = sys.maxunicode + 1
    skel = _skeleton_map()
    diacritics = {cp for lo, hi in _DIACRITIC_RANGES for cp in range(lo, hi + 1)}
    delete = set(_INVISIBLE_EXTRA) | {cp for lo, hi in _VARIATION_SELECTORS for cp in range(lo, hi + 1)}
    cats = [unicodedata.category(chr(cp)) for cp in range(n)]
    repl: dict[int, str] = {}
    for cp in range(n):
        cat = cats[cp]
        if cat == "Cn" or (cp < 128 and not (65 <= cp <= 90) and cat != "Cc"):
            continue
        ch = chr(cp)
        if cat in ("Cf", "Cs", "Co") or cp in delete:
            repl[cp] = ""
        elif cat == "Cc":
            repl[cp] = " " if cp in _WHITESPACE_CC else ""
        elif cp < 128:
            repl[cp] = ch.lower()
        else:
            s = ch.casefold()
            if s == ch and ch not in skel and cp not in diacritics and unicodedata.decomposition(ch) == "":
                continue
            s = unicodedata.normalize("NFD", s)
            s = "".join(skel.get(c, c) for c in s if ord(c) not in diacritics)
            s = unicodedata.normalize("NFC", s)
            if s != ch:
                repl[cp] = s

    def apply(s: str) -> str:
        return "".join(repl.get(ord(c), c) for c in s)

    for cp, s in list(repl.items()):  # compose to a fixed point: m(m(c)) == m(c)
        for _ in range(4):
            t = apply(s)
            if t == s:
                break
            s = t
        repl[cp] = s
    map_off = np.full(n, -1, np.int32)
    map_len = np.ones(n, np.uint8)
    pool: list[int] = []
    for cp, s in repl.items():
        map_off[cp] = len(pool)
        map_len[cp] = len(s)
        pool.extend(ord(c) for c in s)
    major = np.frombuffer("".join(c[0] for c in cats).encode("ascii"), np.uint8)
    flags = np.zeros(n, np.uint8)
    flags[(major == ord("L")) | (major == ord("M")) | (major == ord("N"))] |= F_WORD
    flags[major == ord("L")] |= F_LETTER
    flags[[cp for cp in range(n) if cats[cp][0] in "ZC" and chr(cp).isspace()]] |= F_SPACE
    for lo, hi in _CJK_RANGES:
        flags[lo : hi + 1] |= F_CJK
    flags[_nfkc_unstable(cats)] |= F_NFKC
    return _Tables(map_off, map_len, np.asarray(pool, np.uint32), flags, max(1, int(map_len.max())))


@njit(cache=True)
def _emit(out: np.ndarray, k: int, start: int, c: int, flags: np.ndarray) -> int:  # pragma: no cover - compiled
    """Append one word character (runs of 3+ identical letters kept at 2)."""
    if (flags[c] & 2) and k - start >= 2 and out[k - 1] == c and out[k - 2] == c:
        return k
    out[k] = c
    return k + 1


@njit(cache=True)
def _space(out: np.ndarray, k: int, start: int) -> int:  # pragma: no cover - compiled
    if k > start and out[k - 1] != 32:
        out[k] = 32
        return k + 1
    return k


@njit(cache=True)
def _put(out: np.ndarray, k: int, start: int, word: np.ndarray) -> int:  # pragma: no cover - compiled
    k = _space(out, k, start)
    for c in word:
        out[k] = c
        k += 1
    out[k] = 32
    return k + 1


@njit(cache=True)
def _starts(a: np.ndarray, i: int, n: int, word: np.ndarray) -> bool:  # pragma: no cover - compiled
    m = word.shape[0]
    if i + m > n:
        return False
    for t in range(m):
        if a[i + t] != word[t]:
            return False
    return True


@njit(cache=True)
def _leet_of(c: int) -> int:  # pragma: no cover - compiled
    if c == 48:
        return 111  # 0 -> o
    if c == 49:
        return 105  # 1 -> i
    if c == 51:
        return 101  # 3 -> e
    if c == 52 or c == 64:
        return 97  # 4, @ -> a
    if c == 53 or c == 36:
        return 115  # 5, $ -> s
    if c == 55:
        return 116  # 7 -> t
    return c


@njit(cache=True)
def _in_leet_run(c: int) -> bool:  # pragma: no cover - compiled
    return (97 <= c <= 122) or (48 <= c <= 57) or c == 64 or c == 36


@njit(cache=True)
def _is_digit(c: int) -> bool:  # pragma: no cover - compiled
    return 48 <= c <= 57


@njit(cache=True)
def _normalize_range(
    cps: np.ndarray,
    offs: np.ndarray,
    t_lo: int,
    t_hi: int,
    out: np.ndarray,
    k0: int,
    out_offs: np.ndarray,
    map_off: np.ndarray,
    map_len: np.ndarray,
    pool: np.ndarray,
    flags: np.ndarray,
    max_rep: int,
    strip_tags: bool,
) -> int:  # pragma: no cover - compiled
    """Steps 2-11 on texts ``t_lo:t_hi``, written to ``out`` from ``k0``; sets
    ``out_offs[t + 1]`` (end of text ``t``) and returns the end."""
    longest = 0
    for t in range(t_lo, t_hi):
        if offs[t + 1] - offs[t] > longest:
            longest = offs[t + 1] - offs[t]
    buf = np.empty(longest * max_rep + 8, np.uint32)
    url = np.array([60, 117, 114, 108, 62], np.uint32)  # <url>
    user = np.array([60, 117, 115, 101, 114, 62], np.uint32)  # <user>
    http = np.array([104, 116, 116, 112, 58, 47, 47], np.uint32)  # http://
    https = np.array([104, 116, 116, 112, 115, 58, 47, 47], np.uint32)  # https://
    www = np.array([119, 119, 119, 46], np.uint32)  # www.
    k = k0
    for t in range(t_lo, t_hi):
        # steps 2, 3, 5, 6: per code point map
        m = 0
        for i in range(offs[t], offs[t + 1]):
            c = cps[i]
            o = map_off[c]
            if o < 0:
                buf[m] = c
                m += 1
            else:
                for r in range(map_len[c]):
                    buf[m] = pool[o + r]
                    m += 1
        # step 7: digit groups (5,000 -> 5000) joined in place
        w = 0
        for i in range(m):
            c = buf[i]
            if (
                (c == 44 or c == 46 or c == 39 or c == 0x2019)
                and w > 0
                and _is_digit(buf[w - 1])
                and i + 3 < m
                and _is_digit(buf[i + 1])
                and _is_digit(buf[i + 2])
                and _is_digit(buf[i + 3])
                and (i + 4 >= m or not _is_digit(buf[i + 4]))
            ):
                continue
            buf[w] = c
            w += 1
        m = w
        # steps 4, 8-11
        start = k
        lo = -1  # strip_tags: output span of the content (everything but hashtags)
        hi = -1
        in_tag = False
        i = 0
        while i < m:
            c = buf[i]
            before = k
            prev_word = i > 0 and (flags[buf[i - 1]] & 1) != 0
            if c == 60 and (_starts(buf, i, m, url) or _starts(buf, i, m, user)):
                in_tag = False
                if _starts(buf, i, m, url):
                    k = _put(out, k, start, url)
                    i += 5
                else:
                    k = _put(out, k, start, user)
                    i += 6
            elif not prev_word and (_starts(buf, i, m, http) or _starts(buf, i, m, https) or _starts(buf, i, m, www)):
                in_tag = False
                while i < m and not (flags[buf[i]] & 4) and buf[i] != 60 and buf[i] != 62 and buf[i] != 34:
                    i += 1
                k = _put(out, k, start, url)
            elif (
                c == 64
                and not prev_word
                and (i == 0 or buf[i - 1] != 64)
                and i + 1 < m
                and ((flags[buf[i + 1]] & 1) or buf[i + 1] == 95)
            ):
                in_tag = False
                i += 1
                while i < m and ((flags[buf[i]] & 1) or buf[i] == 95):
                    i += 1
                k = _put(out, k, start, user)
            elif _in_leet_run(c):
                j = i
                has_letter = False
                has_leet = False
                while j < m and _in_leet_run(buf[j]):
                    cj = buf[j]
                    if 97 <= cj <= 122:
                        has_letter = True
                    elif _leet_of(cj) != cj:
                        has_leet = True
                    j += 1
                swap = has_letter and has_leet
                for q in range(i, j):
                    cq = buf[q]
                    if swap:
                        cq = _leet_of(cq)
                    if cq == 64 or cq == 36:
                        k = _space(out, k, start)
                    else:
                        k = _emit(out, k, start, cq, flags)
                i = j
            elif flags[c] & 1:
                k = _emit(out, k, start, c, flags)
                i += 1
            else:
                k = _space(out, k, start)
                # a hashtag starts: '#' not after a word character, before one
                in_tag = (
                    strip_tags
                    and (c == 35 or c == 0xFF03)
                    and not prev_word
                    and i + 1 < m
                    and ((flags[buf[i + 1]] & 1) != 0)
                )
                i += 1
                continue
            if strip_tags and not in_tag and k > before:
                if lo < 0:
                    lo = before
                hi = k
        if strip_tags and lo >= 0:
            while lo < hi and out[lo] == 32:
                lo += 1
            while hi > lo and out[hi - 1] == 32:
                hi -= 1
            for q in range(lo, hi):
                out[start + q - lo] = out[q]
            k = start + hi - lo
        if k > start and out[k - 1] == 32:
            k -= 1
        out_offs[t + 1] = k
    return k


@njit(cache=True, parallel=True)
def _normalize_kernel(
    cps: np.ndarray,
    offs: np.ndarray,
    map_off: np.ndarray,
    map_len: np.ndarray,
    pool: np.ndarray,
    flags: np.ndarray,
    max_rep: int,
    strip_tags: bool,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Steps 2-11 on NFKC'd texts given as concatenated code points and offsets.

    With ``strip_tags``, leading and trailing hashtags are dropped as well
    (what :func:`strip_padding` does before normalising), unless the text is
    only hashtags. Chunks of texts run in parallel, each into its own region
    of an over-allocated buffer (pages that are never written cost no memory),
    then the regions are packed.
    """
    n_texts = offs.shape[0] - 1
    n_chunks = min(max(n_texts // 2048, 1), 256)
    bounds = np.zeros(n_chunks + 1, np.int64)  # text boundaries of the chunks
    starts = np.zeros(n_chunks + 1, np.int64)  # their regions in ``out``
    for c in range(n_chunks + 1):
        bounds[c] = (n_texts * c) // n_chunks
    for c in range(n_chunks):
        starts[c + 1] = (
            starts[c] + (offs[bounds[c + 1]] - offs[bounds[c]]) * max_rep + 8 * (bounds[c + 1] - bounds[c]) + 8
        )
    out = np.empty(starts[n_chunks] + 16, np.uint32)
    raw_offs = np.zeros(n_texts + 1, np.int64)
    ends = np.zeros(n_chunks, np.int64)
    for c in prange(n_chunks):
        ends[c] = _normalize_range(
            cps,
            offs,
            bounds[c],
            bounds[c + 1],
            out,
            starts[c],
            raw_offs,
            map_off,
            map_len,
            pool,
            flags,
            max_rep,
            strip_tags,
        )
    # pack the regions into the exact-size result, in parallel
    packed_at = np.zeros(n_chunks + 1, np.int64)
    for c in range(n_chunks):
        packed_at[c + 1] = packed_at[c] + ends[c] - starts[c]
    packed = np.empty(packed_at[n_chunks], np.uint32)
    out_offs = np.zeros(n_texts + 1, np.int64)
    for c in prange(n_chunks):
        shift = starts[c] - packed_at[c]
        packed[packed_at[c] : packed_at[c + 1]] = out[starts[c] : ends[c]]
        for t in range(bounds[c], bounds[c + 1]):
            out_offs[t + 1] = raw_offs[t + 1] - shift
    return packed, out_offs


def _codepoints(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    lens = np.fromiter((len(s) for s in texts), np.int64, len(texts))
    offs = np.zeros(len(texts) + 1, np.int64)
    np.cumsum(lens, out=offs[1:])
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)
    return cps, offs


def _nfkc(s: str) -> str:
    return s if s.isascii() or unicodedata.is_normalized("NFKC", s) else unicodedata.normalize("NFKC", s)


def _decode(cps: np.ndarray, offs: np.ndarray) -> list[str]:
    whole = cps.tobytes().decode("utf-32-le")
    return [whole[offs[i] : offs[i + 1]] for i in range(offs.shape[0] - 1)]


def _pass(texts: list[str], strip_tags: bool = False) -> tuple[np.ndarray, np.ndarray]:
    tb = _tables()
    cps, offs = _codepoints([_nfkc(s) for s in texts])
    return _normalize_kernel(cps, offs, tb.map_off, tb.map_len, tb.pool, tb.flags, tb.max_rep, strip_tags)


@njit(cache=True)
def _utf8_text(data: np.ndarray, i: int, end: int, out: np.ndarray, m: int) -> int:  # pragma: no cover - compiled
    """Decode ``data[i:end]`` (valid UTF-8) into ``out`` from ``m``; returns the end."""
    while i < end:
        b0 = np.uint32(data[i])
        if b0 < 0x80:
            out[m] = b0
            i += 1
        elif b0 < 0xE0:
            out[m] = ((b0 & 0x1F) << 6) | (np.uint32(data[i + 1]) & 0x3F)
            i += 2
        elif b0 < 0xF0:
            out[m] = ((b0 & 0x0F) << 12) | ((np.uint32(data[i + 1]) & 0x3F) << 6) | (np.uint32(data[i + 2]) & 0x3F)
            i += 3
        else:
            out[m] = (
                ((b0 & 0x07) << 18)
                | ((np.uint32(data[i + 1]) & 0x3F) << 12)
                | ((np.uint32(data[i + 2]) & 0x3F) << 6)
                | (np.uint32(data[i + 3]) & 0x3F)
            )
            i += 4
        m += 1
    return m


@njit(cache=True, parallel=True)
def _utf8_decode(data: np.ndarray, offs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Code points and offsets of UTF-8 strings (an Arrow string array's buffers; valid UTF-8).

    Texts are decoded in parallel; a first pass counts each text's code
    points (its bytes that are not continuation bytes).
    """
    n = offs.shape[0] - 1
    counts = np.zeros(n + 1, np.int64)
    for t in prange(n):
        c = 0
        for i in range(offs[t], offs[t + 1]):
            c += (data[i] & 0xC0) != 0x80
        counts[t + 1] = c
    out_offs = np.cumsum(counts)
    out = np.empty(out_offs[n], np.uint32)
    for t in prange(n):
        _utf8_text(data, offs[t], offs[t + 1], out, out_offs[t])
    return out, out_offs


@njit(cache=True, parallel=True)
def _texts_with_flag(cps: np.ndarray, offs: np.ndarray, flags: np.ndarray, flag: int) -> np.ndarray:  # pragma: no cover
    """Indices of the texts with a code point carrying ``flag``."""
    n = offs.shape[0] - 1
    hit = np.zeros(n, np.bool_)
    for t in prange(n):
        for i in range(offs[t], offs[t + 1]):
            if flags[cps[i]] & flag:
                hit[t] = True
                break
    return np.flatnonzero(hit)


@njit(cache=True, parallel=True)
def _splice(
    cps: np.ndarray, offs: np.ndarray, idx: np.ndarray, new_cps: np.ndarray, new_offs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Texts ``idx`` (sorted) replaced by the texts of ``new_cps``/``new_offs``, in order."""
    n = offs.shape[0] - 1
    src = np.full(n, -1, np.int64)
    for r in range(idx.shape[0]):
        src[idx[r]] = r
    lens = np.zeros(n + 1, np.int64)
    for t in range(n):
        r = src[t]
        lens[t + 1] = (new_offs[r + 1] - new_offs[r]) if r >= 0 else (offs[t + 1] - offs[t])
    out_offs = np.cumsum(lens)
    out = np.empty(out_offs[n], np.uint32)
    for t in prange(n):
        r = src[t]
        if r >= 0:
            out[out_offs[t] : out_offs[t + 1]] = new_cps[new_offs[r] : new_offs[r + 1]]
        else:
            out[out_offs[t] : out_offs[t + 1]] = cps[offs[t] : offs[t + 1]]
    return out, out_offs


def arrow_utf8(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes and int64 offsets of an Arrow string array or chunked array (nulls as
    empty strings), as NumPy views of one contiguous large-string array."""
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string()).fill_null("")
    bufs = arr.buffers()
    offs = np.frombuffer(bufs[1], np.int64, len(arr) + 1, arr.offset * 8)
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data, offs


def arrow_codepoints(arr: Any, *, nfkc: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Code points and offsets of an Arrow string array (nulls as empty texts), NFKC first by default.

    Vectorised: a compiled UTF-8 decoder; NFKC (Python's ``unicodedata``) is
    applied only to the texts holding a code point that NFKC may change
    (``F_NFKC``), so no ``str`` is built for the others.
    """
    data, offs = arrow_utf8(arr)
    cps, cp_offs = _utf8_decode(data, offs)
    if not nfkc:
        return cps, cp_offs
    todo = _texts_with_flag(cps, cp_offs, _tables().flags, F_NFKC)
    if todo.size == 0:
        return cps, cp_offs
    whole = _decode(*gather_texts(cps, cp_offs, todo))
    new_cps, new_offs = _codepoints([unicodedata.normalize("NFKC", t) for t in whole])
    return _splice(cps, cp_offs, todo, new_cps, new_offs)


@njit(cache=True, parallel=True)
def copy_texts(
    out: np.ndarray, out_offs: np.ndarray, rows: np.ndarray, src: np.ndarray, cps: np.ndarray, offs: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Copy text ``src[r]`` of ``cps``/``offs`` to slot ``rows[r]`` of ``out``/``out_offs``, in parallel."""
    for r in prange(rows.shape[0]):
        i = src[r]
        k = rows[r]
        out[out_offs[k] : out_offs[k + 1]] = cps[offs[i] : offs[i + 1]]


def gather_texts(cps: np.ndarray, offs: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The texts ``idx`` of a code-point buffer, as a new buffer and offsets (copied in parallel)."""
    idx = np.asarray(idx, np.int64)
    new = np.zeros(idx.shape[0] + 1, np.int64)
    np.cumsum(offs[idx + 1] - offs[idx], out=new[1:])
    out = np.empty(int(new[-1]), cps.dtype)
    copy_texts(out, new, np.arange(idx.shape[0]), idx, cps, offs)
    return out, new


def normalize_arrow_batches(
    arr: Any, *, strip_tags: bool = False, batch: int = 200_000
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`normalize_codepoints` of an Arrow string array (nulls as empty texts; see
    :func:`arrow_codepoints`), as code points and offsets per batch of ``batch`` texts.

    The working memory beyond the result is that of one batch.
    """
    tb = _tables()
    parts = []
    for lo in range(0, max(len(arr), 1), batch):
        cps, offs = arrow_codepoints(arr.slice(lo, batch))
        parts.append(
            _normalize_kernel(cps, offs, tb.map_off, tb.map_len, tb.pool, tb.flags, tb.max_rep, strip_tags)
        )
        del cps, offs
    return parts


def normalize_codepoints(texts: Sequence[str], *, strip_tags: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One compiled pass of the normaliser over ``texts``, as code points and offsets (no ``str`` built).

    For bulk matching (:class:`cibwatch.textsim.NearDuplicates`): equal to
    :func:`normalize_many` except in the rare texts whose fixed point needs a
    second pass (a character that NFKC exposes after case folding).
    ``strip_tags`` also drops leading and trailing hashtags.
    """
    return _pass(list(texts), strip_tags)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """:func:`normalize_text` of each text, compiled and batched (one kernel call).

    Identical inputs are normalised once. Equal to ``[normalize_text(t) for t in texts]``.
    """
    texts = list(texts)
    for s in texts:
        if not isinstance(s, str):
            raise TypeError(f"normalize_many expects str items, got {type(s).__name__}")
    uniq = list(dict.fromkeys(texts))
    out = _decode(*_pass(uniq))
    # the fixed point: only texts whose output is not ASCII can change on a second pass
    todo = [i for i, s in enumerate(out) if not s.isascii()]
    for _ in range(3):
        if not todo:
            break
        again = _decode(*_pass([out[i] for i in todo]))
        nxt = []
        for i, s in zip(todo, again, strict=True):
            if s != out[i]:
                out[i] = s
                nxt.append(i)
        todo = nxt
    if len(uniq) == len(texts):
        return out
    index = {s: i for i, s in enumerate(uniq)}
    return [out[index[s]] for s in texts]


def normalize_text(text: str) -> str:
    """The matching form of ``text`` (see the module docstring for the steps).

    Pure, idempotent, and total on ``str``: ``normalize_text("")`` is ``""``.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text expects a str, got {type(text).__name__}")
    return normalize_many([text])[0]


_CJK_CLASS = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES) + "]")


def is_cjk_char(ch: str) -> bool:
    """Han, Hiragana or Katakana: scripts written without spaces (one character)."""
    return _CJK_CLASS.match(ch) is not None


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Han, Hiragana or Katakana character (:func:`is_cjk_char`)."""
    return _CJK_CLASS.search(text) is not None


def word_tokens(norm: str) -> list[str]:
    """Words of a normalised text by the Unicode word-break rules (UAX #29).

    UAX #29 splits Han and Hiragana into single characters (ideographs have no
    word-internal joins), so a run of CJK characters (:func:`is_cjk_char`)
    is read as its character bigrams instead (one character alone stays).
    Placeholders (``<url>``, ``<user>``) are not words. On a normalised text
    this equals the compiled :func:`cibwatch.textsim.word_hashes`' tokens.
    """
    text = norm.replace(URL_PLACEHOLDER, " ").replace(USER_PLACEHOLDER, " ")
    words: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) == 1:
            words.append(run[0])
        else:
            words.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
        run.clear()

    for raw in _WORD_SPLIT_RE.split(text):
        seg = raw.strip()
        if not seg or not _WORD_CHAR_RE.search(seg):
            if run:
                flush()
            continue
        if all(is_cjk_char(c) for c in seg):
            run.extend(seg)
            continue
        if run:
            flush()
        words.append(seg)
    if run:
        flush()
    return words


def shingles(norm: str, k: int = 4, cjk_k: int = 2) -> list[str]:
    """Character shingles of a normalised text, in order (duplicates kept).

    The text is cut into maximal runs of CJK and of other characters; a run
    of other characters (spaces included) gives its ``k``-grams, a CJK run its
    ``cjk_k``-grams; a run shorter than its gram size is one shingle (a run
    that is only spaces gives none). Chinese needs no word segmentation.
    :func:`cibwatch.textsim.shingle_hashes` computes the same shingles,
    compiled, as 64-bit hashes.
    """
    out: list[str] = []
    i, n = 0, len(norm)
    while i < n:
        cjk = is_cjk_char(norm[i])
        j = i + 1
        while j < n and is_cjk_char(norm[j]) == cjk:
            j += 1
        run = norm[i:j]
        g = cjk_k if cjk else k
        if len(run) <= g:
            if run.strip():
                out.append(run)
        else:
            out.extend(run[s : s + g] for s in range(len(run) - g + 1))
        i = j
    return out


def emoji_fingerprint(text: str) -> str:
    """The emoji of ``text`` in order, consecutive repeats collapsed, joined by spaces.

    Kept beside the normalised text (which drops emoji): ``"🔥🔥 Shame 🇨🇦"`` →
    ``"🔥 🇨🇦"``. Variation selectors are removed so ``⚠️`` and ``⚠`` agree.
    """
    if not isinstance(text, str):
        raise TypeError(f"emoji_fingerprint expects a str, got {type(text).__name__}")
    seq: list[str] = []
    for m in _EMOJI_RE.finditer(unicodedata.normalize("NFC", text)):
        e = m.group(0).replace("\ufe0f", "")
        if e and (not seq or seq[-1] != e):
            seq.append(e)
    return " ".join(seq)


def strip_padding(text: str) -> str:
    """``text`` without leading and trailing runs of hashtags, emoji, punctuation and spaces.

    Campaigns pad copies with emoji and extra hashtags at either end; the
    near-duplicate stage compares what is between. A text that is only
    padding is returned unchanged (it is then short, and the generic-phrase
    guard decides).
    """
    core = _PADDING_RE.sub("", text)
    return core if core.strip() else text
