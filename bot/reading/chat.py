"""Chit-chat: telling a greeting, thanks or a request apart from a question about the corpus.

Such a message gets a short friendly reply, never "the article does not say" and never a quote.
The phrases are data (`bot/reading/data/chat-phrases.txt`); greetings, address words and
particles around a question ("halo min, kapan ...?") leave the question a question. The one
detector: `chat_kind` for what gets a friendly reply, `social` for what is never a follow-up
(acknowledgements such as "wah keren", and words to the bot), `language` for the language of the
reply. Each takes the words of a `Reading`; nothing here reads text of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, cast

from bot.reading import followup
from bot.reading.lexicon import CHAT_WORDS, COLLOQUIAL, WORD_CLASSES, lines, pairs
from bot.reading.text import ELONGATED

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


def spoken_words(spoken: Sequence[str]) -> list[str]:
    """The words of a message as chit-chat is told from them: letters only, drawn-out letters
    folded ("makasihh", "thankss", "okee"), chat Indonesian read as the standard word."""
    out: list[str] = []
    for word in (w for token in spoken for w in _WORD.findall(token)):
        word = word.replace("'", "")
        if ELONGATED.search(word):
            word = ELONGATED.sub(r"\1", word)
        if len(word) > 3 and word[-1] == word[-2] and word[:-1] in _phrase_words():
            word = word[:-1]
        keep = word in _ENGLISH or word in CHAT_WORDS or word in _phrase_words()
        out.extend([word] if keep else COLLOQUIAL.get(word, word).split())
    return out


def chat_kind(words: Sequence[str]) -> ChatKind | None:
    """The kind of chit-chat a message is (its `words`), or None for a question (or anything
    else)."""
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


def language(words: Sequence[str]) -> Literal["id", "en"] | None:
    """The language a chat message is written in, when its words tell ("thanks" -> en)."""
    english = sum(w in _ENGLISH for w in words)
    indonesian = sum(w in _INDONESIAN_CHAT or w in CHAT_WORDS for w in words)
    if english > indonesian:
        return "en"
    if indonesian > english:
        return "id"
    return None


# Greetings, thanks and acknowledgements ("oke sip", "wah keren itu"); words that speak to or
# about the bot ("kamu", "you"): a message made of the first, or holding one of the second, is
# about the conversation, not a follow-up about the article.
_ACKNOWLEDGING = frozenset(map(str.casefold, lines("chat-acknowledgements.txt")))
_ADDRESSING = frozenset(map(str.casefold, lines("chat-addressing.txt")))


def social(words: Sequence[str]) -> bool:
    """Is the message small talk about the conversation itself (never a follow-up)?"""
    if " ".join(words) in _ACKNOWLEDGING or any(w in _ADDRESSING for w in words):
        return True
    return any(w in _ACKNOWLEDGING for w in words) and all(
        w in _ACKNOWLEDGING or followup.points_or_asks(w) for w in words
    )


def _has_any(words: Sequence[str], table: dict[tuple[str, ...], None]) -> bool:
    return any(tuple(words[i : i + len(p)]) == p for p in table for i in range(len(words)))


def _starts_phrase(word: str, phrases: dict[str, dict[tuple[str, ...], None]]) -> bool:
    return any(p[:1] == (word,) for kind in _KINDS for p in phrases.get(kind, {}))


def _covered(
    words: Sequence[str],
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


def _longest(words: Sequence[str], i: int, table: dict[tuple[str, ...], None]) -> int:
    best = 0
    for phrase in table:
        n = len(phrase)
        if n > best and tuple(words[i : i + n]) == phrase:
            best = n
    return best
