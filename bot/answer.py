"""From a question to an `Answer`: query terms, hits, context windows, highlights, found or not.

Plain synchronous code over an immutable `KnowledgeBase` (corpus + index), so it is safe to share
between concurrent questions and cheap to swap on reload.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot import text
from bot.corpus import Chunk, Corpus
from bot.index import Bm25Params, Index
from bot.lexicon import ENGLISH, STOPWORDS, SYNONYM_GROUPS

MAX_QUESTION_CHARS = 1000
PASSAGE_LIMIT = 1500  # a longer quote is cut around its first highlighted word

# Weights of question terms found by a second look rather than as written.
ENGLISH_WEIGHT = 0.9
PLURAL_WEIGHT = 1.0
FUZZY_WEIGHT = 0.8
SYNONYM_WEIGHT = 0.6

# Ranking and the found / not-found decision (measured on the dev questions; README "Quality").
NEIGHBOUR_WEIGHT = 0.3
COVERAGE_WEIGHT = 1.0
FOUND_COVERAGE = 0.5
PROXIMITY_WEIGHT = 1.0
# Passages after the first are shown only when they are still about the question.
SECONDARY_COVERAGE = 0.7
SECONDARY_SCORE = 0.4

_ANAPHORA = re.compile(
    r"^(?:mereka|dia|ia|beliau|hal (?:ini|itu|tersebut)|ini|itu|tersebut|namun|selain itu"
    r"|oleh karena itu|karena itu|sebelumnya|mereka|keduanya|they|he|she|it|this|that)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryTerm:
    """One index term looked for, the question word it came from, and how much it counts."""

    term: str
    word: str
    weight: float
    how: str = "exact"  # exact | english | plural | synonym | fuzzy


@dataclass(frozen=True)
class Query:
    """A question read against one index: the terms found, the content words that were not."""

    question: str
    terms: tuple[QueryTerm, ...]
    missing: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.missing


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
    chunk_ids: tuple[int, ...]

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
    reason: str = ""  # for a not-found: "empty" | "too_long" | "no_match" | "weak_match"
    more: tuple[Passage, ...] = ()  # further passages, for a "more" button
    elapsed_ms: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "found": self.found,
            "passages": [p.as_dict() for p in self.passages],
        }


@dataclass
class KnowledgeBase:
    """A corpus and its index, built together and never changed afterwards."""

    corpus: Corpus
    index: Index
    built_in_s: float = 0.0
    _surface: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        corpus: Corpus,
        params: Bm25Params | None = None,
        tokenized: Sequence[list[str]] | None = None,
    ) -> KnowledgeBase:
        started = time.perf_counter()
        if tokenized is None:
            tokenized = [text.terms(c.text) for c in corpus.chunks]
        index = Index.build(tokenized, params)
        return cls(corpus, index, time.perf_counter() - started)

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self.corpus.chunks

    @cached_property
    def surface_words(self) -> dict[str, tuple[str, ...]]:
        """Every word form in the corpus (normalised) -> its index terms; for typo matching."""
        words: dict[str, tuple[str, ...]] = {}
        for chunk in self.corpus.chunks:
            for match in text.tokenize(chunk.text):
                word, terms = text.word_terms(match.group())
                if terms and word.isalpha() and len(word) >= 4:
                    words.setdefault(word, terms)
        return words

    @cached_property
    def _surface_list(self) -> list[str]:
        return list(self.surface_words)


def read_query(question: str, kb: KnowledgeBase) -> Query:
    """Turn a question into index terms, trying English, plurals, synonyms and typos in turn."""
    tokens = text.analyze(question[:MAX_QUESTION_CHARS], question=True)
    found: list[QueryTerm] = []
    missing: list[str] = []
    for token in tokens:
        if not token.terms:
            continue
        for term in token.terms:
            if term in kb.index:
                found.append(QueryTerm(term, token.word, 1.0))
                continue
            alternatives = _second_look(token.word, term, kb)
            if alternatives:
                found.extend(alternatives)
            else:
                missing.append(term)
    return Query(question, tuple(_dedupe(found)), tuple(dict.fromkeys(missing)))


def _dedupe(terms: Iterable[QueryTerm]) -> list[QueryTerm]:
    best: dict[str, QueryTerm] = {}
    for qt in terms:
        if qt.term not in best or qt.weight > best[qt.term].weight:
            best[qt.term] = qt
    return list(best.values())


def _second_look(word: str, term: str, kb: KnowledgeBase) -> list[QueryTerm]:
    english = _english(word)
    if english:
        terms = [t for t in text.word_terms(english)[1] if t in kb.index]
        if terms:
            return [QueryTerm(t, word, ENGLISH_WEIGHT, "english") for t in terms]
    if word.endswith("s") and len(word) > 3:
        singular = text.word_terms(word[:-1])[1]
        if singular and all(t in kb.index for t in singular):
            return [QueryTerm(t, word, PLURAL_WEIGHT, "plural") for t in singular]
    synonyms = _synonyms(term, kb)
    if synonyms:
        return [QueryTerm(t, word, SYNONYM_WEIGHT, "synonym") for t in synonyms]
    return _typo(word, kb)


def _english(word: str) -> str | None:
    if word in ENGLISH:
        return ENGLISH[word]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ed", ""), ("ed", "e")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in ENGLISH:
            return ENGLISH[word[: -len(suffix)] + repl]
    return None


def _synonyms(term: str, kb: KnowledgeBase) -> list[str]:
    out: list[str] = []
    for group in SYNONYM_GROUPS:
        if term in group:
            out.extend(t for t in sorted(group) if t != term and t in kb.index)
    return out


def _typo(word: str, kb: KnowledgeBase) -> list[QueryTerm]:
    """A misspelt word matches the closest corpus word, if it is close and not a real word."""
    if len(word) < 4 or not word.isalpha() or word in STOPWORDS:
        return []
    dictionary = text.dictionary_words()
    if word in dictionary or text.stem(word) in dictionary or word in ENGLISH:
        return []  # a real word that the corpus lacks is not a typo
    limit = 1 if len(word) <= 6 else 2
    matches = process.extract(
        word, kb._surface_list, scorer=OSA.distance, score_cutoff=limit, limit=8
    )
    if not matches:
        return []
    best = min(m[1] for m in matches)
    closest = [m[0] for m in matches if m[1] == best]
    # prefer words that share the first letter (typos rarely hit the first letter)
    closest.sort(key=lambda w: (w[0] != word[0], -len(kb.surface_words[w])))
    terms = kb.surface_words[closest[0]]
    return [QueryTerm(t, word, FUZZY_WEIGHT, "fuzzy") for t in terms if t in kb.index]


class Answerer:
    """Answers questions from one `KnowledgeBase`."""

    def __init__(self, kb: KnowledgeBase, top_k: int = 3, more_k: int = 6) -> None:
        self.kb = kb
        self.top_k = top_k
        self.more_k = more_k

    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        answer = self._ask(question)
        elapsed = (time.perf_counter() - started) * 1000
        return Answer(
            answer.question, answer.found, answer.passages, answer.reason, answer.more, elapsed
        )

    def _ask(self, question: str) -> Answer:
        if not question.strip() or not text.TOKEN_RE.search(question):
            return Answer(question, False, (), "empty")
        query = read_query(question, self.kb)
        if not query.terms:
            return Answer(question, False, (), "no_match" if query.missing else "empty")
        ranked = self.rank(query)
        if not ranked or ranked[0].coverage <= FOUND_COVERAGE:
            return Answer(question, False, (), "weak_match")
        top = ranked[0]
        relevant = [top] + [
            c
            for c in ranked[1:]
            if c.coverage > FOUND_COVERAGE * SECONDARY_COVERAGE
            and c.score >= SECONDARY_SCORE * top.score
        ]
        passages = [self._passage(c, query) for c in relevant[: self.top_k + self.more_k]]
        return Answer(
            question, True, tuple(passages[: self.top_k]), "", tuple(passages[self.top_k :])
        )

    def rank(self, query: Query, depth: int = 30) -> list[Candidate]:
        """Candidate windows, best first, without overlaps."""
        index, chunks = self.kb.index, self.kb.chunks
        weighted = [(qt.term, qt.weight) for qt in query.terms]
        scores = index.scores(weighted)
        hits = index.search(weighted, k=depth)
        total = _importance(query, index)
        candidates = []
        for hit in hits:
            window = self._window(hit.chunk, query)
            matched = set().union(*(self._terms_of(i) for i in window))
            coverage = _coverage(query, matched, index) / total if total else 0.0
            neighbours = sum(scores[i] for i in window if i != hit.chunk)
            neighbour_best = max((scores[j] for j in _neighbours(hit.chunk, chunks)), default=0.0)
            score = (
                hit.score
                + NEIGHBOUR_WEIGHT * max(neighbours, neighbour_best)
                + COVERAGE_WEIGHT * coverage * index.max_idf
                + PROXIMITY_WEIGHT
                * _proximity(query, _chunk_sequence(chunks[hit.chunk].text), index)
            )
            candidates.append(Candidate(hit.chunk, tuple(window), score, coverage))
        candidates.sort(key=lambda c: (-c.score, c.chunk))
        chosen: list[Candidate] = []
        used: set[int] = set()
        for cand in candidates:
            if cand.chunk in used:
                continue
            kept = tuple(i for i in cand.window if i not in used)
            chosen.append(Candidate(cand.chunk, kept, cand.score, cand.coverage))
            used.update(kept)
        return chosen

    def _terms_of(self, chunk_id: int) -> frozenset[str]:
        return _chunk_terms(self.kb.chunks[chunk_id].text)

    def _window(self, chunk_id: int, query: Query) -> list[int]:
        """The sentence, plus a neighbour in its paragraph that adds query terms or a referent."""
        chunks = self.kb.chunks
        own = self._terms_of(chunk_id)
        wanted = {qt.term for qt in query.terms}
        window = [chunk_id]
        for j in _neighbours(chunk_id, chunks):
            adds = (self._terms_of(j) & wanted) - own
            refers = j == chunk_id - 1 and _ANAPHORA.match(chunks[chunk_id].text)
            if adds or refers:
                window.append(j)
        return sorted(window)

    def _passage(self, cand: Candidate, query: Query) -> Passage:
        chunks = self.kb.chunks
        best = chunks[cand.chunk]
        wanted = {qt.term for qt in query.terms}
        passage_text, spans = trim(" ".join(chunks[i].text for i in cand.window), wanted)
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
            chunk_ids=cand.window,
        )


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


@dataclass(frozen=True)
class Candidate:
    chunk: int
    window: tuple[int, ...]
    score: float
    coverage: float


def _neighbours(chunk_id: int, chunks: Sequence[Chunk]) -> list[int]:
    me = chunks[chunk_id]
    out = []
    for j in (chunk_id - 1, chunk_id + 1):
        if 0 <= j < len(chunks) and chunks[j].doc == me.doc and chunks[j].paragraph == me.paragraph:
            out.append(j)
    return out


@lru_cache(maxsize=50_000)
def _chunk_sequence(sentence: str) -> tuple[str, ...]:
    return tuple(text.terms(sentence))


def _chunk_terms(sentence: str) -> frozenset[str]:
    return frozenset(_chunk_sequence(sentence))


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
    found = sum(_word_weight(terms, None, index) for terms in _by_word(query))
    return found + len(query.missing) * index.max_idf


def _coverage(query: Query, matched: set[str], index: Index) -> float:
    """How much of that weight the matched terms carry."""
    return sum(_word_weight(terms, matched, index) for terms in _by_word(query))


def _word_weight(terms: list[QueryTerm], matched: set[str] | None, index: Index) -> float:
    """A word's exact terms add up; its alternatives (synonyms, typos) count once, the best."""
    values = [
        qt.weight * max(index.idf(qt.term), 0.0)
        for qt in terms
        if matched is None or qt.term in matched
    ]
    if not values:
        return 0.0
    return sum(values) if terms[0].how == "exact" else max(values)


def _by_word(query: Query) -> list[list[QueryTerm]]:
    """The question's terms grouped by the word they came from."""
    groups: dict[str, list[QueryTerm]] = {}
    for qt in query.terms:
        groups.setdefault(qt.word, []).append(qt)
    return list(groups.values())
