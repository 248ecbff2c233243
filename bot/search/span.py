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


def candidates(
    reading: Reading,
    query: Query,
    sentences: Sequence[str],
    core: int,
    idf_of: Callable[[str], float],
) -> tuple[list[tuple[int, int, int]], FloatArray]:
    """Every candidate (sentence number, start, end in that sentence) and its FEATURES row."""
    wanted = frozenset(qt.term for qt in query.terms)
    kind = reading.kind
    units = counted_terms(reading)
    idf = {qt.term: idf_of(qt.term) for qt in query.terms}
    total = sum(idf.values()) or 1.0
    focused = focus_terms(reading, query)
    out: list[tuple[int, int, int]] = []
    blocks: list[FloatArray] = []
    for s_no, text in enumerate(sentences):
        info = _sentence(text)
        if not len(info.starts):
            continue
        tokens = sentence_tokens(text)
        n = len(tokens)
        asked = np.asarray(
            [bool(wanted.intersection(t.terms)) or t.word in query.words for t in tokens],
            dtype=bool,
        )
        starts, ends = info.starts, info.ends
        length = (ends - starts).astype(np.float64)
        cum = {k: np.concatenate(([0], np.cumsum(v))) for k, v in info.flags.items()}
        cum_asked = np.concatenate(([0], np.cumsum(asked)))
        weights = np.asarray(
            [max((idf.get(t, 0.0) for t in tk.terms if t in wanted), default=0.0) for tk in tokens]
        )
        focus = np.asarray([bool(focused.intersection(t.terms)) for t in tokens], dtype=bool)
        counted = np.asarray([bool(units.intersection(t.terms)) for t in tokens], dtype=bool)
        cum_counted = np.concatenate(([0], np.cumsum(counted)))
        follows = info.flags["number"] | info.flags["unit"]
        next_number = follows[np.minimum(ends, n - 1)]

        capitals = _within(starts, ends, cum["capital"]) / length
        prev_cap = np.where(starts > 0, info.flags["capital"][np.maximum(starts - 1, 0)], False)
        next_cap = np.where(ends < n, info.flags["capital"][np.minimum(ends, n - 1)], False)
        asked_positions = np.flatnonzero(asked)
        left, right, around = _distances(asked_positions, starts, ends, n)
        prev = np.maximum(starts - 1, 0)
        has_prev = starts > 0
        rows = np.zeros((len(starts), len(FEATURES)), dtype=np.float64)
        col = 0
        for k in KINDS:
            rows[:, col] = kind == k
            col += 1
        rows[:, col] = kind is None
        col += 1
        asked_share = _within(starts, ends, cum_asked) / length
        sentence_asked = (
            len({t for tk in tokens for t in tk.terms} & wanted) / len(wanted) if wanted else 0.0
        )
        columns = (
            length,
            capitals,
            capitals == 1.0,
            (capitals == 1.0) & ~prev_cap & ~next_cap,
            _within(starts, ends, cum["number"]) / length,
            _within(starts, ends, cum["time"]) / length,
            _within(starts, ends, cum["year"]) > 0,
            asked_share,
            asked[starts] | asked[ends - 1],
            left,
            right,
            around,
            has_prev & info.flags["title"][prev],
            has_prev & info.flags["locative"][prev],
            has_prev & info.flags["copula"][prev],
            has_prev & info.flags["number"][prev],
            (_within(starts, ends, cum["number"]) > 0) & (_within(starts, ends, cum["unit"]) > 0),
            _within(starts, ends, cum_counted) > 0,
            prev_cap,
            next_cap,
            np.where(ends < n, next_number, False),
            info.flags["number"][ends - 1],
            has_prev & asked[prev],
            (ends < n) & asked[np.minimum(ends, n - 1)],
            has_prev & focus[prev],
            _near(weights, starts, -4) / total,
            _near(weights, ends, 4) / total,
            info.commas,
            info.brackets,
            (ends - starts == 1) & info.flags["acronym"][starts],
            (ends - starts == 1) & info.flags["year"][starts],
            info.flags["unit"][ends - 1],
            has_prev & info.flags["currency"][prev],
            info.flags["currency"][starts],
            info.marks["open_before"][starts] & info.marks["close_after"][ends - 1],
            info.marks["bracket_next"][ends - 1],
            info.marks["punct_after"][ends - 1],
            starts == 0,
            starts / max(n, 1),
            np.full(len(starts), s_no == core),
            np.full(len(starts), sentence_asked),
        )
        for values in columns:
            rows[:, col] = values
            col += 1
        out.extend((s_no, int(a), int(b)) for a, b in zip(starts, ends, strict=True))
        blocks.append(rows)
    if not blocks:
        return [], np.zeros((0, len(FEATURES)))
    return out, np.vstack(blocks)


def _near(weights: FloatArray, edges: npt.NDArray[np.int32], reach: int) -> FloatArray:
    """The summed weights of the words within `reach` words before (negative) or after an
    edge."""
    cum = np.concatenate(([0.0], np.cumsum(weights)))
    n = len(weights)
    if reach < 0:
        lo, hi = np.maximum(edges + reach, 0), edges
    else:
        lo, hi = edges, np.minimum(edges + reach, n)
    return np.asarray(cum[hi] - cum[lo], dtype=np.float64)


def _within(
    starts: npt.NDArray[np.int32], ends: npt.NDArray[np.int32], counts: npt.NDArray[np.int64]
) -> FloatArray:
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
    asked: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int32],
    ends: npt.NDArray[np.int32],
    n: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Words between each span and the nearest question word before / after it (10 when there
    is none), and how many question words stand within 4 words either side."""
    if not len(asked):
        ten = np.full(len(starts), 10.0)
        return ten, ten, np.zeros(len(starts))
    before = np.searchsorted(asked, starts, side="left") - 1
    left = np.where(before >= 0, starts - asked[np.maximum(before, 0)] - 1, 10)
    after = np.searchsorted(asked, ends, side="left")
    right = np.where(after < len(asked), asked[np.minimum(after, len(asked) - 1)] - ends, 10)
    lo = np.searchsorted(asked, starts - 4, side="left")
    mid_lo = np.searchsorted(asked, starts, side="left")
    mid_hi = np.searchsorted(asked, ends, side="left")
    hi = np.searchsorted(asked, ends + 4, side="left")
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
