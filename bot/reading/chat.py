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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Table:
    """The phrases of one kind, as sets of word tuples keyed by their length (longest first),
    so that finding the phrase at a position costs a few set lookups, not a scan."""

    by_length: tuple[tuple[int, frozenset[tuple[str, ...]]], ...]
    first_words: frozenset[str]

    @classmethod
    def of(cls, phrases: Iterable[tuple[str, ...]]) -> _Table:
        lengths: dict[int, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            lengths.setdefault(len(phrase), set()).add(phrase)
        ordered = tuple((n, frozenset(lengths[n])) for n in sorted(lengths, reverse=True))
        return cls(ordered, frozenset(p[0] for _, ps in ordered for p in ps))

    def longest(self, words: Sequence[str], i: int) -> int:
        """The length of the longest phrase at words[i:] (0 for none)."""
        if words[i] not in self.first_words:
            return 0
        for n, phrases in self.by_length:
            if i + n <= len(words) and tuple(words[i : i + n]) in phrases:
                return n
        return 0

    def anywhere(self, words: Sequence[str]) -> bool:
        return any(self.longest(words, i) for i in range(len(words)))

    def __contains__(self, phrase: object) -> bool:
        return any(phrase in phrases for _, phrases in self.by_length)


@lru_cache(maxsize=1)
def _phrases() -> dict[str, _Table]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for kind, phrase in pairs("chat-phrases.txt"):
        table.setdefault(kind, []).append(tuple(phrase.split()))
    tables = {kind: _Table.of(phrases) for kind, phrases in table.items()}
    tables[""] = _Table.of(p for kind in _KINDS for p in table.get(kind, []))  # any chit-chat
    return tables


_EMPTY = _Table((), frozenset())


@lru_cache(maxsize=1)
def _phrase_words() -> frozenset[str]:
    """Every word of a chat phrase: read as written, not through the colloquial lexicon."""
    return frozenset(
        w for table in _phrases().values() for _, ps in table.by_length for p in ps for w in p
    )


def spoken_words(spoken: Sequence[str]) -> list[str]:
    """The words of a message as chit-chat is told from them: letters only, drawn-out letters
    folded ("makasihh", "thankss", "okee"), chat Indonesian read as the standard word."""
    return [word for token in spoken for word in _spoken(token)]


@lru_cache(maxsize=30_000)
def _spoken(token: str) -> tuple[str, ...]:
    """`spoken_words` of one word of a message (each worked out once)."""
    out: list[str] = []
    for word in _WORD.findall(token):
        word = word.replace("'", "")
        if ELONGATED.search(word):
            word = ELONGATED.sub(r"\1", word)
        if len(word) > 3 and word[-1] == word[-2] and word[:-1] in _phrase_words():
            word = word[:-1]
        keep = word in _ENGLISH or word in CHAT_WORDS or word in _phrase_words()
        out.extend([word] if keep else COLLOQUIAL.get(word, word).split())
    return tuple(out)


def chat_kind(words: Sequence[str]) -> ChatKind | None:
    """The kind of chit-chat a message is (its `words`), or None for a question (or anything
    else)."""
    if not words or len(words) > 12:
        return None
    phrases = _phrases()
    verbs = phrases.get("request-verb", _EMPTY)
    objects = phrases.get("request-object", _EMPTY)
    starts = phrases[""].first_words
    core = [w for w in words if w not in CHAT_WORDS or w in starts]
    asks = verbs.anywhere(words) or any(w in _ASKING for w in words)
    about_article = any((w,) in phrases.get("article", _EMPTY) for w in words)
    if (asks and objects.anywhere(words)) or (verbs.anywhere(words) and about_article):
        return "request"
    for kind in _KINDS:
        if _covered(words, phrases.get(kind, _EMPTY), phrases):
            return cast(ChatKind, kind)
    if not core:  # nothing but greetings, address words and particles ("min", "kak", "dong")
        return "greeting" if any((w,) in phrases.get("greeting", _EMPTY) for w in words) else None
    return None


_INDONESIAN_CHAT = WORD_CLASSES["chat-indonesian"]


def language(words: Sequence[str]) -> Literal["id", "en"] | None:
    """The language a chat message is written in, when its words tell ("thanks" -> en).

    The chat words set aside in any question ("halo", "min", "thanks") hold English ones too:
    those count for English only."""
    english = sum(w in _ENGLISH for w in words)
    indonesian = sum(
        w not in _ENGLISH and (w in _INDONESIAN_CHAT or w in CHAT_WORDS) for w in words
    )
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


def _covered(words: Sequence[str], table: _Table, phrases: dict[str, _Table]) -> bool:
    """Are the words one phrase of this kind, with only other chat phrases or chat words
    around it ("halo kak, makasih ya")?"""
    if not words:
        return False
    others = phrases[""]
    filler = phrases.get("filler", _EMPTY)
    i, matched = 0, False
    while i < len(words):
        step = table.longest(words, i)
        if step:
            matched = True
            i += step
            continue
        step = others.longest(words, i)
        if step:
            i += step
        elif words[i] in CHAT_WORDS or (words[i],) in filler:
            i += 1
        else:
            return False
    return matched
