"""Found or not found: does the first quote answer the question?

One rule for every corpus, whatever else is loaded beside the article asked about: a model
(boosted trees on the logistic loss, `models/found.json`) over features of the question and of
the window quoted first that mean the same on one article and among thousands. Words weigh by
how rare they are in general text (never by the corpus's idf, which moves with its size):
which of the question's words, names, numbers and the word it asks about the window holds, and
its document; whether the window holds the kind of answer asked for, beside the word asked
about; how sure the answer span is; the ranking model's score. It is fitted by
`python -m bot calibrate` on labelled questions asked of corpora of one, ten and hundreds of
articles, labelled by whether the first quote answers, so that its probability is the
probability that the quote is right: the answer's `confidence`. The threshold (FOUND_THRESHOLD,
else the one fitted with it) is a confidence; below `TENTATIVE_BELOW` an answer is tentative.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from bot.reading.kinds import EXPLAINED, NAMED, Kind, holds
from bot.reading.lexicon import WORD_CLASSES
from bot.reading.message import Reading
from bot.search.coverage import by_word, general_rarity, general_weights, word_weight
from bot.search.index import Index
from bot.search.query import Query, QueryTerm, focus_terms
from bot.search.ranking import Candidate
from bot.search.snapshot import Snapshot
from bot.search.tuning import CUE_REACH, RARE_WORD
from bot.search.windows import FEATURES as WINDOW

# Features of the first window, as the ranking saw them (shares, not sizes)
_FROM_WINDOW = (
    "coverage",
    "coverage_core",
    "exact_share",
    "focus",
    "names",
    "grams",
    "kind_near",
    "kind_anywhere",
    "kind_after",
    "new_names",
    "new_numbers",
    "unit",
)

FEATURES = (
    "score",  # the ranking model's probability for the first window
    "span",  # how sure the answer span in it is (0 when none is looked for)
    *(f"top_{name}" for name in _FROM_WINDOW),
    "held",  # share of the question's weight (general rarity) the window holds
    "held_exact",  # ... holds as written (not through synonyms, English, typos)
    "held_document",  # ... the window's document holds
    "held_words",  # share of the question's words the window holds, however common
    "unheld_rarest",  # general rarity of the rarest word the window lacks (0: none)
    "unheld_rare",  # how many rare words it lacks (up to 3, / 3)
    "question_weight",  # log of the question's weight: how much it asks
    "names_unheld",  # names of the question the window lacks (up to 3, / 3)
    "numbers_unheld",  # numbers and years of the question the window lacks (up to 3, / 3)
    "focus_held",  # the window holds the word the question asks about (-1: none)
    "focus_rarity",  # how rare that word is in general text (-1: none)
    "kind_focus",  # the kind asked for stands within a few words of that word (-1: none)
    "negation_unmatched",  # the question says "tidak"/"not" and the window does not
    "second_look",  # share of the found weight that came from synonyms, English, typos
    "words",  # log of the number of question words looked for
    "asks_named",  # it asks for a person, a place or another name
    "asks_count",  # ... a number or a time
    "asks_explained",  # ... a reason, a manner, a definition, whether
)

_NEGATION = WORD_CLASSES["negation"]
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_WINDOW_AT = [WINDOW.index(name) for name in _FROM_WINDOW]


def _negated(sentence: str) -> bool:
    return any(w in _NEGATION for w in _WORD.findall(sentence.casefold()))


def evidence(
    reading: Reading,
    query: Query,
    ranked: Sequence[Candidate],
    kb: Snapshot,
    span: float,
) -> np.ndarray:
    """The FEATURES the found decision is taken on (zeros when nothing was ranked)."""
    row = np.zeros(len(FEATURES), dtype=np.float64)
    groups = by_word(query)
    words = len(groups) + len(query.missing) + len(query.unknown)
    if not ranked or not words:
        return row
    top = ranked[0]
    index = kb.index
    lo, hi = top.window[0], top.window[-1] + 1
    start, end = kb.document_span(top.chunk)
    terms = {qt.term for qt in query.terms}
    window = _holding(terms, index, lo, hi)
    document = _holding(terms, index, start, end)
    focus = focus_terms(reading, query)

    weights, total = general_weights(query)
    total = total or 1.0
    lacking = [general_rarity(t) for t in query.missing] + [1.0] * len(query.unknown)
    in_window = [any(qt.term in window for qt in g) for g in groups]
    as_written = [
        any(qt.term in window and qt.how in ("exact", "name") for qt in g) for g in groups
    ]
    in_document = [any(qt.term in document for qt in g) for g in groups]
    unheld = [w for w, h in zip(weights, in_window, strict=True) if not h] + lacking
    names = [any(qt.how == "name" for qt in g) for g in groups]
    numbers = [g[0].word[:1].isdigit() for g in groups]
    focus_rarity = max(
        (w for g, w in zip(groups, weights, strict=True) if _asks(g, focus)), default=-1.0
    )

    found_weight = sum(word_weight(g, None, index) for g in groups)
    alternative = sum(
        word_weight(g, None, index) for g in groups if g[0].how not in ("exact", "name")
    )
    texts = [kb.sentences[i].text for i in top.window]
    kind = reading.kind
    values = (
        top.score,
        span,
        *(top.row[i] for i in _WINDOW_AT),
        _share(weights, in_window, total),
        _share(weights, as_written, total),
        _share(weights, in_document, total),
        sum(in_window) / words,
        max(unheld, default=0.0),
        min(sum(w >= RARE_WORD for w in unheld), 3) / 3,
        math.log1p(total),
        _unheld(names, in_window, query.missing_names),
        _unheld(numbers, in_window, query.missing_numbers),
        float(bool(focus & window)) if focus else -1.0,
        focus_rarity,
        _kind_beside(kind, texts, query, focus) if focus and kind else -1.0,
        float(reading.negated and not _negated(" ".join(texts))),
        alternative / found_weight if found_weight else 0.0,
        math.log1p(words),
        float(kind in NAMED),
        float(kind in ("number", "time")),
        float(kind in EXPLAINED),
    )
    row[:] = values
    return row


def _holding(terms: set[str], index: Index, lo: int, hi: int) -> set[str]:
    """The terms some sentence of [lo, hi) holds."""
    bounds_lo, bounds_hi = np.asarray([lo]), np.asarray([hi])
    return {t for t in terms if index.holds(t, bounds_lo, bounds_hi)[0]}


def _share(weights: Sequence[float], held: Sequence[bool], total: float) -> float:
    return sum(w for w, h in zip(weights, held, strict=True) if h) / total


def _asks(group: Sequence[QueryTerm], focus: frozenset[str]) -> bool:
    return any(qt.term in focus for qt in group)


def _kind_beside(kind: Kind, texts: Sequence[str], query: Query, focus: frozenset[str]) -> float:
    """Does a word of the kind asked for stand within CUE_REACH words of the word asked about
    (the date next to "mulai", not any date in the sentence)?"""
    return float(any(holds(kind, t, query.words, focus, CUE_REACH) for t in texts))


def _unheld(flags: Sequence[bool], held: Sequence[bool], lacking: int) -> float:
    """How many of the flagged words the window lacks, with those the corpus lacks (up to 3,
    / 3)."""
    return min(sum(f and not h for f, h in zip(flags, held, strict=True)) + lacking, 3) / 3
