"""Handlers for readers: questions in private chats and groups, commands, buttons, inline mode.

Each handler reads the update, asks the core, renders, sends and queues a log entry. In groups the
bot speaks only when addressed: an @mention, a reply to one of its messages, or /ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.messages import Lang, t
from bot.reading.message import MAX_QUESTION_CHARS, Reading, read
from bot.render import (
    TELEGRAM_LIMIT,
    about_html,
    answer_html,
    chat_reply,
    escape,
    passage_html,
    passage_plain,
    utf16_len,
    without_surrogates,
)
from bot.search.answer import Answer, Passage
from bot.search.conversation import Reply, Topic, answer_in_context
from bot.telegram.context import Addressed, BotContext, Unread
from bot.telegram.send import lang_of, own_words, reply, reply_lang
from bot.telegram.state import BotState, SentAnswer, get_state

log = logging.getLogger(__name__)

T = TypeVar("T")

Context = BotContext

INLINE_MAX_RESULTS = 10
TYPING_DELAY = 0.3
TYPING_REPEAT = 4.0
INLINE_QUERY_MAX = 256
# answers lighter than this on average are computed on the event loop (see `answering`)
INLINE_ANSWER_MS = 25.0


def examples_of(state: BotState) -> tuple[str, ...]:
    """Example questions: from the documents' front matter, else a generic one per title."""
    found = [q for d in state.live.kb.corpus.documents for q in d.questions]
    if not found:
        found = [f"Apa isi {d.title}?" for d in state.live.kb.corpus.documents[:3]]
    return tuple(found[:3])


def examples_text(state: BotState) -> str:
    return "\n".join(f"• <i>{escape(q)}</i>" for q in examples_of(state))


def corpus_title(state: BotState) -> str:
    docs = state.live.kb.corpus.documents
    return docs[0].title if docs else ""


# --------------------------------------------------------------------------- answering


async def answering(state: BotState, work: Callable[[], T]) -> T:
    """Run retrieval work; in a worker thread once answers are heavy (a very large corpus,
    long quotes), so that they do not hold up the event loop and everyone else's replies.

    A thread runs no faster (the answer holds the GIL), and every read, write and send of the
    loop then waits for the GIL back: answers of a few milliseconds (the bundled article, a
    corpus of 100k sentences) stay on the loop. Measured on the article, 500 questions back to
    back: 118 answers a second in a thread, 191 on the loop, p95 470 -> 320 ms."""
    started = time.perf_counter()
    if state.answer_ms < INLINE_ANSWER_MS:
        result = work()
    else:
        result = await asyncio.to_thread(work)
    elapsed_ms = (time.perf_counter() - started) * 1000
    state.answer_ms = 0.8 * state.answer_ms + 0.2 * elapsed_ms  # a moving average
    return result


async def ask(state: BotState, question: str) -> Answer:
    """Answer one question on its own (see `answering`); the question is read here, once."""
    answerer = state.live.answerer
    reading = read(question)
    return await answering(state, lambda: answerer.ask(reading))


def answer_keyboard(answer_id: str, lang: Lang, *, more_page: int | None) -> InlineKeyboardMarkup:
    rows = []
    if more_page is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    t("more_button", lang), callback_data=f"more:{answer_id}:{more_page}"
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton("👍", callback_data=f"fb:{answer_id}:1"),
            InlineKeyboardButton("👎", callback_data=f"fb:{answer_id}:-1"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def page_of(passages: Sequence[Passage], page: int, size: int) -> list[Passage]:
    return list(passages[page * size : (page + 1) * size])


async def answer_question(
    update: Update,
    context: Context,
    question: str,
    *,
    show_question: bool = False,
    reply_to: Message | None = None,
) -> None:
    """Answer `question` in reply to the update's message (or `reply_to`), with buttons, and log
    it; `show_question` puts the question above the quotes when the user did not type it."""
    state = get_state(context)
    message = reply_to or update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    lang = lang_of(update)
    if len(question) > MAX_QUESTION_CHARS:
        lang = reply_lang(update, question[:MAX_QUESTION_CHARS])
        await reply(message, t("question_too_long", lang, limit=MAX_QUESTION_CHARS))
        _answered(state, update)
        return
    # "typing…": at once in a private chat (the reader is waiting for it), and in any chat
    # again while a reply is slow to go out (rate limits, a slow network)
    if chat.type == ChatType.PRIVATE:
        await _send_typing(context, chat.id)
        typing = asyncio.create_task(_typing_after(context, chat.id, TYPING_REPEAT))
    else:
        typing = asyncio.create_task(_typing_after(context, chat.id, TYPING_DELAY))
    try:
        reading = read(question)  # the one reading of the message
        await _answer(update, state, message, reading, lang, show_question=show_question)
    finally:
        typing.cancel()


async def _answer(
    update: Update,
    state: BotState,
    message: Message,
    reading: Reading,
    lang: Lang,
    *,
    show_question: bool = False,
) -> None:
    """Answer `reading`, in the language its words are written in (else the user's `lang`)."""
    # a button asks a full question of its own; a typed message may follow up the one before
    earlier = None if show_question else await _earlier_topic(update, state, message)
    answerer = state.live.answerer
    question = reading.text
    said = await answering(state, lambda: answer_in_context(answerer, reading, earlier))
    answer = said.answer
    lang = answer.language or lang
    if answer.chat is not None:  # a greeting, thanks, a request: a friendly word, never a quote
        await reply(message, chat_reply(answer, lang, corpus_title(state), examples_text(state)))
        _answered(state, update)
        return
    if not answer.found:
        key = "empty_question" if answer.reason == "empty" else "not_found"
        # queued first: the log never waits on Telegram
        log_id, row = _log(state, update, answer, "", said)
        topic = _remember(state, update, said, log_id)
        sent = await reply(message, t(key, lang, examples=examples_text(state)))
        _sent(state, sent, topic)
        _answered(state, update, row)
        return
    size = state.live.top_k
    everything = answer.passages + answer.more
    asked = said.understood or question  # what "More" pages through
    answer_id = state.answers.add(SentAnswer(asked, everything, lang))
    messages = answer_html(page_of(everything, 0, size), lang)
    if show_question:  # the question was a button, so say what is being answered
        _prepend(messages, t("example_header", lang, question=escape(question)) + "\n\n")
    if answer.tentative:  # found, but only just: say so rather than sound sure
        _prepend(messages, "<i>" + t("tentative", lang) + "</i>\n\n")
    if said.about is not None:  # read with the earlier question: say which
        _prepend(messages, about_html(said.about, lang) + "\n")
    more_page = 1 if len(everything) > size else None
    log_id, row = _log(state, update, answer, answer_id, said)
    topic = _remember(state, update, said, log_id)
    for i, html_text in enumerate(messages):
        last = i == len(messages) - 1
        markup = answer_keyboard(answer_id, lang, more_page=more_page) if last else None
        _sent(state, await reply(message, html_text, markup), topic)
    _answered(state, update, row)


def _answered(state: BotState, update: Update, log_row: dict[str, Any] | None = None) -> None:
    """The reply is out: the update is done in the inbox now (a kill from here on does not
    answer it again), with its question-log row kept there until the log has it."""
    if state.inbox is not None:
        state.inbox.answered(update.update_id, log_row)


async def _earlier_topic(update: Update, state: BotState, message: Message) -> Topic | None:
    """What a follow-up refers to: the question behind the bot's answer the message replies to,
    else the user's own last question in this chat (if it has not expired)."""
    user, chat = update.effective_user, update.effective_chat
    if chat is None or user is None or state.conversations.ttl <= 0:
        return None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.is_bot:
        topic = state.conversations.replied(chat.id, replied.message_id)
        if topic is None:
            topic = await _answered_by(state, replied)
        if topic is not None:
            return topic
    return state.conversations.topic(user.id, chat.id)


async def _answered_by(state: BotState, replied: Message) -> Topic | None:
    """The question behind one of the bot's answers that is no longer in memory (after a
    restart): its buttons carry the answer id, and the question log has the question."""
    markup = replied.reply_markup
    buttons = [b for row in markup.inline_keyboard for b in row] if markup else []
    for button in buttons:
        data = button.callback_data
        if not isinstance(data, str) or not data.startswith("fb:"):
            continue
        answer_id = data.split(":")[1]
        sent = state.answers.get(answer_id)
        question = sent.question if sent else await _stored_question(state, answer_id)
        if question:
            return Topic.of(read(question), answer_id)
    return None


def _remember(state: BotState, update: Update, said: Reply, log_id: str) -> Topic | None:
    """Keep the conversation's topic for the user's next message; a new topic is this question,
    logged as `log_id`."""
    user, chat = update.effective_user, update.effective_chat
    topic = said.topic
    if topic is not None and not topic.answer_id and topic is not said.followed:
        topic = dataclasses.replace(topic, answer_id=log_id)
    if user is not None and chat is not None:
        state.conversations.remember(user.id, chat.id, topic)
    return topic


def _sent(state: BotState, sent: Message, topic: Topic | None) -> None:
    """Remember which topic a message of the bot answered, for replies to it."""
    state.conversations.sent(sent.chat_id, sent.message_id, topic)


async def _typing_after(context: Context, chat_id: int, delay: float) -> None:
    """Show "typing…" after `delay` seconds, and again every few seconds, until cancelled."""
    await asyncio.sleep(delay)
    while True:
        await _send_typing(context, chat_id)
        await asyncio.sleep(TYPING_REPEAT)  # Telegram shows the action for about 5 s


async def _send_typing(context: Context, chat_id: int) -> None:
    try:
        # cosmetic: never retried, so it never holds up the answer behind it
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING, rate_limit_args=0)
    except TelegramError as exc:  # cosmetic: never let it stop the answer
        log.debug("typing action failed: %s", exc)


def _log(
    state: BotState, update: Update, answer: Answer, answer_id: str, said: Reply | None = None
) -> tuple[str, dict[str, Any] | None]:
    """Queue the question-log row; returns its answer id (a new one for a not-found) and the
    row, for the inbox to keep until the log has written it."""
    log_id = answer_id or f"nf-{time.time_ns()}"
    if state.storage is None:
        return log_id, None
    chat, user = update.effective_chat, update.effective_user
    passages = answer.passages + answer.more
    followed = said.followed if said is not None else None
    row: dict[str, Any] = {
        "answer_id": log_id,
        "at": time.time(),
        "chat_type": chat.type if chat else "unknown",
        "user_id": user.id if user else None,
        "question": answer.question,
        "found": answer.found,
        "passages": [(p.doc, p.chunk, p.score) for p in passages[: state.live.top_k]],
        "latency_ms": answer.elapsed_ms,
        "followup_of": (followed.answer_id or None) if followed is not None else None,
        "understood": said.understood if said is not None else None,
        "update_id": update.update_id,  # answered again after a kill: the same row
    }
    state.storage.log_question(**row)
    if not state.storage.store_question_text:  # nor does the inbox's copy keep the text
        row = {**row, "question": None, "understood": None}
    return log_id, row


# --------------------------------------------------------------------------- messages


def is_from_bot(update: Update) -> bool:
    user = update.effective_user
    return user is None or user.is_bot


async def on_private_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.text is None or is_from_bot(update):
        return
    asked = bare_ask(message, context.bot.username)
    await answer_question(update, context, message.text if asked is None else asked)


async def on_group_text(update: Update, context: Context) -> None:
    """In groups, answer only a mention of the bot, a reply to one of its messages, or /ask."""
    asked = addressed(update, context)
    if asked is None:
        return  # not for us: never answered, never logged
    if asked.via_ask:
        await _ask(update, context, asked.question)
        return
    message = update.effective_message
    if message is None:
        return
    if not asked.question and await _answer_replied(update, context, message):
        return  # "@TheBot" alone, in reply to someone's question
    await answer_question(update, context, asked.question)


def addressed(update: Update, context: Context) -> Addressed | None:
    """What a group text message asks the bot (None: it is not addressed to the bot). Worked
    out once per update: the flood gate asks first, the group handler then gets the same."""
    if isinstance(context.addressed, Unread):
        context.addressed = _addressed(update, context)
    return context.addressed


def _addressed(update: Update, context: Context) -> Addressed | None:
    message = update.effective_message
    if message is None or message.text is None or is_from_bot(update):
        return None
    bot = context.bot
    asked = bare_ask(message, bot.username)
    if asked is not None:
        return Addressed(asked, via_ask=True)
    question = addressed_question(message, bot.username, bot.id)
    return Addressed(question) if question is not None else None


def addressed_question(message: Message, username: str, bot_id: int) -> str | None:
    """The question if the message addresses the bot (mention or reply), else None."""
    text = message.text or ""
    # entity offsets are in UTF-16 code units; a lone surrogate (valid in an update's JSON) is
    # one, passed through as it is (PTB's parse_entities cannot encode it)
    encoded = text.encode("utf-16-le", "surrogatepass")
    mention = f"@{username}".lower()
    addressed = False
    cut: list[tuple[int, int]] = []
    for entity in message.entities:
        start, end = entity.offset, entity.offset + entity.length
        value = encoded[start * 2 : end * 2].decode("utf-16-le", "surrogatepass")
        if (entity.type == MessageEntity.MENTION and value.lower() == mention) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
        ):
            addressed = True
            if entity.type == MessageEntity.MENTION:
                cut.append((start, end))
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        addressed = True
    if not message.entities:
        # a client or API server that sends no entities: find the mention in the text itself
        plain = re.compile(rf"@{re.escape(username)}\b", re.IGNORECASE)
        if plain.search(text):
            return plain.sub(" ", text).strip(" ,:")
    if not addressed:
        return None
    for start, end in sorted(cut, reverse=True):
        encoded = encoded[: start * 2] + encoded[end * 2 :]
    return encoded.decode("utf-16-le", "surrogatepass").strip(" ,:")


def bare_ask(message: Message, username: str) -> str | None:
    """The question of "/ask ..." (or "/ask@ThisBot ...") sent without a command entity, which
    the command handler cannot see; None for anything else."""
    if message.entities or not message.text:
        return None
    match = re.match(r"/ask(?:@(\w+))?(?:\s+|$)", message.text, re.IGNORECASE)
    if match is None or (match.group(1) and match.group(1).lower() != username.lower()):
        return None
    return message.text[match.end() :].strip()


async def on_ask(update: Update, context: Context) -> None:
    """/ask QUESTION, in any chat; /ask alone gets a one-line usage."""
    message = update.effective_message
    if message is None or message.text is None or is_from_bot(update):
        return
    parts = message.text.split(maxsplit=1)
    await _ask(update, context, parts[1].strip() if len(parts) > 1 else "")


async def _ask(update: Update, context: Context, question: str) -> None:
    message = update.effective_message
    if message is None:
        return
    if not question and await _answer_replied(update, context, message):
        return  # "/ask" alone, in reply to someone's question
    if not question:
        examples = examples_of(get_state(context))
        example = examples[0] if examples else "Apa isi artikel?"
        await reply(message, t("ask_usage", lang_of(update), example=escape(example)))
        return
    await answer_question(update, context, question)


def replied_question(message: Message, bot_id: int) -> tuple[str, Message] | None:
    """The question in the message `message` replies to, and that message, when it is another
    member's (not the bot's own answer); the part the user quoted, if they quoted one."""
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id == bot_id:
        return None
    text = (message.quote.text if message.quote else None) or target.text or target.caption
    if not text or not text.strip():
        return None
    return text.strip(), target


async def _answer_replied(update: Update, context: Context, message: Message) -> bool:
    """Answer the replied-to message's text as the question, shown above the quotes, in reply
    to that message; False when `message` replies to nothing usable."""
    replied = replied_question(message, context.bot.id)
    if replied is None:
        return False
    question, target = replied
    await answer_question(update, context, question, show_question=True, reply_to=target)
    return True


async def on_non_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice and the like in a private chat: a short hint."""
    message = update.effective_message
    if message is None or is_from_bot(update):
        return
    await reply(message, t("non_text", lang_of(update)))


async def on_unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or is_from_bot(update):
        return
    await on_help(update, context)


# --------------------------------------------------------------------------- commands


def start_keyboard(state: BotState) -> InlineKeyboardMarkup | None:
    examples = examples_of(state)
    if not examples:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(q[:60], callback_data=f"ex:{i}")] for i, q in enumerate(examples)]
    )


async def on_start(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    state = get_state(context)
    docs = state.live.kb.corpus.documents
    lang = lang_of(update)
    key = "welcome" if len(docs) == 1 else "welcome_many"
    text = t(key, lang, title=escape(docs[0].title), count=len(docs))
    await reply(message, text, start_keyboard(state))


async def on_help(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    mention = f"@{context.bot.username}"
    await reply(message, t("help", lang_of(update), mention=mention))


async def on_about(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    state = get_state(context)
    corpus = state.live.kb.corpus
    lines = []
    for doc in corpus.documents[:20]:
        line = f"• <b>{escape(doc.title)}</b>"
        if doc.source:
            line += f"\n  {escape(doc.source)}"
        lines.append(line)
    if len(corpus.documents) > 20:
        lines.append(f"… (+{len(corpus.documents) - 20})")
    text = t(
        "about",
        lang_of(update),
        docs="\n".join(lines),
        sentences=len(corpus.sentences),
        count=len(corpus.documents),
    )
    await reply(message, text)


# --------------------------------------------------------------------------- buttons

# Button data the bot issues; anything else is forged or from another version of the bot.
_EXAMPLE_DATA = re.compile(r"ex:(\d{1,2})")
_ANSWER_DATA = re.compile(r"(more|fb):([0-9a-f]{10}):(-1|\d{1,3})")


def acknowledged(
    handler: Callable[[Update, Context], Awaitable[None]],
) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Every button press gets an answerCallbackQuery, even when the handler fails (else the
    user's button spins); a second answer for an already answered press is harmless."""

    async def wrapped(update: Update, context: Context) -> None:
        try:
            await handler(update, context)
        except Exception:
            query = update.callback_query
            if query is not None:
                with contextlib.suppress(TelegramError):
                    await query.answer()
            raise

    return wrapped


async def expired(query: CallbackQuery, lang: Lang) -> None:
    """The polite answer to a press the bot cannot honour (unknown, old or forged data)."""
    with contextlib.suppress(TelegramError):
        await query.answer(t("button_expired", lang))


async def on_unknown_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is not None:
        await expired(query, lang_of(update))


async def on_example_button(update: Update, context: Context) -> None:
    """A /start example button asks its question."""
    query = update.callback_query
    if query is None:
        return
    state = get_state(context)
    examples = examples_of(state)
    match = _EXAMPLE_DATA.fullmatch(query.data or "")
    if match is None or int(match.group(1)) >= len(examples):
        await expired(query, lang_of(update))
        return
    question = examples[int(match.group(1))]
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        reading = read(question)
        await _answer(update, state, message, reading, lang_of(update), show_question=True)


def answer_button(query: CallbackQuery, kind: str) -> tuple[str, int] | None:
    """The answer id and number of a "kind:answer_id:number" press the bot could have issued."""
    match = _ANSWER_DATA.fullmatch(query.data or "")
    if match is None or match.group(1) != kind:
        return None
    return match.group(2), int(match.group(3))


async def on_more(update: Update, context: Context) -> None:
    """The "More" button: show the next passages by editing the same message."""
    query = update.callback_query
    if query is None:
        return
    pressed = answer_button(query, "more")
    state = get_state(context)
    size = state.live.top_k
    sent = None
    if pressed is not None and pressed[1] >= 1:
        answer_id, page = pressed
        sent = state.answers.get(answer_id) or await _recover(state, answer_id, lang_of(update))
    if pressed is None or sent is None or not page_of(sent.passages, pressed[1], size):
        await expired(query, sent.lang if sent else lang_of(update))
        return
    answer_id, page = pressed
    lang = sent.lang
    more_page = page + 1 if len(sent.passages) > (page + 1) * size else None
    text = answer_html(page_of(sent.passages, page, size), lang)[0]
    try:
        await query.edit_message_text(
            text, reply_markup=answer_keyboard(answer_id, lang, more_page=more_page)
        )
    except TelegramError as exc:  # e.g. the message is too old to edit
        log.info("could not edit for More: %s", exc)
    await query.answer()


def _prepend(messages: list[str], header: str) -> None:
    """Put a line above the first message, when it still fits Telegram's limit."""
    if utf16_len(header + messages[0]) <= TELEGRAM_LIMIT:
        messages[0] = header + messages[0]


async def _stored_question(state: BotState, answer_id: str) -> str | None:
    """The question an earlier answer answered, from the question log (None if unknown)."""
    if state.storage is None:
        return None
    try:
        return await state.storage.question_of(answer_id)
    except Exception as exc:
        log.info("no stored question for answer %s: %s", answer_id, exc)
        return None


async def _recover(state: BotState, answer_id: str, lang: Lang) -> SentAnswer | None:
    """After a restart, rebuild an answer from its stored question."""
    question = await _stored_question(state, answer_id)
    if not question:
        return None
    answer = await ask(state, question)
    if not answer.found:
        return None
    sent = SentAnswer(question, answer.passages + answer.more, lang)
    state.answers.put(answer_id, sent)
    return sent


async def _issued(state: BotState, answer_id: str) -> bool:
    """Did this bot give an answer with this id (still in memory, or in the question log)?"""
    if state.answers.get(answer_id) is not None:
        return True
    if state.storage is None:
        return False
    try:
        return await state.storage.has_answer(answer_id)
    except Exception as exc:
        log.info("cannot look up answer %s: %s", answer_id, exc)
        return False


async def on_feedback(update: Update, context: Context) -> None:
    """👍 / 👎 on an answer the bot gave: stored (one vote per user per answer, changeable)."""
    query = update.callback_query
    if query is None:
        return
    pressed = answer_button(query, "fb")
    state = get_state(context)
    if pressed is None or pressed[1] not in (1, -1) or not await _issued(state, pressed[0]):
        await expired(query, lang_of(update))
        return
    answer_id, vote = pressed
    if state.storage is not None and query.from_user is not None:
        state.storage.log_feedback(answer_id, query.from_user.id, vote)
    await query.answer(t("feedback_thanks", lang_of(update)))


# --------------------------------------------------------------------------- inline mode


async def on_inline_query(update: Update, context: Context) -> None:
    """`@bot question` in any chat: matching passages; an empty query shows examples.

    Results are worded in the user's language, so they are marked personal: Telegram's cache
    then never serves one user's (English) results to another (Indonesian) user."""
    inline = update.inline_query
    if inline is None:
        return
    state = get_state(context)
    lang = lang_of(update)
    text = inline.query.strip()[:INLINE_QUERY_MAX]
    if not text:
        passages = await _example_passages(state)
        results = [_inline_result(str(i), p, lang) for i, p in enumerate(passages)]
        await inline.answer(results, cache_time=300, is_personal=True)
        return
    answer = await ask(state, text)
    lang = answer.language or lang
    if answer.found:
        found = (answer.passages + answer.more)[:INLINE_MAX_RESULTS]
        results = [_inline_result(str(i), p, lang) for i, p in enumerate(found)]
    else:
        message = t("inline_none_text", lang, question=escape(text))
        results = [
            InlineQueryResultArticle(
                id="none",
                title=t("inline_none_title", lang),
                description=without_surrogates(text[:100]),
                input_message_content=InputTextMessageContent(message, parse_mode=ParseMode.HTML),
            )
        ]
    _, row = _log(state, update, answer, "")
    await inline.answer(results, cache_time=60, is_personal=True)
    _answered(state, update, row)


async def _example_passages(state: BotState) -> list[Passage]:
    out: list[Passage] = []
    for question in examples_of(state):
        answer = await ask(state, question)
        if answer.found:
            out.append(answer.passages[0])
    return out


def _inline_result(result_id: str, passage: Passage, lang: Lang) -> InlineQueryResultArticle:
    snippet = passage.sentence if len(passage.sentence) <= 200 else passage.sentence[:199] + "…"
    html_text = passage_html(passage, lang)
    if len(html_text) > 4000:
        html_text = escape(passage_plain(passage, lang)[:3990])
    # the direct answer, when there is one, is what the list shows first
    title = passage.answer_text or f"{passage.title[:50]} ¶{passage.paragraph}"
    return InlineQueryResultArticle(
        id=result_id,
        title=title[:100],
        description=snippet,
        input_message_content=InputTextMessageContent(html_text, parse_mode=ParseMode.HTML),
    )


# --------------------------------------------------------------------------- errors


# Telegram's words when the user blocked the bot or deleted their account, or a group removed
# it: nothing an operator can act on, so no alert
_LEFT_THE_BOT = ("blocked by the user", "user is deactivated", "kicked from", "not a member of")
_CHAT_KINDS: dict[str, str] = {
    ChatType.PRIVATE: "private chat",
    ChatType.GROUP: "group",
    ChatType.SUPERGROUP: "supergroup",
    ChatType.CHANNEL: "channel",
}


def handled_what(update: object) -> str:
    """What was being handled, in words an alert can carry (no user data): the kind of update
    and the kind of chat, e.g. "a command in a group"."""
    if not isinstance(update, Update):
        return "a background job" if update is None else "an update"
    chat = update.effective_chat
    kind = _update_kind(update)
    return f"{kind} in a {_CHAT_KINDS.get(chat.type, 'chat')}" if chat is not None else kind


def _update_kind(update: Update) -> str:
    message = update.message or update.edited_message
    if message is not None:
        if (message.text or "").startswith("/"):
            return "a command"
        if message.document is not None:
            return "a document"
        return "an edited message" if update.edited_message else "a message"
    if update.callback_query is not None:
        return "a button press"
    if update.inline_query is not None:
        return "an inline query"
    if update.my_chat_member is not None:
        return "a change of the bot's membership"
    return "an update"


async def on_error(update: object, context: Context) -> None:
    """Log the error, named (never to the user); tell a private-chat user to try again. A user
    who blocked the bot is a log line, not an alert."""
    error = context.error
    what = handled_what(update)
    if isinstance(error, Forbidden) and any(words in str(error) for words in _LEFT_THE_BOT):
        log.info("the reply to %s was not sent: the user has left the bot (%s)", what, error)
        return
    log.error("handling %s failed", what, exc_info=error)
    if not isinstance(update, Update):
        return
    if isinstance(error, RetryAfter | NetworkError) and not isinstance(error, BadRequest):
        # Telegram asked the bot to slow down, or a send timed out (and may have arrived):
        # another message now would not help, or would follow the answer with an apology
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or chat.type != ChatType.PRIVATE:
        return
    with contextlib.suppress(TelegramError):
        await message.reply_text(t("error", reply_lang(update, own_words(message))))
