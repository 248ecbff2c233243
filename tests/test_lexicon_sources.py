"""The thesaurus and the English dictionary are made from Debian packages, say so, and are used
through the one query path: a link found for a word the corpus lacks, never for a name."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from bot.cli import main
from bot.reading import lexicon, sources, text
from bot.reading.message import read
from bot.search import tuning
from bot.search.query import resolve
from bot.search.snapshot import Snapshot

FIXTURE = Path(__file__).parent / "data" / "lexicons"
MADE = (sources.THESAURUS_FILE, sources.DICTIONARY_FILE)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """The two files made from the small unpacked packages under tests/data/lexicons."""
    out = tmp_path_factory.mktemp("lexicons")
    sources.write_lexicons(FIXTURE / "unpacked", out)
    tables: dict[str, dict[str, list[str]]] = {}
    for name in MADE:
        table = tables[name] = {}
        for line in (out / name).read_text(encoding="utf-8").splitlines():
            word, _, linked = line.partition("\t")
            if not line.startswith("#"):
                table[word] = linked.split(", ")
    return tables


def test_the_generator_reproduces_the_expected_files(tmp_path: Path) -> None:
    assert main(["lexicons", "--from", str(FIXTURE / "unpacked"), "--out", str(tmp_path)]) == 0
    for name in MADE:
        assert filecmp.cmp(tmp_path / name, FIXTURE / "expected" / name, shallow=False), name


def test_the_generator_says_so_when_a_package_is_missing(tmp_path: Path) -> None:
    assert main(["lexicons", "--from", str(tmp_path), "--out", str(tmp_path)]) == 1
    assert not list(tmp_path.iterdir())


def test_thesaurus_links_go_both_ways(made: dict[str, dict[str, list[str]]]) -> None:
    thesaurus = made[sources.THESAURUS_FILE]
    assert "wafat" in thesaurus["meninggal"]
    assert "meninggal" in thesaurus["wafat"]  # "wafat" is no headword of the fixture


def test_antonyms_are_not_synonyms(made: dict[str, dict[str, list[str]]]) -> None:
    thesaurus = made[sources.THESAURUS_FILE]
    assert "hidup" not in thesaurus["meninggal"]
    assert "sementara" not in thesaurus["abadi"]
    assert "sementara" not in thesaurus


def test_a_sense_line_with_its_tag_run_into_a_word_keeps_the_word(
    made: dict[str, dict[str, list[str]]],
) -> None:
    assert made[sources.THESAURUS_FILE]["rajah"][:2] == ["bagan", "cacakan"]  # "[n]bagan|..."
    assert "[adv]" not in made[sources.THESAURUS_FILE]["kurang"]


def test_dictionary_senses_are_merged_and_glosses_left_out(
    made: dict[str, dict[str, list[str]]],
) -> None:
    dictionary = made[sources.DICTIONARY_FILE]
    assert dictionary["salt"] == ["asin", "garam"]  # an adjective and a noun entry
    assert dictionary["die"] == ["mati", "meninggal"]
    assert dictionary["chronic"] == ["kronis"]  # "kronis 2." and three glosses


def test_affixes_numbers_and_phrases_are_no_dictionary_headwords(
    made: dict[str, dict[str, list[str]]],
) -> None:
    dictionary = made[sources.DICTIONARY_FILE]
    assert not {"ation", "10th", "a little"} & dictionary.keys()


@pytest.mark.parametrize("name", MADE)
def test_every_word_of_a_shipped_file_is_found(name: str) -> None:
    lines = (lexicon.DATA / name).read_text(encoding="utf-8").splitlines()
    table = lexicon.Links(lines)
    entries = [line.split("\t") for line in lines if not line.startswith("#")]
    assert len(table) == len(entries) > 5000
    for word, linked in entries[::97]:  # looked up by bisection: the file must stay sorted
        assert table.linked(word) == tuple(linked.split(", "))
    assert table.linked("tidak-ada-kata-ini") == ()


@pytest.mark.parametrize("name", MADE)
def test_shipped_files_name_their_package_version_and_licence(name: str) -> None:
    head = [line for line in (lexicon.DATA / name).read_text(encoding="utf-8").splitlines()[:12]]
    said = "\n".join(head)
    licence = {sources.THESAURUS_FILE: "LGPL-2.1", sources.DICTIONARY_FILE: "CC-BY-SA-3.0"}[name]
    assert "Made from the Debian package" in said
    assert f"License: {licence}" in said
    assert (lexicon.DATA / "licences" / f"{licence}.txt").is_file()


def test_the_shipped_thesaurus_links_word_pairs_no_hand_list_has() -> None:
    thesaurus = lexicon.thesaurus()
    hand = {word for group in lexicon.SYNONYM_GROUPS for word in group}
    for word, synonym in (("presiden", "kepala negara"), ("rintangan", "halangan")):
        assert synonym in thesaurus.linked(word)
        assert not {word, text.stem(word), synonym} <= hand


def test_an_english_word_only_the_dictionary_knows_finds_the_article(
    article_kb: Snapshot,
) -> None:
    assert "generator" not in lexicon.ENGLISH  # the hand glossary lacks it
    query = resolve(read("Which generators will power the data centres?"), article_kb)
    found = {qt.term: qt for qt in query.terms if qt.word == "generators"}
    assert "bangkit" in found  # "pembangkit listrik" in the article
    assert found["bangkit"].how == "english"
    assert found["bangkit"].weight < 1.0
    assert "generators" not in query.missing


def test_a_thesaurus_synonym_can_stand_in_for_a_word_the_article_lacks(
    article_kb: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "Apa halangan terbesar ambisi AI Rusia?"  # the article says "hambatan"
    assert "halang" in resolve(read(question), article_kb).missing  # the shipped weight: 0
    monkeypatch.setattr(tuning, "THESAURUS_WEIGHT", 0.3)
    query = resolve(read(question), article_kb)
    stand_ins = {qt.term: qt for qt in query.terms if qt.word == "halangan"}
    assert stand_ins["hambat"].how == "synonym"
    assert 0 < stand_ins["hambat"].weight <= 0.3
    assert not query.missing


def test_an_english_word_goes_through_its_translation_to_a_thesaurus_synonym(
    article_kb: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FreeDict: hindrance -> halangan (not in the article); the thesaurus: halangan ~ hambatan
    monkeypatch.setattr(tuning, "THESAURUS_WEIGHT", 0.3)
    query = resolve(read("What is the biggest hindrance to Russia's AI ambitions?"), article_kb)
    found = {qt.term: qt for qt in query.terms if qt.word == "hindrance"}
    assert found["hambat"].how == "english"
    assert found["hambat"].weight == pytest.approx(tuning.DICTIONARY_WEIGHT * 0.3)


def test_a_name_inside_the_question_is_never_expanded(
    article_kb: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tuning, "PRESENT_THESAURUS_WEIGHT", 0.2)
    monkeypatch.setattr(tuning, "THESAURUS_WEIGHT", 0.3)

    def expanded(question: str, word: str) -> set[str]:
        query = resolve(read(question), article_kb)
        return {qt.term for qt in query.terms if qt.word == word and qt.how != "exact"}

    assert "pimpin" in expanded("apa kata presiden soal AI?", "presiden")  # presiden~pemimpin
    assert not expanded("Apa kata Presiden soal AI?", "presiden")  # a title standing for a name
    assert "hambat" in expanded("apa halangan ambisi AI Rusia?", "halangan")
    assert not expanded("apa kata Halangan soal AI Rusia?", "halangan")


def test_a_number_is_never_expanded(article_kb: Snapshot) -> None:
    query = resolve(read("Apa yang terjadi pada 2030?"), article_kb)
    assert [qt.how for qt in query.terms if qt.word == "2030"] == ["exact"]
    for name in MADE:  # nor could it be: no list has a word with a digit
        content = (lexicon.DATA / name).read_text(encoding="utf-8")
        body = [line for line in content.splitlines() if not line.startswith("#")]
        assert not any(char.isdigit() for line in body for char in line), name
