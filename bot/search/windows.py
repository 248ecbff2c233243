"""Candidate windows for a question, and what the ranking knows of each.

A window is one sentence, or two neighbouring sentences of one paragraph. The candidates are
the sentences BM25 ranks highest, their neighbours (the answer often stands in the sentence
after the one that holds the question's words: a lead-in, a claim whose reason follows), and
the pairs they make. Each window is described by features that mean the same on any corpus:
shares of the question's weight it and its surroundings hold, its BM25 score in units of the
corpus's highest idf, whether it holds the kind of answer asked for, the shape of its sentences.
The learned ranking (`bot.search.ranking`) weighs them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.reading.kinds import KINDS, grams, holds, leans_back, profile, sentence_tokens, spelt_out
from bot.reading.message import Reading, counted_terms
from bot.search.coverage import by_word, held_all, importance, matched, word_weight
from bot.search.query import Query
from bot.search.query import focus_terms as query_focus
from bot.search.snapshot import Snapshot
from bot.search.tuning import (
    CUE_REACH,
    EXPANSION_DEPTH,
    EXPANSION_SCAN,
    HEADING_WORDS,
    HITS,
    NEIGHBOURED,
    PARAGRAPH_REACH,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Window:
    """One sentence or two neighbours (ids in reading order); `core` is the one BM25 prefers."""

    ids: tuple[int, ...]
    core: int


def gather(reading: Reading, query: Query, kb: Snapshot, scores: FloatArray) -> list[Window]:
    """The candidate windows, best BM25 sentence first."""
    index, sentences = kb.index, kb.sentences
    weighted = [(qt.term, qt.weight) for qt in query.terms]
    hits = [h.chunk for h in index.top(scores, weighted, HITS)]
    if reading.kind == "expansion":  # where a short form is spelt out, however it scores
        hits += _spelling_out(query, kb)
    hits = list(dict.fromkeys(hits))
    windows: dict[tuple[int, ...], Window] = {(h,): Window((h,), h) for h in hits}
    for h in hits[:NEIGHBOURED]:
        for n in (h - 1, h + 1):
            if 0 <= n < len(sentences) and _read_together(kb, h, n):
                windows.setdefault((n,), Window((n,), n))
                pair = (min(h, n), max(h, n))
                core = h if scores[h] >= scores[n] else n
                windows.setdefault(pair, Window(pair, core))
    return list(windows.values())


def _read_together(kb: Snapshot, a: int, b: int) -> bool:
    """Do two neighbouring sentences read as one passage: one paragraph, or a paragraph that
    ends by announcing what follows (":") or is a heading, and the paragraph it introduces?"""
    first, second = (a, b) if a < b else (b, a)
    sa, sb = kb.sentences[first], kb.sentences[second]
    if sa.doc != sb.doc:
        return False
    if sa.paragraph == sb.paragraph:
        return True
    return sb.paragraph == sa.paragraph + 1 and sb.position == 0 and _introduces(sa.text)


def _introduces(sentence: str) -> bool:
    """A sentence that ends with a colon, or a heading (a short line without a full stop)."""
    end = sentence.rstrip()
    if end.endswith(":"):
        return True
    return (
        not end.endswith((".", "!", "?", "…", '"', "”", "'", ")"))
        and len(end.split()) <= HEADING_WORDS
    )


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
)


def features(
    reading: Reading,
    query: Query,
    kb: Snapshot,
    windows: Sequence[Window],
    scores: FloatArray,
) -> FloatArray:
    """One row of FEATURES per window."""
    index, sentences = kb.index, kb.sentences
    top_idf = index.max_idf or 1.0
    total = importance(query, index) or 1.0
    groups = by_word(query)
    found_weight = sum(word_weight(g, None, index) for g in groups) or 1.0
    best = float(scores.max()) if scores.size else 0.0
    ranks = _ranks(scores, np.asarray([scores[w.core] for w in windows], dtype=np.float64))
    wanted = frozenset(qt.term for qt in query.terms)
    focus_terms = query_focus(reading, query)
    names = {qt.word for qt in query.terms if qt.how == "name"}
    question_grams = grams(
        t.word for t in reading.tokens if t.terms and t.start not in reading.frames
    )
    kind = reading.kind
    units = counted_terms(reading)
    asked_words = query.words

    lo = [w.ids[0] for w in windows]
    hi = [w.ids[-1] + 1 for w in windows]
    inside = matched(query, index, lo, hi)
    cores = matched(query, index, [w.core for w in windows], [w.core + 1 for w in windows])
    spans = [kb.paragraph_span(w.core, PARAGRAPH_REACH) for w in windows]
    around = matched(query, index, [s[0] for s in spans], [s[1] for s in spans])
    # each window's neighbours, when they read with it as one passage (else -1)
    before_ids = [
        w.ids[0] - 1 if w.ids[0] > 0 and _read_together(kb, w.ids[0], w.ids[0] - 1) else -1
        for w in windows
    ]
    after_ids = [
        w.ids[-1] + 1
        if w.ids[-1] + 1 < len(sentences) and _read_together(kb, w.ids[-1], w.ids[-1] + 1)
        else -1
        for w in windows
    ]
    before = _neighbour_terms(query, kb, before_ids)
    after = _neighbour_terms(query, kb, after_ids)
    missing = 1.0 - found_weight / total if total > found_weight else 0.0

    weights = [held_all(query, index, m) for m in (inside, cores, around, before, after)]
    rows = np.zeros((len(windows), len(FEATURES)), dtype=np.float64)
    for r, w in enumerate(windows):
        texts = [sentences[i].text for i in w.ids]
        profiles = [profile(t) for t in texts]
        words = sum(p.words for p in profiles) or 1
        core_score = float(scores[w.core])
        window_score = sum(float(scores[i]) for i in w.ids)
        rank = int(ranks[r])
        held_weight = float(weights[0][r])
        exact = sum(
            qt.weight * index.idf(qt.term)
            for qt in query.terms
            if qt.term in inside[r] and qt.how in ("exact", "name")
        )
        matched_weight = sum(
            qt.weight * index.idf(qt.term) for qt in query.terms if qt.term in inside[r]
        )
        window_grams = frozenset().union(*(p.grams for p in profiles))
        first = sentences[w.ids[0]]
        doc = kb.corpus.document(first.doc)
        paragraphs = max(len(doc.paragraphs), 1)
        after_text = sentences[after_ids[r]].text if after_ids[r] >= 0 else ""
        before_text = sentences[before_ids[r]].text if before_ids[r] >= 0 else ""
        rows[r] = (
            min(core_score / top_idf, 6.0),
            min(window_score / top_idf, 8.0),
            1.0 / (1.0 + rank),
            core_score / best if best > 0 else 0.0,
            held_weight / total,
            held_weight / found_weight,
            weights[1][r] / total,
            weights[2][r] / total,
            weights[3][r] / total,
            weights[4][r] / total,
            exact / matched_weight if matched_weight else 0.0,
            _proximity(query, w.ids, kb) / top_idf,
            float(bool(focus_terms & inside[r])),
            float(bool(focus_terms & around[r])),
            _names_held(query, names, inside[r]),
            len(question_grams & window_grams) / len(question_grams) if question_grams else 0.0,
            *(float(kind == k) for k in KINDS),
            float(any(holds(kind, t, query.words, wanted, CUE_REACH) for t in texts)),
            float(any(holds(kind, t, query.words) for t in texts)),
            float(bool(after_text) and holds(kind, after_text, query.words)),
            min(len(frozenset().union(*(p.name_words for p in profiles)) - asked_words), 5) / 5,
            min(len(frozenset().union(*(p.number_words for p in profiles)) - asked_words), 5) / 5,
            min(sum(p.people for p in profiles), 3) / 3,
            min(sum(p.places for p in profiles), 3) / 3,
            float(bool(units & frozenset().union(*(p.units for p in profiles)))),
            sum(p.numbers for p in profiles) / words,
            sum(p.times for p in profiles) / words,
            sum(p.names for p in profiles) / words,
            sum(p.reasons for p in profiles) / words,
            float(profiles[-1].lead_in),
            float(bool(before_text) and profile(before_text).lead_in),
            float(leans_back(texts[0])),
            float(any(p.quote for p in profiles)),
            float(len(w.ids) > 1),
            float(w.core == w.ids[0]),
            float(min(first.position, 2)),
            (first.paragraph - 1) / max(paragraphs - 1, 1),
            float(first.paragraph == 1),
            math.log1p(words),
            math.log1p(len(groups) + len(query.missing) + len(query.unknown)),
            missing,
        )
    return rows


def _names_held(query: Query, names: set[str], inside: set[str]) -> float:
    if not names:
        return 1.0
    have = {qt.word for qt in query.terms if qt.how == "name" and qt.term in inside}
    return len(have) / len(names)


def _neighbour_terms(query: Query, kb: Snapshot, ids: Sequence[int]) -> list[set[str]]:
    """The query terms each neighbour holds (none for -1: no neighbour in the passage)."""
    lo = [max(i, 0) for i in ids]
    hi = [i + 1 if i >= 0 else 0 for i in ids]
    return matched(query, kb.index, lo, hi)


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
    for i in np.flatnonzero(cores < floor):
        ranks[i] = int(np.count_nonzero(scores > cores[i]))
    return np.asarray(ranks, dtype=np.int64)


def _proximity(query: Query, ids: Sequence[int], kb: Snapshot) -> float:
    """Question words that stand together in the window too ("satuan tugas AI")."""
    sequence = [
        t for i in ids for token in sentence_tokens(kb.sentences[i].text) for t in token.terms
    ]
    positions: dict[str, list[int]] = {}
    for pos, term in enumerate(sequence):
        positions.setdefault(term, []).append(pos)
    bonus = 0.0
    terms = [qt for qt in query.terms if qt.term in positions]
    index = kb.index
    for a, b in itertools.pairwise(terms):
        if a.word == b.word:
            continue
        close = any(0 < pb - pa <= 2 for pa in positions[a.term] for pb in positions[b.term])
        if close:
            bonus += min(index.idf(a.term), index.idf(b.term)) * min(a.weight, b.weight)
    return bonus
