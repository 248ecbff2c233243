"""Operating the running bot: uptime, the last error, alerts to the admins, and `/status`.

Errors worth an operator's attention are the log records at ERROR or above (a handler that
crashed, a database that became unusable…). Each one becomes the "last error" `/status` shows
and, at most once per `ALERT_INTERVAL` seconds, a short message to every admin: one line, no
traceback, scrubbed of the token and the webhook secret. Records in between are counted and
mentioned in the next alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, TypeHandler, filters

from bot.messages import Lang, language_of, t
from bot.render import escape
from bot.telegram import admin
from bot.telegram.logs import error_of, redact
from bot.telegram.send import lang_of, reply
from bot.telegram.state import BotState, get_state

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
OPERATIONS_KEY = "operations"
ALERT_INTERVAL = 600.0
ALERT_CHARS = 300
# after the access check (-10), before flood control (-5) and admin commands (-1)
ADMIN_LANGUAGE_GROUP = -9


@dataclass
class Operations:
    """Run-time facts about this process, kept in `bot_data`."""

    started: float = field(default_factory=time.monotonic)
    last_error: tuple[float, str] | None = None  # (time.time(), one line)
    last_alert: float | None = None  # monotonic
    suppressed: int = 0
    admin_langs: dict[int, Lang] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    alert_interval: float = ALERT_INTERVAL

    def summary(self, record: logging.LogRecord) -> str:
        """One line for an operator: level, logger, message and the exception's type and text."""
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        error = error_of(record)
        if error is not None:
            message += f" ({error.line})"
        line = " ".join(f"{record.levelname} {record.name}: {message}".split())
        line = redact(line)
        for secret in self.secrets:
            line = line.replace(secret, "[secret]")
        return line if len(line) <= ALERT_CHARS else line[: ALERT_CHARS - 1] + "…"


def get_operations(application: Application) -> Operations:  # type: ignore[type-arg]
    ops = application.bot_data.get(OPERATIONS_KEY)
    if not isinstance(ops, Operations):
        ops = application.bot_data[OPERATIONS_KEY] = Operations()
    return ops


class AdminAlerts(logging.Handler):
    """A logging handler that records the last error and alerts the admins, rate-limited."""

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        super().__init__(logging.ERROR)
        self.application = application
        self.loop = asyncio.get_running_loop()
        self.sending: set[asyncio.Task[None]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == __name__:  # never alert about failing to alert
            return
        try:
            ops = get_operations(self.application)
            line = ops.summary(record)
            ops.last_error = (time.time(), line)
            if _transient(record):
                return
            now = time.monotonic()
            if ops.last_alert is not None and now - ops.last_alert < ops.alert_interval:
                ops.suppressed += 1
                return
            ops.last_alert = now
            suppressed, ops.suppressed = ops.suppressed, 0
            self.loop.call_soon_threadsafe(self._schedule, line, suppressed)
        except Exception:  # a logging handler must never raise
            self.handleError(record)

    def _schedule(self, line: str, suppressed: int) -> None:
        # not application.create_task: errors at start-up (before the application runs) count
        task = self.loop.create_task(_alert(self.application, line, suppressed))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)


def _transient(record: logging.LogRecord) -> bool:
    """A network hiccup PTB retries by itself (polling, a send): shown by /status, not alerted
    (and while the network is down no alert could be sent anyway). PTB makes `BadRequest` a
    `NetworkError` too, but Telegram refusing a request is a bug in the request: alerted."""
    error = error_of(record)
    if error is None or issubclass(error.kind, BadRequest):
        return False
    return issubclass(error.kind, NetworkError | RetryAfter)  # TimedOut is a NetworkError


async def _alert(application: Application, line: str, suppressed: int) -> None:  # type: ignore[type-arg]
    def text(lang: Lang) -> str:
        extra = t("alert_suppressed", lang, count=suppressed) if suppressed else ""
        return t("alert", lang, error=escape(line), suppressed=extra)

    await notify_admins(application, text)


async def notify_admins(application: Application, text_in: Callable[[Lang], str]) -> None:  # type: ignore[type-arg]
    """Send `text_in(lang)` to every admin in their last seen language; failures are only logged
    (an admin who never started the bot cannot be messaged)."""
    ops = get_operations(application)
    for admin_id in sorted(get_state(application).settings.admin_ids):
        text = text_in(ops.admin_langs.get(admin_id, "id"))
        try:
            await application.bot.send_message(admin_id, text)
        except (TelegramError, RuntimeError) as exc:  # RuntimeError: the bot is shutting down
            log.info("could not notify admin %d: %s", admin_id, exc)


async def remember_admin_language(update: Update, context: Context) -> None:
    """Alerts go to each admin in the language their Telegram is set to."""
    user = update.effective_user
    if user is not None and user.id in get_state(context).settings.admin_ids:
        get_operations(context.application).admin_langs[user.id] = language_of(user.language_code)


# --------------------------------------------------------------------------- /status


_UNITS: dict[Lang, tuple[str, str, str, str]] = {
    "id": ("hari", "jam", "mnt", "dtk"),
    "en": ("d", "h", "min", "s"),
}


def duration(seconds: float, lang: Lang) -> str:
    """The two largest units of a duration: "2 d 3 h", "5 min 7 s"."""
    whole = int(seconds)
    amounts = (whole // 86400, whole // 3600 % 24, whole // 60 % 60, whole % 60)
    first = next((i for i, n in enumerate(amounts) if n), 3)
    parts = zip(amounts[first : first + 2], _UNITS[lang][first : first + 2], strict=False)
    return " ".join(f"{n} {unit}" for n, unit in parts)


def status_text(state: BotState, ops: Operations, lang: Lang) -> str:
    kb = state.live.kb
    storage = state.storage
    if storage is None:
        db, backlog = t("status_db_off", lang), 0
    else:
        if storage.file_lost:  # deleted under the bot: said until the next write makes it again
            db = t("status_db_missing", lang)
        else:
            db = t("status_db_ok" if storage.healthy else "status_db_failing", lang)
        backlog = storage.backlog
    if ops.last_error is None:
        last_error = t("status_no_error", lang)
    else:
        at, line = ops.last_error
        ago = duration(max(0.0, time.time() - at), lang)
        last_error = t("status_error", lang, ago=ago, error=f"<code>{escape(line)}</code>")
    uptime = duration(time.monotonic() - ops.started, lang)
    loaded = f"{kb.built_in_s:.2f} s" + (" cache" if kb.from_cache else "")
    if kb.cache_problem:  # torn and rebuilt, or not written: slower starts, worth knowing
        loaded += "; " + t(f"status_cache_{kb.cache_problem}", lang, detail=escape(kb.cache_detail))
    failed = state.live.last_failure  # an auto reload fails without anyone seeing its report
    if failed is not None:
        loaded += "; " + t(
            "status_reload_failed", lang, error=t(f"reload_error_{failed.error}", lang)
        )
    return t(
        "status",
        lang,
        version=escape(kb.corpus.content_hash[:12]),
        documents=len(kb.corpus.documents),
        sentences=len(kb.sentences),
        loaded=loaded,
        db=db,
        backlog=backlog,
        uptime=uptime,
        last_error=last_error,
    )


async def status_action(update: Update, context: Context, state: BotState) -> str:
    message = update.effective_message
    if message is not None:
        ops = get_operations(context.application)
        await reply(message, status_text(state, ops, lang_of(update)))
    return "ok"


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        TypeHandler(Update, remember_admin_language), group=ADMIN_LANGUAGE_GROUP
    )
    application.add_handler(
        CommandHandler(
            "status",
            admin.admin_only("/status", status_action),
            filters=filters.UpdateType.MESSAGE,
        ),
        group=-1,
    )


def start(application: Application) -> AdminAlerts:  # type: ignore[type-arg]
    """Count uptime from now and alert the admins about errors (call from post_init)."""
    ops = get_operations(application)
    ops.started = time.monotonic()
    settings = get_state(application).settings
    ops.secrets = tuple(
        s
        for s in (
            settings.token,
            settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        )
        if s
    )
    handler = AdminAlerts(application)
    logging.getLogger().addHandler(handler)
    return handler


def stop(application: Application) -> None:  # type: ignore[type-arg]
    """Stop alerting (call from post_shutdown)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, AdminAlerts) and handler.application is application:
            root.removeHandler(handler)
            for task in handler.sending:  # an alert still on its way would outlive the bot
                task.cancel()
            with contextlib.suppress(Exception):
                handler.close()
