"""The text normaliser: properties (Hypothesis) and the evasions it must undo."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cibwatch.normalize.text import (
    _CJK_RANGES,
    _decode,
    arrow_codepoints,
    emoji_fingerprint,
    has_cjk,
    is_cjk_char,
    normalize_many,
    normalize_text,
    shingles,
    strip_padding,
    word_tokens,
)
from cibwatch.simulate import perturb
from cibwatch.textsim._kernels import token_hashes, word_hashes
from cibwatch.textsim.near import _cjk_table, _codepoints

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e", "\u3164"}
BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}

# Text that looks like comments: Latin, accented, Cyrillic/Greek look-alikes, CJK, digits,
# punctuation, emoji, invisible and bidi characters, URLs and mentions.
_alphabet = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0134579@$#.,!?'’ -_<>/:")
    + list("éèàçôÉÀœßæ")
    + list("аеорсхіΑΕΟνρ")
    + list("温哥华谢批评者腐败カタ한국")
    + ["🔥", "👍", "🇨🇦", "‼️", "👏🏽", "\u20e3", "\ufe0f"]
    + sorted(INVISIBLE | BIDI)
    + ["\u0301", "\u0308", "\t", "\n", "\u3000", "\u00a0"]
)
comment = st.lists(
    st.one_of(_alphabet, st.sampled_from([" https://t.co/ab1 ", " www.x.org/a ", " @MP_One ", " <url> ", " <user> "])),
    max_size=60,
).map("".join)
anything = st.text(max_size=80)  # every code point class, lone surrogates included


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(comment, anything))
@example("x\ud800y")
@example("\U000e0041\U000e0042")  # tag characters
@example("ǰ")  # casefold leaves it decomposed
def test_idempotent_total_and_free_of_invisible_characters(s):
    out = normalize_text(s)
    assert isinstance(out, str)
    assert normalize_text(out) == out
    assert not (set(out) & (INVISIBLE | BIDI))
    assert all(unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cc") for c in out)
    assert out == out.strip() and "  " not in out
    assert unicodedata.is_normalized("NFKC", out)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(comment, anything), max_size=12))
def test_batch_equals_one_by_one(texts):
    assert normalize_many(texts) == [normalize_text(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=60), st.integers(0, 2**32 - 1))
def test_homoglyph_zero_width_and_case_variants_normalise_alike(s, seed):
    rng = np.random.default_rng(seed)
    base = normalize_text(s)
    for f in (perturb.homoglyph, perturb.zero_width):
        assert normalize_text(f(s, rng)) == base
    assert normalize_text(s.upper()) == base
    assert normalize_text("".join(unicodedata.normalize("NFKC", c) for c in s).replace("a", "ａ")) == base


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=60), st.integers(0, 2**32 - 1))
def test_leetspeak_is_undone_for_the_swapped_letters(s, seed):
    # LEET in the simulator swaps a->4 e->3 i->1 o->0 s->5 t->7; the normaliser maps them back
    # in every word that keeps a letter (a word of swappable letters only: see the next test)
    assume(not any(len(w) > 3 and set(w) <= set(perturb.LEET) for w in s.split(" ")))
    rng = np.random.default_rng(seed)
    assert normalize_text(perturb.leetspeak(s, rng)) == normalize_text(s)


# code points around NFKC's edge cases: compatibility forms, composition pairs whose second
# code point has combining class 0 (Oriya, Kannada), Hangul syllables and their jamo,
# combining marks, CJK compatibility ideographs, singletons (Ohm, Angstrom), ligatures
NFKC_EDGES = (
    "aeiouAEIOU ½²ﬁΩÅ①ｆｕｌｌ"
    "\u0b47\u0b3e\u0b57\u0cbf\u0cd5\u0cc6\u0cc2"
    "가각\u1100\u1161\u11a8\u1175"
    "\u0301\u0308\u0327\u0323\u0302"
    "\uf900\uf9ff\u2f00"
    "😀👍🏽\u200d"
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=NFKC_EDGES, max_size=12), min_size=1, max_size=20))
def test_arrow_codepoints_equal_python_nfkc(texts):
    # NFKC is applied only to texts holding a code point it may change: the result must
    # still be NFKC of every text
    import pyarrow as pa

    got = _decode(*arrow_codepoints(pa.array(texts + [None])))
    assert got == [unicodedata.normalize("NFKC", t) for t in texts] + [""]


def test_cjk_class_is_exactly_its_ranges():
    # every range's edges and their neighbours, one character at a time and inside text
    edges = sorted({cp + d for lo, hi in _CJK_RANGES for cp in (lo, hi) for d in (-1, 0, 1)})
    for cp in edges:
        inside = any(lo <= cp <= hi for lo, hi in _CJK_RANGES)
        assert is_cjk_char(chr(cp)) is inside
        assert has_cjk("Merci " + chr(cp) + " beaucoup") is inside
    assert not has_cjk("") and has_cjk("谢谢 Jean")


def test_a_word_of_digits_stays_a_number():
    # "toast" in full leetspeak is "70457": the normaliser cannot tell it from a number, and
    # numbers are evidence (amounts, dates), so digit-only words are never swapped back
    assert perturb.leetspeak("aaaa toast", np.random.default_rng(0)) in ("4444 toast", "aaaa 70457", "4444 70457")
    assert normalize_text("4444 70457 in 2023") == "4444 70457 in 2023"
    assert normalize_text("t0457 2023") == "toast 2023"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ѕее whаt an іndividual in Vancouver is saying!!! 🔥🔥 https://t.co/x",
            "see what an individual in vancouver is saying <url>",
        ),
        ("c0rrupt10n in 2024", "corruption in 2024"),
        ("Turn $250 into $5,000 in ONE week", "turn 250 into 5000 in one week"),
        ("Ｓｈａｍｅ on YOU", "shame on you"),
        ("𝐁𝐫𝐚𝐯𝐨", "bravo"),
        ("z\u200bero w\u200didth, b\u202eidi", "zero width bidi"),
        ("soooo truuuue!!!", "soo truue"),
        ("哈哈哈哈哈 谢谢", "哈哈 谢谢"),
        ("Un critique de Vancouver accuse Émilie d'abus", "un critique de vancouver accuse emilie d abus"),
        ("Straße", "strasse"),
        ("see @MP_One and @Ｘ_y: www.example.org/a", "see <user> and <user> <url>"),
        ("h@te and b4d", "hate and bad"),
        ("email me: someone@example.org", "email me someoneaexample org"),
        ("zalgo ẑ̷̢a̴l̸g̵o̶", "zalgo zalgo"),
        ("温哥华一位批评者指控John Smith腐败。", "温哥华一位批评者指控john smith腐败"),
        ("👍", ""),
        ("", ""),
        ("   \t\n ", ""),
    ],
)
def test_examples(text, expected):
    assert normalize_text(text) == expected


def test_numbers_keep_their_digits_and_tokens_with_letters_do_not():
    assert normalize_text("2024 and 911") == "2024 and 911"
    assert normalize_text("v1de0 2024") == "video 2024"
    assert normalize_text("1.5 and 1,000,000") == "1 5 and 1000000"


def test_type_errors_are_typed():
    with pytest.raises(TypeError, match="expects a str"):
        normalize_text(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects str items"):
        normalize_many(["a", 3])  # type: ignore[list-item]


def test_emoji_fingerprint_and_padding():
    assert emoji_fingerprint("🔥🔥 Shame ⚠️ 🇨🇦 👍🏽 ok 🔥") == "🔥 ⚠ 🇨🇦 👍🏽 🔥"
    assert emoji_fingerprint("no emoji here") == ""
    assert emoji_fingerprint("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"
    assert strip_padding("🔥 #Vancouver A critic accuses MP X. #truth #cdnpoli 🔥🔥") == "A critic accuses MP X"
    assert strip_padding("🔥👍") == "🔥👍"  # only padding: unchanged
    assert strip_padding("A #Vancouver critic") == "A #Vancouver critic"


def test_word_tokens_follow_uax29_and_read_cjk_as_bigrams():
    assert word_tokens("hello <url> world 2024 abc123") == ["hello", "world", "2024", "abc123"]
    assert word_tokens("温哥华 谢谢 john smith腐败") == ["温哥", "哥华", "谢谢", "john", "smith", "腐败"]
    assert word_tokens("谢") == ["谢"]
    assert word_tokens("한국 사람") == ["한국", "사람"]  # Hangul is written with spaces
    assert is_cjk_char("谢") and is_cjk_char("カ") and not is_cjk_char("한") and not is_cjk_char("a")


def test_shingles_use_character_grams_and_cjk_bigrams():
    assert shingles("ab cde 你好吗 x") == ["ab c", "b cd", " cde", "cde ", "你好", "好吗", " x"]
    assert shingles("ab") == ["ab"]
    assert shingles("") == []


def _hash_set(texts, fn):
    cps, offs = _codepoints(texts)
    h, o = fn(cps, offs)
    return [set(h[o[i] : o[i + 1]].tolist()) for i in range(len(texts))]


@settings(max_examples=150, deadline=None)
@given(st.lists(comment, min_size=1, max_size=8))
def test_compiled_tokens_match_the_reference_functions(raw):
    norm = normalize_many(raw)
    cjk = _cjk_table()
    sh = _hash_set(norm, lambda c, o: token_hashes(c, o, cjk, 0, 4, 2, 7))
    wh = _hash_set(norm, lambda c, o: word_hashes(c, o, cjk, 7))
    for i, t in enumerate(norm):
        assert len(sh[i]) == len(set(shingles(t))) or len(sh[i]) < len(
            set(shingles(t))
        )  # hashes never merge more than 1e-12
        ref_sh = _hash_set(["\x00".join(sorted(set(shingles(t))))], lambda c, o: token_hashes(c, o, cjk, 1, 4, 2, 7))[0]
        ref_w = _hash_set(["\x00".join(word_tokens(t))], lambda c, o: token_hashes(c, o, cjk, 1, 4, 2, 7))[0]
        assert len(sh[i]) == len(ref_sh)
        assert len(wh[i]) == len(ref_w)
