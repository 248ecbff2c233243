"""Follow-up questions: a short message read together with the topic of the question before it.

"Kapan Putin mengumumkan Jaringan Aliansi AI?" and then "dengan negara mana saja?": the second
message alone asks about any country; read with the first question's topic it asks which countries
joined the alliance. This room decides when a message is such a follow-up and answers it; it is
plain synchronous code over the stable `Answerer.ask` (no Telegram, no I/O beyond reading its word
lists once), so the bot and the terminal share it.

A message is read with the earlier topic only when all of these hold (chosen on
`tests/data/followups.json`, README "Quality"):

- it is short: it points back (a pronoun or demonstrative, a word ending in -nya) and names at
  most `SHORT_WORDS` things of its own (each word of a name counts), or it asks only for a facet
  (a question word, "negara mana", "lalu", "selain", "what else", "alasannya") and names at most
  one;
- it is not small talk, and names nothing the article lacks ("berapa harganya?" after a
  question about Gigachat asks about a price the article never mentions; "Berapa gaji Putin?"
  is a new, off-topic question);
- alone it is weak: not found or found only just (tentative), or its first quote misses one of
  its own words (a word the article has only through a synonym counts for nothing), or (when it
  points back with a pronoun or demonstrative) that quote holds less than `ON_TOPIC` of the
  earlier topic's terms;
- read with the topic it is found, and the quote still holds the facet it asks for
  ("tujuannya" wants the sentence that says "tujuan" when the article has one) and the words
  the article has only through a synonym ("berapa harganya?" is not answered by a quote
  without "nilai").

A full question is never changed: it is answered alone and becomes the new topic.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from bot.answer import Answer, Answerer
from bot.lexicon import lines
from bot.reading import QueryTerm, read_query
from bot.snapshot import Snapshot

SHORT_WORDS = 2  # a follow-up names at most this many things of its own
# An answer read alone stays in the conversation when its quote holds at least this share of
# the earlier topic's terms.
ON_TOPIC = 0.5
TOPIC_CHARS = 120  # a longer topic is shortened for display

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def load_words(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A word list from bot/data: (entries, entries marked with a leading "-" as exceptions)."""
    words: set[str] = set()
    exceptions: set[str] = set()
    for entry in map(str.casefold, lines(name)):
        if entry.startswith("-"):
            exceptions.add(entry[1:])
        else:
            words.add(entry)
    return frozenset(words), frozenset(exceptions)


REFERENCES, NOT_REFERENCES = load_words("followup-references.txt")
ASKING, _ = load_words("followup-asking.txt")
FACETS, _ = load_words("followup-facets.txt")
CHITCHAT, _ = load_words("followup-chitchat.txt")
ADDRESSING, _ = load_words("followup-addressing.txt")

# "negara mana", "tahun berapa", "which country", "what year": the noun says what kind of answer
# is wanted, it does not name a new thing ("apa" is left out: "pamer apa" asks what was shown)
_FRAME_AFTER = frozenset({"mana", "manakah", "berapa", "berapakah"})
_FRAME_BEFORE = frozenset({"which", "what"})
# "satuan tugas ini", "this task force": a demonstrative beside a noun that names the thing
_DETERMINER_AFTER = frozenset({"ini", "itu", "tersebut"})
_DETERMINER_BEFORE = frozenset({"this", "that", "these", "those"})


@dataclass(frozen=True)
class Topic:
    """What a later message can follow up: the last full question and its content words."""

    question: str
    text: str  # the question without its question words ("Putin mengumumkan Jaringan Aliansi AI")
    answer_id: str = ""  # the question's row in the question log
    at: float = 0.0  # when it was last asked about (time.monotonic), set by `Conversations`


@dataclass(frozen=True)
class Reply:
    """The answer to a message, and what the conversation knows after it."""

    answer: Answer  # `answer.question` is the message as typed
    topic: Topic | None  # the topic for the next message
    followed: Topic | None = None  # the earlier topic this answer used, if any
    understood: str | None = None  # the question as read with that topic

    @property
    def about(self) -> str | None:
        """The topic to show beside a follow-up's answer ("Jaringan Aliansi AI")."""
        return shorten(self.followed.text) if self.followed else None


def words(message: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(message)]


def _plain(word: str) -> str:
    return word.removesuffix("nya") if _ends_in_nya(word) else word


def _ends_in_nya(word: str) -> bool:
    return word.endswith("nya") and len(word) > 5 and word not in NOT_REFERENCES


def _is_asking(word: str) -> bool:
    return word in ASKING or word in REFERENCES or _plain(word) in ASKING


def _is_facet(word: str) -> bool:
    return word in FACETS or _plain(word) in FACETS


def is_chitchat(message: str) -> bool:
    """Greetings, thanks, acknowledgements ("makasih", "oke sip", "wah keren itu"), and words
    to or about the bot ("kamu siapa?")."""
    found = words(message)
    if " ".join(found) in CHITCHAT or any(w in ADDRESSING for w in found):
        return True
    return any(w in CHITCHAT for w in found) and all(
        w in CHITCHAT or w in REFERENCES or w in ASKING for w in found
    )


def _named(word: str) -> bool:
    return not _is_asking(word) and not _is_facet(word)


def points_back(message: str) -> bool:
    """Does the message hold a pronoun, a demonstrative or a word ending in -nya?"""
    return pronoun(message) or any(_ends_in_nya(w) for w in words(message))


def pronoun(message: str) -> bool:
    """Does the message hold a pronoun or demonstrative that points back?

    "Apa itu X?" defines X, and "satuan tugas ini" / "this task force" names its thing.
    """
    found = words(message)
    for i, word in enumerate(found):
        before = found[i - 1] if i > 0 else ""
        after = found[i + 1] if i + 1 < len(found) else ""
        if word in REFERENCES:
            definition = word in {"itu", "ini"} and before in {"apa", "apakah"} and after != ""
            determiner = (word in _DETERMINER_AFTER and before != "" and _named(before)) or (
                word in _DETERMINER_BEFORE and after != "" and _named(after)
            )
            if not (definition or determiner):
                return True
    return False


def frame_words(message: str) -> frozenset[str]:
    """Nouns that say what kind of answer is wanted ("negara mana", "which country")."""
    found = words(message)
    frames = set()
    for i, word in enumerate(found):
        if word in _FRAME_AFTER and i > 0 and _named(found[i - 1]):
            frames.add(found[i - 1])
        if word in _FRAME_BEFORE and i + 1 < len(found) and _named(found[i + 1]):
            frames.add(found[i + 1])
    return frozenset(frames)


Words = tuple[frozenset[str], ...]  # per word of a message: the index terms it was read as

# A word the reader placed only through a synonym ("harganya" -> "nilai", "didirikan" ->
# "bentuk") names something the article does not say as such.
_STAND_INS = frozenset({"synonym", "related"})


@dataclass(frozen=True)
class Reading:
    """What a message holds, as the follow-up decision needs it."""

    own: Words  # its words that name something, and its facet nouns, as the article has them
    facets: Words  # its facet nouns the article has ("tujuannya" -> the terms of "tujuan")
    stand_ins: Words  # its naming words the article has only through a synonym
    named: int  # how many words name something (a name of several words counts each)
    unknown: int  # how many of those the article does not have
    asks: bool  # it holds a question word, a facet noun or a leading "lalu"/"what else"
    back: bool  # it points back
    pronoun: bool  # it points back with a pronoun or demonstrative, not only with -nya


def read_message(message: str, kb: Snapshot) -> Reading:
    query = read_query(message, kb)
    frames = frame_words(message)
    by_word: dict[str, list[QueryTerm]] = {}
    for qt in query.terms:
        word = qt.word.casefold()
        if not (_is_asking(word) or qt.term in ASKING or word in frames):
            by_word.setdefault(word, []).append(qt)
    # a word the article has only through a synonym is no evidence that a quote answers it
    exact = {w for w, terms in by_word.items() if any(qt.how not in _STAND_INS for qt in terms)}
    own = tuple(_terms_of(by_word[w]) for w in by_word if w in exact)
    facets = tuple(_terms_of(by_word[w]) for w in by_word if w in exact and _is_facet(w))
    named = [w for w in by_word if not _is_facet(w)]
    stand_ins = [w for w in named if w not in exact]
    lacking = {
        m.casefold()
        for m in (*query.missing, *query.unknown)
        if _named(m.casefold()) and m.casefold() not in frames
    }
    found = words(message)
    asks = bool(frames) or any(_is_asking(w) or _is_facet(w) for w in found)
    return Reading(
        own,
        facets,
        tuple(_terms_of(by_word[w]) for w in stand_ins),
        sum(len(w.split()) for w in named) + len(lacking),
        len(lacking),
        asks,
        points_back(message),
        pronoun(message),
    )


def _terms_of(terms: list[QueryTerm]) -> frozenset[str]:
    return frozenset(qt.term for qt in terms)


def is_candidate(reading: Reading) -> bool:
    """Short, pointing back or asking for a facet, and naming nothing the article lacks
    ("Berapa gaji Putin?" asks about a salary the article never mentions, whatever was asked
    before). A message that only asks names at most one thing ("kapan diumumkan?"); one that
    points back may name `SHORT_WORDS` ("kenapa itu berbahaya bagi Rusia?")."""
    if reading.unknown or not (reading.back or reading.asks):
        return False
    return reading.named <= (SHORT_WORDS if reading.back else 1)


def topic_of(question: str) -> str:
    """The question without its question words, pointing words and punctuation."""
    kept = [w for w in _WORD.findall(question) if not _is_asking(w.casefold())]
    return " ".join(kept)


def shorten(topic: str, limit: int = TOPIC_CHARS) -> str:
    if len(topic) <= limit:
        return topic
    return topic[: limit - 1].rsplit(" ", 1)[0] + "…"


def _terms(text: str, kb: Snapshot) -> frozenset[str]:
    return frozenset(qt.term for qt in read_query(text, kb).terms)


def _holds(answer: Answer, wanted: Words, kb: Snapshot) -> float:
    """The share of the `wanted` words the answer's first quote holds, a word by any of its
    terms (1.0 for no words)."""
    if not wanted:
        return 1.0
    if not answer.found or not answer.passages:
        return 0.0
    quoted = _terms(answer.passages[0].text, kb)
    return sum(bool(terms & quoted) for terms in wanted) / len(wanted)


def answer_in_context(
    answerer: Answerer, kb: Snapshot, message: str, earlier: Topic | None
) -> Reply:
    """Answer `message`, as a follow-up of `earlier` when it is one (see the module docstring)."""
    alone = answerer.ask(message)
    if is_chitchat(message) or _is_chat(alone):
        return Reply(alone, earlier)
    reading = read_message(message, kb)
    own_topic = Topic(message, topic_of(message)) if reading.named else earlier
    if not is_candidate(reading):
        return Reply(alone, own_topic)
    # a short message that names something new without pointing back may start a new topic
    # ("Apa itu Gigachat?"); one that points back stays on the earlier one
    after = earlier if reading.back or not alone.found else own_topic
    if earlier is None or not earlier.text or _strong(alone, reading, earlier, kb):
        return Reply(alone, after)
    understood = f"{message.strip()} {earlier.text}"
    together = answerer.ask(understood)
    if not together.found or _holds(together, reading.facets + reading.stand_ins, kb) < 1.0:
        return Reply(alone, after)
    return Reply(replace(together, question=message), earlier, earlier, understood)


def _strong(alone: Answer, reading: Reading, earlier: Topic, kb: Snapshot) -> bool:
    """Does the message stand on its own: found, its quote holds every word it names, and (if it
    points back with a pronoun) that quote is still about the earlier topic? A word ending in
    -nya that the quote holds is read as naming its thing ("tujuan satgasnya")."""
    if (
        not alone.found
        or alone.tentative
        or not reading.own
        or _holds(alone, reading.own, kb) < 1.0
    ):
        return False
    if not reading.pronoun:
        return True
    topic = tuple(frozenset({term}) for term in _terms(earlier.text, kb))
    return _holds(alone, topic, kb) >= ON_TOPIC


def _is_chat(answer: Answer) -> bool:
    """Does the retrieval core say the message is small talk (a greeting, thanks, a request)?"""
    return answer.chat is not None


class Conversations:
    """The topic of each (user, chat) for a while, and the topic behind each message the bot
    sent (so that a reply to an answer follows up the question it answered).

    Topics are kept per user and chat and never cross users; they expire after `ttl` seconds.
    Plain memory, bounded: the oldest entries are forgotten first.
    """

    def __init__(self, ttl: float, size: int = 20_000) -> None:
        self.ttl = ttl
        self.size = size
        self._topics: OrderedDict[tuple[int, int], Topic] = OrderedDict()
        self._sent: OrderedDict[tuple[int, int], Topic] = OrderedDict()

    def topic(self, user_id: int, chat_id: int, now: float | None = None) -> Topic | None:
        """The user's topic in this chat, if it has not expired."""
        if self.ttl <= 0:
            return None
        topic = self._topics.get((user_id, chat_id))
        now = time.monotonic() if now is None else now
        if topic is None or now - topic.at > self.ttl:
            return None
        return topic

    def remember(
        self, user_id: int, chat_id: int, topic: Topic | None, now: float | None = None
    ) -> None:
        """Keep `topic` as the user's topic in this chat, from now on (each question renews it)."""
        if topic is None or self.ttl <= 0:
            return
        at = time.monotonic() if now is None else now
        self._put(self._topics, (user_id, chat_id), replace(topic, at=at))

    def sent(self, chat_id: int, message_id: int, topic: Topic | None) -> None:
        """The bot sent `message_id` in answer to a question on `topic`."""
        if topic is not None and self.ttl > 0:
            self._put(self._sent, (chat_id, message_id), topic)

    def replied(self, chat_id: int, message_id: int) -> Topic | None:
        """The topic of the question the bot's message `message_id` answered."""
        return self._sent.get((chat_id, message_id))

    def _put(
        self, items: OrderedDict[tuple[int, int], Topic], key: tuple[int, int], topic: Topic
    ) -> None:
        items[key] = topic
        items.move_to_end(key)
        while len(items) > self.size:
            items.popitem(last=False)
