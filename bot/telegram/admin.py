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

from bot.corpus import SUPPORTED_SUFFIXES, DocumentError, decode_document
from bot.library import ReloadReport
from bot.messages import Lang, t
from bot.render import escape, pack
from bot.storage import StorageError
from bot.telegram import welcome
from bot.telegram.handlers import lang_of, reply
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
        except Exception as exc:
            _audit(state, update, command, True, f"error: {exc}")
            raise
        _audit(state, update, command, True, result)
        raise ApplicationHandlerStop

    return handler


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
    """Why a file was not loaded, in the admin's language."""
    return t(f"reason_{code}", lang, detail=escape(detail))


def describe_reload(report: ReloadReport, lang: Lang) -> str:
    if not report.ok:
        return t(
            "reload_failed",
            lang,
            documents=report.documents,
            sentences=report.sentences,
            error=escape(report.error),
        )
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
        lines.extend(
            f"• {escape(p.name)}: {reason_text(p.code, p.detail, lang)}" for p in report.skipped
        )
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
    report = await _reload(update, state)
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
        await _reply(update, t("storage_unreadable", lang, error=escape(str(exc))))
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
    kb = state.library.kb
    counts: dict[str, int] = {}
    for chunk in kb.chunks:
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


async def remove_action(update: Update, context: Context, state: BotState) -> str:
    lang = lang_of(update)
    name = " ".join(context.args or []).strip()
    if not name:
        await _reply(update, t("remove_usage", lang))
        return "usage"
    target = safe_target(state.library.folder, name)
    if target is None or not target.is_file():
        await _reply(update, t("remove_unknown", lang, name=escape(name)))
        return "not found"
    documents = state.library.kb.corpus.documents
    if len(documents) == 1 and documents[0].name == name:
        await _reply(update, t("remove_last", lang))
        return "refused: last document"
    target.unlink()
    report = await _reload(update, state)
    await _reply(
        update, t("removed", lang, name=escape(name)) + "\n" + describe_reload(report, lang)
    )
    return "removed"


async def _reload(update: Update, state: BotState) -> ReloadReport:
    report = await state.library.reload()
    user = update.effective_user
    record_version(state, report, user.id if user else None)
    if report.ok:  # the title the descriptions are built from may have changed
        await welcome.set_descriptions(update.get_bot(), state)
    return report


async def upload_action(update: Update, context: Context, state: BotState) -> str:
    """An admin sends a .txt or .md file in a private chat: check, save, load, report."""
    message = update.effective_message
    if message is None or message.document is None:
        return "no document"
    lang = lang_of(update)
    document = message.document
    name = (document.file_name or "").strip()
    target = safe_target(state.library.folder, name)
    if target is None:
        await _reply(update, t("upload_bad_name", lang))
        return f"refused name {name!r}"
    limit = state.settings.max_upload_bytes
    size = document.file_size
    if size is None or size <= limit:
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            await _reply(update, t("upload_failed", lang, error=escape(str(exc))))
            return "download failed"
        size = len(data)
    if size > limit:
        await _reply(update, t("upload_too_large", lang, size=f"{size:,}", limit=f"{limit:,}"))
        return "too large"
    try:
        decode_document(name, data)
    except DocumentError as exc:
        reason = reason_text(exc.code, exc.detail, lang)
        await _reply(update, t("upload_rejected", lang, reason=reason))
        return f"rejected: {exc}"
    existed = target.exists()
    temp = target.with_name(f".{target.name}.uploading")
    temp.write_bytes(data)
    temp.replace(target)
    report = await _reload(update, state)
    key = "upload_replaced" if existed else "upload_added"
    await _reply(update, t(key, lang, name=escape(name)) + "\n" + describe_reload(report, lang))
    return f"saved {name}"
