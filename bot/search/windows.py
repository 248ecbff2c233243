"""Candidate windows for a question, and what the ranking knows of each.

A window is one sentence, or two neighbouring sentences of one paragraph. The candidates are
the sentences BM25 ranks highest, their neighbours (the answer often stands in the sentence
after the one that holds the question's words: a lead-in, a claim whose reason follows), and
the pairs they make. Each window is described by features that mean the same on any corpus:
shares of the question's weight it and its surroundings hold, its BM25 score in units of the
corpus's highest idf, whether it holds the kind of answer asked for, the shape of its sentences.
The learned ranking (`bot.search.ranking`) weighs them.

The features are computed for all the candidates of a question at once: each is one function of
a `Batch` (the windows as arrays, and what the features share: which question terms each window
and its surroundings hold, the words of its sentences as `bot.search.facts` keeps them), that
returns its column. A new feature is a name in `FEATURES` and one such function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from bot.reading import kinds
from bot.reading.kinds import KINDS, NAMED, grams, spelt_out
from bot.reading.message import Reading, counted_terms
from bot.search.coverage import by_word, general_weights, held, importance, word_weight
from bot.search.facts import COUNTS, MARKS, PARAGRAPH, PARAGRAPHS, POSITION, TOGETHER, Words
from bot.search.facts import ragged as facts_ragged
from bot.search.query import Query
from bot.search.query import focus_terms as query_focus
from bot.search.snapshot import Snapshot
from bot.search.tuning import (
    CUE_REACH,
    EXPANSION_DEPTH,
    EXPANSION_SCAN,
    HITS,
    NEIGHBOURED,
    PARAGRAPH_REACH,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Window:
    """One sentence or two neighbours (ids in reading order); `core` is the one BM25 prefers."""

    ids: tuple[int, ...]
    core: int


def gather(reading: Reading, query: Query, kb: Snapshot, scores: FloatArray) -> list[Window]:
    """The candidate windows, best BM25 sentence first."""
    index, facts = kb.index, kb.facts
    weighted = [(qt.term, qt.weight) for qt in query.terms]
    hits = [h.chunk for h in index.top(scores, weighted, HITS)]
    if reading.kind == "expansion":  # where a short form is spelt out, however it scores
        hits += _spelling_out(query, kb)
    hits = list(dict.fromkeys(hits))
    windows: dict[tuple[int, ...], Window] = {(h,): Window((h,), h) for h in hits}
    count = facts.sentences
    for h in hits[:NEIGHBOURED]:
        for n in (h - 1, h + 1):
            if 0 <= n < count and facts.together(h, n):
                windows.setdefault((n,), Window((n,), n))
                pair = (min(h, n), max(h, n))
                core = h if scores[h] >= scores[n] else n
                windows.setdefault(pair, Window(pair, core))
    return list(windows.values())


def _spelling_out(query: Query, kb: Snapshot) -> list[int]:
    """Sentences that spell out one of the question's short forms ("... (LIPI)")."""
    found: list[int] = []
    for qt in query.terms:
        postings = kb.index.postings(qt.term)
        if len(postings) > EXPANSION_SCAN:
            continue  # a common word, not a short form
        found.extend(int(i) for i in postings if spelt_out(qt.term, kb.sentences[int(i)].text))
    return found[:EXPANSION_DEPTH]


FEATURES = (
    "lexical_core",  # BM25 of the window's best sentence / highest idf (capped at 6)
    "lexical_window",  # summed BM25 of the window's sentences / highest idf (capped at 8)
    "lexical_rank",  # 1 / (1 + rank of the best sentence's BM25 among all sentences)
    "lexical_share",  # BM25 of the best sentence / the best BM25 of all
    "coverage",  # share of the question's weight the window holds (missing words count)
    "coverage_found",  # ... of the weight of the words the corpus has
    "coverage_core",  # ... the best sentence alone holds
    "coverage_paragraph",  # ... its paragraph holds (PARAGRAPH_REACH either side)
    "coverage_before",  # ... the sentence before the window holds (same paragraph)
    "coverage_after",  # ... the sentence after it holds
    "exact_share",  # share of the matched weight matched as written (not via synonyms, typos)
    "proximity",  # question words standing together in the window (idf units)
    "focus",  # the word the question asks about is in the window
    "focus_paragraph",  # ... in its paragraph
    "names",  # share of the question's names the window holds
    "grams",  # share of the question's character 4-grams the window holds
    *(f"asks_{k}" for k in KINDS),
    "kind_near",  # the window holds the kind asked for near a question word
    "kind_anywhere",  # ... anywhere
    "kind_after",  # the sentence after the window holds it
    "new_names",  # capitalised words the question does not have (up to 5, / 5)
    "new_numbers",  # numbers the question does not have (up to 5, / 5)
    "people",  # names of people (after a title, or of two words or more; up to 3, / 3)
    "places",  # names of places (after a place noun or a locative; up to 3, / 3)
    "unit",  # a number stands before the thing the question counts ("berapa *poin*")
    "numbers",  # numbers per word in the window
    "times",  # times and dates per word
    "names_in",  # capitalised words (past the first) per word
    "reasons",  # reason words ("karena") per word
    "lead_in",  # the window's last sentence announces what follows, or asks
    "leads_in",  # the sentence before the window announces it
    "opens_anaphora",  # the window's first sentence leans on the one before
    "quote",  # someone is quoted
    "pair",  # two sentences
    "core_first",  # the best sentence is the window's first
    "position",  # the first sentence's place in its paragraph (0, 1, 2 = later)
    "paragraph",  # the paragraph's place in its document (0 first .. 1 last)
    "first_paragraph",  # the document's first paragraph
    "words",  # log of the window's words
    "question_words",  # log of the question's words looked for
    "missing_share",  # share of the question's weight in words the corpus lacks
    # the window's document: an article about the asked thing, not one that shares a word
    "document",  # share of the question's weight the window's document holds
    "document_general",  # ... of its weight by general rarity (the same on any corpus size)
    "document_lead",  # `document` over the best of the candidates' documents
    "document_lead_general",  # ... by general rarity
    "held_general",  # share of the question's weight by general rarity the window holds
    "focus_document",  # the word the question asks about is in the window's document (-1: none)
    "document_sentences",  # log of its sentences
)


class Batch:
    """The candidate windows of one question as arrays, and what their features share (each
    worked out once, when a feature first asks for it)."""

    def __init__(
        self,
        reading: Reading,
        query: Query,
        kb: Snapshot,
        windows: Sequence[Window],
        scores: FloatArray,
    ) -> None:
        self.reading = reading
        self.query = query
        self.kb = kb
        self.facts = kb.facts
        self.index = kb.index
        self.scores = scores
        self.size = len(windows)
        self.first = np.asarray([w.ids[0] for w in windows], dtype=np.int64)
        self.last = np.asarray([w.ids[-1] for w in windows], dtype=np.int64)
        self.core = np.asarray([w.core for w in windows], dtype=np.int64)
        self.pair = self.last != self.first
        self.top_idf = self.index.max_idf or 1.0
        self.total = importance(query, self.index) or 1.0
        self.groups = by_word(query)
        self.found_weight = sum(word_weight(g, None, self.index) for g in self.groups) or 1.0

    # --- the windows' sentences as the facts count them

    @cached_property
    def top(self) -> npt.NDArray[np.int32]:
        """The facts' `table` row of each window's first sentence."""
        return self.facts.table[self.first]

    @cached_property
    def bottom(self) -> npt.NDArray[np.int32]:
        """... of its last sentence."""
        return self.facts.table[self.last]

    @cached_property
    def counted(self) -> IntArray:
        """`facts.COUNTS` summed over each window's sentences."""
        counts = len(COUNTS)
        return np.asarray(self.top[:, :counts] + self.bottom[:, :counts] * self.pair[:, None])

    def count(self, name: str) -> IntArray:
        return self.counted[:, COUNTS.index(name)]

    @cached_property
    def words_in(self) -> IntArray:
        """The window's words (1 for none)."""
        return np.maximum(self.count("words"), 1)

    # --- the neighbours that read with a window as one passage (-1: none)

    @cached_property
    def before(self) -> IntArray:
        together = (self.facts.marks[np.maximum(self.first - 1, 0)] & TOGETHER) > 0
        return np.where((self.first > 0) & together, self.first - 1, -1)

    @cached_property
    def after(self) -> IntArray:
        together = (self.bottom[:, MARKS] & TOGETHER) > 0
        return np.where(together & (self.last + 1 < self.facts.sentences), self.last + 1, -1)

    # --- the sentences the features read the words of: the windows', their paragraphs' (as
    # far as PARAGRAPH_REACH) and their neighbours'

    @cached_property
    def _stretches(self) -> tuple[IntArray, IntArray]:
        """[lo, hi) of the window, its best sentence, its paragraph, the sentence before and
        the one after it (an empty stretch for no neighbour), one block of rows each."""
        facts, core = self.facts, self.core
        around_lo = np.maximum(facts.paragraph_start[core], core - PARAGRAPH_REACH)
        around_hi = np.minimum(facts.paragraph_end[core], core + PARAGRAPH_REACH + 1)
        before, after = self.before, self.after
        lo = np.concatenate((self.first, core, around_lo, before, after))
        hi = np.concatenate(
            (self.last + 1, core + 1, around_hi, before + (before >= 0), after + (after >= 0))
        )
        return lo, np.where(lo >= 0, hi, lo)

    @cached_property
    def sentences(self) -> IntArray:
        """Every sentence of the stretches, once, in reading order."""
        lo, hi = self._stretches
        return np.unique(_spread(lo, hi))

    @cached_property
    def words(self) -> Words:
        """The words of `sentences`."""
        return Words.of(self.facts, self.index, self.sentences)

    def row_of(self, ids: IntArray) -> IntArray:
        """The place of sentence ids in `sentences`."""
        return np.searchsorted(self.sentences, ids)

    @cached_property
    def _held(self) -> BoolArray:
        """Per stretch (rows as in `_stretches`), per question term (columns in `query.terms`
        order): does a sentence of the stretch hold the term?"""
        terms = self.query.terms
        sentence_terms = np.zeros((len(self.sentences) + 1, len(terms) + 1), dtype=np.int64)
        column = self.term_column
        words = self.words
        sentence_terms[words.term_owner + 1, column] = 1
        sentence_terms = np.cumsum(sentence_terms, axis=0)
        lo, hi = self._stretches
        at_lo, at_hi = self.row_of(lo), self.row_of(hi)
        return np.asarray((sentence_terms[at_hi, :-1] - sentence_terms[at_lo, :-1]) > 0)

    @cached_property
    def term_column(self) -> IntArray:
        """Per term of `words`: its column among the question's terms (the last column, one past
        them, for the others)."""
        vocabulary = self.index.vocabulary
        ids = np.asarray([vocabulary[qt.term] for qt in self.query.terms], dtype=np.int64)
        order = np.argsort(ids)
        return _lookup(ids[order], order, self.words.term, len(ids))

    def held(self, stretch: str) -> BoolArray:
        """Per window: does its `stretch` hold each of the question's terms?"""
        n = self.size
        at = _STRETCHES.index(stretch)
        return self._held[at * n : (at + 1) * n]

    @cached_property
    def _weights(self) -> FloatArray:
        return held(self.query, self.index, self._held)

    def weight(self, stretch: str) -> FloatArray:
        """The question's weight each window's `stretch` holds."""
        n = self.size
        at = _STRETCHES.index(stretch)
        return self._weights[at * n : (at + 1) * n]

    def terms_held(self, stretch: str, terms: frozenset[str] | set[str]) -> BoolArray:
        """Does the stretch hold any of `terms`?"""
        columns = [i for i, qt in enumerate(self.query.terms) if qt.term in terms]
        return np.asarray(self.held(stretch)[:, columns].any(axis=1))

    def in_order(self, values: Sequence[float], mask: BoolArray) -> FloatArray:
        """Per window, the sum of `values` (one per question term) of the columns `mask` marks,
        added up in the question's order (as a Python sum adds them)."""
        if not len(values):
            return np.zeros(self.size)
        added = np.where(mask, np.asarray(values, dtype=np.float64), 0.0)
        return np.asarray(np.cumsum(added, axis=1)[:, -1], dtype=np.float64)

    # --- the windows' documents

    @cached_property
    def _documents(self) -> tuple[IntArray, IntArray, IntArray]:
        """The candidates' documents as [lo, hi) sentence ids (each once), and each window's
        place among them."""
        starts, ends = self.kb.document_bounds
        lo, which = np.unique(starts[self.core], return_inverse=True)
        return lo, ends[lo], which.reshape(-1)  # a document's first sentence knows its end

    @property
    def documents(self) -> tuple[IntArray, IntArray]:
        lo, hi, _ = self._documents
        return lo, hi

    @property
    def document_of(self) -> IntArray:
        """Per window: its document's place in `documents`."""
        return self._documents[2]

    @cached_property
    def document_held(self) -> BoolArray:
        """Per document (rows as in `documents`), per question term: does it hold the term?"""
        lo, hi = self.documents
        terms = self.query.terms
        out = np.zeros((len(lo), len(terms)), dtype=bool)
        for column, qt in enumerate(terms):
            out[:, column] = self.index.holds(qt.term, lo, hi)
        return out

    @cached_property
    def document_weight(self) -> FloatArray:
        """The question's weight each document holds (as `weight` counts a window's)."""
        return held(self.query, self.index, self.document_held)

    @cached_property
    def _general(self) -> tuple[list[list[int]], FloatArray, float]:
        """Per question word: its columns among the terms, its weight by general rarity; and
        the question's whole weight so counted."""
        column = {qt.term: i for i, qt in enumerate(self.query.terms)}
        weights, total = general_weights(self.query)
        columns = [[column[qt.term] for qt in g] for g in self.groups]
        return columns, np.asarray(weights, dtype=np.float64), total or 1.0

    def general(self, hits: BoolArray) -> FloatArray:
        """Per row of `hits` (a stretch, per question term): the share of the question's
        general-rarity weight it holds (a word counts when any of its terms is held)."""
        columns, weights, total = self._general
        if not columns:
            return np.zeros(len(hits))
        words = np.stack([hits[:, c].any(axis=1) for c in columns], axis=1)
        return np.asarray(words @ weights / total, dtype=np.float64)

    # --- per sentence of `sentences`, what depends on the question

    def per_window(self, per_sentence: BoolArray) -> BoolArray:
        """Is a fact of sentences true of any sentence of the window?"""
        first = per_sentence[self.row_of(self.first)]
        return np.asarray(first | (self.pair & per_sentence[self.row_of(self.last)]))

    @cached_property
    def own_words(self) -> BoolArray:
        """Per word of `words`: is it one of the question's own words?"""
        ids = self.facts.word_id
        own = np.unique(np.asarray([ids[w] for w in self.query.words if w in ids], dtype=np.int64))
        return _member(own, self.words.word)

    def has(self, bit: int) -> BoolArray:
        """Per word of `words`: is it of this kind (`kinds.word_kinds`)?"""
        return np.asarray((self.words.kinds & bit) > 0)

    @cached_property
    def named(self) -> BoolArray:
        """Per word of `words`: a name (capitalised, past the first word, no function word)."""
        words = self.words
        return np.asarray((words.place > 0) & words.capital & ~self.has(kinds.STOP))

    def new_words(self, mask: BoolArray) -> IntArray:
        """Per window: how many different words its sentences have where `mask` holds (a
        pair's second sentence adds the words its first lacks)."""
        words = self.words
        width = len(self.facts.words) + 1
        keys = np.unique(words.owner[mask] * width + words.word[mask])
        count = np.bincount(keys // width, minlength=len(self.sentences))
        shared = np.bincount(keys[_member(keys, keys + width)] // width + 1, minlength=len(count))
        first, last = self.row_of(self.first), self.row_of(self.last)
        # neighbours in reading order are neighbours in `sentences` too
        return np.asarray(count[first] + self.pair * (count[last] - shared[last]))

    @cached_property
    def kind_held(self) -> tuple[BoolArray, BoolArray]:
        """Per sentence: does it hold the kind of answer asked for near a question term, and
        anywhere (`kinds.holds` with and without the question's terms)?"""
        count = len(self.sentences)
        none = np.zeros(count, dtype=bool)
        kind = self.reading.kind
        wanted = frozenset(qt.term for qt in self.query.terms)
        if kind == "expansion":
            texts = [self.kb.sentences[i].text for i in self.sentences.tolist()]
            spelt = [any(spelt_out(t, sentence) for t in wanted) for sentence in texts]
            return np.asarray(spelt, dtype=bool), none
        if kind == "definition":
            return self._defines(), none
        if kind in NAMED:
            of_kind = self.named
        elif kind in _KIND_WORDS:
            of_kind = self.has(_KIND_WORDS[kind])
        else:  # no question word, or one answered by an explanation
            return none, none
        words = self.words
        candidate = of_kind & ~self.own_words
        anywhere = np.bincount(words.owner[candidate], minlength=count) > 0
        holders = np.unique(words.term_word[self.term_column < len(self.query.terms)])
        near = _within_reach(words, np.flatnonzero(candidate), holders, count)
        if kind == "time":  # a date counts, near or not
            dated = self.facts.dates[self.sentences] > 0
            return near | dated, anywhere | dated
        return near, anywhere

    def _defines(self) -> BoolArray:
        """Per sentence: does it open by saying what one of the question's terms is ("X
        adalah ...")? The first of its first ten words that says what something is must
        follow a word holding one."""
        words, count = self.words, len(self.sentences)
        never = np.iinfo(np.int64).max
        copula = np.flatnonzero(self.has(kinds.COPULA) & (words.place < 10))
        first = np.full(count, never)
        np.minimum.at(first, words.owner[copula], words.place[copula])
        holder = words.term_word[self.term_column < len(self.query.terms)]
        earliest = np.full(count, never)
        np.minimum.at(earliest, words.owner[holder], words.place[holder])
        return np.asarray((first < never) & (earliest < first))


_STRETCHES = ("inside", "core", "around", "before", "after")
# the words that are answers of a kind (a name is told by `Batch.named`)
_KIND_WORDS: dict[str | None, int] = {
    "time": kinds.TIME,
    "number": kinds.NUMERAL,
    "reason": kinds.REASON,
}


def _spread(lo: IntArray, hi: IntArray) -> IntArray:
    """Every integer of the ranges [lo, hi) (an empty range where hi <= lo)."""
    lengths = np.maximum(hi - lo, 0)
    starts = np.repeat(lo, lengths)
    return np.asarray(
        starts + np.arange(len(starts)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )


def _member(ordered: IntArray, values: npt.NDArray[np.integer]) -> BoolArray:
    """Is each of `values` in `ordered` (sorted)?"""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return np.asarray(ordered[at] == values)


def _lookup(
    ordered: IntArray, found: IntArray, values: npt.NDArray[np.integer], missing: int
) -> IntArray:
    """For each of `values`: `found[i]` where `ordered[i]` is it, else `missing`."""
    if not len(ordered):
        return np.full(len(values), missing, dtype=np.int64)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return np.where(ordered[at] == values, found[at], missing)


def _within_reach(words: Words, candidates: IntArray, near: IntArray, count: int) -> BoolArray:
    """Per sentence: does one of its `candidates` (word indexes) stand within CUE_REACH words of
    one of its `near` words, or has the sentence no `near` word at all?"""
    owner, place = words.owner, words.place
    width = int(place.max(initial=0)) + 2 * CUE_REACH + 2
    near_keys = owner[near] * width + place[near]  # ascending: words are in reading order
    keys = owner[candidates] * width + place[candidates]
    close = np.zeros(len(keys), dtype=bool)
    if len(near_keys):
        at = np.searchsorted(near_keys, keys)
        left = near_keys[np.maximum(at - 1, 0)]
        right = near_keys[np.minimum(at, len(near_keys) - 1)]
        close = ((at > 0) & (keys - left <= CUE_REACH)) | (
            (at < len(near_keys)) & (right - keys <= CUE_REACH)
        )
    has_near = np.bincount(owner[near], minlength=count) > 0
    close |= ~has_near[owner[candidates]]
    return np.asarray(np.bincount(owner[candidates[close]], minlength=count) > 0)


Value = npt.NDArray[np.generic] | float
Column = Callable[[Batch], Value]
_COLUMNS: dict[str, Column] = {}


def feature(*names: str) -> Callable[[Column], Column]:
    """Register the function that computes a feature's column (one array over the windows, or
    one value for all of them)."""

    def register(compute: Column) -> Column:
        for name in names:
            _COLUMNS[name] = compute
        return compute

    return register


def features(
    reading: Reading,
    query: Query,
    kb: Snapshot,
    windows: Sequence[Window],
    scores: FloatArray,
) -> FloatArray:
    """One row of FEATURES per window."""
    columns = np.zeros((len(FEATURES), len(windows)), dtype=np.float64)
    if windows:
        batch = Batch(reading, query, kb, windows, scores)
        for at, name in enumerate(FEATURES):
            columns[at] = _COLUMNS[name](batch)
    return np.ascontiguousarray(columns.T)


# --- how well BM25 scores the window


@feature("lexical_core")
def _lexical_core(b: Batch) -> Value:
    return np.minimum(b.scores[b.core] / b.top_idf, 6.0)


@feature("lexical_window")
def _lexical_window(b: Batch) -> Value:
    summed = b.scores[b.first] + np.where(b.pair, b.scores[b.last], 0.0)
    return np.minimum(summed / b.top_idf, 8.0)


@feature("lexical_rank")
def _lexical_rank(b: Batch) -> Value:
    return np.asarray(1.0 / (1.0 + _ranks(b.scores, b.scores[b.core])))


@feature("lexical_share")
def _lexical_share(b: Batch) -> Value:
    best = float(b.scores.max()) if b.scores.size else 0.0
    return b.scores[b.core] / best if best > 0 else 0.0


# --- how much of the question it holds


@feature("coverage")
def _coverage(b: Batch) -> Value:
    return b.weight("inside") / b.total


@feature("coverage_found")
def _coverage_found(b: Batch) -> Value:
    return b.weight("inside") / b.found_weight


@feature("coverage_core")
def _coverage_core(b: Batch) -> Value:
    return b.weight("core") / b.total


@feature("coverage_paragraph")
def _coverage_paragraph(b: Batch) -> Value:
    return b.weight("around") / b.total


@feature("coverage_before")
def _coverage_before(b: Batch) -> Value:
    return b.weight("before") / b.total


@feature("coverage_after")
def _coverage_after(b: Batch) -> Value:
    return b.weight("after") / b.total


@feature("exact_share")
def _exact_share(b: Batch) -> Value:
    values = [qt.weight * b.index.idf(qt.term) for qt in b.query.terms]
    inside = b.held("inside")
    as_written = np.asarray([qt.how in ("exact", "name") for qt in b.query.terms], dtype=bool)
    exact = b.in_order(values, inside & as_written)
    matched = b.in_order(values, inside)
    return np.divide(exact, matched, out=np.zeros(b.size), where=matched != 0)


@feature("proximity")
def _proximity_column(b: Batch) -> Value:
    return _proximity(b) / b.top_idf


@feature("focus")
def _focus(b: Batch) -> Value:
    return b.terms_held("inside", query_focus(b.reading, b.query))


@feature("focus_paragraph")
def _focus_paragraph(b: Batch) -> Value:
    return b.terms_held("around", query_focus(b.reading, b.query))


@feature("names")
def _names(b: Batch) -> Value:
    names = list(dict.fromkeys(qt.word for qt in b.query.terms if qt.how == "name"))
    if not names:
        return 1.0
    have = np.zeros(b.size)
    for name in names:
        terms = {qt.term for qt in b.query.terms if qt.how == "name" and qt.word == name}
        have += b.terms_held("inside", terms)
    return have / len(names)


@feature("grams")
def _grams(b: Batch) -> Value:
    reading = b.reading
    asked = grams(t.word for t in reading.tokens if t.terms and t.start not in reading.frames)
    if not asked:
        return 0.0
    known = b.facts.gram_id
    ids = np.unique(np.asarray([known[g] for g in asked if g in known], dtype=np.int64))
    words, facts = b.words, b.facts
    termed = np.unique(words.term_word)  # the words with index terms
    at, which, _ = facts_ragged(facts.word_grams_at, words.word[termed])
    gram = facts.word_grams[at]
    hit = np.isin(gram, ids, kind="table") if len(ids) else np.zeros(len(gram), dtype=bool)
    held_grams = np.zeros((len(b.sentences), len(ids)), dtype=bool)
    held_grams[words.owner[termed[which[hit]]], np.searchsorted(ids, gram[hit])] = True
    first = held_grams[b.row_of(b.first)]
    second = held_grams[b.row_of(b.last)] & b.pair[:, None]
    return np.asarray((first | second).sum(axis=1) / len(asked))


# --- what it holds of the kind of answer asked for


def _asks(kind: str) -> Column:
    return lambda b: float(b.reading.kind == kind)


for _kind in KINDS:
    feature(f"asks_{_kind}")(_asks(_kind))


@feature("kind_near")
def _kind_near(b: Batch) -> Value:
    return b.per_window(b.kind_held[0])


@feature("kind_anywhere")
def _kind_anywhere(b: Batch) -> Value:
    return b.per_window(b.kind_held[1])


@feature("kind_after")
def _kind_after(b: Batch) -> Value:
    anywhere = b.kind_held[1]
    return (b.after >= 0) & anywhere[b.row_of(np.maximum(b.after, 0))]


@feature("new_names")
def _new_names(b: Batch) -> Value:
    return np.minimum(b.new_words(b.named & ~b.own_words), 5) / 5


@feature("new_numbers")
def _new_numbers(b: Batch) -> Value:
    return np.minimum(b.new_words(b.has(kinds.NUMBER) & ~b.own_words), 5) / 5


@feature("people")
def _people(b: Batch) -> Value:
    return np.minimum(b.count("people"), 3) / 3


@feature("places")
def _places(b: Batch) -> Value:
    return np.minimum(b.count("places"), 3) / 3


@feature("unit")
def _unit(b: Batch) -> Value:
    """A term of what the question counts in one of the two words after a number."""
    words = b.words
    vocabulary = b.index.vocabulary
    counted = [vocabulary[t] for t in counted_terms(b.reading) if t in vocabulary]
    if not counted:
        return False
    holder = words.term_word[np.isin(words.term, counted)]
    number = b.has(kinds.NUMBER)
    unit = ((words.place[holder] >= 1) & number[np.maximum(holder - 1, 0)]) | (
        (words.place[holder] >= 2) & number[np.maximum(holder - 2, 0)]
    )
    return b.per_window(np.bincount(words.owner[holder[unit]], minlength=len(b.sentences)) > 0)


@feature("numbers")
def _numbers(b: Batch) -> Value:
    return b.count("numbers") / b.words_in


@feature("times")
def _times(b: Batch) -> Value:
    return b.count("times") / b.words_in


@feature("names_in")
def _names_in(b: Batch) -> Value:
    return b.count("names") / b.words_in


@feature("reasons")
def _reasons(b: Batch) -> Value:
    return b.count("reasons") / b.words_in


# --- the shape of its sentences and where they stand


@feature("lead_in")
def _lead_in(b: Batch) -> Value:
    return (b.bottom[:, MARKS] & kinds.LEAD_IN) > 0


@feature("leads_in")
def _leads_in(b: Batch) -> Value:
    marks = b.facts.marks[np.maximum(b.before, 0)]
    return (b.before >= 0) & ((marks & kinds.LEAD_IN) > 0)


@feature("opens_anaphora")
def _opens_anaphora(b: Batch) -> Value:
    return (b.top[:, MARKS] & kinds.LEANS_BACK) > 0


@feature("quote")
def _quote(b: Batch) -> Value:
    return ((b.top[:, MARKS] | b.bottom[:, MARKS]) & kinds.QUOTE) > 0


@feature("pair")
def _pair(b: Batch) -> Value:
    return np.asarray(b.pair)


@feature("core_first")
def _core_first(b: Batch) -> Value:
    return np.asarray(b.core == b.first)


@feature("position")
def _position(b: Batch) -> Value:
    return np.minimum(b.top[:, POSITION], 2)


@feature("paragraph")
def _paragraph(b: Batch) -> Value:
    top = b.top.astype(np.int64)
    return (top[:, PARAGRAPH] - 1) / np.maximum(top[:, PARAGRAPHS] - 1, 1)


@feature("first_paragraph")
def _first_paragraph(b: Batch) -> Value:
    return np.asarray(b.top[:, PARAGRAPH] == 1)


@feature("words")
def _words(b: Batch) -> Value:
    return np.fromiter(map(math.log1p, b.words_in.tolist()), np.float64, b.size)


# --- the question


@feature("question_words")
def _question_words(b: Batch) -> Value:
    query = b.query
    return math.log1p(len(b.groups) + len(query.missing) + len(query.unknown))


@feature("missing_share")
def _missing_share(b: Batch) -> Value:
    return 1.0 - b.found_weight / b.total if b.total > b.found_weight else 0.0


# --- its document


@feature("document")
def _document(b: Batch) -> Value:
    return b.document_weight[b.document_of] / b.total


@feature("document_general")
def _document_general(b: Batch) -> Value:
    return b.general(b.document_held)[b.document_of]


@feature("document_lead")
def _document_lead(b: Batch) -> Value:
    weight = b.document_weight
    best = float(weight.max())
    return weight[b.document_of] / best if best > 0 else 0.0


@feature("document_lead_general")
def _document_lead_general(b: Batch) -> Value:
    share = b.general(b.document_held)
    best = float(share.max())
    return share[b.document_of] / best if best > 0 else 0.0


@feature("held_general")
def _held_general(b: Batch) -> Value:
    return b.general(b.held("inside"))


@feature("focus_document")
def _focus_document(b: Batch) -> Value:
    focus = query_focus(b.reading, b.query)
    if not focus:
        return -1.0
    columns = [i for i, qt in enumerate(b.query.terms) if qt.term in focus]
    held_by: BoolArray = np.asarray(b.document_held[:, columns].any(axis=1))
    return np.asarray(held_by[b.document_of], dtype=np.float64)


@feature("document_sentences")
def _document_sentences(b: Batch) -> Value:
    lo, hi = b.documents
    sizes: FloatArray = np.log1p(hi - lo)
    return np.asarray(sizes[b.document_of])


if set(_COLUMNS) != set(FEATURES):  # every feature has its function, and only they
    raise RuntimeError(f"features without a column: {set(FEATURES) ^ set(_COLUMNS)}")


def _proximity(b: Batch) -> FloatArray:
    """Question words that stand together in the window too ("satuan tugas AI"): for each two
    of the question's terms the window holds that follow one another in the question (and come
    from different words), when they stand at most two terms apart in the window (the second
    after the first), the smaller idf times the smaller weight; added in the question's order."""
    terms = b.query.terms
    count = len(terms)
    if count < 2:
        return np.zeros(b.size)
    words = b.words
    mine = np.flatnonzero(b.term_column < count)
    # the question's terms in the windows' sentences, a pair's second sentence after its
    # first's terms
    first, last = b.row_of(b.first), b.row_of(b.last)
    window = np.concatenate((np.arange(b.size), np.flatnonzero(b.pair)))
    part_rows = np.concatenate((first, last[b.pair]))
    shift = np.concatenate((np.zeros(b.size, dtype=np.int64), words.term_counts[first[b.pair]]))
    order = np.argsort(window, kind="stable")
    window, part_rows, shift = window[order], part_rows[order], shift[order]
    per_row = np.bincount(words.term_owner[mine], minlength=len(b.sentences))
    row_at = np.concatenate(([0], np.cumsum(per_row)))
    at, which, _ = facts_ragged(row_at, part_rows)
    items = mine[at]
    window = window[which]
    position = words.term_place[items] + shift[which]
    term = b.term_column[items]
    close = np.zeros((b.size, count, count), dtype=bool)
    for step in (1, 2):
        near = (window[step:] == window[:-step]) & (position[step:] - position[:-step] <= 2)
        close[window[:-step][near], term[:-step][near], term[step:][near]] = True
    held_terms = b.held("inside")
    # the next term of the question that the window holds, after each (count: none)
    marked = np.where(held_terms, np.arange(count), count)
    after = np.minimum.accumulate(marked[:, ::-1], axis=1)[:, ::-1]
    following = np.concatenate((after[:, 1:], np.full((b.size, 1), count)), axis=1)
    idf = np.asarray([b.index.idf(qt.term) for qt in terms] + [0.0])
    weight = np.asarray([qt.weight for qt in terms] + [0.0])
    word = [qt.word for qt in terms] + [None]
    differ = np.asarray([[a != c for c in word] for a in word], dtype=bool)
    value = np.minimum.outer(idf, idf) * np.minimum.outer(weight, weight) * differ
    close = np.concatenate((close, np.zeros((b.size, count, 1), dtype=bool)), axis=2)
    rows = np.arange(b.size)[:, None]
    cols = np.arange(count)[None, :]
    counted = held_terms & close[rows, cols, following]
    bonus = np.where(counted, value[cols, following], 0.0)
    return np.asarray(np.cumsum(bonus, axis=1)[:, -1], dtype=np.float64)


RANK_DEPTH = 128  # how many of the best scores are sorted to rank a window's sentence


def _ranks(scores: FloatArray, cores: FloatArray) -> npt.NDArray[np.int64]:
    """For each score in `cores`: how many sentences score strictly more (without sorting every
    score: the best RANK_DEPTH positive scores are sorted, a score below them is counted one by
    one). Only positive scores are looked at: most sentences score 0, and numpy's partition
    slows tenfold over many equal values."""
    positive = scores[scores > 0]
    truncated = positive.size > RANK_DEPTH
    if truncated:
        best = np.sort(np.partition(positive, positive.size - RANK_DEPTH)[-RANK_DEPTH:])
    else:
        best = np.sort(positive)
    ranks = best.size - np.searchsorted(best, cores, side="right")
    floor = float(best[0]) if truncated else 0.0
    low = np.flatnonzero((cores < floor) & (cores >= 0))
    if len(low):  # below the best: counted in one pass over the positive scores
        values = np.unique(cores[low])
        above = np.bincount(
            np.searchsorted(values, positive, side="left"), minlength=len(values) + 1
        )
        # scores above values[k]: those that passed k + 1 of the values or more
        greater = np.cumsum(above[::-1])[::-1][1:]
        ranks[low] = greater[np.searchsorted(values, cores[low])]
    for i in np.flatnonzero(cores < 0):  # (BM25 scores are never negative)
        ranks[i] = int(np.count_nonzero(scores > cores[i]))
    return np.asarray(ranks, dtype=np.int64)
