"""What a new user meets first: the bot's descriptions (the text in an empty chat and on its
profile), `/start` with a deep-link payload, and `/privacy`.

Deep links (`https://t.me/<bot>?start=<payload>`, Telegram sends `/start <payload>`):

- `ex1`, `ex2`, … answer the corpus's first, second, … example question, as if its button was
  pressed (the examples come from the documents' front matter, as `/start` shows them);
- `privacy` shows `/privacy`, `help` shows `/help`;
- anything else (unknown, malformed, too long) is the ordinary welcome: a payload never errors.
"""

from __future__ import annotations

import logging
import re

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.config import Settings
from bot.messages import Lang, t
from bot.render import escape
from bot.telegram import handlers
from bot.telegram.context import BotContext
from bot.telegram.send import lang_of, reply
from bot.telegram.state import BotState, get_state

log = logging.getLogger(__name__)

Context = BotContext

DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120
_EXAMPLE_PAYLOAD = re.compile(r"ex([1-9][0-9]?)")


# --------------------------------------------------------------------------- /privacy


def privacy_text(settings: Settings, lang: Lang, user_id: int | None) -> str:
    """What is stored, why, for how long and how to have it deleted, from the real settings."""
    question_text = t(
        "privacy_text_kept" if settings.store_question_text else "privacy_text_not_kept", lang
    )
    if settings.retention_days > 0:
        retention = t("privacy_retention_days", lang, days=settings.retention_days)
    else:
        retention = t("privacy_retention_forever", lang)
    contact = settings.privacy_contact.strip()
    how = (
        t("privacy_contact", lang, contact=escape(contact))
        if contact
        else t("privacy_contact_operator", lang)
    )
    return t(
        "privacy",
        lang,
        question_text=question_text,
        retention=retention,
        contact=how,
        user_id=user_id if user_id is not None else "?",
    )


async def on_privacy(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    user_id = user.id if user else None
    text = privacy_text(get_state(context).settings, lang_of(update), user_id)
    await reply(message, text)


# --------------------------------------------------------------------------- /start payloads


def _payload(context: Context) -> str:
    # a deep link sends exactly one word (A-Z, a-z, 0-9, _ and -, at most 64 characters)
    return context.args[0] if context.args and len(context.args) == 1 else ""


async def on_start(update: Update, context: Context) -> None:
    """`/start`, with or without a deep-link payload (see the module docstring)."""
    payload = _payload(context)
    match = _EXAMPLE_PAYLOAD.fullmatch(payload)
    if match is not None:
        examples = handlers.examples_of(get_state(context))
        index = int(match.group(1)) - 1
        if index < len(examples):
            await handlers.answer_question(update, context, examples[index], show_question=True)
            return
    if payload == "privacy":
        await on_privacy(update, context)
        return
    if payload == "help":
        await handlers.on_help(update, context)
        return
    await handlers.on_start(update, context)


# --------------------------------------------------------------------------- descriptions


def descriptions(state: BotState, username: str, lang: Lang) -> tuple[str, str]:
    """The long and the short description in `lang`, built from the corpus title."""
    documents = state.live.kb.corpus.documents
    title = documents[0].title if documents else "?"
    key = "description" if len(documents) == 1 else "description_many"
    long_text = _fit(key, lang, DESCRIPTION_LIMIT, title, count=len(documents), username=username)
    return long_text, _fit("short_description", lang, SHORT_DESCRIPTION_LIMIT, title)


def _fit(key: str, lang: Lang, limit: int, title: str, **values: object) -> str:
    """The text with the title, the title shortened when the text would pass `limit`."""
    text = t(key, lang, title=title, **values)
    if len(text) > limit:
        room = len(title) - (len(text) - limit) - 1
        text = t(key, lang, title=_shorten(title, room), **values)
    return text


def _shorten(text: str, room: int) -> str:
    return text[: max(room, 1)].rstrip() + "…"


async def set_descriptions(bot: Bot, state: BotState) -> int:
    """Set both descriptions in Indonesian (the default) and English; a text Telegram already
    has is not sent again. Called at start and after a reload. Returns how many were sent."""
    sent = 0
    languages: tuple[tuple[Lang, str | None], ...] = (("id", None), ("en", "en"))
    for lang, code in languages:
        long_text, short_text = descriptions(state, bot.username, lang)
        try:
            current = await bot.get_my_description(language_code=code)
            if current.description != long_text:
                await bot.set_my_description(long_text, language_code=code)
                sent += 1
            current_short = await bot.get_my_short_description(language_code=code)
            if current_short.short_description != short_text:
                await bot.set_my_short_description(short_text, language_code=code)
                sent += 1
        except TelegramError as exc:  # cosmetic: never stop the bot for it
            log.warning("could not set the bot's description (%s): %s", code or "default", exc)
    return sent
