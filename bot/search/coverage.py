"""How much of a question a stretch of the corpus holds, in units of the corpus's idf.

Every word of the question weighs its idf (a name, or the alternatives found for one word,
count once); a word the corpus lacks weighs by how rare it is in general text. Shares of that
weight are what the ranking and the found decision compare, so that they mean the same on an
article of twenty sentences and on a corpus of a hundred thousand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from bot.reading.lexicon import BACKGROUND_DF, BACKGROUND_PARAGRAPHS
from bot.search.index import Index
from bot.search.query import Query, QueryTerm
from bot.search.tuning import MISSING_WEIGHT


def by_word(query: Query) -> list[list[QueryTerm]]:
    """The question's terms grouped by the word they came from."""
    groups: dict[str, list[QueryTerm]] = {}
    for qt in query.terms:
        groups.setdefault(qt.word, []).append(qt)
    return list(groups.values())


def word_weight(terms: list[QueryTerm], matched: set[str] | None, index: Index) -> float:
    """A word's own terms add up; a name, or alternatives for one word (synonyms, English,
    typos), count once: the best of them, or the word's own terms if they weigh more."""
    own = 0.0
    best = 0.0
    for qt in terms:
        if matched is not None and qt.term not in matched:
            continue
        value = qt.weight * max(index.idf(qt.term), 0.0)
        if qt.how == "exact":
            own += value
        else:
            best = max(best, value)
    return max(own, best)


def importance(query: Query, index: Index) -> float:
    """Total weight of what the question asks about: found words by idf, missing ones at most."""
    found = sum(word_weight(terms, None, index) for terms in by_word(query))
    return found + (len(query.missing) + len(query.unknown)) * MISSING_WEIGHT * index.max_idf


def missing_weight(term: str, index: Index) -> float:
    """How much a real word the corpus lacks weighs, in the corpus's idf units: as much as the
    corpus's rarest word when the word is rare in general text ("gaji", "anggaran"), little
    when it is common ("mulai", "orang"), so that a generic word does not sink a question."""
    return index.max_idf * general_rarity(term)


@lru_cache(maxsize=10_000)
def general_rarity(term: str) -> float:
    """0 for a word in every general-text paragraph, 1 for one in none (or one)."""
    n = BACKGROUND_PARAGRAPHS
    df = BACKGROUND_DF.get(term, 1)
    rarest = math.log((n - 0.5) / 1.5 + 1)
    return math.log((n - df + 0.5) / (df + 0.5) + 1) / rarest


def held(query: Query, index: Index, hits: np.ndarray) -> np.ndarray:
    """The weight each of many stretches holds, from `hits` (one row per stretch, a column per
    term of `query.terms`: does it hold the term): for every word its own terms add up and its
    alternatives count once (their best), as in `word_weight`. The words are added in turn, and
    a word's own terms in turn, as a loop over the words would add them."""
    rows = len(hits)
    groups = by_word(query)
    if not rows or not groups:
        return np.zeros(rows, dtype=np.float64)
    column = {qt.term: i for i, qt in enumerate(query.terms)}
    pad = len(query.terms)  # a column of zeros
    values = np.asarray([qt.weight * max(index.idf(qt.term), 0.0) for qt in query.terms] + [0.0])
    weighed = np.zeros((rows, pad + 1))
    weighed[:, :pad] = hits
    weighed *= values
    own_terms = [[column[qt.term] for qt in g if qt.how == "exact"] for g in groups]
    other_terms = [[column[qt.term] for qt in g if qt.how != "exact"] for g in groups]
    own = np.zeros((rows, len(groups)))
    for k in range(max(map(len, own_terms))):
        own += weighed[:, [t[k] if k < len(t) else pad for t in own_terms]]
    best = np.zeros((rows, len(groups)))
    for k in range(max(map(len, other_terms))):
        np.maximum(best, weighed[:, [t[k] if k < len(t) else pad for t in other_terms]], out=best)
    return np.asarray(np.cumsum(np.maximum(own, best), axis=1)[:, -1], dtype=np.float64)


def word_rarity(group: Sequence[QueryTerm]) -> float:
    """How rare a question word is in general text: the rarest of its own terms (a synonym
    looked for beside it does not make it rarer)."""
    own = [qt for qt in group if qt.how != "related"] or list(group)
    return max(general_rarity(qt.term) for qt in own)


def general_weights(query: Query) -> tuple[list[float], float]:
    """Each question word's weight by how rare it is in general text (`by_word` order), and the
    question's whole weight, words the corpus lacks included: a measure that does not move with
    the corpus's size."""
    weights = [word_rarity(g) for g in by_word(query)]
    lacking = sum(general_rarity(t) for t in query.missing) + float(len(query.unknown))
    return weights, sum(weights) + lacking
