"""Reading a question as people type it: chat Indonesian, markup, English, on any document."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reading.message import read
from bot.search.corpus import build_corpus, parse_document
from bot.search.query import Query, resolve
from bot.search.snapshot import Snapshot, load_snapshot

SECOND = Path(__file__).parent / "data" / "second"


def query_of(question: str, kb: Snapshot) -> Query:
    return resolve(read(question), kb)


@pytest.fixture(scope="module")
def second_kb() -> Snapshot:
    return load_snapshot(SECOND)


def _kb(*paragraphs: str) -> Snapshot:
    doc = parse_document("doc.txt", "\n".join(paragraphs), markdown=False)
    return Snapshot.build(build_corpus([doc]))


def test_links_mentions_and_markup_are_taken_out() -> None:
    message = "@satgas_bot *Gigachat* itu <b>dikembangkan</b> siapa? https://t.me/x/1 #AI"
    assert read(message).question == "Gigachat itu dikembangkan siapa? AI"


def test_a_quoted_line_stays_as_what_the_question_is_about() -> None:
    message = "> Kapal berlayar tiga kali seminggu\nhari apa aja?"
    assert read(message).question == "Kapal berlayar tiga kali seminggu hari apa aja?"


def test_html_entities_are_read_as_characters() -> None:
    assert read("AT&amp;T &lt;b&gt;").question == "AT&T"


def test_greetings_and_particles_are_neither_found_nor_missing() -> None:
    kb = _kb("Putin meluncurkan satuan tugas AI nasional.")
    query = query_of("halo min, kak, putin meluncurkan apa dong?", kb)
    assert {qt.term for qt in query.terms} >= {"putin", "luncur"}
    assert query.missing == () and query.unknown == ()


def test_misspelt_question_words_are_not_missing_words() -> None:
    kb = _kb("Kontribusi AI mencapai 11 triliun rubel.")
    query = query_of("brapa kontribusi AI?", kb)
    assert query.missing == () and query.unknown == ()


@pytest.mark.parametrize(
    ("colloquial", "standard_term"),
    [
        ("diumumin", "umum"),
        ("nyuruh", "suruh"),
        ("dibenerin", "benar"),
        ("kapaaan", None),  # drawn out: read as "kapan", a question word
    ],
)
def test_chat_indonesian_is_read_as_the_standard_word(
    colloquial: str, standard_term: str | None
) -> None:
    kb = _kb("Hasilnya diumumkan kemarin.", "Ia menyuruh menteri bekerja.", "Data itu dibenarkan.")
    query = query_of(f"siapa yang {colloquial} itu", kb)
    if standard_term is None:
        assert query.terms == () and query.missing == () and query.unknown == ()
    else:
        assert standard_term in {qt.term for qt in query.terms}


def test_words_that_frame_a_question_word_are_not_asked_about() -> None:
    kb = _kb("Perjalanan ditempuh sekitar tujuh jam.")
    query = query_of("berapa lama perjalanannya?", kb)
    assert "lama" not in query.missing


def test_the_focus_word_that_the_corpus_lacks_is_marked() -> None:
    kb = _kb("Presiden Vladimir Putin meluncurkan satuan tugas AI.")
    assert query_of("Berapa gaji Vladimir Putin?", kb).focus_missing
    assert query_of("gaji Putin brp?", kb).focus_missing
    assert not query_of("Siapa yang meluncurkan satuan tugas?", kb).focus_missing


def test_english_questions_work_on_a_document_never_seen(second_kb: Snapshot) -> None:
    query = query_of("how much is the ticket for children?", second_kb)
    english = {qt.term for qt in query.terms if qt.how == "english"}
    assert {"tiket", "anak"} <= {qt.term for qt in query.terms}
    assert english  # found through the general glossary, not a list of this document's words


def test_a_synonym_is_looked_for_beside_a_word_the_corpus_has() -> None:
    kb = _kb("Tarif penumpang dewasa ditetapkan Rp 185.000.", "Harga beras naik.")
    query = query_of("berapa harga tiket dewasa?", kb)
    related = {qt.term for qt in query.terms if qt.how == "related"}
    assert "tarif" in related


def test_a_missing_year_is_counted() -> None:
    kb = _kb("Tarif feri ditetapkan pada 2025.")
    assert query_of("Berapa tarif feri pada tahun 2023?", kb).missing_numbers == 1
