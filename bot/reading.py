"""Reading a question: from what a user typed to the index terms it asks about.

Each question word is looked up in the index as written; a word the corpus lacks gets a second
look (English, plural, synonym, affixes the stemmer missed, typo) before it counts as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot import text
from bot.knowledge import KnowledgeBase
from bot.lexicon import ENGLISH, QUESTION_FRAMES, STOPWORDS, SYNONYM_GROUPS

MAX_QUESTION_CHARS = 1000

# Weights of question terms found by a second look rather than as written.
ENGLISH_WEIGHT = 0.9
PLURAL_WEIGHT = 1.0
ROOT_WEIGHT = 1.0
FUZZY_WEIGHT = 0.8
SYNONYM_WEIGHT = 0.6


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
