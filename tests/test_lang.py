"""Language identification per post (Lingua, offline)."""

from __future__ import annotations

import pytest

from cibwatch.errors import ParameterError
from cibwatch.normalize.lang import DEFAULT_LANGUAGES, detect_language, detect_languages, detector, letter_count
from cibwatch.simulate.texts import NARRATIVES


def test_campaign_languages_are_identified():
    texts = [n[lang].format(mp="Jean Tremblay") for n in NARRATIVES for lang in ("en", "fr", "zh")]
    assert detect_languages(texts) == ["en", "fr", "zh"] * len(NARRATIVES)


def test_short_and_empty_texts_are_none():
    got = detect_languages(["👍", "", None, "ok", "https://t.co/abc @someone #tag", "谢谢", "Merci pour votre travail"])
    assert got[:5] == [None, None, None, None, None]
    assert got[5] == "zh"  # two Han characters carry enough
    assert got[6] == "fr"
    assert letter_count("谢谢") == 6 and letter_count("ok 123 @handle") == 2


def test_restricting_the_candidates_changes_the_answer_and_detectors_are_cached():
    text = "Obrigado pela ajuda de todos vocês hoje"  # Portuguese
    assert detect_language(text) == "pt"
    assert detect_language(text, languages=["en", "fr"]) in ("en", "fr")
    assert detector(DEFAULT_LANGUAGES) is detector(DEFAULT_LANGUAGES)


def test_duplicates_are_detected_once_and_order_is_kept():
    texts = ["Thank you for standing up for us"] * 3 + ["Merci pour votre travail"]
    assert detect_languages(texts) == ["en", "en", "en", "fr"]


@pytest.mark.parametrize("languages", [["en"], ["en", "xx"], []])
def test_bad_language_sets_are_parameter_errors(languages):
    with pytest.raises(ParameterError, match="'languages' parameter"):
        detect_languages(["hello there"], languages=languages)


def test_min_letters_is_validated():
    with pytest.raises(ParameterError, match="min_letters"):
        detect_languages(["hello"], min_letters=0)
    assert detect_languages(["Bonjour"], min_letters=50) == [None]
