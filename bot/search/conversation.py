"""Follow-up questions: a short message read together with the topic of the question before it.

"Kapan Putin mengumumkan Jaringan Aliansi AI?" and then "dengan negara mana saja?": the second
message alone asks about any country; read with the first question's topic it asks which countries
joined the alliance. This room decides when a message is such a follow-up and answers it; it is
plain synchronous code over the stable `Answerer.ask` (no Telegram, no I/O beyond reading its word
lists once), so the bot and the terminal share it.

A message is read with the earlier topic only when all of these hold (chosen on
`tests/data/followups.json`, docs/followups.md):

- it is short: it points back (a pronoun or demonstrative, a word ending in -nya) and names at
  most `SHORT_WORDS` things of its own (each word of a name counts), or it asks only for a facet
  (a question word, "negara mana", "lalu", "selain", "what else", "alasannya") and names at most
  one;
- it is not small talk, and names nothing the article lacks ("berapa harganya?" after a
  question about Gigachat asks about a price the article never mentions; "Berapa gaji Putin?"
  is a new, off-topic question);
- alone it is weak: not found or found with a confidence under `ALONE_SURE`, or its first
  quote misses one of its own words (a word the article has only through a synonym counts for
  nothing), or (when it points back with a pronoun or demonstrative) that quote holds less than
  `ON_TOPIC` of the earlier topic's terms;
- read with the topic it is found, and the quote still holds the facet it asks for
  ("tujuannya" wants the sentence that says "tujuan" when the article has one) and the words
  the article has only through a synonym ("berapa harganya?" is not answered by a quote
  without "nilai").

A message that points back but cannot be read with the topic is answered alone, unless it names
its thing only through a synonym ("berapa harganya?": the article has *harga* only as *nilai*,
values): then its quote alone answers neither what it points back at nor what it names, and the
article does not say.

A full question is never changed: it is answered alone and becomes the new topic. When it asked
who, where or which name, the topic keeps the name its answer gave (`Topic.entity`), and a
follow-up holding a personal pronoun ("dia", "mereka", "he") is read with that name first, then
with the question's words.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from bot.reading import followup
from bot.reading.kinds import NAMED, holds
from bot.reading.lexicon import CHAT_WORDS
from bot.reading.message import Reading, read
from bot.search.answer import Answer, Answerer
from bot.search.query import Query, QueryTerm, resolve
from bot.search.snapshot import Snapshot
from bot.search.tuning import ALONE_SURE, ON_TOPIC, SHORT_WORDS, TOPIC_CHARS

_SHORT_ANSWERS = NAMED | {"time", "number"}  # kinds a quote visibly holds or lacks


@dataclass(frozen=True)
class Topic:
    """What a later message can follow up: the last full question and its content words."""

    question: str
    text: str  # the question without its question words ("Putin mengumumkan Jaringan Aliansi AI")
    answer_id: str = ""  # the question's row in the question log
    at: float = 0.0  # when it was last asked about (time.monotonic), set by `Conversations`
    words: Reading | None = field(default=None, compare=False, repr=False)  # `text`, read
    # the person, place or name the answer gave, when the question asked for one ("Sberbank"
    # for "Siapa yang mengembangkan Gigachat?"): what "dia" / "mereka" next may mean
    entity: str = ""

    @classmethod
    def of(cls, reading: Reading, answer_id: str = "", answer: Answer | None = None) -> Topic:
        """The topic a question leaves: its words without question and pointing words, and the
        name its answer gave."""
        kept = _topic_words(reading)
        entity = ""
        if answer is not None and answer.found and reading.kind in NAMED:
            entity = answer.answer or ""
        return cls(reading.text, kept.question, answer_id, words=kept, entity=entity)

    def reading(self) -> Reading:
        return self.words if self.words is not None else read(self.text)


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


Words = tuple[frozenset[str], ...]  # per word of a message: the index terms it was read as

# A word the reader placed only through a synonym ("harganya" -> "nilai", "didirikan" ->
# "bentuk") names something the article does not say as such.
_STAND_INS = frozenset({"synonym", "related"})


@dataclass(frozen=True)
class Naming:
    """What a message names, against the corpus, as the follow-up decision needs it."""

    own: Words  # its words that name something, and its facet nouns, as the article has them
    facets: Words  # its facet nouns the article has ("tujuannya" -> the terms of "tujuan")
    stand_ins: Words  # its naming words the article has only through a synonym
    named: int  # how many words name something (a name of several words counts each)
    unknown: int  # how many of those the article does not have
    asks: bool  # it holds a question word, a facet noun or a leading "lalu"/"what else"
    back: bool  # it points back
    pronoun: bool  # it points back with a pronoun or demonstrative, not only with -nya
    person: bool  # ... with a personal pronoun ("dia", "mereka", "he")


def naming(reading: Reading, query: Query | None) -> Naming:
    frames = reading.follow.frames
    by_word: dict[str, list[QueryTerm]] = {}
    for qt in query.terms if query is not None else ():
        word = qt.word.casefold()
        if not (followup.is_asking(word) or qt.term in followup.ASKING or word in frames):
            by_word.setdefault(word, []).append(qt)
    # a word the article has only through a synonym is no evidence that a quote answers it
    exact = {w for w, terms in by_word.items() if any(qt.how not in _STAND_INS for qt in terms)}
    own = tuple(_terms_of(by_word[w]) for w in by_word if w in exact)
    facets = tuple(_terms_of(by_word[w]) for w in by_word if w in exact and followup.is_facet(w))
    named = [w for w in by_word if not followup.is_facet(w)]
    stand_ins = [w for w in named if w not in exact]
    lacking = {
        m.casefold()
        for m in ((*query.missing, *query.unknown) if query is not None else ())
        if followup.named(m.casefold()) and m.casefold() not in frames
    }
    return Naming(
        own,
        facets,
        tuple(_terms_of(by_word[w]) for w in stand_ins),
        sum(len(w.split()) for w in named) + len(lacking),
        len(lacking),
        reading.follow.asks,
        reading.follow.back,
        reading.follow.pronoun,
        reading.follow.person,
    )


def _terms_of(terms: list[QueryTerm]) -> frozenset[str]:
    return frozenset(qt.term for qt in terms)


def is_candidate(message: Naming) -> bool:
    """Short, pointing back or asking for a facet, and naming nothing the article lacks
    ("Berapa gaji Putin?" asks about a salary the article never mentions, whatever was asked
    before). A message that only asks names at most one thing ("kapan diumumkan?"); one that
    points back may name `SHORT_WORDS` ("kenapa itu berbahaya bagi Rusia?")."""
    if message.unknown or not (message.back or message.asks):
        return False
    return message.named <= (SHORT_WORDS if message.back else 1)


def topic_of(reading: Reading) -> str:
    """The question without its question words, pointing words, greetings and punctuation."""
    return _topic_words(reading).question


def _topic_words(reading: Reading) -> Reading:
    """The words of a question that name its topic: not question words, pointing words,
    greetings or address words ("halo min, kapan ...")."""
    return reading.keeping(lambda t: not followup.is_asking(t.word) and t.word not in CHAT_WORDS)


def shorten(topic: str, limit: int = TOPIC_CHARS) -> str:
    if len(topic) <= limit:
        return topic
    return topic[: limit - 1].rsplit(" ", 1)[0] + "…"


def _terms(passage: str | Reading, kb: Snapshot) -> frozenset[str]:
    """The terms a quote (or a topic) holds, read as a question would be (synonyms included)."""
    reading = read(passage) if isinstance(passage, str) else passage
    return frozenset(qt.term for qt in resolve(reading, kb).terms)


def _holds(answer: Answer, wanted: Words, kb: Snapshot) -> float:
    """The share of the `wanted` words the answer's first quote holds, a word by any of its
    terms (1.0 for no words)."""
    if not wanted:
        return 1.0
    if not answer.found or not answer.passages:
        return 0.0
    quoted = _terms(answer.passages[0].text, kb)
    return sum(bool(terms & quoted) for terms in wanted) / len(wanted)


def answer_in_context(answerer: Answerer, reading: Reading, earlier: Topic | None) -> Reply:
    """Answer a message, as a follow-up of `earlier` when it is one (see the module
    docstring)."""
    kb = answerer.kb
    query = answerer.query(reading)
    alone = answerer.answer(reading, query)
    if reading.social or alone.chat is not None:
        return Reply(alone, earlier)
    message = naming(reading, query)
    own_topic = Topic.of(reading, answer=alone) if message.named else earlier
    if not is_candidate(message):
        return Reply(alone, own_topic)
    # a short message that names something new without pointing back may start a new topic
    # ("Apa itu Gigachat?"); one that points back stays on the earlier one
    after = earlier if message.back or not alone.found else own_topic
    if earlier is None or not earlier.text or _strong(alone, reading, message, earlier, kb):
        return Reply(alone, after)
    if message.person and earlier.entity:
        # "dia" / "mereka" after a question that asked who or where: the one the answer named
        named = Topic(earlier.question, earlier.entity, earlier.answer_id, entity=earlier.entity)
        read_so = _read_with(answerer, reading, named, message)
        if read_so is not None:
            return Reply(read_so[0], earlier, named, read_so[1])
    read_so = _read_with(answerer, reading, earlier, message)
    if read_so is None:
        return Reply(_not_said(alone) if _only_stand_ins(message) else alone, after)
    return Reply(read_so[0], earlier, earlier, read_so[1])


def _only_stand_ins(message: Naming) -> bool:
    """Does a message that points back name its thing only through words the article has as
    another word's synonym ("berapa harganya?": *harga* is in the article only as *nilai*)?
    Read alone, its quote then answers neither what it points back at nor what it names."""
    return message.back and not message.own and bool(message.stand_ins)


def _not_said(alone: Answer) -> Answer:
    """The article does not say: `alone` refused, its found model's confidence kept."""
    if not alone.found:
        return alone
    return replace(alone, found=False, passages=(), reason="no_match", more=(), tentative=False)


def _read_with(
    answerer: Answerer, reading: Reading, topic: Topic, message: Naming
) -> tuple[Answer, str] | None:
    """The message read together with a topic's words, when that is found and its quote holds
    the facet asked for and the words the article has only through a synonym: the answer (as
    to the message typed) and the question as understood."""
    joined = reading.joined(topic.reading())
    together = answerer.ask(joined)
    wanted = message.facets + message.stand_ins
    if not together.found or _holds(together, wanted, answerer.kb) < 1.0:
        return None
    return replace(together, question=reading.text), joined.text


def _strong(alone: Answer, reading: Reading, message: Naming, earlier: Topic, kb: Snapshot) -> bool:
    """Does the message stand on its own: found, its quote holds every word it names and the
    kind of answer it asks for ("kapan diumumkan?" wants a time), and (if it points back with a
    pronoun) that quote is still about the earlier topic? A word ending in -nya that the quote
    holds is read as naming its thing ("tujuan satgasnya")."""
    if (
        not alone.found
        or alone.confidence < ALONE_SURE
        or not message.own
        or _holds(alone, message.own, kb) < 1.0
    ):
        return False
    if reading.kind in _SHORT_ANSWERS and not holds(
        reading.kind, alone.passages[0].text, frozenset(reading.words)
    ):
        return False
    if not message.pronoun:
        return True
    topic = tuple(frozenset({term}) for term in _terms(earlier.reading(), kb))
    return _holds(alone, topic, kb) >= ON_TOPIC


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
