"""The answer-span candidates' features as they were computed one sentence at a time: the
reference the code in `bot.search.span` (a window's sentences at once, their question-free
columns cached) is checked against."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.reading.kinds import KINDS, sentence_tokens
from bot.reading.message import Reading, counted_terms
from bot.search.query import Query, focus_terms
from bot.search.span import FEATURES, _sentence

FloatArray = npt.NDArray[np.float64]


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
