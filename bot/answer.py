"""From a question to an `Answer`: query terms, hits, context windows, highlights, found or not.

Plain synchronous code over an immutable `KnowledgeBase` (corpus + index), so it is safe to share
between concurrent questions and cheap to swap on reload.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot import text
from bot.index import Index
from bot.knowledge import KnowledgeBase
from bot.lexicon import ENGLISH, QUESTION_FRAMES, STOPWORDS, SYNONYM_GROUPS

MAX_QUESTION_CHARS = 1000
RANK_DEPTH = 12  # sentences re-ranked per question (measured: deeper changes nothing)
PASSAGE_LIMIT = 1500  # a longer quote is cut around its first highlighted word

# Weights of question terms found by a second look rather than as written.
ENGLISH_WEIGHT = 0.9
PLURAL_WEIGHT = 1.0
ROOT_WEIGHT = 1.0
FUZZY_WEIGHT = 0.8
SYNONYM_WEIGHT = 0.6

# Ranking and the found / not-found decision (measured on the dev questions and on FacQA train
# and valid; README "Quality").
FOUND_COVERAGE = 0.35
# A question word found nowhere in the corpus weighs more than its rarest word: it is the
# surest sign that the question is about something else.
MISSING_WEIGHT = 2.0
FOUND_DEPTH = 3  # the found decision looks at this many best candidates
PARAGRAPH_REACH = 6  # sentences either side that count as the candidate's paragraph
# A sentence's score, in units of the corpus's highest idf: its BM25 score (with half that of
# the sentence it refers back to) counts fully up to a knee and little beyond it. Past the knee
# a sentence already holds the question's words; what then tells the answer apart is whether
# its paragraph covers the whole question and whether it holds the kind of answer asked for.
LEXICAL_KNEE = 2.25
LEXICAL_TAIL = 0.05  # what BM25 above the knee still counts (and breaks ties)
ANAPHORA_WEIGHT = 0.5
PARAGRAPH_WEIGHT = 2.5
PROXIMITY_WEIGHT = 0.25
CUE_WEIGHT = 1.5
CUE_REACH = 4  # the cue word must stand this close to a question word (0: anywhere)
EXPANSION_DEPTH = 5  # sentences spelling out a short form added to the candidates
EXPANSION_SCAN = 2000  # a term in more sentences than this is not looked through
# Passages after the first are shown only when they are still about the question.
SECONDARY_COVERAGE = 0.5
SECONDARY_SCORE = 0.25

_ANAPHORA = re.compile(
    r"^(?:mereka|dia|ia|beliau|hal (?:ini|itu|tersebut)|ini|itu|tersebut|namun|selain itu"
    r"|oleh karena itu|karena itu|sebelumnya|keduanya|they|he|she|it|this|that)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryTerm:
    """One index term looked for, the question word it came from, and how much it counts."""

    term: str
    word: str
    weight: float
    how: str = "exact"  # exact | name | english | plural | synonym | root | fuzzy


@dataclass(frozen=True)
class Query:
    """A question read against one index: the terms found, the content words that were not."""

    question: str
    terms: tuple[QueryTerm, ...]
    missing: tuple[str, ...]
    words: frozenset[str] = frozenset()  # every word of the question, normalised


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
    chunk_ids: tuple[int, ...]  # the sentences quoted
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
    reason: str = ""  # for a not-found: "empty" | "no_match" | "weak_match"
    more: tuple[Passage, ...] = ()  # further passages, for a "more" button
    elapsed_ms: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "found": self.found,
            "passages": [p.as_dict() for p in self.passages],
        }


def read_query(question: str, kb: KnowledgeBase) -> Query:
    """Turn a question into index terms, trying English, plurals, synonyms and typos in turn."""
    question = question[:MAX_QUESTION_CHARS]
    tokens = text.analyze(question, question=True)
    found: list[QueryTerm] = []
    missing: list[str] = []
    names = _name_groups(question, tokens)
    for token in tokens:
        if not token.terms or token.word in QUESTION_FRAMES:
            continue
        name = names.get(token.start)
        for term in token.terms:
            if term in kb.index:
                if name is None:
                    found.append(QueryTerm(term, token.word, 1.0))
                else:  # one concept: counts once in the found decision
                    found.append(QueryTerm(term, name, 1.0, "name"))
                continue
            alternatives = _second_look(token.word, term, kb)
            if alternatives:
                found.extend(alternatives)
            else:
                missing.append(term)
    return Query(
        question,
        tuple(_dedupe(found)),
        tuple(dict.fromkeys(missing)),
        frozenset(t.word for t in tokens),
    )


def _name_groups(question: str, tokens: Sequence[text.Token]) -> dict[int, str]:
    """Capitalised words written next to each other ("Afrika Selatan", "Vladimir Putin") name
    one thing; maps each such word's start offset to the name."""
    groups: dict[int, str] = {}
    run: list[text.Token] = []

    def close_run() -> None:
        if len(run) > 1:
            name = " ".join(t.word for t in run)
            groups.update({t.start: name for t in run})

    for token in tokens:
        capital = bool(token.terms) and question[token.start].isupper()
        if capital and run and not question[run[-1].end : token.start].strip():
            run.append(token)
            continue
        close_run()
        run = [token] if capital else []
    close_run()
    return groups


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
    root = _root(word, kb)
    if root:
        return [QueryTerm(root, word, ROOT_WEIGHT, "root")]
    return _typo(word, kb)


_PREFIXES = ("", *"di ke se ber ter me mem men meng pe pem pen per".split())
_SUFFIXES = ("", "i", "an", "kan", "nya")


def _root(word: str, kb: KnowledgeBase) -> str | None:
    """The longest corpus term left when common affixes are taken off a word the stemmer got
    wrong ("dikepalai" -> "kepala", where the stemmer says "palai")."""
    if len(word) < 6 or not word.isalpha():
        return None
    best: str | None = None
    for prefix in _PREFIXES:
        if not word.startswith(prefix):
            continue
        for suffix in _SUFFIXES:
            core = word[len(prefix) : len(word) - len(suffix)]
            if not word.endswith(suffix) or len(core) < 4 or core == word:
                continue
            if (
                core in kb.index
                and core not in STOPWORDS
                and (best is None or len(core) > len(best))
            ):
                best = core
    return best


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
    candidates = kb.words_starting_with(word[0])
    matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=8)
    if not matches:
        return []
    best = min(m[1] for m in matches)
    closest = [m[0] for m in matches if m[1] == best]
    closest.sort(key=lambda w: (-kb.index.document_frequency(kb.surface_words[w][0]), w))
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
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    def _ask(self, question: str) -> Answer:
        if not question.strip() or not text.TOKEN_RE.search(question):
            return Answer(question, False, (), "empty")
        query = read_query(question, self.kb)
        if not query.terms:
            return Answer(question, False, (), "no_match" if query.missing else "empty")
        ranked = self.rank(query)
        if not ranked or self.support(query, ranked[:FOUND_DEPTH]) <= FOUND_COVERAGE:
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

    def rank(self, query: Query, depth: int | None = None) -> list[Candidate]:
        """Candidate sentences (with their context window), best first, without repeats."""
        depth = depth or RANK_DEPTH
        index, chunks = self.kb.index, self.kb.chunks
        weighted = [(qt.term, qt.weight) for qt in query.terms]
        scores = index.scores(weighted)
        hits = [h.chunk for h in index.top(scores, weighted, depth)]
        cue = answer_cue(query.question)
        if cue == "expansion":  # where a short form is spelt out, however its words score
            hits += self._spelling_out(query)
        # a sentence that opens with "Mereka"/"Ia" continues the one before it
        followers = [h + 1 for h in hits if h + 1 < len(chunks) and self._continues(h + 1)]
        total = _importance(query, index)
        wanted = frozenset(qt.term for qt in query.terms)
        knee = LEXICAL_KNEE * index.max_idf
        candidates = []
        ids = list(dict.fromkeys(hits + followers))
        windows = [self._window(i) for i in ids]
        held = self._matched(query, [w[0] for w in windows], [w[-1] + 1 for w in windows])
        spans = [self.kb.paragraph_span(i, PARAGRAPH_REACH) for i in ids]
        around = self._matched(query, [s[0] for s in spans], [s[1] for s in spans])
        for chunk_id, window, matched, nearby in zip(ids, windows, held, around, strict=True):
            coverage = _coverage(query, matched, index) / total if total else 0.0
            paragraph = _coverage(query, nearby, index) / total if total else 0.0
            context = sum(float(scores[i]) for i in window if i != chunk_id)
            sentence = chunks[chunk_id].text
            lexical = float(scores[chunk_id]) + ANAPHORA_WEIGHT * context
            score = (
                min(lexical, knee)
                + LEXICAL_TAIL * max(lexical - knee, 0.0)
                + PARAGRAPH_WEIGHT * paragraph * index.max_idf
                + PROXIMITY_WEIGHT * _proximity(query, self._sequence(window), index)
                + CUE_WEIGHT * index.max_idf * has_cue(cue, sentence, query.words, wanted)
            )
            candidates.append(Candidate(chunk_id, tuple(window), score, coverage))
        candidates.sort(key=lambda c: (-c.score, c.chunk))
        chosen: list[Candidate] = []
        used: set[int] = set()
        quoted: set[str] = set()
        for cand in candidates:
            if cand.chunk in used:
                continue
            same = " ".join(chunks[cand.chunk].text.casefold().split())
            if same in quoted:  # the same sentence in another document: quoted once
                continue
            quoted.add(same)
            kept = tuple(i for i in cand.window if i not in used or i == cand.chunk)
            chosen.append(Candidate(cand.chunk, kept, cand.score, cand.coverage))
            used.update(kept)
        return chosen

    def _spelling_out(self, query: Query, limit: int = EXPANSION_DEPTH) -> list[int]:
        """Sentences that spell out one of the question's short forms ("... (LIPI)")."""
        found: list[int] = []
        for qt in query.terms:
            postings = self.kb.index.postings(qt.term)
            if len(postings) > EXPANSION_SCAN:
                continue  # a common word, not a short form
            found.extend(
                int(i) for i in postings if _spelt_out(qt.term, self.kb.chunks[int(i)].text)
            )
        return found[:limit]

    def support(self, query: Query, candidates: Sequence[Candidate]) -> float:
        """How much of the question the best candidate's paragraph covers (0..1).

        A question is answered from a paragraph, not only from one sentence: its words may be
        spread over the sentences around the answer.
        """
        index = self.kb.index
        total = _importance(query, index)
        if not total:
            return 0.0
        spans = [self.kb.paragraph_span(c.chunk, PARAGRAPH_REACH) for c in candidates]
        held = self._matched(query, [s[0] for s in spans], [s[1] for s in spans])
        return max((_coverage(query, m, index) / total for m in held), default=0.0)

    def _matched(self, query: Query, lo: Sequence[int], hi: Sequence[int]) -> list[set[str]]:
        """For each range of sentence ids [lo, hi): the query terms it holds (from postings)."""
        index = self.kb.index
        lo_arr, hi_arr = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        matched: list[set[str]] = [set() for _ in lo]
        for term in {qt.term for qt in query.terms}:
            for i in np.flatnonzero(index.holds(term, lo_arr, hi_arr)):
                matched[i].add(term)
        return matched

    def _sequence(self, window: Sequence[int]) -> tuple[str, ...]:
        chunks = self.kb.chunks
        if len(window) == 1:
            return _chunk_sequence(chunks[window[0]].text)
        return tuple(t for i in window for t in _chunk_sequence(chunks[i].text))

    def _continues(self, chunk_id: int) -> bool:
        """Does this sentence lean on the one before it (same paragraph, opens with a pronoun)?"""
        chunks = self.kb.chunks
        me = chunks[chunk_id]
        if me.position == 0 or chunk_id == 0:
            return False
        return bool(_ANAPHORA.match(me.text))

    def _window(self, chunk_id: int) -> list[int]:
        """The sentence, preceded by the sentence it refers back to, if any."""
        return [chunk_id - 1, chunk_id] if self._continues(chunk_id) else [chunk_id]

    def _passage(self, cand: Candidate, query: Query) -> Passage:
        chunks = self.kb.chunks
        best = chunks[cand.chunk]
        wanted = {qt.term for qt in query.terms}
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
            chunk_ids=cand.window,
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
            for t in _tokens(sentence)
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


_TIME_WORDS = frozenset(
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "jan feb mar apr jun jul agu ags sep sept okt nov des senin selasa rabu kamis jumat sabtu "
    "minggu pukul tanggal kemarin besok lusa pagi siang sore malam abad dekade tahun bulan "
    "pekan".split()
)
_NUMBER_WORDS = frozenset(
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus "
    "ribu juta miliar milyar triliun setengah seratus seribu sejuta puluhan ratusan ribuan "
    "jutaan persen".split()
)
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


_REASON_WORDS = frozenset("karena sebab akibat disebabkan lantaran penyebab agar supaya".split())
_DATE = re.compile(r"\b\d{1,2}\s?/\s?\d{1,2}\b")


# "Partai apa ...", "Badan apakah ...": things whose answer is a proper name
_NAMED_KIND = re.compile(
    r"\b(badan|perusahaan|partai|organisasi|lembaga|departemen|kementerian|penghargaan|kelompok"
    r"|film|universitas|negara|kejuaraan|dinas|kota|asosiasi|yayasan|provinsi|kabupaten|balai"
    r"|bank|komisi|dewan|klub|tim|pulau|fraksi|divisi|bandara|kapal|satelit|maskapai|majalah"
    r"|koran|harian|stasiun|televisi|festival|ajang|turnamen|liga|lagu|album|buku|judul|program"
    r"|proyek|operasi|gunung|sungai|danau|selat|teluk|benua|institusi|instansi|sekolah|hotel"
    r"|gedung|jalan|desa|kecamatan|wilayah|daerah|suku|bahasa|merek|perjanjian) (apa|apakah)\b"
)


def answer_cue(question: str) -> str | None:
    """What kind of answer the question word asks for: a short form spelt out, time, number,
    name or reason."""
    q = " " + text.normalize(question) + " "
    if re.search(r"\b(kepanjangan\w*|singkatan\w*|akronim|nama lengkap|stands? for)\b", q):
        return "expansion"
    if re.search(
        r"\b(kapan|bilamana|kapankah|when)\b|what year"
        r"|\b(tahun|tanggal|bulan|hari|pukul|jam|abad) (berapa|berapakah|apa|apakah)\b",
        q,
    ):
        return "time"
    if re.search(r"\b(berapa|berapakah|keberapa|keberapakah|brp|how many|how much)\b", q):
        return "number"
    if re.search(
        r"\b(siapa|siapakah|who|whom|di ?mana|dimanakah|ke ?mana(kah)?|mana|manakah"
        r"|where|nama)\b",
        q,
    ) or _NAMED_KIND.search(q):
        return "name"
    if re.search(r"\b(mengapa|kenapa|knp|why)\b", q):
        return "reason"
    return None


def has_cue(
    cue: str | None, sentence: str, asked: frozenset[str], wanted: frozenset[str] = frozenset()
) -> bool:
    """Does the sentence hold a word of the wanted kind that the question does not already have
    (near one of the question's words, when `wanted` terms are given and CUE_REACH is set)?"""
    if cue is None:
        return False
    if cue == "time" and _DATE.search(sentence):
        return True
    if cue == "expansion":  # "Lembaga Ilmu Pengetahuan Indonesia (LIPI)", "LIPI (Lembaga ...)"
        return any(_spelt_out(term, sentence) for term in wanted)
    tokens = _tokens(sentence)
    near = [i for i, tk in enumerate(tokens) if wanted.intersection(tk.terms)] if wanted else []
    for i, token in enumerate(tokens):
        word = token.word
        if word in asked:
            continue
        if CUE_REACH and near and min(abs(i - j) for j in near) > CUE_REACH:
            continue
        if cue == "time" and (word in _TIME_WORDS or _YEAR.match(word)):
            return True
        if cue == "number" and (word[:1].isdigit() or word in _NUMBER_WORDS):
            return True
        if cue == "reason" and word in _REASON_WORDS:
            return True
        if cue == "name" and i > 0 and sentence[token.start].isupper() and word not in STOPWORDS:
            return True
    return False


@lru_cache(maxsize=1024)
def _expansion_re(term: str) -> re.Pattern[str]:
    t = re.escape(term)
    return re.compile(rf"\(\s*{t}s?\s*[)/,]|\b{t}s?\s*\(\s*[^\W\d_]", re.IGNORECASE)


def _spelt_out(term: str, sentence: str) -> bool:
    """Does the sentence spell out the short form `term` beside it, in brackets?"""
    return term.lower() in sentence.lower() and bool(_expansion_re(term).search(sentence))


@dataclass(frozen=True)
class Candidate:
    chunk: int
    window: tuple[int, ...]
    score: float
    coverage: float


@lru_cache(maxsize=20_000)
def _tokens(sentence: str) -> tuple[text.Token, ...]:
    return tuple(text.analyze(sentence))


@lru_cache(maxsize=20_000)
def _chunk_sequence(sentence: str) -> tuple[str, ...]:
    return tuple(t for token in _tokens(sentence) for t in token.terms)


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
    return found + len(query.missing) * MISSING_WEIGHT * index.max_idf


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
    return sum(values) if terms[0].how == "exact" else max(values)  # a name or alternatives


def _by_word(query: Query) -> list[list[QueryTerm]]:
    """The question's terms grouped by the word they came from."""
    groups: dict[str, list[QueryTerm]] = {}
    for qt in query.terms:
        groups.setdefault(qt.word, []).append(qt)
    return list(groups.values())
