"""The direct answer: the short span of the quote that answers the question (a name, a number
with its unit, a date, a place), or none.

Every run of up to `MAX_SPAN_WORDS` words inside one sentence of the quote that neither starts nor
ends with a function word is a candidate. What a candidate looks like (capitalised, a number, a
time), where it stands (beside the question's words, after a title, a locative or "adalah"),
and what the question asks for are its features; a model fitted on FacQA and TyDiQA answer
spans (`models/span.json`, `python -m bot calibrate`) scores them. The best candidate is the
answer when the question asks for a short answer and the model is sure enough; a question that
asks why, how, whether, or what something is gets none. The span is always a verbatim
substring of the quote.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from bot.reading.kinds import KINDS, sentence_tokens, word_class
from bot.reading.message import Reading, counted_terms
from bot.reading.text import Token
from bot.search import trees
from bot.search.query import Query, focus_terms
from bot.search.tuning import MAX_SPAN_WORDS

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_FLAGS = (
    "capital",
    "number",
    "time",
    "year",
    "stop",
    "title",
    "locative",
    "copula",
    "unit",
    "acronym",
    "currency",
    "clause",
)

FEATURES = (
    *(f"asks_{k}" for k in KINDS),
    "asks_none",
    "length",  # words in the span
    "capitals",  # share of its words written with a capital
    "all_capitals",
    "whole_name",  # it is a whole run of capitalised words
    "numbers",  # share of its words that are numbers
    "times",  # ... times or dates
    "years",
    "asked",  # share of its words the question has
    "first_asked",  # its first or last word is one the question has
    "left",  # words between it and the nearest question word before it (up to 10)
    "right",  # ... after it (up to 10)
    "around",  # question words within 4 words either side
    "after_title",  # it follows a title ("Presiden", "pelatih")
    "after_locative",  # it follows "di", "ke", "dari", a place noun
    "after_copula",  # it follows "adalah", "yaitu", "sebesar", "oleh", "bernama"
    "after_number",  # it follows a number (it is a unit: "92 *poin*")
    "before_unit",  # a number in it is followed by its unit inside it
    "counted",  # it holds the word the question counts ("Berapa *tahun*kah ...": "35 tahun")
    "prev_capital",  # the word before it is capitalised (a name goes on to the left)
    "next_capital",  # ... the word after it (a name goes on to the right)
    "next_number",  # the word after it is a number, or a unit after its number
    "ends_number",  # its last word is a number
    "prev_asked",  # the word before it is one of the question's ("bandara *Sultan Syarif*")
    "next_asked",  # the word after it is one of the question's
    "prev_focus",  # the word before it is the one the question asks about ("nama *bandara*")
    "weight_left",  # share of the question's weight within 4 words before it
    "weight_right",  # ... within 4 words after it
    "commas",  # commas inside it
    "brackets",  # brackets inside it
    "acronym",  # it is one word in capitals ("LBH", "WHO")
    "only_year",  # it is a year and nothing else ("2030")
    "ends_unit",  # its last word is what its number counts ("11 triliun *rubel*")
    "prev_currency",  # the word before it is a currency ("Rp *5 miliar*")
    "starts_currency",  # its first word is one ("*Rp 5 miliar*")
    "in_brackets",  # it stands in brackets
    "before_bracket",  # a bracket follows it ("Lembaga ... (LIPI)")
    "comma_after",  # a comma or a full stop follows it
    "starts_sentence",
    "position",  # where it starts in its sentence (0..1)
    "core",  # it is in the sentence the ranking preferred
    "sentence_asked",  # share of the question's words its sentence holds
    # the clause it stands in (from a conjunction or a comma to the next): the date of "mulai",
    # not the one after "dan"
    "clause_weight",  # share of the question's weight in its clause, outside it
    "focus_clause",  # the word the question asks about is in its clause
    "focus_apart",  # words between it and the nearest word the question asks about (up to 10)
)


class Span(NamedTuple):
    """A candidate answer: its place in the quote's text and the model's score."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class _Sentence:
    """What a sentence's words are, once (cached): flags per word, and every candidate."""

    starts: npt.NDArray[np.int32]  # candidate first word
    ends: npt.NDArray[np.int32]  # candidate end (exclusive)
    flags: dict[str, BoolArray]
    chars: tuple[tuple[int, int], ...]  # each word's (start, end) in the sentence
    commas: npt.NDArray[np.int64]  # per candidate: commas inside it
    brackets: npt.NDArray[np.int64]  # per candidate: opening brackets inside it
    marks: dict[str, BoolArray]  # per word: "(" right before it, ")" / "," or "." right after it,
    # "(" next after it


@lru_cache(maxsize=20_000)
def _sentence(sentence: str) -> _Sentence:
    tokens = sentence_tokens(sentence)
    classes = [word_class(sentence, i, tokens) for i in range(len(tokens))]
    flags = {name: np.asarray([name in c for c in classes], dtype=bool) for name in _FLAGS}
    # a function word may not open or close a span, unless it is capitalised inside a name
    # ("The Iraq Quagmire", "Stephallen Balawan seri I")
    stop = flags["stop"] & ~np.asarray(
        [i > 0 and sentence[t.start].isupper() for i, t in enumerate(tokens)], dtype=bool
    )
    starts: list[int] = []
    ends: list[int] = []
    # a span of three words or more names something: it holds a capital, a number or a time
    # (98% of FacQA's answers of that length do; the rest are never looked for)
    marked = np.concatenate(([0], np.cumsum(flags["capital"] | flags["number"] | flags["time"])))
    for i in range(len(tokens)):
        if stop[i]:
            continue
        for j in range(i + 1, min(len(tokens), i + MAX_SPAN_WORDS) + 1):
            if j - i >= 3 and marked[j] == marked[i]:
                continue
            if not stop[j - 1] and _contiguous(sentence, tokens, i, j):
                starts.append(i)
                ends.append(j)
    chars = tuple((t.start, t.end) for t in tokens)
    first = np.asarray(starts, dtype=np.int32)
    last = np.asarray(ends, dtype=np.int32)
    return _Sentence(
        first,
        last,
        flags,
        chars,
        _inside_counts(sentence, chars, first, last, ","),
        _inside_counts(sentence, chars, first, last, "("),
        {
            "open_before": np.asarray([s > 0 and sentence[s - 1] == "(" for s, _ in chars]),
            "close_after": np.asarray([sentence[e : e + 1] == ")" for _, e in chars]),
            "punct_after": np.asarray(
                [sentence[e : e + 1] in (",", ".") and e < len(sentence) for _, e in chars]
            ),
            "bracket_next": np.asarray([_bracket_after(sentence, e) for _, e in chars], dtype=bool),
        },
    )


def _inside_counts(
    sentence: str,
    chars: tuple[tuple[int, int], ...],
    starts: npt.NDArray[np.int32],
    ends: npt.NDArray[np.int32],
    mark: str,
) -> npt.NDArray[np.int64]:
    """How many times `mark` stands inside each candidate (in its words and between them)."""
    if not chars:
        return np.zeros(0, dtype=np.int64)
    # per word: marks in the word, then in the gap after it (up to the next word)
    own = [sentence[s:e].count(mark) for s, e in chars]
    gaps = [sentence[chars[i][1] : chars[i + 1][0]].count(mark) for i in range(len(chars) - 1)]
    in_words = np.concatenate(([0], np.cumsum(own)))
    in_gaps = np.concatenate(([0], np.cumsum([*gaps, 0])))
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    return np.asarray(
        (in_words[ends] - in_words[starts]) + (in_gaps[ends - 1] - in_gaps[starts]),
        dtype=np.int64,
    )


def _contiguous(sentence: str, tokens: Sequence[Token], i: int, j: int) -> bool:
    """No semicolon, colon or quote mark inside the span, and no bracket left open."""
    inside = sentence[tokens[i].start : tokens[j - 1].end]
    if any(c in inside for c in ';"“”:'):
        return False
    return inside.count("(") == inside.count(")")  # brackets inside are balanced


@dataclass(frozen=True)
class _Window:
    """The candidates of a window's sentences (one after another) and their columns that do not
    depend on the question (cached per window: a window is asked about again and again)."""

    kept: tuple[int, ...]  # the sentences (numbers in the window) that have candidates
    spans: tuple[tuple[int, int, int], ...]  # (sentence number, start, end) per candidate
    owner: IntArray  # per candidate: its sentence (index into `kept`)
    starts: IntArray  # its first word and end, counted over the kept sentences' words
    ends: IntArray
    start_of: IntArray  # its sentence's first word and end
    end_of: IntArray
    words: IntArray  # words per kept sentence
    columns: FloatArray  # (_SHAPE, candidates)
    clause_lo: IntArray  # per candidate: the first word of the clause it starts in
    clause_hi: IntArray  # ... the end of the clause it ends in


_ASKED = (
    *(f"asks_{k}" for k in KINDS),
    "asks_none",
    "asked",
    "first_asked",
    "left",
    "right",
    "around",
    "counted",
    "prev_asked",
    "next_asked",
    "prev_focus",
    "weight_left",
    "weight_right",
    "core",
    "sentence_asked",
    "clause_weight",
    "focus_clause",
    "focus_apart",
)
_ROW = {name: i for i, name in enumerate(FEATURES)}
# the columns of a candidate's shape and surroundings, the same whatever the question
_SHAPE = tuple(name for name in FEATURES if name not in _ASKED)
_SHAPE_ROWS = [_ROW[name] for name in _SHAPE]


@lru_cache(maxsize=1024)
def _window(sentences: tuple[str, ...]) -> _Window | None:
    infos = [_sentence(text) for text in sentences]
    kept = [s_no for s_no, info in enumerate(infos) if len(info.starts)]
    if not kept:
        return None
    lengths = np.asarray([len(infos[s_no].chars) for s_no in kept], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    counts = np.asarray([len(infos[s_no].starts) for s_no in kept], dtype=np.int64)
    owner = np.repeat(np.arange(len(kept)), counts)
    start_of = offsets[:-1][owner]
    end_of = offsets[1:][owner]
    starts = np.concatenate([infos[s_no].starts for s_no in kept]).astype(np.int64) + start_of
    ends = np.concatenate([infos[s_no].ends for s_no in kept]).astype(np.int64) + start_of
    flags = {name: np.concatenate([infos[s_no].flags[name] for s_no in kept]) for name in _FLAGS}
    marks = {
        name: np.concatenate([infos[s_no].marks[name] for s_no in kept])
        for name in infos[kept[0]].marks
    }
    last_word = int(offsets[-1]) - 1
    length = (ends - starts).astype(np.float64)
    cum = {k: np.concatenate(([0], np.cumsum(v))) for k, v in flags.items()}
    follows = flags["number"] | flags["unit"]
    has_prev = starts > start_of
    has_next = ends < end_of
    prev = np.maximum(starts - 1, 0)
    after = np.minimum(ends, last_word)
    capitals = _within(starts, ends, cum["capital"]) / length
    prev_cap = has_prev & flags["capital"][prev]
    next_cap = has_next & flags["capital"][after]
    numbers_in = _within(starts, ends, cum["number"])
    values = {
        "length": length,
        "capitals": capitals,
        "all_capitals": capitals == 1.0,
        "whole_name": (capitals == 1.0) & ~prev_cap & ~next_cap,
        "numbers": numbers_in / length,
        "times": _within(starts, ends, cum["time"]) / length,
        "years": _within(starts, ends, cum["year"]) > 0,
        "after_title": has_prev & flags["title"][prev],
        "after_locative": has_prev & flags["locative"][prev],
        "after_copula": has_prev & flags["copula"][prev],
        "after_number": has_prev & flags["number"][prev],
        "before_unit": (numbers_in > 0) & (_within(starts, ends, cum["unit"]) > 0),
        "prev_capital": prev_cap,
        "next_capital": next_cap,
        "next_number": has_next & follows[after],
        "ends_number": flags["number"][ends - 1],
        "commas": np.concatenate([infos[s_no].commas for s_no in kept]),
        "brackets": np.concatenate([infos[s_no].brackets for s_no in kept]),
        "acronym": (ends - starts == 1) & flags["acronym"][starts],
        "only_year": (ends - starts == 1) & flags["year"][starts],
        "ends_unit": flags["unit"][ends - 1],
        "prev_currency": has_prev & flags["currency"][prev],
        "starts_currency": flags["currency"][starts],
        "in_brackets": marks["open_before"][starts] & marks["close_after"][ends - 1],
        "before_bracket": marks["bracket_next"][ends - 1],
        "comma_after": marks["punct_after"][ends - 1],
        "starts_sentence": starts == start_of,
        "position": (starts - start_of) / np.maximum(lengths, 1)[owner],
    }
    if set(values) != set(_SHAPE):
        raise RuntimeError(f"columns without a value: {set(values) ^ set(_SHAPE)}")
    columns = np.zeros((len(_SHAPE), len(starts)), dtype=np.float64)
    for at, name in enumerate(_SHAPE):
        columns[at] = values[name]
    spans = tuple(
        (kept[o], a, b)
        for o, a, b in zip(
            owner.tolist(), (starts - start_of).tolist(), (ends - start_of).tolist(), strict=True
        )
    )
    clause_lo, clause_hi = _clauses(flags["clause"], offsets, starts, ends, end_of)
    return _Window(
        tuple(kept),
        spans,
        owner,
        starts,
        ends,
        start_of,
        end_of,
        lengths,
        columns,
        clause_lo,
        clause_hi,
    )


def _clauses(
    opens: BoolArray, offsets: IntArray, starts: IntArray, ends: IntArray, end_of: IntArray
) -> tuple[IntArray, IntArray]:
    """Per candidate: [lo, hi) of the clauses it stands in, from the last word that opens one at
    or before its start (or its sentence's first word) to the next after its end (or its
    sentence's end)."""
    count = len(opens)
    opening = opens.copy()
    opening[offsets[:-1]] = True  # every sentence opens with a clause
    at = np.arange(count)
    last_open = np.maximum.accumulate(np.where(opening, at, 0))
    next_open = np.minimum.accumulate(np.where(opening, at, count)[::-1])[::-1]
    following = np.append(next_open, count)[np.minimum(ends, count)]
    return last_open[starts], np.minimum(following, end_of)


def candidates(
    reading: Reading,
    query: Query,
    sentences: Sequence[str],
    core: int,
    idf_of: Callable[[str], float],
) -> tuple[list[tuple[int, int, int]], FloatArray]:
    """Every candidate (sentence number, start, end in that sentence) and its FEATURES row; the
    sentences' words one after another, so that every column is one array operation for all."""
    window = _window(tuple(sentences))
    if window is None:
        return [], np.zeros((0, len(FEATURES)))
    wanted = frozenset(qt.term for qt in query.terms)
    units = counted_terms(reading)
    idf = {qt.term: idf_of(qt.term) for qt in query.terms}
    total = sum(idf.values()) or 1.0
    focused = focus_terms(reading, query)
    own = query.words
    # per word of the kept sentences, in turn: is it asked, what it weighs, is it the focus,
    # is it what the question counts
    asked_words: list[bool] = []
    weights: list[list[float]] = []
    focus_words: list[bool] = []
    counted_words: list[bool] = []
    sentence_asked: list[float] = []
    for s_no in window.kept:
        held: set[str] = set()
        row: list[float] = []
        for t in sentence_tokens(sentences[s_no]):
            terms = t.terms
            mine = wanted.intersection(terms)
            asked_words.append(bool(mine) or t.word in own)
            row.append(max((idf[x] for x in mine), default=0.0))
            focus_words.append(bool(focused.intersection(terms)))
            counted_words.append(bool(units.intersection(terms)))
            held.update(terms)
        weights.append(row)
        sentence_asked.append(len(held & wanted) / len(wanted) if wanted else 0.0)
    asked = np.asarray(asked_words, dtype=bool)
    focus = np.asarray(focus_words, dtype=bool)
    counted = np.asarray(counted_words, dtype=bool)
    starts, ends, owner = window.starts, window.ends, window.owner
    start_of, end_of = window.start_of, window.end_of
    has_prev = starts > start_of
    has_next = ends < end_of
    prev = np.maximum(starts - 1, 0)
    after = np.minimum(ends, len(asked) - 1)
    length = window.columns[_SHAPE.index("length")]
    left, right, around = _distances(np.flatnonzero(asked), starts, ends, start_of, end_of)
    focus_left, focus_right, _ = _distances(np.flatnonzero(focus), starts, ends, start_of, end_of)
    weighed = np.concatenate(([0.0], np.cumsum([w for row in weights for w in row])))
    in_focus = np.concatenate(([0], np.cumsum(focus)))
    lo, hi = window.clause_lo, window.clause_hi
    clause_weight = (weighed[hi] - weighed[lo]) - (weighed[ends] - weighed[starts])
    clause_focus = (in_focus[hi] - in_focus[lo]) - (in_focus[ends] - in_focus[starts])
    kind = reading.kind
    values = {
        **{f"asks_{k}": float(kind == k) for k in KINDS},
        "asks_none": float(kind is None),
        "asked": _within(starts, ends, np.concatenate(([0], np.cumsum(asked)))) / length,
        "first_asked": asked[starts] | asked[ends - 1],
        "left": left,
        "right": right,
        "around": around,
        "counted": _within(starts, ends, np.concatenate(([0], np.cumsum(counted)))) > 0,
        "prev_asked": has_prev & asked[prev],
        "next_asked": has_next & asked[after],
        "prev_focus": has_prev & focus[prev],
        "weight_left": _near(weights, owner, starts - start_of, -4) / total,
        "weight_right": _near(weights, owner, ends - start_of, 4) / total,
        "core": np.asarray(window.kept)[owner] == core,
        "sentence_asked": np.asarray(sentence_asked)[owner],
        "clause_weight": clause_weight / total,
        "focus_clause": clause_focus > 0,
        "focus_apart": np.minimum(focus_left, focus_right),
    }
    rows = np.empty((len(FEATURES), len(starts)), dtype=np.float64)
    rows[_SHAPE_ROWS] = window.columns
    for name in _ASKED:
        rows[_ROW[name]] = values[name]
    return list(window.spans), np.ascontiguousarray(rows.T)


def _near(weights: list[list[float]], owner: IntArray, edges: IntArray, reach: int) -> FloatArray:
    """The summed weights of the words within `reach` words before (negative) or after an edge
    (a place in the edge's sentence, `owner`), from each sentence's own running sums."""
    width = max(map(len, weights)) + 1
    table = np.zeros((len(weights), width))
    for row, values in enumerate(weights):
        table[row, 1 : len(values) + 1] = values
    cum = np.cumsum(table, axis=1)
    n = np.asarray([len(w) for w in weights], dtype=np.int64)[owner]
    if reach < 0:
        lo, hi = np.maximum(edges + reach, 0), edges
    else:
        lo, hi = edges, np.minimum(edges + reach, n)
    return np.asarray(cum[owner, hi] - cum[owner, lo], dtype=np.float64)


def _within(starts: IntArray, ends: IntArray, counts: npt.NDArray[np.int64]) -> FloatArray:
    """How many flagged words each span holds (from cumulative counts)."""
    return np.asarray(counts[ends] - counts[starts], dtype=np.float64)


def words_text(sentence: str, i: int, j: int) -> str:
    """The text of words i..j-1 of a sentence, as it stands."""
    chars = _sentence(sentence).chars
    return sentence[chars[i][0] : chars[j - 1][1]]


def _bracket_after(text: str, end: int) -> bool:
    rest = text[end : end + 3].lstrip()
    return rest.startswith("(")


def _distances(
    asked: IntArray,
    starts: IntArray,
    ends: IntArray,
    first: IntArray,
    end: IntArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Words between each span and the nearest question word before / after it in its sentence
    (words first..end-1; 10 when there is none), and how many question words stand within 4
    words either side."""
    if not len(asked):
        ten = np.full(len(starts), 10.0)
        return ten, ten, np.zeros(len(starts))
    before = np.searchsorted(asked, starts, side="left") - 1
    found_before = asked[np.maximum(before, 0)]
    left = np.where((before >= 0) & (found_before >= first), starts - found_before - 1, 10)
    after = np.searchsorted(asked, ends, side="left")
    found_after = asked[np.minimum(after, len(asked) - 1)]
    right = np.where((after < len(asked)) & (found_after < end), found_after - ends, 10)
    lo = np.searchsorted(asked, np.maximum(starts - 4, first), side="left")
    mid_lo = np.searchsorted(asked, starts, side="left")
    mid_hi = np.searchsorted(asked, ends, side="left")
    hi = np.searchsorted(asked, np.minimum(ends + 4, end), side="left")
    around = (mid_lo - lo) + (hi - mid_hi)
    return (
        np.minimum(left, 10).astype(np.float64),
        np.minimum(right, 10).astype(np.float64),
        around.astype(np.float64),
    )


def best_span(
    reading: Reading,
    query: Query,
    sentences: Sequence[str],
    core: int,
    idf_of: Callable[[str], float],
    model: trees.Model,
) -> tuple[int, Span] | None:
    """The best-scoring candidate, whatever its score (the answerer holds it to the model's
    threshold, and asks only when the question wants a short answer)."""
    spans, rows = candidates(reading, query, sentences, core, idf_of)
    if not spans:
        return None
    scores = model.forest.probability(rows)
    best = int(np.argmax(scores))
    s_no, i, j = spans[best]
    chars = _sentence(sentences[s_no]).chars
    return s_no, Span(chars[i][0], chars[j - 1][1], float(scores[best]))
