"""Normalising, tokenizing and stemming Indonesian."""

from __future__ import annotations

import pytest

from bot.reading.text import analyze, normalize, terms


def test_normalize_folds_case_accents_width_and_invisible_characters() -> None:
    assert normalize("ＡＩ Café\u200b Rusia") == "ai cafe rusia"


def test_accented_and_zero_width_words_match_their_plain_form() -> None:
    assert terms("nuklír") == terms("nuklir")
    assert terms("nu\u200bklir") == terms("nuklir")


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("meluncurkan", "luncur"),
        ("pengembangan", "kembang"),
        ("dikembangkan", "kembang"),
        ("pengawasan", "awas"),
        ("mengawasi", "awas"),
        ("terdekat", "dekat"),
        ("pidatonya", "pidato"),
        ("komputasinya", "komputasi"),  # outside Sastrawi's dictionary: clitic still dropped
        ("gabunglah", "gabung"),
        ("negara-negara", "negara"),
        ("nilai-nilai", "nilai"),
    ],
)
def test_stemming_strips_affixes_clitics_and_reduplication(word: str, stem: str) -> None:
    assert terms(word) == [stem]


def test_question_words_and_function_words_are_stopwords() -> None:
    assert terms("Siapa yang apa kapan mengapa bagaimana berapa di dan") == []


def test_informal_spellings_read_as_standard_words() -> None:
    assert terms("yg") == []  # "yang", a stopword
    assert terms("gmn tdk") == terms("bagaimana tidak")
    assert terms("bikin") == terms("membuat")
    assert terms("satgas") == terms("satuan tugas")


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("propinsi", "provinsi"),
        ("ibukota", "ibu kota"),
        ("olahraga", "olah raga"),
        ("beresiko", "berisiko"),  # the stem is respelt too
        ("penasehat", "penasihat"),
        ("Dubes", "duta besar"),
        ("SBY", "Susilo Bambang Yudhoyono"),
    ],
)
def test_non_standard_spellings_and_abbreviations_read_as_the_standard_words(
    variant: str, standard: str
) -> None:
    assert terms(variant) == terms(standard)
    assert terms(variant)


def test_question_word_with_a_particle_is_a_stopword() -> None:
    assert terms("apapun siapakah itulah") == []
    assert terms("berada buatan") != []  # a stem that is a stopword is not enough


def test_acronyms_stay_whole_and_their_plural_folds() -> None:
    assert terms("LLMs") == ["llm"]
    assert terms("LLM") == ["llm"]
    assert terms("BRICS") == ["brics"]
    assert terms("A.S.") == ["as"]


def test_numbers_years_and_money_are_kept() -> None:
    assert terms("11 triliun rubel pada tahun 2030") == ["11", "triliun", "rubel", "tahun", "2030"]
    assert terms("11,5 persen") == ["11,5", "persen"]
    assert terms("$136 miliar") == ["dolar", "136", "miliar"]
    assert terms("Rp1.000.000") == terms("rp 1000000")


def test_text_in_capitals_is_not_read_as_acronyms() -> None:
    assert terms("SIAPA YANG MELUNCURKAN SATUAN TUGAS") == terms(
        "siapa yang meluncurkan satuan tugas"
    )


def test_analyze_gives_offsets_into_the_original_text() -> None:
    text = "Presiden Rusia meluncurkan (LLMs)."
    tokens = analyze(text)
    assert [text[t.start : t.end] for t in tokens] == ["Presiden", "Rusia", "meluncurkan", "LLMs"]
    assert tokens[3].terms == ("llm",)


def test_phrase_in_a_question_replaces_its_words() -> None:
    question = analyze("kecerdasan buatan", question=True)
    assert [t.terms for t in question] == [(), ("ai",)]
    document = terms("kecerdasan buatan")
    assert "ai" in document


def test_function_words_never_become_content_through_the_stemmer() -> None:
    # Sastrawi would read these as "telah", "belum", "lalu", "rupa", "bagai"
    assert terms("setelah sebelum melalui merupakan berbagai") == []
    # "terdiri" (consists of) is not "didirikan" (founded)
    assert terms("terdiri") != terms("didirikan")
