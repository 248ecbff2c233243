"""A message read once: the `Reading` that every later step takes.

`read(message)` cleans the text of chat markup, tokenizes and normalises it (one pass of
`text.analyze`), and adds what can be known without the corpus: whether it is chit-chat, the
language it is written in, the kind of answer it asks for, the word it asks about (its focus),
names written as one, negation, and the cues a follow-up leaves. Nothing below this door
normalises or tokenises the message again (spaCy's `Doc` is the model: made once, handed on).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.reading import chat, followup, kinds, text
from bot.reading.lexicon import CHAT_WORDS, COLLOQUIAL, SLANG, WORD_CLASSES
from bot.reading.text import Token

MAX_QUESTION_CHARS = 1000
CHAT_CHARS = 300  # chit-chat is told from the start of a message

Language = Literal["id", "en"]


@dataclass(frozen=True)
class Reading:
    """One message, read: its words and terms, and what they say about the message."""

    text: str  # the message as given
    question: str  # the text read: links, mentions and markup out, at most MAX_QUESTION_CHARS
    tokens: tuple[Token, ...]  # its words with positions and index terms (question mode)
    words: tuple[str, ...]  # every word, normalised, in order
    chat: chat.ChatKind | None  # a greeting, thanks, a request...: not a question at all
    social: bool  # chit-chat, an acknowledgement or words to the bot: never a follow-up
    language: Language | None  # what its words say it is written in, when they tell
    english: bool  # asked in English (more English function words than Indonesian ones)
    kind: kinds.Kind | None  # the kind of answer it asks for
    focus: int  # start offset of the word it asks about (-1: none)
    names: Mapping[int, str] = field(compare=False)  # start offset -> the name a word is part of
    frames: frozenset[int] = frozenset()  # start offsets of words that only frame a question word
    negated: bool = False  # it says "tidak", "bukan", "not"...
    follow: followup.Cues = field(default_factory=followup.Cues)

    @property
    def has_words(self) -> bool:
        """Is there anything to look for (a word, a number)?"""
        return bool(self.tokens)

    def joined(self, other: Reading) -> Reading:
        """This message read together with an earlier topic's words ("dengan negara mana?" +
        "Putin mengumumkan Jaringan Aliansi AI"), without reading either again."""
        offset = len(self.question) + 1
        moved = tuple(
            Token(t.start + offset, t.end + offset, t.word, t.terms, t.phrase) for t in other.tokens
        )
        question = f"{self.question} {other.question}"
        return read_tokens(question, f"{self.text.strip()} {other.text}", self.tokens + moved)

    def keeping(self, keep: Callable[[Token], bool]) -> Reading:
        """The words `keep` keeps, as a message of their own ("Putin mengumumkan Jaringan Aliansi
        AI" of "Kapan Putin mengumumkan Jaringan Aliansi AI?"), without reading them again."""
        parts: list[str] = []
        kept: list[Token] = []
        at = 0
        for t in self.tokens:
            if not keep(t):
                continue
            surface = self.question[t.start : t.end]
            kept.append(Token(at, at + len(surface), t.word, t.terms, t.phrase))
            parts.append(surface)
            at += len(surface) + 1
        question = " ".join(parts)
        return read_tokens(question, question, tuple(kept))


_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|id|org|net|me|io|co)(?:/\S*)?",
    re.IGNORECASE,
)
_MENTION = re.compile(r"(?<![\w@])@\w+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_MARKUP = re.compile(r"[*_~`|]+|\[([^\]]*)\]\([^)]*\)")
_HASHTAG = re.compile(r"#(?=\w)")
_LETTERS = re.compile(r"[^\W\d_]+")


def clean(line: str) -> str:
    """A line of a chat message without links, @mentions, HTML and Markdown markup, quote
    marks and hashtag signs (emoji are never index words anyway)."""
    cleaned = html.unescape(line.lstrip().lstrip(">"))
    cleaned = _URL.sub(" ", cleaned)
    cleaned = _MENTION.sub(" ", cleaned)
    cleaned = _HTML_TAG.sub(" ", cleaned)
    cleaned = _MARKUP.sub(lambda m: f" {m.group(1) or ''} ", cleaned)
    cleaned = _HASHTAG.sub("", cleaned)
    return " ".join(cleaned.split())


def read(message: str) -> Reading:
    """Read a chat message once. A quoted line ("> Kapal berlayar tiga kali seminggu") stays
    part of what is asked about, but chit-chat is told from the lines the user wrote."""
    parts: list[str] = []
    own: list[tuple[int, int]] = []  # [start, end) of the lines the user wrote, in `question`
    at = 0
    for line in message[:MAX_QUESTION_CHARS].splitlines():
        cleaned = clean(line)
        if not cleaned:
            continue
        if not line.lstrip().startswith(">") and _LETTERS.search(line):
            own.append((at, at + len(cleaned)))
        parts.append(cleaned)
        at += len(cleaned) + 1
    question = " ".join(parts)
    tokens = tuple(text.analyze(question, question=True))
    return read_tokens(question, message, tokens, own)


def read_tokens(
    question: str,
    message: str,
    tokens: tuple[Token, ...],
    own: Sequence[tuple[int, int]] = (),
) -> Reading:
    """The `Reading` of text already tokenized (see `read`)."""
    words = tuple(t.word for t in tokens)
    frames = frozenset(_frame_words(tokens))
    spoken = [
        _spoken(question, t) for t in tokens if t.start < CHAT_CHARS and _within(t.start, own)
    ]
    chat_words = chat.spoken_words(spoken)
    return Reading(
        text=message,
        question=question,
        tokens=tokens,
        words=words,
        chat=chat.chat_kind(chat_words),
        social=chat.social(words),
        language=chat.language(words),
        english=_looks_english(words),
        kind=kinds.asked([standard(w) for w in words]),
        focus=_focus(tokens, frames),
        names=_name_groups(question, tokens),
        frames=frames,
        negated=any(w in _NEGATION for w in words),
        follow=followup.cues(words),
    )


def _spoken(question: str, token: Token) -> str:
    """A word as chit-chat reads it: a contraction stays whole ("how's", "what's"), where the
    index reads only its first word."""
    surface = question[token.start : token.end]
    return surface.casefold().replace("’", "'") if "'" in surface or "’" in surface else token.word


def _within(start: int, spans: Sequence[tuple[int, int]]) -> bool:
    return not spans or any(lo <= start < hi for lo, hi in spans)


_QUESTION_WORDS = WORD_CLASSES["question"]
# Words that, next to a question word, only say what kind of answer is wanted: "berapa *lama*",
# "*tanggal* berapa", "seberapa *besar*", "berapa *banyak*"
_FRAME_NEIGHBOURS = WORD_CLASSES["frame-neighbour"]
# "isn't" is read as "isnt": the list is looked up both ways
_NEGATION = WORD_CLASSES["negation"] | {w.replace("'", "") for w in WORD_CLASSES["negation"]}
_ENGLISH_FUNCTION = WORD_CLASSES["english-function"]
_INDONESIAN_FUNCTION = WORD_CLASSES["indonesian-function"]


def standard(word: str) -> str:
    """A chat spelling read as the standard word ("brp" -> "berapa")."""
    return SLANG.get(word) or COLLOQUIAL.get(word) or word


def _frame_words(tokens: Sequence[Token]) -> set[int]:
    """Start offsets of words that frame the question word beside them."""
    frames: set[int] = set()
    for i, token in enumerate(tokens):
        if standard(token.word) not in _QUESTION_WORDS and token.word != "seberapa":
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(tokens) and tokens[j].word in _FRAME_NEIGHBOURS:
                frames.add(tokens[j].start)
    return frames


def _focus(tokens: Sequence[Token], frames: frozenset[int]) -> int:
    """The start offset of the word a question asks about: the first content word after the
    question word ("Berapa *gaji* Putin?", past a word that only frames it: "Berapa jumlah
    *penonton*"); when the question word ends the question, the first content word of all
    ("*gaji* Thiago brp?"); with no question word, the first content word ("*cuaca* Bandung?");
    -1 if there is none."""
    content = [
        (i, t)
        for i, t in enumerate(tokens)
        if t.terms and t.word not in CHAT_WORDS and t.start not in frames
    ]
    for i, token in enumerate(tokens):
        if standard(token.word) not in _QUESTION_WORDS:
            continue
        after = [t for j, t in content if i < j <= i + 2]
        if after:
            return after[0].start
        break
    return content[0][1].start if content else -1


def _name_groups(question: str, tokens: Sequence[Token]) -> dict[int, str]:
    """Capitalised words written next to each other ("Afrika Selatan", "Vladimir Putin") name
    one thing; maps each such word's start offset to the name."""
    groups: dict[int, str] = {}
    run: list[Token] = []

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


def _looks_english(words: Sequence[str]) -> bool:
    english = sum(w in _ENGLISH_FUNCTION for w in words)
    indonesian = sum(w in _INDONESIAN_FUNCTION for w in words)
    return english > indonesian


def counted_terms(reading: Reading) -> frozenset[str]:
    """The terms of what a number question counts: the word after "berapa" or "how many"
    ("Berapa *poin* ...", "how many *points* ..."), or glued to it ("Berapa *tahun*kah")."""
    tokens = reading.tokens
    counted: set[str] = set()
    for i, token in enumerate(tokens):
        if standard(token.word) not in kinds.HOW_MANY:
            continue
        for after in tokens[i + 1 : i + 3]:
            if after.terms:
                counted.update(after.terms)
                break
    return frozenset(counted)
