"""Admin commands: /reload, /stats, /docs, /remove NAME, and adding a document by upload.

Admins are exactly the user ids in ADMIN_IDS. Anyone else gets a polite refusal in a private chat
and silence in a group; every attempt, allowed or not, goes to the audit log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.corpus import SUPPORTED_SUFFIXES, decode_document
from bot.library import ReloadReport
from bot.messages import t
from bot.render import escape, pack
from bot.storage import StorageError
from bot.telegram.handlers import lang_of, send_retrying
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
                await send_retrying(lambda: message.reply_text(t("admin_only", lang_of(update))))
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
        await send_retrying(partial(message.reply_text, part))


# --------------------------------------------------------------------------- /reload


def describe_reload(report: ReloadReport) -> str:
    if not report.ok:
        return (
            "⚠️ <b>Reload gagal</b>; indeks lama tetap dipakai "
            f"({report.documents} dokumen, {report.sentences} kalimat).\n"
            f"Alasan: {escape(report.error)}"
        )
    lines = [
        f"✅ <b>Reload selesai</b> dalam {report.seconds:.2f} dtk: "
        f"{report.documents} dokumen, {report.sentences} kalimat."
    ]
    for label, names in (
        ("Ditambah", report.added),
        ("Dihapus", report.removed),
        ("Berubah", report.changed),
    ):
        if names:
            lines.append(f"{label}: " + ", ".join(escape(n) for n in names))
    if not (report.added or report.removed or report.changed):
        lines.append("Tidak ada dokumen yang berubah.")
    if report.skipped:
        lines.append("Dilewati (tidak dimuat):")
        lines.extend(f"• {escape(p.name)}: {escape(p.reason)}" for p in report.skipped)
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
    report = await state.library.reload()
    user = update.effective_user
    record_version(state, report, user.id if user else None)
    await _reply(update, describe_reload(report))
    return "ok" if report.ok else f"failed: {report.error}"


# --------------------------------------------------------------------------- /stats and /docs


async def stats_action(update: Update, context: Context, state: BotState) -> str:
    if state.storage is None:
        await _reply(update, "Penyimpanan tidak aktif; tidak ada statistik.")
        return "no storage"
    try:
        stats = await state.storage.stats()
    except StorageError as exc:
        await _reply(update, f"⚠️ Database tidak bisa dibaca: {escape(str(exc))}")
        return "storage error"
    lines = [
        "<b>Statistik</b>",
        f"Pertanyaan hari ini: {stats.today}",
        f"Pertanyaan 7 hari: {stats.week} (terjawab {stats.found_rate:.0%})",
        f"Umpan balik 7 hari: 👍 {stats.votes_up} / 👎 {stats.votes_down}"
        f" (saldo {stats.votes_up - stats.votes_down:+d})",
    ]
    if stats.unanswered:
        lines.append("\n<b>Paling sering tak terjawab</b> (yang belum dibahas korpus):")
        lines.extend(f"{n}× {escape(q[:200])}" for q, n in stats.unanswered)
    await _reply(update, "\n".join(lines))
    return "ok"


async def docs_action(update: Update, context: Context, state: BotState) -> str:
    kb = state.library.kb
    counts: dict[str, int] = {}
    for chunk in kb.chunks:
        counts[chunk.doc] = counts.get(chunk.doc, 0) + 1
    lines = [f"<b>Dokumen</b> ({len(kb.corpus.documents)}):"]
    for doc in kb.corpus.documents:
        lines.append(
            f"• <code>{escape(doc.name)}</code> — {escape(doc.title)}; "
            f"{doc.size_bytes:,} byte, {counts.get(doc.name, 0)} kalimat"
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
    name = " ".join(context.args or []).strip()
    if not name:
        await _reply(update, "Pakai: /remove NAMA_FILE (lihat /docs)")
        return "usage"
    target = safe_target(state.library.folder, name)
    if target is None or not target.is_file():
        await _reply(update, f"Tidak ada dokumen bernama <code>{escape(name)}</code>.")
        return "not found"
    if (
        len(state.library.kb.corpus.documents) == 1
        and state.library.kb.corpus.documents[0].name == name
    ):
        await _reply(update, "Ini dokumen terakhir; tambahkan dokumen lain sebelum menghapusnya.")
        return "refused: last document"
    target.unlink()
    report = await state.library.reload()
    user = update.effective_user
    record_version(state, report, user.id if user else None)
    await _reply(update, f"🗑 <code>{escape(name)}</code> dihapus.\n" + describe_reload(report))
    return "removed"


async def upload_action(update: Update, context: Context, state: BotState) -> str:
    """An admin sends a .txt or .md file in a private chat: check, save, load, report."""
    message = update.effective_message
    if message is None or message.document is None:
        return "no document"
    document = message.document
    name = (document.file_name or "").strip()
    target = safe_target(state.library.folder, name)
    if target is None:
        await _reply(
            update,
            "Nama file tidak aman atau bukan .txt/.md. Pakai nama sederhana seperti "
            "<code>berita-baru.md</code>.",
        )
        return f"refused name {name!r}"
    limit = state.settings.max_upload_bytes
    if document.file_size is not None and document.file_size > limit:
        await _reply(update, f"File terlalu besar ({document.file_size:,} byte; maks. {limit:,}).")
        return "too large"
    try:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        await _reply(update, f"File tidak bisa diunduh: {escape(str(exc))}")
        return "download failed"
    if len(data) > limit:
        await _reply(update, f"File terlalu besar ({len(data):,} byte; maks. {limit:,}).")
        return "too large"
    try:
        decode_document(name, data)
    except ValueError as exc:
        await _reply(update, f"File ditolak: {escape(str(exc))}.")
        return f"rejected: {exc}"
    existed = target.exists()
    temp = target.with_name(f".{target.name}.uploading")
    temp.write_bytes(data)
    temp.replace(target)
    report = await state.library.reload()
    user = update.effective_user
    record_version(state, report, user.id if user else None)
    verb = "diganti" if existed else "ditambahkan"
    await _reply(update, f"📄 <code>{escape(name)}</code> {verb}.\n" + describe_reload(report))
    return f"saved {name}"
