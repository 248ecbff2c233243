"""The window features as they were computed one window at a time: the reference the batched
code in `bot.search.windows` is checked against (same inputs, same rows)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from bot.reading.kinds import KINDS, grams, holds, leans_back, profile, sentence_tokens
from bot.reading.message import Reading, counted_terms
from bot.search.coverage import by_word, general_weights, importance, word_weight
from bot.search.facts import introduces
from bot.search.index import Index
from bot.search.query import Query
from bot.search.query import focus_terms as query_focus
from bot.search.snapshot import Snapshot
from bot.search.tuning import CUE_REACH, PARAGRAPH_REACH
from bot.search.windows import FEATURES, Window, _ranks

FloatArray = np.ndarray


def _read_together(kb: Snapshot, a: int, b: int) -> bool:
    first, second = (a, b) if a < b else (b, a)
    sa, sb = kb.sentences[first], kb.sentences[second]
    if sa.doc != sb.doc:
        return False
    if sa.paragraph == sb.paragraph:
        return True
    return sb.paragraph == sa.paragraph + 1 and sb.position == 0 and introduces(sa.text)


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
    documents = _documents(query, kb, windows)
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
            *_document_row(query, kb, w, documents, reading),
        )
    return rows


def _documents(query: Query, kb: Snapshot, windows: Sequence[Window]) -> dict[str, object]:
    """What the document features compare a window's document with: the weight the best of
    the candidates' documents holds, by idf and by general rarity."""
    spans = {kb.sentences[w.core].doc: _document_span(kb, w.core) for w in windows}
    total = importance(query, kb.index) or 1.0
    held = [matched(query, kb.index, [lo], [hi])[0] for lo, hi in spans.values()]
    weights = [held_all(query, kb.index, [h])[0] for h in held]
    general = [_general(query, h) for h in held]
    return {"best": max(weights) / total, "best_general": max(general), "total": total}


def _document_span(kb: Snapshot, chunk: int) -> tuple[int, int]:
    doc = kb.sentences[chunk].doc
    ids = [s.id for s in kb.sentences if s.doc == doc]
    return ids[0], ids[-1] + 1


def _general(query: Query, held: set[str]) -> float:
    weights, total = general_weights(query)
    groups = by_word(query)
    got = sum(w for g, w in zip(groups, weights, strict=True) if any(qt.term in held for qt in g))
    return got / (total or 1.0)


def _document_row(
    query: Query, kb: Snapshot, w: Window, documents: dict[str, object], reading: Reading
) -> tuple[float, ...]:
    lo, hi = _document_span(kb, w.core)
    held = matched(query, kb.index, [lo], [hi])[0]
    total = float(documents["total"])  # type: ignore[arg-type]
    share = float(held_all(query, kb.index, [held])[0]) / total
    general = _general(query, held)
    best = float(documents["best"])  # type: ignore[arg-type]
    best_general = float(documents["best_general"])  # type: ignore[arg-type]
    inside = matched(query, kb.index, [w.ids[0]], [w.ids[-1] + 1])[0]
    focus = query_focus(reading, query)
    return (
        share,
        general,
        share / best if best > 0 else 0.0,
        general / best_general if best_general > 0 else 0.0,
        _general(query, inside),
        float(bool(focus & held)) if focus else -1.0,
        math.log1p(hi - lo),
    )


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


def matched(query: Query, index: Index, lo: Sequence[int], hi: Sequence[int]) -> list[set[str]]:
    """For each range of sentence ids [lo, hi): the query terms it holds (from postings)."""
    lo_arr, hi_arr = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    found: list[set[str]] = [set() for _ in lo]
    for term in {qt.term for qt in query.terms}:
        for i in np.flatnonzero(index.holds(term, lo_arr, hi_arr)):
            found[i].add(term)
    return found


def held_all(query: Query, index: Index, matched: Sequence[set[str]]) -> np.ndarray:
    """`held` for many sets of matched terms at once (one per window): for every word its own
    terms add up and its alternatives count once (their best), as in `word_weight`."""
    out = np.zeros(len(matched), dtype=np.float64)
    if not matched:
        return out
    for terms in by_word(query):
        values = np.asarray([qt.weight * max(index.idf(qt.term), 0.0) for qt in terms])
        hits = np.asarray([[qt.term in m for qt in terms] for m in matched], dtype=bool)
        exact = np.asarray([qt.how == "exact" for qt in terms], dtype=bool)
        weighed = hits * values
        own = weighed[:, exact].sum(axis=1) if exact.any() else np.zeros(len(matched))
        best = weighed[:, ~exact].max(axis=1) if (~exact).any() else np.zeros(len(matched))
        out += np.maximum(own, best)
    return out
