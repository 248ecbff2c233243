"""Retrieval quality on IndoNLU FacQA's valid split (read from ../shared at run time)."""

from __future__ import annotations

import pytest

from bot.measure.facqa import (
    bm25_ranker,
    facqa_corpus,
    measure,
    project_ranker,
    read_facqa,
    sastrawi_stopped,
)
from bot.search.snapshot import Snapshot
from tests.paths import SHARED

FACQA = SHARED / "benchmarks" / "indonlu-facqa"

pytestmark = pytest.mark.skipif(
    not (FACQA / "valid_preprocess.csv").exists(), reason="FacQA is not beside this checkout"
)


def test_every_answer_span_lies_inside_one_indexed_sentence_of_its_passage() -> None:
    data = read_facqa(FACQA)
    corpus = facqa_corpus(data)
    sentences: dict[str, list[str]] = {}
    for chunk in corpus.sentences:
        sentences.setdefault(chunk.doc, []).append(chunk.text.lower())
    for q in data.questions["valid"]:
        doc = f"facqa-{q.passage:04d}.txt"
        assert any(q.answer.lower() in s for s in sentences[doc]), q


def test_valid_split_stays_at_its_measured_level_and_above_careful_bm25() -> None:
    data = read_facqa(FACQA)
    corpus = facqa_corpus(data)
    questions = data.questions["valid"]
    project = measure("project", project_ranker(Snapshot.build(corpus)), questions)
    careful = measure("careful", bm25_ranker(corpus, sastrawi_stopped, k1=0.9, b=0.4), questions)
    n = len(questions)
    # measured 0.775 / 0.900 with 10 refusals (the calibrated found model refuses a few of
    # these answerable questions); a few questions of slack for harmless changes
    assert project.r1 / n >= 0.76
    assert project.r3 / n >= 0.885
    assert project.r1 > careful.r1
    assert project.refused <= 0.05 * n
