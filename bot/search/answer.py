"""From a `Reading` to an `Answer`: ranked windows, found or not, the answer span, the quotes.

Plain synchronous code over an immutable `Snapshot` (corpus + index), so it is safe to share
between concurrent questions and cheap to swap on reload.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from bot.reading import text
from bot.reading.chat import ChatKind
from bot.reading.kinds import EXPLAINED, sentence_tokens
from bot.reading.message import Language, Reading, read
from bot.search import span as spans
from bot.search.fitted import Fitted, shipped
from bot.search.found import evidence
from bot.search.query import Query, resolve
from bot.search.ranking import Candidate, Ranker
from bot.search.snapshot import Snapshot
from bot.search.tuning import PASSAGE_LIMIT, SECONDARY_COVERAGE, TENTATIVE_BELOW

__all__ = ["Answer", "Answerer", "Passage"]

# Why nothing was quoted: nothing to read, no word the corpus has, or too weak a match
Reason = Literal["", "empty", "no_match", "weak_match", "chat"]


@dataclass(frozen=True)
class Passage:
    """A quote from a document: one sentence, or two neighbours, with the direct answer in it
    when there is one."""

    text: str
    sentence: str  # the indexed sentence that matched best (the one holding the answer)
    doc: str
    title: str
    source: str
    paragraph: int
    score: float
    highlights: tuple[tuple[int, int], ...]  # (start, end) in `text` of matched words
    chunk: int  # the sentence that matched
    answer: tuple[int, int] | None = None  # (start, end) in `text` of the direct answer

    @property
    def answer_text(self) -> str | None:
        return self.text[self.answer[0] : self.answer[1]] if self.answer else None

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "sentence": self.sentence,
            "doc": self.doc,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question: the passages (best first), or that it found none."""

    question: str
    found: bool
    passages: tuple[Passage, ...]
    reason: Reason = ""
    more: tuple[Passage, ...] = ()  # further passages, for a "more" button
    elapsed_ms: float = 0.0
    confidence: float = 0.0  # the found model's probability that the corpus answers it
    chat: ChatKind | None = None  # a greeting, thanks, a request...: not a question at all
    tentative: bool = False  # found, but with little to spare: the reply says so
    language: Language | None = None  # the language the question is written in, if it tells

    @property
    def answer(self) -> str | None:
        """The direct answer: a verbatim part of the first passage, or None."""
        return self.passages[0].answer_text if self.found and self.passages else None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "question": self.question,
            "found": self.found,
            "passages": [p.as_dict() for p in self.passages],
            "answer": self.answer,
            "tentative": self.tentative,
            "confidence": round(self.confidence, 4),
        }
        if self.chat is not None:
            out["chat"] = self.chat
        return out


@dataclass(frozen=True)
class Considered:
    """A question weighed against the corpus: its windows best first, the answer span in the
    best one (sentence number in the window, span), and the found model's features."""

    query: Query
    ranked: list[Candidate]
    span: tuple[int, spans.Span] | None
    evidence: np.ndarray


class Answerer:
    """Answers questions from one `Snapshot`."""

    def __init__(
        self,
        kb: Snapshot,
        top_k: int = 3,
        more_k: int = 6,
        fitted: Fitted | None = None,
        found_threshold: float | None = None,
    ) -> None:
        self.kb = kb
        self.top_k = top_k
        self.more_k = more_k
        self.fitted = fitted or shipped()
        self.ranker = Ranker(kb, self.fitted.ranker)
        # the confidence a question needs to be answered (FOUND_THRESHOLD; else the fitted one)
        self.threshold = self.fitted.found.threshold if found_threshold is None else found_threshold

    def confidence(self, considered: Considered) -> float:
        """The found model's probability that the corpus answers the question."""
        return float(self.fitted.found.forest.probability(considered.evidence)[0])

    def ask(self, message: Reading | str) -> Answer:
        """The answer to a message (read here if it was not read at the door)."""
        started = time.perf_counter()
        reading = read(message) if isinstance(message, str) else message
        answer = self._ask(reading)
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    def answer(self, reading: Reading, query: Query | None) -> Answer:
        """The answer to a message read and looked up already (`query`)."""
        started = time.perf_counter()
        answer = self._ask(reading, query)
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    def query(self, reading: Reading) -> Query | None:
        """The message's words looked up in this corpus; None when it has none to look for."""
        return resolve(reading, self.kb) if reading.has_words else None

    def consider(self, message: Reading | str) -> Considered | None:
        """The question weighed against the corpus; None when it has nothing to look for."""
        reading = read(message) if isinstance(message, str) else message
        query = self.query(reading)
        return None if query is None or not query.terms else self._weigh(reading, query)

    def _weigh(self, reading: Reading, query: Query) -> Considered:
        ranked = self.ranker.rank(reading, query)
        found = self.span_in(reading, query, ranked[0]) if ranked else None
        if found is not None and len(ranked) > 1:
            ranked, found = self._read_second(reading, query, ranked, found)
        sureness = found[1].score if found is not None else 0.0
        return Considered(query, ranked, found, evidence(reading, query, ranked, self.kb, sureness))

    def _read_second(
        self,
        reading: Reading,
        query: Query,
        ranked: list[Candidate],
        found: tuple[int, spans.Span],
    ) -> tuple[list[Candidate], tuple[int, spans.Span]]:
        """When the second window scores close to the first (within the span model's
        `reader_gate`), the answer span is looked for in it too, and the window whose ranking
        score (less the pair margin for two sentences) plus `reader_weight` times its span's is
        higher comes first: a window that holds an answer of the shape asked for is more likely
        the one that answers."""
        extra = self.fitted.span.extra
        first, second = ranked[0], ranked[1]
        lead = self.ranker.ranking_score(first) - self.ranker.ranking_score(second)
        if lead >= extra.get("reader_gate", 0.0):
            return ranked, found
        other = self.span_in(reading, query, second)
        weight = extra.get("reader_weight", 0.0)
        if other is None or weight * (other[1].score - found[1].score) <= lead:
            return ranked, found
        return [second, first, *ranked[2:]], other

    def span_in(
        self, reading: Reading, query: Query, top: Candidate
    ) -> tuple[int, spans.Span] | None:
        """The best answer span in a window (its sentence number there, the span), whatever its
        score; None when the question asks for an explanation or the window has no candidate."""
        if reading.kind in EXPLAINED:
            return None
        texts = [self.kb.sentences[i].text for i in top.window]
        core = top.window.index(top.chunk)
        return spans.best_span(reading, query, texts, core, self.kb.index.idf, self.fitted.span)

    def ask_anyway(self, message: Reading | str) -> tuple[Passage, ...]:
        """The passages the question would be answered with, whatever the found decision."""
        considered = self.consider(message)
        if considered is None or not considered.ranked:
            return ()
        return self._passages(considered, self.top_k)

    def _ask(self, reading: Reading, query: Query | None = None) -> Answer:
        question, lang = reading.text, reading.language
        if reading.chat is not None:
            return Answer(question, False, (), "chat", chat=reading.chat, language=lang)
        query = query or self.query(reading)
        if query is None or not query.terms:
            empty = query is None or not query.missing
            return Answer(question, False, (), "empty" if empty else "no_match", language=lang)
        considered = self._weigh(reading, query)
        confidence = self.confidence(considered)
        if not considered.ranked or confidence < self.threshold:
            return Answer(question, False, (), "weak_match", confidence=confidence, language=lang)
        passages = self._passages(considered, self.top_k + self.more_k)
        return Answer(
            question,
            True,
            passages[: self.top_k],
            "",
            passages[self.top_k :],
            confidence=confidence,
            tentative=confidence < TENTATIVE_BELOW,
            language=lang,
        )

    def _passages(self, considered: Considered, limit: int) -> tuple[Passage, ...]:
        ranked = considered.ranked
        top = ranked[0]
        relevant = [top] + [c for c in ranked[1:] if c.coverage >= SECONDARY_COVERAGE]
        wanted = {qt.term for qt in considered.query.terms if qt.how != "related"}
        found = considered.span
        sure = found is not None and found[1].score >= self.fitted.span.threshold
        out = []
        for n, cand in enumerate(relevant[:limit]):
            out.append(self._passage(cand, wanted, found if n == 0 and sure else None))
        return tuple(out)

    def _passage(
        self, cand: Candidate, wanted: set[str], found: tuple[int, spans.Span] | None
    ) -> Passage:
        sentences = self.kb.sentences
        texts = [sentences[i].text for i in cand.window]
        passage_text, highlights = _quote(texts, wanted)
        chunk = cand.best if cand.best >= 0 else cand.chunk
        answer: tuple[int, int] | None = None
        if found is not None:
            s_no, span = found
            chunk = cand.window[s_no]
            answer = _place(texts, s_no, span, passage_text)
        best = sentences[chunk]
        doc = self.kb.corpus.document(best.doc)
        return Passage(
            text=passage_text,
            sentence=best.text,
            doc=best.doc,
            title=doc.title,
            source=doc.source,
            paragraph=best.paragraph,
            score=cand.score,
            highlights=highlights,
            chunk=chunk,
            answer=answer,
        )


def _place(texts: Sequence[str], s_no: int, span: spans.Span, body: str) -> tuple[int, int] | None:
    """Where a span of sentence `s_no` stands in the quote (None if the quote was cut
    without it)."""
    wanted = texts[s_no][span.start : span.end]
    offset = sum(len(t) + 1 for t in texts[:s_no]) + span.start
    if body[offset : offset + len(wanted)] == wanted:
        return offset, offset + len(wanted)
    at = body.find(wanted)
    return (at, at + len(wanted)) if at >= 0 else None


def _quote(sentences: Sequence[str], wanted: set[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The sentences joined as one quote, with the spans of the wanted words."""
    body = " ".join(sentences)
    if len(body) > PASSAGE_LIMIT:
        return trim(body, wanted)
    highlights: list[tuple[int, int]] = []
    offset = 0
    for sentence in sentences:  # reuse each sentence's cached analysis
        highlights.extend(
            (offset + t.start, offset + t.end)
            for t in sentence_tokens(sentence)
            if wanted.intersection(t.terms)
        )
        offset += len(sentence) + 1
    return body, tuple(highlights)


def trim(
    body: str, wanted: set[str], limit: int = PASSAGE_LIMIT
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The passage text cut to `limit` chars around its first match, and its highlight spans."""
    if len(body) > limit:
        first = next((t.start for t in text.analyze(body) if wanted.intersection(t.terms)), 0)
        start = max(0, min(first - limit // 3, len(body) - limit))
        while start > 0 and not body[start - 1].isspace():
            start -= 1  # do not cut a word in half
        end = min(len(body), start + limit)
        while end < len(body) and not body[end].isspace() and end - start < limit + 40:
            end += 1
        body = ("…" if start else "") + body[start:end].strip() + ("…" if end < len(body) else "")
    spans_ = tuple((t.start, t.end) for t in text.analyze(body) if wanted.intersection(t.terms))
    return body, spans_
