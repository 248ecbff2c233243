"""A question against one corpus: from a `Reading` to the index terms it asks about.

Each question word is looked up in the index as written; a word the corpus lacks gets a second
look (English, plural, synonym, affixes the stemmer missed, typo) before it counts as missing.
Synonyms come from the thesaurus and from the hand groups, English from FreeDict's dictionary and
from the hand glossary; each kind of link weighs its own, below a word found as written, and
names and numbers are never expanded.
The message itself was read once at the door (`bot.reading.read`); this room only looks its
words up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.reading import lexicon, text
from bot.reading.lexicon import (
    CHAT_WORDS,
    COLLOQUIAL,
    ENGLISH,
    QUESTION_FRAMES,
    SLANG,
    STOPWORDS,
    SYNONYM_GROUPS,
)
from bot.reading.message import Reading
from bot.search import tuning
from bot.search.snapshot import Snapshot
from bot.search.tuning import FUZZY_WEIGHT, PLURAL_WEIGHT, ROOT_WEIGHT

# How a term was found: as written (chat Indonesian read as the standard word first), as part
# of a name, from English, as a plural, a synonym of a missing word, a root the stemmer missed,
# a typo's closest word, or "related": a synonym looked for beside a word the corpus has
# (never highlighted)
How = Literal["exact", "name", "english", "plural", "synonym", "root", "fuzzy", "related"]


@dataclass(frozen=True)
class QueryTerm:
    """One index term looked for, the question word it came from, and how much it counts."""

    term: str
    word: str
    weight: float
    how: How = "exact"


@dataclass(frozen=True)
class Query:
    """A question read against one index: the terms found, and the words that were not.

    `missing` are real words (Indonesian, English or chat Indonesian) that the corpus does not
    have: a sign the question is about something else. `unknown` are words the reader could
    not place at all (a name the corpus lacks, a typo too far from any corpus word).
    """

    question: str  # as read: links, mentions and markup taken out
    terms: tuple[QueryTerm, ...]
    missing: tuple[str, ...]
    words: frozenset[str] = frozenset()  # every word of the question, normalised
    unknown: tuple[str, ...] = ()
    missing_names: int = 0  # capitalised words (names) among the missing and unknown ones
    focus_missing: bool = False  # the word next to the question word is missing or unknown
    missing_numbers: int = 0  # numbers and years the corpus does not have ("... tahun 2023")
    missing_bare: int = 0  # missing real words written as bare roots ("gaji", "cuaca")


def resolve(reading: Reading, kb: Snapshot) -> Query:
    """The question's words as index terms, trying chat Indonesian, English, plurals, synonyms,
    affixes and typos in turn for a word the corpus lacks."""
    question, tokens = reading.question, reading.tokens
    found: list[QueryTerm] = []
    misses: list[tuple[text.Token, str, bool]] = []  # (word, term, a real word?) not found
    names = reading.names
    for token in tokens:
        word = token.phrase or token.word
        if not token.terms or word in QUESTION_FRAMES or word in CHAT_WORDS:
            continue
        if token.start in reading.frames:
            continue
        name = names.get(token.start)
        if name is None and not all(t in kb.index for t in token.terms):
            colloquial = _colloquial(word, kb)
            if colloquial is not None:  # chat Indonesian: read as the standard word(s)
                word = colloquial[0]
                token = text.Token(token.start, token.end, word, colloquial[1])
                if not token.terms:
                    continue  # a function word ("brapa" -> "berapa")
        # a capitalised word inside the question is a name: never expanded (nor is a number:
        # the thesaurus is looked up for words of letters only)
        proper = name is not None or (token.start > 0 and question[token.start].isupper())
        for term in token.terms:
            if term in kb.index:
                if name is None:
                    found.append(QueryTerm(term, word, 1.0))
                    if not proper:
                        found.extend(_related(word, term, kb))
                    if reading.english:  # "ferry" may be in a name ("ASDP Indonesia Ferry") too
                        found.extend(_english_terms(word, kb))
                else:  # one concept: counts once in the found decision
                    found.append(QueryTerm(term, name, 1.0, "name"))
                continue
            alternatives = _second_look(word, term, kb, proper=proper)
            if alternatives:
                found.extend(alternatives)
            else:
                misses.append((token, term, _is_real_word(word, term)))
    focus = reading.focus
    return Query(
        question,
        tuple(_dedupe(found)),
        missing=tuple(dict.fromkeys(term for _, term, real in misses if real)),
        words=frozenset(t.phrase or t.word for t in tokens),
        unknown=tuple(dict.fromkeys(term for _, term, real in misses if not real)),
        missing_names=sum(tok.start > 0 and question[tok.start].isupper() for tok, _, _ in misses),
        focus_missing=any(tok.start == focus for tok, _, _ in misses),
        missing_numbers=sum(term[:1].isdigit() for _, term, _ in misses),
        missing_bare=sum(real and (tok.phrase or tok.word) == term for tok, term, real in misses),
    )


def _is_real_word(word: str, term: str) -> bool:
    """Is this a word of the language (not a name or a typo)?"""
    dictionary = text.dictionary_words()
    return word in dictionary or term in dictionary or _english(word) is not None


# Colloquial verb forms: nge-/ny-/ng- prefixes and the -in suffix ("nyuruh", "ngerjain",
# "diumumin", "dibenerin"), each with the standard letters they stand for.
_COLLOQUIAL_PREFIXES = (
    ("nge", ("", "ke", "pe")),
    ("ny", ("s", "c")),
    ("ng", ("k", "")),
    ("n", ("t",)),
    ("m", ("p",)),
    ("di", ("di",)),
    ("ke", ("ke",)),
    ("", ("",)),
)
_COLLOQUIAL_SUFFIXES = (("in", ("kan", "i", "")), ("", ("",)))


def _colloquial(word: str, kb: Snapshot) -> tuple[str, tuple[str, ...]] | None:
    """A chat-Indonesian word read as the standard word and its terms, if it is one: from the
    colloquial lexicon, with letters no longer drawn out ("kapaaan"), or by its colloquial
    affixes ("diumumin" -> "diumumkan"). None when the word is not chat Indonesian."""
    forms = [word]
    if text.ELONGATED.search(word):
        forms += [text.ELONGATED.sub(r"\1\1", word), text.ELONGATED.sub(r"\1", word)]
    for form in forms:
        standard = COLLOQUIAL.get(form) or SLANG.get(form)
        if standard is None and form != word and (form in kb.surface_words or _real(form)):
            standard = form
        if standard is not None:
            terms = tuple(t for w in standard.split() for t in text.word_terms(w)[1])
            return standard, terms
    if not word.isalpha() or len(word) < 5 or _real(word):
        return None
    for prefix, restores in _COLLOQUIAL_PREFIXES:
        if not word.startswith(prefix):
            continue
        for suffix, replacements in _COLLOQUIAL_SUFFIXES:
            if not word.endswith(suffix) or (not prefix and not suffix):
                continue
            core = word[len(prefix) : len(word) - len(suffix)]
            if len(core) < 3:
                continue
            for restore in restores:
                for replacement in replacements:
                    candidate = restore + core + replacement
                    terms = text.word_terms(candidate)[1]
                    if terms and all(t in kb.index for t in terms):
                        return candidate, terms
    return None


def _real(word: str) -> bool:
    return word in text.dictionary_words() or word in STOPWORDS


def _dedupe(terms: Iterable[QueryTerm]) -> list[QueryTerm]:
    best: dict[str, QueryTerm] = {}
    for qt in terms:
        if qt.term not in best or qt.weight > best[qt.term].weight:
            best[qt.term] = qt
    return list(best.values())


def _english_terms(word: str, kb: Snapshot, *, proper: bool = False) -> list[QueryTerm]:
    """The corpus terms an English word stands for: its Indonesian words read as terms, from
    the hand glossary or else FreeDict's dictionary, weighed by their source; when none of them
    is in the corpus, their thesaurus synonyms that are (weighed by both links; never for a
    name: "Japan" is read as "Jepang" and no further)."""
    meanings = _translations(word)
    found = [
        QueryTerm(t, word, weight, "english")
        for meaning, weight in meanings
        for w in meaning.split()
        for t in text.word_terms(w)[1]
        if t in kb.index
    ]
    if found or proper:
        return _dedupe(found)
    return _dedupe(
        QueryTerm(t, word, weight * w, "english")
        for meaning, weight in meanings
        for t, w in _thesaurus_terms(meaning, "", kb, tuning.THESAURUS_WEIGHT)
    )


def _translations(word: str) -> list[tuple[str, float]]:
    """The Indonesian words an English word stands for, each with the weight of its source."""
    out = [(m, tuning.ENGLISH_WEIGHT) for m in _english(word) or ()]
    if tuning.DICTIONARY_WEIGHT > 0 and not out:  # the glossary's senses are the news ones
        out += [(m, tuning.DICTIONARY_WEIGHT) for m in _dictionary(word)]
    return out


def _second_look(word: str, term: str, kb: Snapshot, *, proper: bool = False) -> list[QueryTerm]:
    english = _english_terms(word, kb, proper=proper)
    if english:
        return english
    if word.endswith("s") and len(word) > 3:
        singular = text.word_terms(word[:-1])[1]
        if singular and all(t in kb.index for t in singular):
            return [QueryTerm(t, word, PLURAL_WEIGHT, "plural") for t in singular]
    if not proper:
        hand = [(t, tuning.SYNONYM_WEIGHT) for t in _synonyms(term, kb)]
        listed = _thesaurus_terms(word, term, kb, tuning.THESAURUS_WEIGHT)
        synonyms = _dedupe(QueryTerm(t, word, w, "synonym") for t, w in hand + listed)
        if synonyms:
            return synonyms
    root = _root(word, kb)
    if root:
        return [QueryTerm(root, word, ROOT_WEIGHT, "root")]
    return _typo(word, kb)


_PREFIXES = ("", *"di ke se ber ter me mem men meng pe pem pen per".split())
_SUFFIXES = ("", "i", "an", "kan", "nya")


def _root(word: str, kb: Snapshot) -> str | None:
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


_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ing", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", "e"),
)


def _english(word: str) -> tuple[str, ...] | None:
    """The Indonesian words an English word stands for (regular inflections folded)."""
    if word in ENGLISH:
        return ENGLISH[word]
    for suffix, repl in _INFLECTIONS:
        if word.endswith(suffix) and word[: -len(suffix)] + repl in ENGLISH:
            return ENGLISH[word[: -len(suffix)] + repl]
    return None


@lru_cache(maxsize=1)
def _synonym_terms() -> dict[str, tuple[str, ...]]:
    """Each index term of a synonym group's words -> the terms of the group's other words."""
    table: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        terms = list(dict.fromkeys(t for w in sorted(group) for t in text.word_terms(w)[1]))
        for term in terms:
            table.setdefault(term, []).extend(t for t in terms if t != term)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def _synonyms(term: str, kb: Snapshot) -> list[str]:
    return [t for t in _synonym_terms().get(term, ()) if t in kb.index]


def _related(word: str, term: str, kb: Snapshot) -> list[QueryTerm]:
    """Synonyms looked for beside a word the corpus has too (weighed low, never highlighted)."""
    related = [
        QueryTerm(t, word, tuning.PRESENT_SYNONYM_WEIGHT, "related") for t in _synonyms(term, kb)
    ]
    related += [
        QueryTerm(t, word, w, "related")
        for t, w in _thesaurus_terms(word, term, kb, tuning.PRESENT_THESAURUS_WEIGHT)
    ]
    return _dedupe(related)


def _thesaurus_terms(word: str, term: str, kb: Snapshot, weight: float) -> list[tuple[str, float]]:
    """The corpus terms of a word's direct synonyms in the thesaurus (the word as written, else
    its root), each with its weight: a synonym of a few words shares it among them."""
    if weight <= 0 or not word.replace(" ", "").isalpha():
        return []
    table = lexicon.thesaurus()
    synonyms = table.linked(word) or (table.linked(term) if term and term != word else ())
    linked: dict[str, float] = {}
    for synonym in synonyms:
        terms = _as_written(synonym, kb)
        for t in terms:
            if t != term and t not in STOPWORDS:
                linked[t] = max(linked.get(t, 0.0), 1.0 / len(terms))
    # one word's weight shared among its synonyms: a word of many senses ("kota" -> "negeri",
    # "tingkat", ...) does not outweigh the question's other words
    return [(t, weight * share / len(linked)) for t, share in linked.items()]


def _as_written(words: str, kb: Snapshot) -> tuple[str, ...]:
    """The terms of a synonym whose every word the corpus has as written, or is a root word the
    index holds; () otherwise. Its root alone is not enough: a derived synonym's root is often
    a common word of another sense ("penghasilan" -> "hasil"). Known words need no stemming."""
    terms: list[str] = []
    for word in words.split():
        known = kb.surface_words.get(word)
        if known is None:
            if word not in kb.index or text.stem(word) != word:
                return ()
            known = (word,)
        terms.extend(known)
    return tuple(terms)


def _dictionary(word: str) -> tuple[str, ...]:
    """FreeDict's translations of an English word (regular inflections folded)."""
    table = lexicon.dictionary()
    found = table.linked(word)
    if found:
        return found
    for suffix, repl in _INFLECTIONS:
        if word.endswith(suffix):
            found = table.linked(word[: -len(suffix)] + repl)
            if found:
                return found
    return ()


def _typo(word: str, kb: Snapshot) -> list[QueryTerm]:
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


def focus_terms(reading: Reading, query: Query) -> frozenset[str]:
    """The terms of the word the question asks about ("Berapa *gaji* ...", "nama *bandara*")."""
    token = next((t for t in reading.tokens if t.start == reading.focus), None)
    if token is None:
        return frozenset()
    words = {token.phrase or token.word, token.word}
    return frozenset(qt.term for qt in query.terms if qt.word in words or qt.term in token.terms)
