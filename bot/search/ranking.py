"""Ranking: the candidate windows for a question, each scored by a learned model, best first.

The windows and their features come from `bot.search.windows`; the model (boosted trees on the
logistic loss, `models/ranker.json`) was fitted by `python -m bot calibrate` on FacQA, IDK-MRC
(TyDiQA) and the project's own tuning questions to say whether a window holds the answer. A
window of two sentences must beat the best single sentence by `pair_margin` (fitted with it,
so that quotes stay short); windows that overlap a better one, or repeat its text, are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.reading.message import Reading
from bot.search import trees
from bot.search.query import Query
from bot.search.snapshot import Snapshot
from bot.search.windows import FEATURES, Window, features, gather

FloatArray = npt.NDArray[np.float64]
_COVERAGE = FEATURES.index("coverage")
_PAIR = FEATURES.index("pair")


@dataclass(frozen=True)
class Candidate:
    """A window, ranked: its sentences, the one BM25 preferred, the model's score (a
    probability that it holds the answer), and the features it was scored on."""

    chunk: int  # the window's best sentence by BM25
    window: tuple[int, ...]
    score: float
    coverage: float  # share of the question's weight it holds
    row: tuple[float, ...] = ()  # its FEATURES
    best: int = -1  # of a two-sentence window, the sentence that scored better alone


class Ranker:
    """Ranks the windows of one `Snapshot` for a question."""

    def __init__(self, kb: Snapshot, model: trees.Model) -> None:
        self.kb = kb
        self.model = model
        # how much more a window of two sentences must score than a single one
        self.pair_margin: float = model.extra.get("pair_margin", 0.0)

    def scores(self, query: Query) -> FloatArray:
        return self.kb.index.scores([(qt.term, qt.weight) for qt in query.terms])

    def ranking_score(self, candidate: Candidate) -> float:
        """The score windows are ordered by: the probability, less the pair margin for a window
        of two sentences."""
        return candidate.score - self.pair_margin * (len(candidate.window) > 1)

    def rank(self, reading: Reading, query: Query) -> list[Candidate]:
        """Candidate windows, best first, without overlaps or repeats."""
        scores = self.scores(query)
        windows = gather(reading, query, self.kb, scores)
        if not windows:
            return []
        rows = features(reading, query, self.kb, windows, scores)
        probability = self.model.forest.probability(rows)
        adjusted = probability - self.pair_margin * rows[:, _PAIR]
        order = sorted(range(len(windows)), key=lambda i: (-adjusted[i], windows[i].ids))
        alone = {
            w.ids[0]: float(p) for w, p in zip(windows, probability, strict=True) if len(w.ids) == 1
        }
        return self._distinct(windows, rows, probability, order, alone)

    def _distinct(
        self,
        windows: list[Window],
        rows: FloatArray,
        probability: FloatArray,
        order: list[int],
        alone: dict[int, float],
    ) -> list[Candidate]:
        sentences = self.kb.sentences
        chosen: list[Candidate] = []
        used: set[int] = set()
        quoted: set[str] = set()
        for i in order:
            window = windows[i]
            if used.intersection(window.ids):
                continue
            texts = {_as_quoted(sentences[s].text) for s in window.ids}
            if texts & quoted:  # the same sentence in another document: quoted once
                continue
            quoted.update(texts)
            used.update(window.ids)
            row = rows[i]
            chosen.append(
                Candidate(
                    window.core,
                    window.ids,
                    float(probability[i]),
                    float(row[_COVERAGE]),
                    tuple(row.tolist()),
                    max(window.ids, key=lambda s: (alone.get(s, -1.0), s == window.core)),
                )
            )
        return chosen


@lru_cache(maxsize=20_000)
def _as_quoted(sentence: str) -> str:
    """A sentence as two quotes of it compare: case and spacing folded."""
    return " ".join(sentence.casefold().split())
