"""Building the PTB `Application` and running it (long polling, or a webhook by setting)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from urllib.parse import urlparse

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.live import LiveSnapshot
from bot.messages import problem_reason
from bot.search.snapshot import TerminalProgress, folder_fingerprint, load_snapshot
from bot.storage import Storage
from bot.telegram import access, admin, handlers, limits, operations, welcome
from bot.telegram.context import BotContext
from bot.telegram.inbox import Inbox, InboxQueue, InboxUpdateProcessor, keep_log_rows
from bot.telegram.logs import redact, setup_logging
from bot.telegram.pacing import Pacing
from bot.telegram.state import STATE_KEY, BotState, get_state
from bot.telegram.transport import AiohttpRequest
from bot.telegram.updates import TolerantBot
from bot.telegram.webhook import serve_webhook, with_webhook_secret

log = logging.getLogger(__name__)

HTTP_POOL_SIZE = 16
MAX_WAIT = 60.0  # seconds between attempts to reach the Bot API at start, at most
LOG_KEEPER_KEY = "inbox_log_keeper"

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE
EDITED = filters.UpdateType.EDITED_MESSAGE

READER_COMMANDS = [
    ("start", "Mulai dan contoh pertanyaan", "Start and example questions"),
    ("ask", "Tanya tentang artikel", "Ask about the article"),
    ("about", "Tentang artikel", "About the article"),
    ("help", "Bantuan", "Help"),
    ("privacy", "Privasi", "Privacy"),
]
ADMIN_COMMANDS = [
    ("reload", "Muat ulang korpus", "Reload the corpus"),
    ("stats", "Statistik pertanyaan", "Question statistics"),
    ("docs", "Daftar dokumen", "List documents"),
    ("remove", "Hapus dokumen", "Remove a document"),
    ("status", "Status bot", "Bot status"),
]


def build_application(
    settings: Settings,
    live: LiveSnapshot,
    storage: Storage | None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot, with every handler registered. `request` lets tests run it offline."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    bot = TolerantBot(
        settings.token,
        base_url=settings.telegram_base_url,
        base_file_url=_file_url(settings.telegram_base_url),
        request=request or AiohttpRequest(HTTP_POOL_SIZE),
        get_updates_request=get_updates_request or AiohttpRequest(1),
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            allow_sending_without_reply=True,
            do_quote=True,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # every call after start: paced, and retried by the one policy (bot/telegram/pacing.py)
        rate_limiter=Pacing(pace=settings.rate_limiter),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    inbox = Inbox(inbox_path(settings)) if settings.durable_inbox else None
    if inbox is not None:
        builder = builder.update_queue(InboxQueue(inbox))
        builder = builder.concurrent_updates(InboxUpdateProcessor(inbox))
    else:
        builder = builder.concurrent_updates(True)
    application = builder.build()
    application.bot_data[STATE_KEY] = BotState.create(settings, live, storage, inbox)
    register_handlers(application, settings)
    return application


def inbox_path(settings: Settings) -> Path:
    """The inbox file, beside the database: data/bot.sqlite3 -> data/bot.inbox.sqlite3."""
    path = settings.database_path
    return path.with_name(f"{path.stem}.inbox{path.suffix or '.sqlite3'}")


def _file_url(base_url: str) -> str:
    """The file download base that matches a Bot API base URL (…/bot -> …/file/bot)."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return base_url.rstrip("/") + "/file/bot"


def register_handlers(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    h = handlers
    not_bot = ~filters.VIA_BOT
    edits = settings.edited_messages == "answer"
    question_updates = (NEW | EDITED) if edits else NEW

    access.register(application)  # ALLOWED_CHAT_IDS / ALLOWED_USER_IDS, before everything
    operations.register(application)  # /status, and each admin's language for alerts
    limits.register(application)  # flood control, for every update a user makes it answer
    # admin (group -1 so an upload from an admin is not treated as a reader's file)
    for name, action in (
        ("reload", admin.reload_action),
        ("stats", admin.stats_action),
        ("docs", admin.docs_action),
        ("remove", admin.remove_action),
    ):
        application.add_handler(
            CommandHandler(name, admin.admin_only(f"/{name}", action), filters=NEW), group=-1
        )
    admin_ids = list(settings.admin_ids)
    application.add_handler(
        MessageHandler(
            PRIVATE & NEW & filters.Document.ALL & filters.User(admin_ids),
            admin.admin_only("upload", admin.upload_action),
        ),
        group=-1,
    )
    application.add_handler(
        MessageHandler(
            PRIVATE & NEW & filters.Document.ALL & ~filters.User(admin_ids), admin.refused_upload
        ),
        group=-1,
    )

    application.add_handler(CommandHandler("start", welcome.on_start, filters=NEW))
    application.add_handler(CommandHandler("privacy", welcome.on_privacy, filters=NEW))
    application.add_handler(CommandHandler("help", h.on_help, filters=NEW))
    application.add_handler(CommandHandler("about", h.on_about, filters=NEW))
    application.add_handler(CommandHandler("ask", h.on_ask, filters=question_updates))
    application.add_handler(
        MessageHandler(
            PRIVATE & question_updates & filters.TEXT & ~filters.COMMAND & not_bot,
            h.on_private_text,
        )
    )
    application.add_handler(
        MessageHandler(
            GROUPS & question_updates & filters.TEXT & ~filters.COMMAND & not_bot,
            h.on_group_text,
        )
    )
    application.add_handler(MessageHandler(PRIVATE & NEW & filters.COMMAND, h.on_unknown_command))
    application.add_handler(
        MessageHandler(PRIVATE & NEW & ~filters.TEXT & ~filters.StatusUpdate.ALL, h.on_non_text)
    )
    for pattern, on_press in (
        (r"^more:", h.on_more),
        (r"^fb:", h.on_feedback),
        (r"^ex:", h.on_example_button),
        (None, h.on_unknown_button),  # anything else: "expired", never a spinning button
    ):
        application.add_handler(CallbackQueryHandler(h.acknowledged(on_press), pattern=pattern))
    application.add_handler(InlineQueryHandler(h.on_inline_query))
    application.add_error_handler(h.on_error)


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    state = get_state(application)
    operations.start(application)
    queue = application.update_queue
    if state.inbox is not None and isinstance(queue, InboxQueue):
        queue.replay(state.inbox.open(application.bot))
    if state.storage is not None:
        await state.storage.start()
        if state.inbox is not None:
            for row in state.inbox.unlogged():  # answered by a run that died before logging
                state.storage.log_question(**row)
            storage = state.storage
            application.bot_data[LOG_KEEPER_KEY] = asyncio.create_task(
                keep_log_rows(state.inbox, lambda: storage.backlog), name="inbox-log-keeper"
            )
        kb = state.live.kb
        state.storage.log_corpus_version(
            content_hash=kb.corpus.content_hash,
            documents=len(kb.corpus.documents),
            sentences=len(kb.sentences),
            load_seconds=kb.built_in_s,
            loaded_by=None,
        )
    await set_command_menus(application, state.settings)
    await welcome.set_descriptions(application.bot, state)
    jobs = application.job_queue
    if jobs is not None:
        if state.storage is not None and state.settings.retention_days > 0:
            jobs.run_repeating(_purge_job, interval=6 * 3600, first=60, name="retention-purge")
        if state.settings.auto_reload:
            jobs.run_repeating(
                _watch_job, interval=state.settings.auto_reload_seconds, name="corpus-watch"
            )


async def set_command_menus(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Command menus per scope: private chats, groups, and each admin's own chat."""
    bot = application.bot

    def commands(rows: list[tuple[str, str, str]], lang: int) -> list[BotCommand]:
        return [BotCommand(row[0], row[1 + lang]) for row in rows]

    try:
        for lang_code, idx in ((None, 0), ("en", 1)):
            await bot.set_my_commands(
                commands(READER_COMMANDS, idx),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=lang_code,
            )
            await bot.set_my_commands(
                commands([r for r in READER_COMMANDS if r[0] != "start"], idx),
                scope=BotCommandScopeAllGroupChats(),
                language_code=lang_code,
            )
    except TelegramError as exc:
        log.warning("could not set command menus: %s", exc)
    for admin_id in settings.admin_ids:
        try:
            for lang_code, idx in ((None, 0), ("en", 1)):
                await bot.set_my_commands(
                    commands(READER_COMMANDS + ADMIN_COMMANDS, idx),
                    scope=BotCommandScopeChat(admin_id),
                    language_code=lang_code,
                )
        except TelegramError as exc:  # the admin has not started the bot yet
            log.info("admin menu for %s not set: %s", admin_id, exc)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    operations.stop(application)
    state = get_state(application)
    keeper = application.bot_data.pop(LOG_KEEPER_KEY, None)
    if isinstance(keeper, asyncio.Task):
        keeper.cancel()
    if state.storage is not None:
        await state.storage.close()
    if state.inbox is not None:
        if state.storage is not None and state.storage.backlog == 0:
            state.inbox.logged()  # everything queued was written
        state.inbox.close()


async def _purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if state.storage is None:
        return
    try:
        removed = await state.storage.purge(state.settings.retention_days)
        log.info("retention purge removed %d rows", removed)
    except Exception as exc:
        log.warning("retention purge failed: %s", exc)


async def _watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reload by itself when the files in CORPUS_DIR change (AUTO_RELOAD=true)."""
    state = get_state(context)
    live = state.live
    if live.changing or folder_fingerprint(live.folder) == live.fingerprint:
        return
    report = await live.reload()
    admin.record_version(state, report, None)
    if report.ok:
        await welcome.set_descriptions(context.bot, state)
    log.info("auto reload: %s", "ok" if report.ok else report.error)


def run_bot(settings: Settings) -> int:
    """`python -m bot run`: check the setup, then serve until SIGINT/SIGTERM.

    A stop is clean whenever it comes (exit 0), also before the bot serves: while the corpus
    loads or while it waits for the Bot API (KeyboardInterrupt; `bot.cli` makes SIGTERM raise it
    too until serving takes the signals over)."""
    if not settings.token:
        print(
            "error: TELEGRAM_BOT_TOKEN is not set. Put it in .env (see .env.example), or try "
            'the terminal without Telegram: python -m bot ask "your question"',
            file=sys.stderr,
        )
        return 2
    setup_logging(settings.log_level, settings.token)
    try:
        return _run(settings)
    except KeyboardInterrupt:  # SIGTERM too: the command line makes it stop as Ctrl-C does
        log.info("stopped before serving")
        return 0


def _run(settings: Settings) -> int:
    # a corpus with nothing usable raises CorpusError, reported by the command line
    kb = load_snapshot(
        settings.corpus_dir, cache_dir=settings.index_cache_dir, progress=TerminalProgress()
    )
    for problem in kb.corpus.problems:
        log.warning("skipped %s: %s", problem.name, problem_reason(problem.code, problem.detail))
    log.info(
        "starting: %s and %s loaded from %s; connecting to the Bot API at %s, then %s",
        _count(len(kb.corpus.documents), "document"),
        _count(len(kb.sentences), "sentence"),
        settings.corpus_dir,
        shown_url(settings.telegram_base_url),
        _mode(settings),
    )
    reached = asyncio.run(reach_bot_api(settings))
    if not reached:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN; check it in .env", file=sys.stderr)
        return 2
    if settings.webhook_url:
        settings = with_webhook_secret(settings)
    live = LiveSnapshot(
        kb,
        settings.corpus_dir,
        settings.top_k,
        settings.index_cache_dir,
        settings.found_threshold,
    )
    storage = Storage(settings.database_path, store_question_text=settings.store_question_text)
    application = build_application(settings, live, storage)
    log.info("the Bot API answers: serving by %s (Ctrl-C or SIGTERM stops)", _mode(settings))
    try:
        if settings.webhook_url:
            asyncio.run(serve_webhook(application, settings))
        else:
            # the Bot API answered getMe just now; PTB's own start-up retries would stack on
            # the retry policy every call already has (bot/telegram/pacing.py)
            application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=0)
    except InvalidToken:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN; check it in .env", file=sys.stderr)
        return 2
    except (TelegramError, OSError, RuntimeError) as exc:
        log.error("the bot stopped: %s", exc)
        print(f"error: the bot stopped: {redact(str(exc))}", file=sys.stderr)
        return 1
    log.info("stopped")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _mode(settings: Settings) -> str:
    """How updates come in, for the log."""
    if settings.webhook_url:
        listen = f"{settings.webhook_listen}:{settings.webhook_port}"
        return f"a webhook at {shown_url(settings.webhook_url)} (listening on {listen})"
    return "long polling"


def shown_url(url: str) -> str:
    """A URL as the log may show it: scheme, host, port and path; no user, password or query
    (the token is never part of it: it is added to the Bot API's base URL per request)."""
    parts = urlparse(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return redact(f"{parts.scheme}://{host}{port}{parts.path}")


async def reach_bot_api(settings: Settings, first_delay: float = 1.0) -> bool:
    """Wait until the Bot API answers getMe; False if it rejects the token.

    While it cannot be reached, one line says so at once (the base URL, never the token), what
    it waits for and that it keeps trying, with backoff up to a minute apart, until it answers
    or the bot is stopped; each later attempt adds one line, without a traceback.
    """
    where = shown_url(settings.telegram_base_url)
    request = AiohttpRequest(1, read_timeout=10.0, connect_timeout=5.0)
    bot = Bot(settings.token or "", base_url=settings.telegram_base_url, request=request)
    delay = first_delay
    waited = 0.0
    try:
        await request.initialize()
        while True:
            try:
                await bot.get_me()
            except (InvalidToken, Forbidden):
                return False
            except TelegramError as exc:
                reason = redact(str(exc)) or type(exc).__name__
                if waited == 0:
                    log.warning(
                        "waiting for the Bot API at %s: cannot reach it (%s); trying again in "
                        "%.0f s, then up to every %.0f s until it answers (Ctrl-C or SIGTERM "
                        "stops)",
                        where,
                        reason,
                        delay,
                        MAX_WAIT,
                    )
                else:
                    log.info(
                        "still waiting for the Bot API at %s (%.0f s so far): cannot reach it "
                        "(%s); trying again in %.0f s",
                        where,
                        waited,
                        reason,
                        delay,
                    )
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, MAX_WAIT)
                continue
            if waited:
                log.info("the Bot API at %s answers, after %.0f s", where, waited)
            return True
    finally:
        await request.shutdown()
