"""The BM25 index over sentence chunks.

rank-bm25 is the source of the model: its classes compute the idf (with BM25Okapi's floor),
the document lengths and the average length. At build time every term's contribution to every
sentence that holds it is precomputed into numpy arrays (term -> sentence ids, weights), in the
spirit of bm25s's eager scoring, so a query costs the postings of its terms, not a walk over the
whole corpus. Scores equal rank-bm25's `get_scores` for the same tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

Variant = Literal["okapi", "plus", "l"]
SMALL_POSTINGS = 4096
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
_Int = TypeVar("_Int", bound=np.integer)


@dataclass(frozen=True)
class Bm25Params:
    """BM25 variant and parameters (chosen by measurement; see README "Quality")."""

    variant: Variant = "okapi"
    k1: float = 1.2
    b: float = 0.5
    epsilon: float = 0.25  # BM25Okapi: idf floor as a fraction of the mean idf
    delta: float = 0.5  # BM25L / BM25Plus

    def reference(self, tokenized: Sequence[list[str]]) -> BM25Okapi | BM25L | BM25Plus:
        """The rank-bm25 model these parameters describe."""
        return self._model(tokenized)

    def _model(self, corpus: Sequence[list[str]] | _Counts) -> BM25Okapi | BM25L | BM25Plus:
        """rank-bm25's model; from `_Counts` (lengths and idf with its floor, without its
        per-sentence term dictionaries, which the index does not need and which dominate memory
        on a large corpus) when the index counted them itself."""
        lean = isinstance(corpus, _Counts)
        if self.variant == "okapi":
            cls = _LeanOkapi if lean else BM25Okapi
            return cls(corpus, k1=self.k1, b=self.b, epsilon=self.epsilon)
        cls = (
            (_LeanPlus if lean else BM25Plus)
            if self.variant == "plus"
            else (_LeanL if lean else BM25L)
        )
        return cls(corpus, k1=self.k1, b=self.b, delta=self.delta)


@dataclass(frozen=True)
class _Counts:
    """What rank-bm25 counts in a corpus (sentence lengths, sentences per term), counted once."""

    doc_len: list[int]
    df: dict[str, int]


class _DocumentCounts:
    """rank-bm25's `_initialize` from counts made beforehand, without a term dictionary per
    sentence (which the index does not need, and which dominates memory on a large corpus)."""

    doc_len: list[int]
    corpus_size: int
    avgdl: float

    def _initialize(self, counts: _Counts) -> dict[str, int]:
        self.doc_len = counts.doc_len
        self.corpus_size = len(self.doc_len)
        self.avgdl = sum(self.doc_len) / self.corpus_size
        return counts.df


class _LeanOkapi(_DocumentCounts, BM25Okapi):  # type: ignore[misc]
    pass


class _LeanPlus(_DocumentCounts, BM25Plus):  # type: ignore[misc]
    pass


class _LeanL(_DocumentCounts, BM25L):  # type: ignore[misc]
    pass


@dataclass(frozen=True)
class Hit:
    """A sentence id and its score."""

    chunk: int
    score: float


class Index:
    """Immutable BM25 index: term -> (sentence ids, precomputed weights)."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        offsets: IntArray,
        postings: IntArray,
        weights: FloatArray,
        idf: FloatArray,
        base: FloatArray,
        size: int,
        params: Bm25Params,
    ) -> None:
        self.vocabulary = vocabulary
        self._offsets = offsets
        self._postings = postings
        self._weights = weights
        self._idf = idf
        self._base = base  # per-term score every sentence gets (BM25Plus's delta), else 0
        self.size = size
        self.params = params

    @classmethod
    def build(cls, tokenized: Sequence[list[str]], params: Bm25Params | None = None) -> Index:
        """Build from each sentence's terms (sentence id = position in `tokenized`)."""
        params = params or Bm25Params()
        if not any(tokenized):  # rank-bm25 would divide by zero (the mean idf of no term)
            raise ValueError("cannot index sentences without a single term")
        vocabulary: dict[str, int] = {}
        lengths = np.fromiter(map(len, tokenized), dtype=np.int64, count=len(tokenized))
        # every term of every sentence as an id, in reading order (ids by first appearance)
        ids = np.fromiter(
            (vocabulary.setdefault(t, len(vocabulary)) for d in tokenized for t in d),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        size = len(vocabulary)
        sentence = np.repeat(np.arange(len(tokenized), dtype=np.int64), lengths)
        # (term, sentence) pairs, each once with its count, sorted by term then sentence
        pairs, tf = _distinct(np.sort(ids * len(tokenized) + sentence))
        tid_arr = pairs // len(tokenized)
        postings = (pairs % len(tokenized)).astype(np.int32)
        counts = np.bincount(tid_arr, minlength=size)
        terms = list(vocabulary)
        model = params._model(
            _Counts(lengths.tolist(), dict(zip(terms, counts.tolist(), strict=True)))
        )
        offsets = np.zeros(size + 1, dtype=np.int32)
        np.cumsum(counts, out=offsets[1:])
        idf = np.asarray([model.idf.get(term) or 0.0 for term in terms], dtype=np.float64)
        doc_len = lengths.astype(np.float64)[postings]
        weights, base = _weights(
            params, model.avgdl, idf[tid_arr], tf.astype(np.float64), doc_len, idf
        )
        return cls(vocabulary, offsets, postings, weights, idf, base, len(tokenized), params)

    def to_arrays(self) -> tuple[dict[str, npt.NDArray[np.generic]], list[str]]:
        """The index as plain arrays and the vocabulary in id order (for the disk cache)."""
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "offsets": self._offsets,
            "postings": self._postings,
            "weights": self._weights,
            "idf": self._idf,
            "base": self._base,
            "size": np.asarray([self.size], dtype=np.int64),
        }
        vocabulary = [""] * len(self.vocabulary)
        for term, tid in self.vocabulary.items():
            vocabulary[tid] = term
        return arrays, vocabulary

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, npt.NDArray[np.generic]], vocabulary: list[str], params: Bm25Params
    ) -> Index:
        offsets = np.asarray(arrays["offsets"], dtype=np.int32)
        if len(offsets) != len(vocabulary) + 1:
            raise ValueError("vocabulary and offsets disagree")
        return cls(
            {term: tid for tid, term in enumerate(vocabulary)},
            offsets,
            np.asarray(arrays["postings"], dtype=np.int32),
            np.asarray(arrays["weights"], dtype=np.float64),
            np.asarray(arrays["idf"], dtype=np.float64),
            np.asarray(arrays["base"], dtype=np.float64),
            int(np.asarray(arrays["size"])[0]),
            params,
        )

    def __contains__(self, term: object) -> bool:
        return term in self.vocabulary

    def idf(self, term: str) -> float:
        tid = self.vocabulary.get(term)
        return 0.0 if tid is None else float(self._idf[tid])

    def document_frequency(self, term: str) -> int:
        tid = self.vocabulary.get(term)
        return 0 if tid is None else int(self._offsets[tid + 1] - self._offsets[tid])

    @cached_property
    def max_idf(self) -> float:
        return float(self._idf.max()) if len(self._idf) else 0.0

    def postings(self, term: str) -> IntArray:
        """The ids of the sentences that hold `term`."""
        tid = self.vocabulary.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int32)
        return self._postings[self._offsets[tid] : self._offsets[tid + 1]]

    def holds(
        self, term: str, lo: npt.NDArray[np.integer], hi: npt.NDArray[np.integer]
    ) -> npt.NDArray[np.bool_]:
        """For each range [lo[i], hi[i]): does a sentence in it hold `term`?"""
        posting = self.postings(term)
        if posting.size == 0:
            return np.zeros(len(lo), dtype=bool)
        at = np.searchsorted(posting, lo)
        found = posting[np.minimum(at, posting.size - 1)]
        return (at < posting.size) & (found < hi)

    def scores(self, query: Iterable[str | tuple[str, float]]) -> FloatArray:
        """BM25 score of every sentence; equal to rank-bm25's `get_scores(query)`.

        A query item is a term, or (term, weight) to scale that term's contribution.
        """
        scores = np.zeros(self.size, dtype=np.float64)
        base = 0.0
        for item in query:
            term, weight = (item, 1.0) if isinstance(item, str) else item
            tid = self.vocabulary.get(term)
            if tid is None:
                continue
            lo, hi = self._offsets[tid], self._offsets[tid + 1]
            if weight == 1.0:
                scores[self._postings[lo:hi]] += self._weights[lo:hi]
            else:
                scores[self._postings[lo:hi]] += weight * self._weights[lo:hi]
            base += weight * self._base[tid]
        if base:
            scores += base
        return scores

    def search(self, query: Iterable[str | tuple[str, float]], k: int = 10) -> list[Hit]:
        """The `k` best sentences holding at least one query term, best first."""
        items = list(query)
        return self.top(self.scores(items), items, k)

    def top(
        self, scores: FloatArray, items: Sequence[str | tuple[str, float]], k: int
    ) -> list[Hit]:
        """The `k` best of `scores` among the sentences that hold a query term."""
        parts = [self.postings(i if isinstance(i, str) else i[0]) for i in items]
        parts = [p for p in parts if p.size]
        if not parts:
            return []
        if sum(p.size for p in parts) <= SMALL_POSTINGS:
            candidates = (
                parts[0] if len(parts) == 1 else _distinct(np.sort(np.concatenate(parts)))[0]
            )
            return top_hits(scores, candidates, k)
        # many matches: a partial sort of all scores is cheaper than merging postings
        best = top_hits(scores, None, k * 2)
        chosen = np.asarray([h.chunk for h in best], dtype=np.int32)
        held = np.zeros(len(chosen), dtype=bool)
        for part in parts:  # postings are sorted by sentence id
            at = np.minimum(np.searchsorted(part, chosen), part.size - 1)
            held |= part[at] == chosen
        return [h for h, ok in zip(best, held, strict=True) if ok][:k]


def _distinct(ordered: npt.NDArray[_Int]) -> tuple[npt.NDArray[_Int], IntArray]:
    """The distinct values of a sorted array and how often each comes (`np.unique` without its
    check for masked arrays, which imports numpy.ma: a twentieth of a one-question process)."""
    starts = np.flatnonzero(np.diff(ordered, prepend=ordered[:1] - 1))
    counts = np.diff(starts, append=ordered.size).astype(np.int32)
    return ordered[starts], counts


def top_hits(scores: FloatArray, candidates: IntArray | None, k: int) -> list[Hit]:
    """The best `k` of `candidates` (all sentences if None) by score, best first; ties go to
    the earlier sentence."""
    if candidates is None:
        pool = scores
        if pool.size > k:
            ids = np.argpartition(-pool, k - 1)[:k].astype(np.int32)
        else:
            ids = np.arange(pool.size, dtype=np.int32)
        cand_scores = scores[ids]
    else:
        ids, cand_scores = candidates, scores[candidates]
        if ids.size > k:
            keep = np.argpartition(-cand_scores, k - 1)[:k]
            ids, cand_scores = ids[keep], cand_scores[keep]
    order = np.lexsort((ids, -cand_scores))
    return [Hit(int(ids[i]), float(cand_scores[i])) for i in order]


def _weights(
    params: Bm25Params,
    avgdl: float,
    idf: FloatArray,
    tf: FloatArray,
    doc_len: FloatArray,
    idf_by_term: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Per-posting score contributions, in the same arithmetic order as rank-bm25."""
    k1, b = params.k1, params.b
    norm = 1 - b + b * doc_len / avgdl
    if params.variant == "okapi":
        weights = idf * (tf * (k1 + 1) / (tf + k1 * norm))
        return weights, np.zeros_like(idf_by_term)
    if params.variant == "plus":
        weights = idf * (params.delta + (tf * (k1 + 1)) / (k1 * norm + tf))
        base = idf_by_term * params.delta
        # the base is added to every sentence; postings carry only the rest
        return weights - idf * params.delta, base
    ctd = tf / norm
    weights = idf * tf * (k1 + 1) * (ctd + params.delta) / (k1 + ctd + params.delta)
    return weights, np.zeros_like(idf_by_term)
