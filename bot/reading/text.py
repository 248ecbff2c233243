"""Normalising and tokenizing Indonesian text into index terms.

One `analyze()` serves documents and questions alike, so both sides meet on the same terms:
Unicode NFKC, stray accents and zero-width characters removed, case folded, informal spellings
expanded (`yg` -> `yang`), stopwords (including question words) dropped, acronyms kept whole with
their plural folded (`LLMs` -> `llm`), reduplication folded (`negara-negara` -> `negara`),
numbers and years kept, and the rest stemmed with Sastrawi (prefixes, suffixes, `-nya/-lah/-kah`).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import Sastrawi
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from bot.reading.lexicon import CURRENCY_SIGNS, PHRASES, SLANG, SPELLING, STOPWORDS, UNSTEMMED

_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_MARKS += "\u0900-\u0903\u093a-\u094f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u20d0-\u20ff\ufe20-\ufe2f"
_INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff"
_CH = rf"(?:[^\W_]|[{_MARKS}{_INVISIBLE}])"
TOKEN_RE = re.compile(
    r"[$€£¥]|(?i:rp)(?=\d)"  # currency signs read as words: $136 -> dolar 136, Rp5 -> rupiah 5
    r"|(?:[^\W\d_]\.){2,}"  # dotted acronyms: A.S., U.S.A.
    r"|\d+(?:[.,]\d+)+"  # numbers with separators: 11,5  1.000.000
    rf"|{_CH}+(?:[-'’]{_CH}+)*"  # words, with hyphens (negara-negara) and apostrophes
)
_INVISIBLE_RE = re.compile(rf"[{_INVISIBLE}]")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]+s?")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")
_STANDARD = {**SPELLING, **SLANG}  # how a word is written -> the standard word(s)
_RESPELT = {k: v for k, v in SPELLING.items() if " " not in v}  # for stems ("penasehat")
_PHRASE_FIRST = frozenset(k[0] for k in PHRASES)
# words that may start a phrase, as written or as an informal spelling of its first word
_PHRASE_START = _PHRASE_FIRST | {k for k, v in _STANDARD.items() if v in _PHRASE_FIRST}


class Token(NamedTuple):
    """A word of the text: where it stands, its normalised form and its index terms; in a
    question, the last word of a phrase that means one thing also names the phrase."""

    start: int
    end: int
    word: str
    terms: tuple[str, ...]
    phrase: str = ""  # "kecerdasan buatan", on the token of "buatan", whose terms are the phrase's


def normalize(text: str) -> str:
    """NFKC, no invisible characters, no accents, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE_RE.sub("", text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
        )
    return text.casefold()


@lru_cache(maxsize=1)
def _stemmer() -> object:
    # Sastrawi's own `create_stemmer()` wraps this in an unbounded result cache; the bounded
    # memo below takes its place.
    return Stemmer(ArrayDictionary(sorted(dictionary_words())))


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words."""
    return frozenset(w for w in StemmerFactory().get_words() if w)


# Clitics and particles that stay on words Sastrawi does not know ("komputasinya")
CLITICS = ("nya", "lah", "kah", "tah", "pun", "ku", "mu")
# Letters drawn out in chat ("kapaaan", "makasihhh")
ELONGATED = re.compile(r"([^\W\d_])\1{2,}")

_STEMS: dict[str, str] = {}  # memo: the vocabulary repeats, and Sastrawi is slow
STEM_MEMO_LIMIT = 60_000  # bounded: questions bring new words forever


def stem(word: str) -> str:
    """Sastrawi stem of one normalised word."""
    known = _STEMS.get(word)
    if known is not None:
        return known
    result = _stem(word)
    if len(_STEMS) >= STEM_MEMO_LIMIT:
        for old in list(itertools.islice(_STEMS, STEM_MEMO_LIMIT // 2)):
            del _STEMS[old]  # the oldest half (dicts keep insertion order)
    _STEMS[word] = result
    return result


def _stem(word: str) -> str:
    if len(word) < 4 or not word.isalpha() or word in UNSTEMMED:
        return word
    result: str = _stemmer().stem(word) or word  # type: ignore[attr-defined]
    if result == word and word not in dictionary_words():
        # Sastrawi leaves words outside its dictionary whole; still drop clitics and particles
        # ("komputasinya" -> "komputasi", "gigachatlah" -> "gigachat")
        for clitic in CLITICS:
            if word.endswith(clitic) and len(word) - len(clitic) >= 4:
                return word[: -len(clitic)]
    return result


@lru_cache(maxsize=1)
def stemmer_digest() -> str:
    """A digest of Sastrawi's code and dictionary: stems and indexes kept on disk are only
    reused with the same stemmer (its files are read: importing importlib.metadata to ask
    its version would cost a one-question process seven times as much)."""
    digest = hashlib.sha256()
    root = Path(Sastrawi.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".txt"):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def known_stems() -> dict[str, str]:
    """The stems worked out so far (saved with an index so a restart need not redo them)."""
    return dict(_STEMS)


def remember_stems(stems: dict[str, str]) -> None:
    for word, result in itertools.islice(stems.items(), STEM_MEMO_LIMIT):
        _STEMS[word] = result


@lru_cache(maxsize=30_000)
def word_terms(surface: str) -> tuple[str, tuple[str, ...]]:
    """(normalised word, index terms) for one token as written in the text."""
    if surface in CURRENCY_SIGNS:
        return surface, (CURRENCY_SIGNS[surface],)
    if _ACRONYM_RE.fullmatch(surface) and surface.lower() not in STOPWORDS:
        # LLM, LLMs, GPT, BRICS, G20: kept whole, English plural folded
        if surface.lower() in SPELLING:  # SBY, HUT, TGL
            return surface.lower(), _plain_terms(surface.lower())
        acronym = surface[:-1] if surface.endswith("s") else surface
        return surface.lower(), (acronym.lower(),)
    word = normalize(surface)
    if "." in word and word.replace(".", "").isalpha():
        word = word.replace(".", "")  # A.S. -> as
        return word, (word,)
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if not word:
        return word, ()
    if word[0].isdigit():
        if _THOUSANDS_RE.fullmatch(word):
            word = word.replace(".", "")  # 1.000.000 -> 1000000
        return word, (word,)
    if "-" in word:
        return word, _hyphenated_terms(word)
    return word, _plain_terms(word)


_PARTICLES = ("pun", "lah", "kah", "tah")


def _standard_with_clitic(word: str) -> str | None:
    """An informal word with a clitic ("satgasnya" -> "satuan tugas")."""
    for clitic in CLITICS:
        if word.endswith(clitic) and word[: -len(clitic)] in _STANDARD:
            return _STANDARD[word[: -len(clitic)]]
    return None


def _plain_terms(word: str) -> tuple[str, ...]:
    expanded = _STANDARD.get(word) or _standard_with_clitic(word) or word
    terms = []
    for part in expanded.split():
        if part in STOPWORDS or (part.endswith(_PARTICLES) and part[:-3] in STOPWORDS):
            continue  # "apapun", "itulah", "siapakah" are stopwords too
        stemmed = stem(part)
        if stemmed:
            terms.append(_RESPELT.get(stemmed, stemmed))  # "beresiko" -> "resiko" -> "risiko"
    return tuple(terms)


def _hyphenated_terms(word: str) -> tuple[str, ...]:
    parts = [p for p in word.split("-") if p]
    if not parts:
        return ()
    if len(parts) == 2 and (parts[0] == parts[1] or stem(parts[0]) == stem(parts[1])):
        return _plain_terms(parts[0])  # negara-negara, nilai-nilai, undang-undang
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        return _plain_terms(parts[1])  # sayur-sayuran
    terms: list[str] = []
    for part in parts:
        terms.extend(word_terms(part)[1] if part.isdigit() else _plain_terms(part))
    return tuple(terms)


def shouted(text: str) -> bool:
    """Is the text written all in capitals (read as ordinary words, not acronyms)?"""
    return len(text) > 12 and text.isupper()


def _unshout(text: str) -> str:
    """Text written all in capitals is read as ordinary words, not as a row of acronyms."""
    if shouted(text):
        return text.lower()  # same length, so offsets stay true
    return text


def word_starts(text: str) -> list[int]:
    """Where each word of `text` starts (the words `surfaces` gives, in order)."""
    return [m.start() for m in TOKEN_RE.finditer(_unshout(text))]


def analyze(text: str, *, question: bool = False) -> list[Token]:
    """Every word of `text` with its position, normalised form and index terms.

    A phrase such as "kecerdasan buatan" adds its term ("ai") to its last word; in a question
    the phrase term replaces the words' own terms, so "buatan" there does not mean "made".
    """
    text = _unshout(text)
    tokens = []
    for match in TOKEN_RE.finditer(text):
        word, terms = word_terms(match.group())
        tokens.append(Token(match.start(), match.end(), word, terms))
    _add_phrase_terms(tokens, replace=question)
    return tokens


def surfaces(text: str) -> list[str]:
    """The words of `text` as written, in order (what `terms` reads)."""
    return TOKEN_RE.findall(_unshout(text))


def terms(
    text: str,
    seen: dict[str, tuple[str, ...]] | None = None,
    memo: dict[str, tuple[str, tuple[str, ...]]] | None = None,
) -> list[str]:
    """The index terms of `text`, in order (the fast path for building an index).

    `seen`, if given, collects each normalised word with its terms; `memo`, if given, keeps
    `word_terms` of every word as written (a corpus has more words than its bounded cache).
    """
    return terms_of(surfaces(text), seen, memo)


def terms_of(
    written: list[str],
    seen: dict[str, tuple[str, ...]] | None = None,
    memo: dict[str, tuple[str, tuple[str, ...]]] | None = None,
) -> list[str]:
    """`terms` of a text whose `surfaces` were already found."""
    out: list[str] = []
    words: list[str] = []
    phrase = False
    for surface in written:
        if memo is None:
            word, found = word_terms(surface)
        else:
            known = memo.get(surface)
            if known is None:
                known = memo[surface] = word_terms(surface)
            word, found = known
        out += found
        words.append(word)
        if word in _PHRASE_START:
            phrase = True
        if seen is not None:
            seen[word] = found
    if phrase:
        for a, b in itertools.pairwise(_STANDARD.get(w, w) for w in words):
            if a in _PHRASE_FIRST:
                out.extend(_phrase_terms(a, b))
    return out


def many_word_terms(
    written: list[str],
) -> tuple[list[tuple[str, str, tuple[str, ...]]], dict[str, str]]:
    """`word_terms` of each word as written, and every stem known after (for another process
    to learn the words of a large corpus alongside)."""
    return [(w, *word_terms(w)) for w in written], known_stems()


def _add_phrase_terms(tokens: list[Token], *, replace: bool) -> None:
    for i in range(len(tokens) - 1):
        if tokens[i].word not in _PHRASE_START:
            continue
        a = _STANDARD.get(tokens[i].word, tokens[i].word)
        b = _STANDARD.get(tokens[i + 1].word, tokens[i + 1].word)
        meaning = _phrase_terms(a, b)
        if meaning:
            first, last = tokens[i], tokens[i + 1]
            if replace:
                tokens[i] = Token(first.start, first.end, first.word, ())
                tokens[i + 1] = Token(last.start, last.end, last.word, meaning, f"{a} {b}")
            else:
                tokens[i + 1] = Token(last.start, last.end, last.word, (*last.terms, *meaning))


def may_open_phrase(word: str) -> bool:
    """Can this normalised word be the first of a phrase that means one thing?"""
    return word in _PHRASE_START


def phrase_terms(first: str, second: str) -> tuple[str, ...]:
    """The terms a phrase of two normalised words adds to its second word ("kecerdasan
    buatan": "ai"), as `analyze` adds them; () when the two are no phrase."""
    if first not in _PHRASE_START:
        return ()
    return _phrase_terms(_STANDARD.get(first, first), _STANDARD.get(second, second))


@lru_cache(maxsize=4096)
def _phrase_terms(a: str, b: str) -> tuple[str, ...]:
    meaning = PHRASES.get((a, b))
    if not meaning:
        return ()
    return tuple(t for w in meaning.split() for t in _plain_terms(w))
