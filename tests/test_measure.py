"""The measuring tools: question sets among other articles, and the reliability of confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.measure.evaluate import Reliability, score_set
from bot.measure.labelled import Item, at_scales, question_file
from bot.search.answer import Answerer
from bot.search.corpus import parse_document
from tests.conftest import CORPUS_DIR, EXTRA_QUESTIONS

OTHERS = [
    parse_document(
        f"other-{i}.txt",
        f"Tim sepak bola kota {i} menang {i} gol pada laga hari Minggu. Pelatih memuji para "
        "pemain muda yang tampil tanpa rasa takut.",
        markdown=False,
    )
    for i in range(12)
]


def test_expected_calibration_error_is_the_weighed_gap_between_confidence_and_share_right() -> None:
    reliability = Reliability()
    for _ in range(10):
        reliability.add(0.95, True, True)  # 0.95 said, 1.0 right
    for right in (True, False, False, False):
        reliability.add(0.25, True, right)  # 0.25 said, 0.25 right
    assert reliability.error() == pytest.approx(10 / 14 * 0.05)
    assert reliability.above(0.9) == (10, 10)
    assert "0.9–1.0" in reliability.report()


def test_a_question_file_among_other_articles_counts_only_its_own_article() -> None:
    alone = question_file(EXTRA_QUESTIONS, CORPUS_DIR)
    among = question_file(EXTRA_QUESTIONS, CORPUS_DIR, others=OTHERS, scale="ten")
    assert len(among.kb.corpus.documents) == len(alone.kb.corpus.documents) + len(OTHERS)
    item = next(i for i in among.items if i.answerable)
    phrase = item.phrases[0]
    assert item.answered_by(phrase, "putin-satgas-ai.txt")
    assert not item.answered_by(phrase, "other-1.txt")
    assert all(not i.docs for i in alone.items)


def test_a_set_is_asked_alone_among_ten_and_among_all_other_articles() -> None:
    sources = at_scales(EXTRA_QUESTIONS, CORPUS_DIR, OTHERS)
    assert [s.scale for s in sources] == ["alone", "ten", "archive"]
    assert [len(s.kb.corpus.documents) for s in sources] == [1, 11, 13]
    again = at_scales(EXTRA_QUESTIONS, CORPUS_DIR, OTHERS, scales=["ten"])
    docs = [d.name for d in sources[1].kb.corpus.documents]
    assert [d.name for d in again[0].kb.corpus.documents] == docs  # the same ten each time


def test_wrong_article_first_quotes_are_counted_among_other_articles(tmp_path: Path) -> None:
    among = question_file(EXTRA_QUESTIONS, CORPUS_DIR, others=OTHERS, scale="ten")
    answerer = Answerer(among.kb, found_threshold=0.0)
    football = Item("Berapa gol tim sepak bola kota 3?", ("3 gol",), docs=("putin-satgas-ai.txt",))
    result = score_set("project", answerer.ask, [football], (), answerer.ask_anyway)
    assert result.counts["wrong-article first quotes"] == [1.0, 1.0]
    assert result.counts["top-1"] == [0.0, 1.0]
