"""Answers: the right sentence quoted word for word, or an honest not-found."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.measure.evaluate import SetScore, score_set
from bot.measure.labelled import question_items
from bot.reading.message import read
from bot.search.answer import Answerer
from bot.search.corpus import build_corpus, parse_document
from bot.search.query import Query, resolve
from bot.search.snapshot import Snapshot
from tests.conftest import DEV_QUESTIONS, EXTRA_QUESTIONS


def query_of(question: str, kb: Snapshot) -> Query:
    return resolve(read(question), kb)


def test_dev_questions_meet_the_bar(answerer: Answerer) -> None:
    if not DEV_QUESTIONS.exists():
        pytest.skip("shared dev questions are not beside this checkout")
    result = _scored(answerer, DEV_QUESTIONS)
    assert _count(result, "top-1") >= 23, result.misses
    assert result.share("off-topic refused") == 1.0
    assert _count(result, "false refusals") == 0


def test_extra_article_questions_generalise(answerer: Answerer) -> None:
    result = _scored(answerer, EXTRA_QUESTIONS)
    answerable = result.counts["top-1"][1]
    assert _count(result, "top-1") >= 0.9 * answerable, result.misses
    # measured 19/26 with the calibrated found model (one rule for every corpus, which favours
    # answering: a wrong refusal counts as four wrong quotes)
    unanswerable = result.counts["off-topic refused"][1]
    assert _count(result, "off-topic refused") >= unanswerable - 9
    assert _count(result, "false refusals") <= 1


def _scored(answerer: Answerer, path: Path) -> SetScore:
    items, messages = question_items(path)
    return score_set("project", answerer.ask, items, messages)


def _count(result: SetScore, row: str) -> float:
    return result.counts.get(row, [0.0, 0.0])[0]


def test_answer_quotes_the_article_word_for_word(answerer: Answerer, article_kb: Snapshot) -> None:
    answer = answerer.ask("Siapa yang meluncurkan satuan tugas AI nasional?")
    assert answer.found
    best = answer.passages[0]
    sentences = {c.text for c in article_kb.sentences}
    assert best.sentence in sentences
    assert best.sentence.startswith("Presiden Rusia Vladimir Putin telah meluncurkan")
    assert best.sentence in best.text
    assert best.paragraph == 1
    assert best.title == article_kb.corpus.documents[0].title


def test_matched_words_are_marked(answerer: Answerer) -> None:
    best = answerer.ask("Siapa yang meluncurkan satuan tugas?").passages[0]
    marked = [best.text[a:b] for a, b in best.highlights]
    assert marked[:3] == ["meluncurkan", "satuan", "tugas"]


def test_pronoun_sentence_brings_its_referent(answerer: Answerer) -> None:
    best = answerer.ask("pusat data didukung apa").passages[0]
    assert "sumber energi terdekat" in best.text
    assert "pusat data" in best.text


@pytest.mark.parametrize(
    "question",
    [
        "Siapa juara Liga Inggris musim lalu?",
        "Bagaimana cara membuat kue bolu?",
        "Berapa harga saham Sberbank hari ini?",
    ],
)
def test_question_the_article_does_not_answer_is_not_found(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    assert not answer.found
    assert answer.passages == ()


@pytest.mark.parametrize("question", ["", "   ", "???", "🙂🙂", "yang dan di"])
def test_empty_questions_are_not_found(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert not answer.found
    assert answer.reason in {"empty", "no_match"}


@pytest.mark.parametrize(
    ("typo", "meant"), [("nuklr", "nuklir"), ("mikrochip", "microchip"), ("sberbnk", "sberbank")]
)
def test_misspelt_word_finds_the_article_word(article_kb: Snapshot, typo: str, meant: str) -> None:
    query = query_of(typo, article_kb)
    assert [t.how for t in query.terms] == ["fuzzy"]
    assert query.terms[0].term == meant


@pytest.mark.parametrize("word", ["gempa", "juara", "bolu", "kurs", "nasi", "presidennya2"])
def test_real_or_distant_words_are_not_typo_matched(article_kb: Snapshot, word: str) -> None:
    query = query_of(word, article_kb)
    assert not [t for t in query.terms if t.how == "fuzzy"]


def test_english_question_finds_indonesian_words(article_kb: Snapshot) -> None:
    query = query_of("sanctions on microchips", article_kb)
    assert {t.term for t in query.terms} >= {"sanksi", "microchip"}


def test_answer_json_shape(answerer: Answerer) -> None:
    data = answerer.ask("LLMs").as_dict()
    assert set(data) == {"question", "found", "passages", "answer", "tentative", "confidence"}
    assert data["question"] == "LLMs"
    assert data["found"] is True
    assert isinstance(data["tentative"], bool)
    assert isinstance(data["confidence"], float) and 0.0 <= data["confidence"] <= 1.0
    passages = data["passages"]
    assert isinstance(passages, list) and passages
    for passage in passages:
        assert set(passage) == {"text", "sentence", "doc", "score"}
        assert isinstance(passage["score"], float)
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_top_k_is_configurable(article_kb: Snapshot) -> None:
    assert len(Answerer(article_kb, top_k=1).ask("Rusia AI").passages) == 1


_FILLER = (
    "Harga beras di pasar induk naik lagi pekan ini.",
    "Tim nasional bulu tangkis berlatih di Cipayung.",
    "Hujan deras membuat banjir di beberapa ruas jalan.",
)


def _kb(*texts: str) -> Snapshot:
    texts += _FILLER  # enough documents for words to have a weight
    docs = [parse_document(f"doc{i}.txt", t, markdown=False) for i, t in enumerate(texts)]
    return Snapshot.build(build_corpus(docs))


def test_the_same_sentence_in_two_documents_is_quoted_once() -> None:
    same = "Kantor pusat WHO berada di Jenewa, Swiss."
    kb = _kb(
        f"{same} Lembaga itu didirikan tahun 1948.",
        f"Berita lain hari ini. {same}",
        "WHO juga punya kantor regional di New Delhi.",
    )
    answer = Answerer(kb, top_k=3).ask("Di mana kantor pusat WHO?")
    assert answer.found
    sentences = [p.sentence for p in answer.passages + answer.more]
    assert sentences.count(same) == 1
    assert len(sentences) >= 2


def test_a_word_the_stemmer_gets_wrong_still_finds_its_root() -> None:
    kb = _kb("Sumarjati Arjoso menjadi kepala badan itu sejak tahun lalu.")
    query = query_of("Badan apa yang dikepalai Sumarjati Arjoso?", kb)
    assert ("kepala", "root") in {(t.term, t.how) for t in query.terms}
    assert not query.missing
    assert Answerer(kb).ask("Badan apa yang dikepalai Sumarjati Arjoso?").found


def test_location_frame_words_are_not_required_in_the_answer() -> None:
    kb = _kb(
        "Nota damai itu ditandatangani di Helsinki, Finlandia.",
        "Kota Pagar Alam terletak di antara Bengkulu dan Lahat, lokasi yang sejuk.",
    )
    assert [t.term for t in query_of("Dimana letak Helsinki?", kb).terms] == ["helsinki"]
    answer = Answerer(kb).ask("Dimana letak Helsinki?")
    assert answer.found
    assert "Helsinki" in answer.passages[0].sentence


@pytest.mark.parametrize(
    ("question", "cue"),
    [
        ("Apa kepanjangan dari LIPI?", "expansion"),
        ("LIPI singkatan dari apa?", "expansion"),
        ("Kapan satgas dibentuk?", "time"),
        ("Pada bulan berapa aturan itu berlaku?", "time"),
        ("Indonesia di urutan keberapa?", "number"),
        ("Berapa dana yang disiapkan?", "number"),
        ("Siapa ketua satgas?", "person"),
        ("yg bikin gigachat sapa sih?", "person"),
        ("Who launched the task force?", "person"),
        ("Partai apa yang menang?", "name"),
        ("Apakah nama kapsul itu?", "name"),
        ("Kemanakah Putin pergi?", "place"),
        ("Di kota manakah kantor pusat WHO?", "place"),
        ("Apakah negara asal penemu itu?", "place"),
        ("Where is the conference held?", "place"),
        ("How many points did Brighton collect?", "number"),
        ("what year did it start?", "time"),
        ("Mengapa Rusia tertinggal?", "reason"),
        ("knp rusia ketinggalan?", "reason"),
        ("Bagaimana cara kerja satgas?", "manner"),
        ("gmn caranya?", "manner"),
        ("Apakah Golkar masih bisa mengajukan calon?", "yesno"),
        ("Apakah Ida menganggap itu bualan?", "yesno"),
        ("Is the alliance open to all countries?", "yesno"),
        ("newcastle menang gak sih?", "yesno"),
        ("Apakah bahan bakar yang harganya turun?", None),
        ("Penyakit apa yang menyebar?", None),
    ],
)
def test_the_question_word_says_what_kind_of_answer_is_wanted(
    question: str, cue: str | None
) -> None:
    assert read(question).kind == cue


def test_a_short_form_is_answered_where_it_is_spelt_out() -> None:
    spelt = "Menurut Kepala Lembaga Ilmu Pengetahuan Indonesia (LIPI), dana riset naik."
    kb = _kb(
        "Peneliti LIPI menemukan spesies baru.",
        "LIPI membuka pameran.",
        "Kerja sama LIPI dan kampus diperluas.",
        "Dana LIPI dipotong.",
        "Gedung LIPI direnovasi.",
        spelt,
        *(f"Laporan LIPI nomor {i} terbit." for i in range(15)),  # more than the ranking depth
    )
    answer = Answerer(kb).ask("Apa kepanjangan dari LIPI?")
    assert answer.found
    assert answer.passages[0].sentence == spelt
