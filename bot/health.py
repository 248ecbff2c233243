"""`python -m bot health` and `python -m bot backup FILE`: checks and copies an operator (or a
Docker HEALTHCHECK, or a cron job) runs beside the live bot. Plain `sqlite3`; Telegram is never
contacted (the inbox check reads updates with the bot's own code, offline)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.search.corpus import CorpusError
from bot.search.index import Bm25Params
from bot.search.snapshot import cache_health

LOCK_WAIT_S = 5.0


class Unhealthy(Exception):
    """Why the bot cannot serve, in one line."""


def check_health(settings: Settings) -> str:
    """One line saying what is fine; raises `Unhealthy` with one line saying what is not."""
    try:
        corpus, index = cache_health(settings.corpus_dir, Bm25Params(), settings.index_cache_dir)
    except CorpusError as exc:
        raise Unhealthy(f"corpus: {exc}") from None
    database = check_database_writable(settings.database_path)
    size = f"{len(corpus.documents)} document(s), {len(corpus.sentences)} sentences"
    line = f"ok: corpus {size}; {index}; database {database}"
    if settings.durable_inbox:
        line += f"; inbox {check_inbox(files_beside(settings.database_path)[2])}"
    return line


def check_inbox(path: Path) -> str:
    """What a start would make of the inbox: read with the checks the start itself makes, so a
    row that would stop it, or be set aside, is seen here first."""
    from bot.telegram.inbox import InboxUnusable, inspect  # the Telegram layer, only for this

    try:
        report = inspect(path)
    except InboxUnusable as exc:
        raise Unhealthy(
            f"inbox {str(path)!r} is not usable ({exc}): updates would be answered at most once;"
            " move it away to start a new one"
        ) from None
    except Exception as exc:  # what would stop a start stops the check, named
        raise Unhealthy(f"inbox {str(path)!r} would stop the bot at start ({exc!r})") from None
    if report is None:
        return "not created yet"
    line = f"{report.to_answer} update{'s' * (report.to_answer != 1)} to answer"
    if report.to_set_aside:
        line += f", {report.to_set_aside} row{'s' * (report.to_set_aside != 1)} to set aside"
    return line


def check_database_writable(path: Path) -> str:
    """The database (or, before the bot first made it, its folder) takes a write."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # WAL mode writes -wal and -shm files beside the database
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".health-"):
            pass
    except OSError as exc:
        raise Unhealthy(f"database folder {str(folder)!r} is not writable ({exc})") from None
    if not path.exists():
        left = [p.name for p in files_beside(path) if p.exists()]
        if left:
            raise Unhealthy(
                f"database {str(path)!r} is missing, though the bot has used it ({', '.join(left)}"
                " still there): deleted? A running bot makes a new one at its next write; to"
                " start afresh on purpose, create it empty (touch)"
            )
        return "not created yet (its folder is writable)"
    try:
        with closing(sqlite3.connect(path, timeout=LOCK_WAIT_S)) as db:
            db.execute("BEGIN IMMEDIATE")  # takes the write lock, as a real write would
            (version,) = db.execute("PRAGMA user_version").fetchone()
            db.execute(f"PRAGMA user_version = {int(version)}")  # a write, rolled back
            db.rollback()
    except sqlite3.Error as exc:
        raise Unhealthy(f"database {str(path)!r} is not writable ({exc})") from None
    return "writable"


def files_beside(database: Path) -> tuple[Path, ...]:
    """Files the bot keeps beside its database, named after it: the -wal and -shm of an open
    database, and the inbox (data/bot.sqlite3 -> data/bot.inbox.sqlite3, as
    `bot.telegram.app.inbox_path` names it). Any of them there without the database: it was
    made and has been deleted."""
    inbox = database.with_name(f"{database.stem}.inbox{database.suffix or '.sqlite3'}")
    return Path(f"{database}-wal"), Path(f"{database}-shm"), inbox


# --------------------------------------------------------------------------- backup


class BackupError(Exception):
    """The backup could not be made; the message is one line."""


@dataclass(frozen=True)
class BackupReport:
    target: Path
    size_bytes: int
    rows: dict[str, int]


def backup_database(source: Path, target: Path) -> BackupReport:
    """A consistent copy of the live database at `target`, safe while the bot writes.

    SQLite's online backup copies every page in one step, inside one read transaction: in WAL
    mode the bot keeps writing meanwhile and the copy is the database as of one moment. The copy
    is written beside the target, checked (`PRAGMA integrity_check`), switched out of WAL mode
    (one self-contained file) and only then renamed over `target`.
    """
    if not source.is_file():
        raise BackupError(f"no database at {str(source)!r}")
    if target.resolve() == source.resolve():
        raise BackupError("the backup file must not be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source, timeout=LOCK_WAIT_S)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)  # pages=-1: all pages in one step
            copy.execute("PRAGMA journal_mode = DELETE")
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"the copy failed its integrity check: {verdict}")
            tables = [
                name
                for (name,) in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            rows = {
                name: int(copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])
                for name in tables
            }
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from None
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(target, target.stat().st_size, rows)
