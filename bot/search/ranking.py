"""Ranking: the candidate sentences for a question, each with one score, best first.

The score of a sentence is one function of a few features (BM25 with a knee, paragraph coverage,
answer-kind cue, proximity); see `Ranker.rank`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.reading.kinds import holds, sentence_tokens, spelt_out
from bot.reading.lexicon import BACKGROUND_DF, BACKGROUND_PARAGRAPHS
from bot.reading.message import Reading
from bot.search.index import Index
from bot.search.query import Query, QueryTerm
from bot.search.snapshot import Snapshot

RANK_DEPTH = 12  # sentences re-ranked per question (measured: deeper changes nothing)

# Ranking and the found / not-found decision (measured on the dev questions and on FacQA train
# and valid; README "Quality").
FOUND_COVERAGE = 0.35
# A question word found nowhere in the corpus weighs more than its rarest word: it is the
# surest sign that the question is about something else.
MISSING_WEIGHT = 2.0
FOUND_DEPTH = 3  # the found decision looks at this many best candidates
PARAGRAPH_REACH = 6  # sentences either side that count as the candidate's paragraph
# A sentence's score, in units of the corpus's highest idf: its BM25 score (with half that of
# the sentence it refers back to) counts fully up to a knee and little beyond it. Past the knee
# a sentence already holds the question's words; what then tells the answer apart is whether
# its paragraph covers the whole question and whether it holds the kind of answer asked for.
LEXICAL_KNEE = 2.25
LEXICAL_TAIL = 0.05  # what BM25 above the knee still counts (and breaks ties)
ANAPHORA_WEIGHT = 0.5
PARAGRAPH_WEIGHT = 2.5
PROXIMITY_WEIGHT = 0.25
CUE_WEIGHT = 1.5
CUE_REACH = 4  # the cue word must stand this close to a question word (0: anywhere)
EXPANSION_DEPTH = 5  # sentences spelling out a short form added to the candidates
EXPANSION_SCAN = 2000  # a term in more sentences than this is not looked through
# Passages after the first are shown only when they are still about the question.
SECONDARY_COVERAGE = 0.5
SECONDARY_SCORE = 0.25

_ANAPHORA = re.compile(
    r"^(?:mereka|dia|ia|beliau|hal (?:ini|itu|tersebut)|ini|itu|tersebut|namun|selain itu"
    r"|oleh karena itu|karena itu|sebelumnya|keduanya|they|he|she|it|this|that)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    chunk: int
    window: tuple[int, ...]
    score: float
    coverage: float
    lexical: float = 0.0  # its BM25 score (with half that of the sentence it refers back to)


class Ranker:
    """Ranks the sentences of one `Snapshot` for a question."""

    def __init__(self, kb: Snapshot) -> None:
        self.kb = kb

    def rank(self, reading: Reading, query: Query, depth: int | None = None) -> list[Candidate]:
        """Candidate sentences (with their context window), best first, without repeats."""
        depth = depth or RANK_DEPTH
        index, chunks = self.kb.index, self.kb.sentences
        weighted = [(qt.term, qt.weight) for qt in query.terms]
        scores = index.scores(weighted)
        hits = [h.chunk for h in index.top(scores, weighted, depth)]
        cue = reading.kind
        if cue == "expansion":  # where a short form is spelt out, however its words score
            hits += self._spelling_out(query)
        # a sentence that opens with "Mereka"/"Ia" continues the one before it
        followers = [h + 1 for h in hits if h + 1 < len(chunks) and self._continues(h + 1)]
        total = _importance(query, index)
        wanted = frozenset(qt.term for qt in query.terms)
        knee = LEXICAL_KNEE * index.max_idf
        candidates = []
        ids = list(dict.fromkeys(hits + followers))
        windows = [self._window(i) for i in ids]
        held = self.matched(query, [w[0] for w in windows], [w[-1] + 1 for w in windows])
        spans = [self.kb.paragraph_span(i, PARAGRAPH_REACH) for i in ids]
        around = self.matched(query, [s[0] for s in spans], [s[1] for s in spans])
        for chunk_id, window, matched, nearby in zip(ids, windows, held, around, strict=True):
            coverage = _coverage(query, matched, index) / total if total else 0.0
            paragraph = _coverage(query, nearby, index) / total if total else 0.0
            context = sum(float(scores[i]) for i in window if i != chunk_id)
            sentence = chunks[chunk_id].text
            lexical = float(scores[chunk_id]) + ANAPHORA_WEIGHT * context
            score = (
                min(lexical, knee)
                + LEXICAL_TAIL * max(lexical - knee, 0.0)
                + PARAGRAPH_WEIGHT * paragraph * index.max_idf
                + PROXIMITY_WEIGHT * _proximity(query, self._sequence(window), index)
                + CUE_WEIGHT * index.max_idf * holds(cue, sentence, query.words, wanted)
            )
            candidates.append(Candidate(chunk_id, tuple(window), score, coverage, lexical))
        candidates.sort(key=lambda c: (-c.score, c.chunk))
        chosen: list[Candidate] = []
        used: set[int] = set()
        quoted: set[str] = set()
        for cand in candidates:
            if cand.chunk in used:
                continue
            same = " ".join(chunks[cand.chunk].text.casefold().split())
            if same in quoted:  # the same sentence in another document: quoted once
                continue
            quoted.add(same)
            kept = tuple(i for i in cand.window if i not in used or i == cand.chunk)
            chosen.append(Candidate(cand.chunk, kept, cand.score, cand.coverage, cand.lexical))
            used.update(kept)
        return chosen

    def _spelling_out(self, query: Query, limit: int = EXPANSION_DEPTH) -> list[int]:
        """Sentences that spell out one of the question's short forms ("... (LIPI)")."""
        found: list[int] = []
        for qt in query.terms:
            postings = self.kb.index.postings(qt.term)
            if len(postings) > EXPANSION_SCAN:
                continue  # a common word, not a short form
            found.extend(
                int(i) for i in postings if spelt_out(qt.term, self.kb.sentences[int(i)].text)
            )
        return found[:limit]

    def support(self, query: Query, candidates: Sequence[Candidate]) -> float:
        """How much of the question the best candidate's paragraph covers (0..1).

        A question is answered from a paragraph, not only from one sentence: its words may be
        spread over the sentences around the answer.
        """
        index = self.kb.index
        total = _importance(query, index)
        if not total:
            return 0.0
        spans = [self.kb.paragraph_span(c.chunk, PARAGRAPH_REACH) for c in candidates]
        held = self.matched(query, [s[0] for s in spans], [s[1] for s in spans])
        return max((_coverage(query, m, index) / total for m in held), default=0.0)

    def matched(self, query: Query, lo: Sequence[int], hi: Sequence[int]) -> list[set[str]]:
        """For each range of sentence ids [lo, hi): the query terms it holds (from postings)."""
        index = self.kb.index
        lo_arr, hi_arr = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        matched: list[set[str]] = [set() for _ in lo]
        for term in {qt.term for qt in query.terms}:
            for i in np.flatnonzero(index.holds(term, lo_arr, hi_arr)):
                matched[i].add(term)
        return matched

    def _sequence(self, window: Sequence[int]) -> tuple[str, ...]:
        chunks = self.kb.sentences
        if len(window) == 1:
            return _chunk_sequence(chunks[window[0]].text)
        return tuple(t for i in window for t in _chunk_sequence(chunks[i].text))

    def _continues(self, chunk_id: int) -> bool:
        """Does this sentence lean on the one before it (same paragraph, opens with a pronoun)?"""
        chunks = self.kb.sentences
        me = chunks[chunk_id]
        if me.position == 0 or chunk_id == 0:
            return False
        return bool(_ANAPHORA.match(me.text))

    def _window(self, chunk_id: int) -> list[int]:
        """The sentence, preceded by the sentence it refers back to, if any."""
        return [chunk_id - 1, chunk_id] if self._continues(chunk_id) else [chunk_id]


@lru_cache(maxsize=20_000)
def _chunk_sequence(sentence: str) -> tuple[str, ...]:
    return tuple(t for token in sentence_tokens(sentence) for t in token.terms)


def _proximity(query: Query, sequence: Sequence[str], index: Index) -> float:
    """Reward question words that stand together in the sentence too ("satuan tugas AI")."""
    positions: dict[str, list[int]] = {}
    for pos, term in enumerate(sequence):
        positions.setdefault(term, []).append(pos)
    bonus = 0.0
    terms = [qt for qt in query.terms if qt.term in positions]
    for a, b in itertools.pairwise(terms):
        if a.word == b.word:
            continue
        close = any(0 < pb - pa <= 2 for pa in positions[a.term] for pb in positions[b.term])
        if close:
            bonus += min(index.idf(a.term), index.idf(b.term)) * min(a.weight, b.weight)
    return bonus


def _importance(query: Query, index: Index) -> float:
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


def _coverage(query: Query, matched: set[str], index: Index) -> float:
    """How much of that weight the matched terms carry."""
    return sum(word_weight(terms, matched, index) for terms in by_word(query))


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


def by_word(query: Query) -> list[list[QueryTerm]]:
    """The question's terms grouped by the word they came from."""
    groups: dict[str, list[QueryTerm]] = {}
    for qt in query.terms:
        groups.setdefault(qt.word, []).append(qt)
    return list(groups.values())
