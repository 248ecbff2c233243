"""The BM25 index: same scores and ranking as rank-bm25, from postings only."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from bot.search.index import Bm25Params, Index

VOCAB = [f"w{i}" for i in range(300)]


def random_corpus(rng: random.Random, size: int) -> list[list[str]]:
    # Zipf-like: a few frequent words, many rare ones
    weights = [1 / (i + 1) for i in range(len(VOCAB))]
    return [rng.choices(VOCAB, weights, k=rng.randint(1, 30)) for _ in range(size)]


@pytest.mark.parametrize(
    "params",
    [
        Bm25Params("okapi", 1.5, 0.75),
        Bm25Params("okapi", 1.2, 0.5),
        Bm25Params("plus", 1.2, 0.75, delta=1.0),
        Bm25Params("l", 1.2, 0.75, delta=0.5),
    ],
    ids=["okapi-default", "okapi-tuned", "plus", "l"],
)
@pytest.mark.parametrize("seed", range(5))
def test_scores_and_top10_equal_rank_bm25(params: Bm25Params, seed: int) -> None:
    rng = random.Random(seed)
    docs = random_corpus(rng, rng.choice([5, 50, 400]))
    index = Index.build(docs, params)
    reference = params.reference(docs)
    for _ in range(20):
        query = [*rng.choices(VOCAB[:120], k=rng.randint(1, 6)), "never-seen"]
        ours = index.scores(query)
        theirs = reference.get_scores(query)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
        hits = index.search(query, k=10)
        top = np.sort(theirs)[::-1][: len(hits)]
        np.testing.assert_allclose([h.score for h in hits], top, rtol=0, atol=1e-6)


def test_search_only_returns_sentences_holding_a_query_term() -> None:
    index = Index.build([["a", "b"], ["c"], ["a", "a", "d"]])
    assert {h.chunk for h in index.search(["a"], k=10)} == {0, 2}
    assert index.search(["zzz"], k=10) == []


def test_search_orders_best_first_and_respects_k() -> None:
    docs = [["x"] * i + ["pad"] * (10 - i) for i in range(1, 8)] + [[f"o{i}"] for i in range(20)]
    hits = Index.build(docs).search(["x"], k=3)
    assert [h.chunk for h in hits] == [6, 5, 4]
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_weighted_terms_scale_their_contribution() -> None:
    index = Index.build([["a", "b"], ["b", "c"], ["c"]])
    plain = index.scores(["a"])
    half = index.scores([("a", 0.5)])
    np.testing.assert_allclose(half, plain * 0.5)


def test_empty_corpus_cannot_be_indexed() -> None:
    with pytest.raises(ValueError):
        Index.build([])
