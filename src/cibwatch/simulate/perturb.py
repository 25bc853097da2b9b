"""Text perturbations the simulated campaign applies to its copypasta.

Letter-for-number swaps are documented for Spamouflage (DISARM); typos and
machine-translation artefacts are "highly distinctive" (Meta 2023). Homoglyphs
and zero-width characters are not documented for this network: they are kept
as stress tests of the text normaliser (``THREAT-MODEL.md``, "Content").

Each function takes the text and a ``numpy.random.Generator`` and returns the
changed text; all randomness comes from that generator.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .texts import CAMPAIGN_HASHTAGS

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")
#: Latin letter -> look-alike (Cyrillic / Greek), the UTS #39 confusables.
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "A": "Α", "E": "Ε", "O": "Ο"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
PAD_EMOJI = ("🔥", "‼️", "👀", "😡", "💯", "⚠️", "🇨🇦", "📢")


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def typo(text: str, rng: np.random.Generator) -> str:
    """Swap two adjacent letters, or drop or double one."""
    idx = [i for i, ch in enumerate(text[:-1]) if ch.isalpha() and text[i + 1].isalpha()]
    if not idx:
        return text
    i = idx[int(rng.integers(len(idx)))]
    op = int(rng.integers(3))
    if op == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def homoglyph(text: str, rng: np.random.Generator) -> str:
    """Replace one to three Latin letters with Cyrillic or Greek look-alikes."""
    idx = [i for i, ch in enumerate(text) if ch in HOMOGLYPHS]
    if not idx:
        return text
    chosen = set(rng.choice(len(idx), size=min(len(idx), int(rng.integers(1, 4))), replace=False).tolist())
    chars = list(text)
    for k in chosen:
        chars[idx[k]] = HOMOGLYPHS[chars[idx[k]]]
    return "".join(chars)


def zero_width(text: str, rng: np.random.Generator) -> str:
    """Insert one to four zero-width characters inside words."""
    chars = list(text)
    for _ in range(int(rng.integers(1, 5))):
        pos = int(rng.integers(1, max(2, len(chars))))
        chars.insert(pos, ZERO_WIDTH[int(rng.integers(len(ZERO_WIDTH)))])
    return "".join(chars)


def leetspeak(text: str, rng: np.random.Generator) -> str:
    """Swap letters for digits in one or two words (documented by DISARM)."""
    words = text.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) > 3 and any(c in LEET for c in w)]
    if not cand:
        return text
    for k in rng.choice(len(cand), size=min(len(cand), int(rng.integers(1, 3))), replace=False).tolist():
        i = cand[k]
        words[i] = "".join(LEET.get(c, c) for c in words[i])
    return " ".join(words)


def emoji_pad(text: str, rng: np.random.Generator) -> str:
    """Pad the message with a run of emoji at the start, the end or both."""
    run = "".join(PAD_EMOJI[int(j)] for j in rng.integers(len(PAD_EMOJI), size=int(rng.integers(1, 4))))
    where = int(rng.integers(3))
    if where == 0:
        return f"{run} {text}"
    if where == 1:
        return f"{text} {run}"
    return f"{run} {text} {run}"


def word_shuffle(text: str, rng: np.random.Generator) -> str:
    """Swap the order of two sentences or clauses (or two words when there is one)."""
    sep = "，" if _is_cjk(text) else ". "
    parts = [p for p in text.split(sep) if p]
    if len(parts) >= 2:
        i = int(rng.integers(len(parts) - 1))
        parts[i], parts[i + 1] = parts[i + 1], parts[i]
        return sep.join(parts)
    words = text.split(" ")
    if len(words) < 3:
        return text
    i = int(rng.integers(len(words) - 1))
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def extra_hashtags(text: str, rng: np.random.Generator) -> str:
    """Append one to three of the campaign's hashtags."""
    k = int(rng.integers(1, 4))
    tags = [CAMPAIGN_HASHTAGS[int(j)] for j in rng.choice(len(CAMPAIGN_HASHTAGS), size=k, replace=False)]
    return text + " " + " ".join(tags)


PERTURBATIONS: dict[str, Callable[[str, np.random.Generator], str]] = {
    "typo": typo,
    "homoglyph": homoglyph,
    "zero_width": zero_width,
    "leetspeak": leetspeak,
    "emoji_pad": emoji_pad,
    "word_shuffle": word_shuffle,
    "extra_hashtags": extra_hashtags,
}


def perturb(text: str, rng: np.random.Generator, *, max_ops: int = 2, weights: dict[str, float] | None = None) -> tuple[str, list[str]]:
    """Apply one to ``max_ops`` perturbations drawn with ``weights``; return text and their names."""
    names = list(PERTURBATIONS)
    w = np.array([(weights or {}).get(n, 1.0) for n in names], dtype=float)
    if w.sum() <= 0:
        return text, []
    k = int(rng.integers(1, max_ops + 1))
    chosen = rng.choice(len(names), size=min(k, int((w > 0).sum())), replace=False, p=w / w.sum())
    applied = []
    for j in sorted(chosen.tolist()):
        text = PERTURBATIONS[names[j]](text, rng)
        applied.append(names[j])
    return text, applied
