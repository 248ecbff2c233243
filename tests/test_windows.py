"""The candidate windows' features, computed for all windows of a question at once, equal the
features computed one window at a time (`tests/window_reference.py`, the code they replaced);
the answer-span candidates of a window's sentences at once equal those of one sentence at a
time (`tests/span_reference.py`); and the facts the corpus keeps of each sentence equal what
reading the sentence again says."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.reading.kinds import leans_back, profile, sentence_tokens
from bot.reading.message import Reading, read
from bot.search import span, windows
from bot.search.answer import Answerer
from bot.search.facts import COUNTS, Words
from bot.search.query import Query
from bot.search.snapshot import Snapshot, load_snapshot
from tests import span_reference, window_reference
from tests.paths import CORPUS_DIR

DATA = Path(__file__).parent / "data"
# the bundled article, and two more with their question files (each answerable and not)
CORPORA = {
    "article": (CORPUS_DIR, DATA / "article_natural.json"),
    "second": (DATA / "second", DATA / "second_article_questions.json"),
    "c2-article-1": (
        DATA / "calibration" / "c2-article-1",
        DATA / "calibration" / "c2-article-1" / "questions.json",
    ),
}


def questions(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [q["q"] for part in ("answerable", "unanswerable") for q in data.get(part, [])]


@pytest.fixture(scope="module", params=sorted(CORPORA))
def corpus(request: pytest.FixtureRequest) -> tuple[Snapshot, list[str]]:
    folder, asked = CORPORA[request.param]
    return load_snapshot(folder), questions(asked)


def looked_up(answerer: Answerer, asked: list[str]) -> Iterator[tuple[str, Reading, Query]]:
    """Each question with words to look for, read and looked up in the answerer's corpus."""
    for question in asked:
        reading = read(question)
        query = answerer.query(reading)
        if query is not None and query.terms:
            yield question, reading, query


def test_batched_features_equal_the_features_of_one_window_at_a_time(
    corpus: tuple[Snapshot, list[str]],
) -> None:
    kb, asked = corpus
    answerer = Answerer(kb)
    compared = 0
    for question, reading, query in looked_up(answerer, asked):
        scores = answerer.ranker.scores(query)
        found = windows.gather(reading, query, kb, scores)
        batched = windows.features(reading, query, kb, found, scores)
        one_by_one = window_reference.features(reading, query, kb, found, scores)
        # the features of before the document ones are the very same; those sum in another order
        old = windows.FEATURES.index("document")
        np.testing.assert_array_equal(batched[:, :old], one_by_one[:, :old], err_msg=question)
        np.testing.assert_allclose(batched[:, old:], one_by_one[:, old:], rtol=1e-12, atol=1e-12)
        compared += 1
    assert compared > 50


def test_span_candidates_of_a_window_equal_those_of_one_sentence_at_a_time(
    corpus: tuple[Snapshot, list[str]],
) -> None:
    kb, asked = corpus
    answerer = Answerer(kb)
    compared = 0
    for question, reading, query in looked_up(answerer, asked):
        for candidate in answerer.ranker.rank(reading, query)[:2]:
            texts = [kb.sentences[i].text for i in candidate.window]
            core = candidate.window.index(candidate.chunk)
            ours = span.candidates(reading, query, texts, core, kb.index.idf)
            theirs = span_reference.candidates(reading, query, texts, core, kb.index.idf)
            assert ours[0] == theirs[0]
            old = span.FEATURES.index("clause_weight")  # the clause columns came after
            np.testing.assert_array_equal(ours[1][:, :old], theirs[1][:, :old], err_msg=question)
            compared += 1
    assert compared > 100


def test_every_kind_of_question_is_among_those_compared() -> None:
    kinds: set[str | None] = set()
    for _, asked in CORPORA.values():
        kinds.update(read(q).kind for q in questions(asked))
    assert {"time", "number", "person", "place", "name", "definition", "expansion"} <= kinds


def test_the_facts_of_each_sentence_are_what_reading_it_says(
    corpus: tuple[Snapshot, list[str]],
) -> None:
    kb, _ = corpus
    facts = kb.facts
    inverse = {i: t for t, i in kb.index.vocabulary.items()}
    words = Words.of(facts, kb.index, np.arange(len(kb.sentences)))
    for i, sentence in enumerate(kb.sentences):
        seen = profile(sentence.text)
        assert dict(zip(COUNTS, facts.counts[i].tolist(), strict=True)) == {
            name: getattr(seen, name) for name in COUNTS
        }
        assert bool(facts.marks[i] & 1) == seen.lead_in
        assert bool(facts.marks[i] & 2) == seen.quote
        assert bool(facts.marks[i] & 4) == leans_back(sentence.text)
        tokens = sentence_tokens(sentence.text)
        assert [facts.words[w] for w in words.word[words.owner == i]] == [t.word for t in tokens]
        terms = [inverse[int(t)] for t in words.term[words.term_owner == i]]
        assert terms == [t for token in tokens for t in token.terms]
        capitals = [sentence.text[t.start].isupper() for t in tokens]
        assert words.capital[words.owner == i].tolist() == capitals


def test_sentences_read_together_within_a_paragraph_and_after_a_heading(
    article_kb: Snapshot,
) -> None:
    sentences = article_kb.sentences
    for a, b in itertools.pairwise(sentences):
        together = article_kb.facts.together(a.id, b.id)
        if a.doc == b.doc and a.paragraph == b.paragraph:
            assert together
        elif b.paragraph != a.paragraph + 1 or b.position != 0:
            assert not together


def test_a_windows_rank_counts_the_sentences_that_score_more() -> None:
    rng = np.random.default_rng(1)
    for _ in range(200):
        count = int(rng.integers(1, 3000))
        # mostly zeros, with ties: as BM25 scores over a corpus are
        scores = np.where(rng.random(count) < 0.7, 0.0, np.round(rng.random(count) * 10, 1))
        cores = np.concatenate((rng.choice(scores, int(rng.integers(1, 40))), [0.0]))
        expected = [int(np.count_nonzero(scores > c)) for c in cores]
        assert windows._ranks(scores, cores).tolist() == expected
