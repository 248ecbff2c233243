"""Admin commands: /reload, /stats, /docs, /remove NAME, and adding a document by upload.

Admins are exactly the user ids in ADMIN_IDS. Anyone else gets a polite refusal in a private chat
and silence in a group; every attempt, allowed or not, goes to the audit log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.live import ReloadReport
from bot.messages import Lang, problem_reason, t
from bot.render import escape, pack
from bot.search.corpus import SUPPORTED_SUFFIXES, DocumentError, decode_document, iter_corpus_files
from bot.storage import StorageError
from bot.telegram import welcome
from bot.telegram.download import TooLarge, download_at_most
from bot.telegram.send import lang_of, reply
from bot.telegram.state import BotState, get_state

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
AdminCommand = Callable[[Update, Context, BotState], Awaitable[str]]

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")


def admin_only(
    command: str, action: AdminCommand
) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Wrap an admin action with the id check, the refusal and the audit log."""

    async def handler(update: Update, context: Context) -> None:
        state = get_state(context)
        user, chat, message = update.effective_user, update.effective_chat, update.effective_message
        if message is None or chat is None:
            return
        allowed = user is not None and user.id in state.settings.admin_ids
        if not allowed:
            _audit(state, update, command, False, "refused")
            if chat.type == ChatType.PRIVATE:
                await reply(message, t("admin_only", lang_of(update)))
            raise ApplicationHandlerStop  # handled: no reader handler answers it as well
        try:
            result = await action(update, context, state)
        except Exception as exc:  # logged by the error handler; no exception text is stored
            _audit(state, update, command, True, f"error: {type(exc).__name__}")
            raise
        _audit(state, update, command, True, result)
        raise ApplicationHandlerStop

    return handler


async def refused_upload(update: Update, context: Context) -> None:
    """A document from a non-admin in a private chat: audited, then left to the reader's
    handlers (which answer with the hint to type a question)."""
    _audit(get_state(context), update, "upload", False, "refused")


def _audit(state: BotState, update: Update, command: str, allowed: bool, result: str) -> None:
    if state.storage is None:
        return
    user, chat = update.effective_user, update.effective_chat
    state.storage.log_admin(
        user_id=user.id if user else None,
        chat_type=chat.type if chat else "unknown",
        command=command,
        allowed=allowed,
        result=result,
    )


async def _reply(update: Update, html_text: str) -> None:
    message = update.effective_message
    if message is None:
        return
    for part in pack(html_text.split("\n\n")):
        await reply(message, part)


# --------------------------------------------------------------------------- /reload


def reason_text(code: str, detail: str, lang: Lang) -> str:
    """Why a file was not loaded, in the admin's language (Telegram HTML)."""
    return problem_reason(code, escape(detail), lang)


def _skipped_lines(report: ReloadReport, lang: Lang) -> list[str]:
    return [f"• {escape(p.name)}: {reason_text(p.code, p.detail, lang)}" for p in report.skipped]


def describe_reload(report: ReloadReport, lang: Lang) -> str:
    if not report.ok:
        lines = [
            t(
                "reload_failed",
                lang,
                documents=report.documents,
                sentences=report.sentences,
                error=t(f"reload_error_{report.error}", lang),
            )
        ]
        lines.extend(_skipped_lines(report, lang))
        return "\n".join(lines)
    seconds = f"{report.seconds:.2f}"
    lines = [
        t(
            "reload_done",
            lang,
            seconds=seconds,
            documents=report.documents,
            sentences=report.sentences,
        )
    ]
    for key, names in (
        ("reload_added", report.added),
        ("reload_removed", report.removed),
        ("reload_changed", report.changed),
    ):
        if names:
            lines.append(t(key, lang, names=", ".join(escape(n) for n in names)))
    if not (report.added or report.removed or report.changed):
        lines.append(t("reload_same", lang))
    if report.skipped:
        lines.append(t("reload_skipped", lang))
        lines.extend(_skipped_lines(report, lang))
    return "\n".join(lines)


def record_version(state: BotState, report: ReloadReport, user_id: int | None) -> None:
    if state.storage is not None and report.ok:
        state.storage.log_corpus_version(
            content_hash=report.content_hash,
            documents=report.documents,
            sentences=report.sentences,
            load_seconds=report.seconds,
            loaded_by=user_id,
        )


async def reload_action(update: Update, context: Context, state: BotState) -> str:
    async with state.live.change() as reload:
        report = await _reload(update, state, reload)
    await _reply(update, describe_reload(report, lang_of(update)))
    return "ok" if report.ok else f"failed: {report.error}"


# --------------------------------------------------------------------------- /stats and /docs


async def stats_action(update: Update, context: Context, state: BotState) -> str:
    lang = lang_of(update)
    if state.storage is None:
        await _reply(update, t("no_storage", lang))
        return "no storage"
    try:
        stats = await state.storage.stats()
    except StorageError as exc:
        log.warning("/stats: %s", exc)
        await _reply(update, t("storage_unreadable", lang))
        return "storage error"
    lines = [
        t(
            "stats",
            lang,
            today=stats.today,
            week=stats.week,
            rate=f"{stats.found_rate:.0%}",
            up=stats.votes_up,
            down=stats.votes_down,
            balance=f"{stats.votes_up - stats.votes_down:+d}",
        )
    ]
    if stats.unanswered:
        lines.append("\n" + t("stats_unanswered", lang))
        lines.extend(f"{n}× {escape(q[:200])}" for q, n in stats.unanswered)
    await _reply(update, "\n".join(lines))
    return "ok"


async def docs_action(update: Update, context: Context, state: BotState) -> str:
    lang = lang_of(update)
    kb = state.live.kb
    counts: dict[str, int] = {}
    for chunk in kb.sentences:
        counts[chunk.doc] = counts.get(chunk.doc, 0) + 1
    lines = [t("docs_header", lang, count=len(kb.corpus.documents))]
    for doc in kb.corpus.documents:
        lines.append(
            t(
                "docs_line",
                lang,
                name=escape(doc.name),
                title=escape(doc.title),
                size=f"{doc.size_bytes:,}",
                sentences=counts.get(doc.name, 0),
            )
        )
    await _reply(update, "\n".join(lines))
    return "ok"


# --------------------------------------------------------------------------- files


def safe_target(folder: Path, name: str) -> Path | None:
    """The path for an uploaded file name, or None if the name is unsafe or leaves `folder`."""
    if not name or "/" in name or "\\" in name or "\0" in name or not _SAFE_NAME.match(name):
        return None
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        return None
    root = folder.resolve()
    target = (root / name).resolve()
    if target.parent != root:
        return None
    return target


def command_argument(update: Update) -> str:
    """The text after the command, as typed: "/remove a  b.txt" gives "a  b.txt"."""
    message = update.effective_message
    text = (message.text or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def corpus_file(folder: Path, name: str) -> Path | None:
    """The file in the corpus folder listed under `name` (as /docs shows it), else None.

    Only names the loader itself lists can match, so no name can reach outside the folder.
    """
    for path in iter_corpus_files(folder):
        if path.relative_to(folder).as_posix() == name:
            return path
    return None


async def remove_action(update: Update, context: Context, state: BotState) -> str:
    lang = lang_of(update)
    name = command_argument(update)
    if not name:
        await _reply(update, t("remove_usage", lang))
        return "usage"
    async with state.live.change() as reload:  # one change to the corpus at a time
        target = corpus_file(state.live.folder, name)
        if target is None:
            await _reply(update, t("remove_unknown", lang, name=escape(name)))
            return "not found"
        # set aside (hidden names are not loaded), and put back if nothing usable is left
        aside = target.with_name(f".{target.name}.removing")
        target.replace(aside)
        report = await _reload(update, state, reload)
        if not report.ok:
            aside.replace(target)  # the last good index, still serving, has it
            await _reply(update, t("remove_last", lang))
            return "refused: last document"
        aside.unlink(missing_ok=True)
    await _reply(
        update, t("removed", lang, name=escape(name)) + "\n" + describe_reload(report, lang)
    )
    return "removed"


async def _reload(
    update: Update, state: BotState, reload: Callable[[], Awaitable[ReloadReport]]
) -> ReloadReport:
    report = await reload()
    user = update.effective_user
    record_version(state, report, user.id if user else None)
    if report.ok:  # the title the descriptions are built from may have changed
        await welcome.set_descriptions(update.get_bot(), state)
    return report


def too_large_text(size: int | None, limit: int, lang: Lang) -> str:
    """The refusal of a file past the limit: with its size when that was stated."""
    if size is None:  # found while reading it, which stopped there
        return t("upload_over_limit", lang, limit=f"{limit:,}")
    return t("upload_too_large", lang, size=f"{size:,}", limit=f"{limit:,}")


async def upload_action(update: Update, context: Context, state: BotState) -> str:
    """An admin sends a .txt or .md file in a private chat: check, save, load, report."""
    message = update.effective_message
    if message is None or message.document is None:
        return "no document"
    lang = lang_of(update)
    document = message.document
    name = (document.file_name or "").strip()
    target = safe_target(state.live.folder, name)
    if target is None:
        await _reply(update, t("upload_bad_name", lang))
        return f"refused name {name!r}"
    limit = state.settings.max_upload_bytes
    try:
        if document.file_size is not None and document.file_size > limit:
            raise TooLarge(document.file_size)
        data = await download_at_most(update.get_bot(), document.file_id, limit)
    except TooLarge as exc:
        await _reply(update, too_large_text(exc.size, limit, lang))
        return "too large"
    except TelegramError as exc:  # its text can hold the file URL, and so the token
        log.warning("upload %r: download failed: %s", name, exc)
        await _reply(update, t("upload_failed", lang))
        return "download failed"
    try:
        decode_document(name, data)
    except DocumentError as exc:
        reason = reason_text(exc.code, exc.detail, lang)
        await _reply(update, t("upload_rejected", lang, reason=reason))
        return f"rejected: {exc}"
    async with state.live.change() as reload:
        existed = target.exists()
        temp = target.with_name(f".{target.name}.uploading")
        temp.write_bytes(data)
        temp.replace(target)
        report = await _reload(update, state, reload)
    key = "upload_replaced" if existed else "upload_added"
    await _reply(update, t(key, lang, name=escape(name)) + "\n" + describe_reload(report, lang))
    return f"saved {name}"
