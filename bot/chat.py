"""Chit-chat: telling a greeting, thanks or a request apart from a question about the corpus.

Such a message gets a short friendly reply, never "the article does not say" and never a quote.
The phrases are data (`bot/data/chat-phrases.txt`); greetings, address words and particles
around a question ("halo min, kapan ...?") leave the question a question.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, cast

from bot.lexicon import CHAT_WORDS, COLLOQUIAL, WORD_CLASSES, pairs
from bot.reading import clean_question
from bot.text import ELONGATED, normalize

ChatKind = Literal[
    "greeting", "thanks", "goodbye", "smalltalk", "identity", "capabilities", "request"
]
_KINDS = ("greeting", "thanks", "goodbye", "smalltalk", "identity", "capabilities")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Words that ask for something to be made or given, beside a kind of text ("puisi", "lagu")
_ASKING = WORD_CLASSES["chat-asking"]
# English chat words: read as written, and a sign the reply should be in English
_ENGLISH = WORD_CLASSES["chat-english"]


@lru_cache(maxsize=1)
def _phrases() -> dict[str, dict[tuple[str, ...], None]]:
    table: dict[str, dict[tuple[str, ...], None]] = {}
    for kind, phrase in pairs("chat-phrases.txt"):
        table.setdefault(kind, {})[tuple(phrase.split())] = None
    return table


@lru_cache(maxsize=1)
def _phrase_words() -> frozenset[str]:
    """Every word of a chat phrase: read as written, not through the colloquial lexicon."""
    return frozenset(w for table in _phrases().values() for phrase in table for w in phrase)


def _words(message: str) -> list[str]:
    words: list[str] = []
    for word in _WORD.findall(normalize(message)):
        word = word.replace("'", "")
        if ELONGATED.search(word):
            word = ELONGATED.sub(r"\1", word)
        if len(word) > 3 and word[-1] == word[-2] and word[:-1] in _phrase_words():
            word = word[:-1]  # "makasihh", "thankss", "okee"
        keep = word in _ENGLISH or word in CHAT_WORDS or word in _phrase_words()
        words.extend([word] if keep else COLLOQUIAL.get(word, word).split())
    return words


def chat_kind(message: str) -> ChatKind | None:
    """The kind of chit-chat the message is, or None for a question (or anything else)."""
    words = _words(_own_lines(message[:300]))
    if not words or len(words) > 12:
        return None
    phrases = _phrases()
    verbs = phrases.get("request-verb", {})
    objects = phrases.get("request-object", {})
    core = [w for w in words if w not in CHAT_WORDS or _starts_phrase(w, phrases)]
    asks = _has_any(words, verbs) or any(w in _ASKING for w in words)
    about_article = any((w,) in phrases.get("article", {}) for w in words)
    if (asks and _has_any(words, objects)) or (_has_any(words, verbs) and about_article):
        return "request"
    for kind in _KINDS:
        if _covered(words, phrases.get(kind, {}), phrases):
            return cast(ChatKind, kind)
    if not core:  # nothing but greetings, address words and particles ("min", "kak", "dong")
        return "greeting" if any((w,) in phrases.get("greeting", {}) for w in words) else None
    return None


_INDONESIAN_CHAT = WORD_CLASSES["chat-indonesian"]


def language(message: str) -> Literal["id", "en"] | None:
    """The language a chat message is written in, when its words tell ("thanks" -> en)."""
    words = _WORD.findall(normalize(message))
    english = sum(w in _ENGLISH for w in words)
    indonesian = sum(w in _INDONESIAN_CHAT or w in CHAT_WORDS for w in words)
    if english > indonesian:
        return "en"
    if indonesian > english:
        return "id"
    return None


def _own_lines(message: str) -> str:
    """The message without quoted lines ("> ...") when it has lines of its own, and without
    links, mentions and markup."""
    lines = message.splitlines()
    own = [ln for ln in lines if not ln.lstrip().startswith(">") and _WORD.search(ln)]
    return clean_question("\n".join(own or lines))


def _has_any(words: list[str], table: dict[tuple[str, ...], None]) -> bool:
    return any(tuple(words[i : i + len(p)]) == p for p in table for i in range(len(words)))


def _starts_phrase(word: str, phrases: dict[str, dict[tuple[str, ...], None]]) -> bool:
    return any(p[:1] == (word,) for kind in _KINDS for p in phrases.get(kind, {}))


def _covered(
    words: list[str],
    table: dict[tuple[str, ...], None],
    phrases: dict[str, dict[tuple[str, ...], None]],
) -> bool:
    """Are the words one phrase of this kind, with only other chat phrases or chat words
    around it ("halo kak, makasih ya")?"""
    if not words:
        return False
    others = [p for kind in _KINDS for p in phrases.get(kind, {})]
    i, matched = 0, False
    while i < len(words):
        step = _longest(words, i, table)
        if step:
            matched = True
            i += step
            continue
        step = _longest(words, i, dict.fromkeys(others))
        if step:
            i += step
        elif words[i] in CHAT_WORDS or (words[i],) in phrases.get("filler", {}):
            i += 1
        else:
            return False
    return matched


def _longest(words: list[str], i: int, table: dict[tuple[str, ...], None]) -> int:
    best = 0
    for phrase in table:
        n = len(phrase)
        if n > best and tuple(words[i : i + n]) == phrase:
            best = n
    return best
