"""From a `Reading` to an `Answer`: query terms, hits, context windows, highlights, found or not.

Plain synchronous code over an immutable `Snapshot` (corpus + index), so it is safe to share
between concurrent questions and cheap to swap on reload.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.reading import text
from bot.reading.chat import ChatKind
from bot.reading.kinds import sentence_tokens
from bot.reading.message import Language, Reading, read
from bot.search.found import Evidence, FoundModel, evidence, load_model
from bot.search.query import Query, resolve
from bot.search.ranking import FOUND_COVERAGE, Candidate, Ranker
from bot.search.snapshot import Snapshot

__all__ = ["Answer", "Answerer", "Passage"]

# Why nothing was quoted: nothing to read, no word the corpus has, or too weak a match
Reason = Literal["", "empty", "no_match", "weak_match", "chat"]

# An answer found with less than this to spare above the threshold is called tentative
TENTATIVE_MARGIN = 0.15
PASSAGE_LIMIT = 1500  # a longer quote is cut around its first highlighted word
# Passages after the first are shown only when they are still about the question.
SECONDARY_COVERAGE = 0.25
SECONDARY_SCORE = 0.25


@dataclass(frozen=True)
class Passage:
    """A quote from a document: the sentence that matched, with context where it helps."""

    text: str
    sentence: str
    doc: str
    title: str
    source: str
    paragraph: int
    score: float
    highlights: tuple[tuple[int, int], ...]  # (start, end) in `text` of matched words
    chunk: int  # the sentence that matched

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

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "question": self.question,
            "found": self.found,
            "passages": [p.as_dict() for p in self.passages],
        }
        if self.chat is not None:
            out["chat"] = self.chat
        return out


class Answerer:
    """Answers questions from one `Snapshot`."""

    def __init__(self, kb: Snapshot, top_k: int = 3, more_k: int = 6) -> None:
        self.kb = kb
        self.top_k = top_k
        self.more_k = more_k
        self.ranker = Ranker(kb)

    @property
    def model(self) -> FoundModel:
        return load_model()

    def ask(self, message: Reading | str) -> Answer:
        """The answer to a message (read here if it was not read at the door)."""
        started = time.perf_counter()
        reading = read(message) if isinstance(message, str) else message
        answer = self._ask(reading)
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    def query(self, reading: Reading) -> Query | None:
        """The message's words looked up in this corpus; None when it has none to look for."""
        return resolve(reading, self.kb) if reading.has_words else None

    def consider(self, message: Reading | str) -> tuple[Query, list[Candidate], Evidence] | None:
        """The question read, its candidates best first and the evidence for the found
        decision; None when it has nothing to look for."""
        reading = read(message) if isinstance(message, str) else message
        query = self.query(reading)
        return None if query is None or not query.terms else self._weigh(reading, query)

    def _weigh(self, reading: Reading, query: Query) -> tuple[Query, list[Candidate], Evidence]:
        ranked = self.ranker.rank(reading, query)
        return query, ranked, evidence(reading, query, ranked, self.ranker)

    def ask_anyway(self, message: Reading | str) -> tuple[Passage, ...]:
        """The passages the question would be answered with, whatever the found decision."""
        considered = self.consider(message)
        if considered is None or not considered[1]:
            return ()
        query, ranked, _ = considered
        return tuple(self._passage(c, query) for c in ranked[: self.top_k])

    def _ask(self, reading: Reading, query: Query | None = None) -> Answer:
        question, lang = reading.text, reading.language
        if reading.chat is not None:
            return Answer(question, False, (), "chat", chat=reading.chat, language=lang)
        query = query or self.query(reading)
        if query is None or not query.terms:
            empty = query is None or not query.missing
            return Answer(question, False, (), "empty" if empty else "no_match", language=lang)
        query, ranked, ev = self._weigh(reading, query)
        confidence = self.model.probability(ev)
        if not ranked or confidence < self.model.threshold:
            return Answer(question, False, (), "weak_match", confidence=confidence, language=lang)
        top = ranked[0]
        relevant = [top] + [
            c
            for c in ranked[1:]
            if c.coverage > FOUND_COVERAGE * SECONDARY_COVERAGE
            and c.score >= SECONDARY_SCORE * top.score
        ]
        passages = [self._passage(c, query) for c in relevant[: self.top_k + self.more_k]]
        return Answer(
            question,
            True,
            tuple(passages[: self.top_k]),
            "",
            tuple(passages[self.top_k :]),
            confidence=confidence,
            tentative=confidence < self.model.threshold + TENTATIVE_MARGIN,
            language=lang,
        )

    def answer(self, reading: Reading, query: Query | None) -> Answer:
        """The answer to a message read and looked up already (`query`)."""
        started = time.perf_counter()
        answer = self._ask(reading, query)
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    def _passage(self, cand: Candidate, query: Query) -> Passage:
        chunks = self.kb.sentences
        best = chunks[cand.chunk]
        wanted = {qt.term for qt in query.terms if qt.how != "related"}
        passage_text, spans = _quote([chunks[i].text for i in cand.window], wanted)
        doc = self.kb.corpus.document(best.doc)
        return Passage(
            text=passage_text,
            sentence=best.text,
            doc=best.doc,
            title=doc.title,
            source=doc.source,
            paragraph=best.paragraph,
            score=cand.score,
            highlights=spans,
            chunk=cand.chunk,
        )


def _quote(sentences: Sequence[str], wanted: set[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The sentences joined as one quote, with the spans of the wanted words."""
    body = " ".join(sentences)
    if len(body) > PASSAGE_LIMIT:
        return trim(body, wanted)
    spans: list[tuple[int, int]] = []
    offset = 0
    for sentence in sentences:  # reuse each sentence's cached analysis
        spans.extend(
            (offset + t.start, offset + t.end)
            for t in sentence_tokens(sentence)
            if wanted.intersection(t.terms)
        )
        offset += len(sentence) + 1
    return body, tuple(spans)


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
    spans = tuple((t.start, t.end) for t in text.analyze(body) if wanted.intersection(t.terms))
    return body, spans
