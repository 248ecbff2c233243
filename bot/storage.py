"""SQLite storage through aiosqlite: schema migrations, the question log, feedback, corpus versions,
the admin audit log, and the figures for `/stats`.

Writes go through a queue drained by one background task, so a reply never waits for the disk and
a broken database never breaks a reply: failures are logged once, entries are kept in memory
(bounded) and written when the database is usable again. A row the database cannot take (text
with a lone surrogate, an integer past 64 bits) is skipped and counted, never retried forever.
The task is supervised: if it dies it is restarted, and `healthy` is false meanwhile. It alone
owns the write connection (the retention purge is queued to it); reads have their own.
A database file deleted (or replaced) under the open connections is noticed before and after
each batch, and made again at its path: no row is written into a file nobody will read.
`close()` drains what was accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

# Each entry upgrades the schema by one version; the version lives in PRAGMA user_version.
MIGRATIONS: tuple[str, ...] = (
    # 1: question log and feedback
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        answer_id TEXT NOT NULL UNIQUE,
        asked_at REAL NOT NULL,
        chat_type TEXT NOT NULL,
        user_id INTEGER,
        question TEXT,
        found INTEGER NOT NULL,
        passages TEXT NOT NULL,
        latency_ms REAL NOT NULL
    );
    CREATE INDEX questions_asked_at ON questions (asked_at);
    CREATE TABLE feedback (
        answer_id TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at REAL NOT NULL,
        PRIMARY KEY (answer_id, user_id)
    );
    """,
    # 2: corpus versions and the admin audit log
    """
    CREATE TABLE corpus_versions (
        id INTEGER PRIMARY KEY,
        loaded_at REAL NOT NULL,
        content_hash TEXT NOT NULL,
        documents INTEGER NOT NULL,
        sentences INTEGER NOT NULL,
        load_seconds REAL NOT NULL,
        loaded_by INTEGER
    );
    CREATE TABLE admin_audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        user_id INTEGER,
        chat_type TEXT,
        command TEXT NOT NULL,
        allowed INTEGER NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX admin_audit_at ON admin_audit (at);
    """,
    # 3: follow-ups: the earlier question's answer id, and the question as it was understood
    """
    ALTER TABLE questions ADD COLUMN followup_of TEXT;
    ALTER TABLE questions ADD COLUMN understood TEXT;
    """,
    # 4: the update a question came in, once: an update answered again after a kill (the
    # inbox replays what was not marked done) reuses its row. Rows from before have none
    # (NULLs never clash in a UNIQUE index).
    """
    ALTER TABLE questions ADD COLUMN update_id INTEGER;
    CREATE UNIQUE INDEX questions_update_id ON questions (update_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
MAX_PENDING = 10_000
DAY = 86_400.0


@dataclass(frozen=True)
class Stats:
    """The figures `/stats` shows."""

    today: int
    week: int
    week_found: int
    votes_up: int
    votes_down: int
    unanswered: tuple[tuple[str, int], ...]

    @property
    def found_rate(self) -> float:
        return self.week_found / self.week if self.week else 0.0


# The fields of a question-log row as `Storage.log_question` takes them, and the JSON types each
# may hold. The inbox keeps a row as JSON until the log has written it (bot/telegram/inbox.py);
# a row read back is checked against these before it is logged again.
_NONE = type(None)
QUESTION_FIELDS: dict[str, tuple[type, ...]] = {
    "answer_id": (str,),
    "chat_type": (str,),
    "user_id": (int, _NONE),
    "question": (str, _NONE),
    "found": (bool,),
    "passages": (list,),
    "latency_ms": (int, float),
    "at": (int, float, _NONE),
    "followup_of": (str, _NONE),
    "understood": (str, _NONE),
    "update_id": (int, _NONE),
}
OPTIONAL_QUESTION_FIELDS = frozenset({"at", "followup_of", "understood", "update_id"})


def question_row(data: object) -> dict[str, Any] | str:
    """`data` as the keyword arguments of `Storage.log_question`, or why it is not a row the bot
    writes (an unknown or missing field, a value of the wrong type)."""
    if not isinstance(data, dict):
        return "not an object"
    if set(data) - set(QUESTION_FIELDS):
        return "a field the log does not have"  # not named: a damaged file could hold anything
    missing = sorted(set(QUESTION_FIELDS) - OPTIONAL_QUESTION_FIELDS - set(data))
    if missing:
        return f"missing field {missing[0]!r}"
    for name, value in data.items():
        kinds = QUESTION_FIELDS[name]
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            return f"{name} is of the wrong type"
    if not all(_is_passage(p) for p in data["passages"]):
        return "passages is of the wrong type"
    return dict(data)


def _is_passage(value: object) -> bool:
    """(doc, sentence id, score), as JSON keeps it: a list of a string and two numbers."""
    if not isinstance(value, list) or len(value) != 3:
        return False
    doc, chunk, score = value
    numbers = not isinstance(chunk, bool) and not isinstance(score, bool)
    return (
        isinstance(doc, str)
        and isinstance(chunk, int)
        and isinstance(score, int | float)
        and numbers
    )


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring the schema to the newest version; returns the version the file had."""
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    before = int(row[0]) if row else 0
    for version in range(before, SCHEMA_VERSION):
        await db.executescript(
            "BEGIN;" + MIGRATIONS[version] + f"PRAGMA user_version = {version + 1}; COMMIT;"
        )
    return before


# OR IGNORE: a row written again from the inbox's copy (bot/telegram/inbox.py) has an answer id
# the log may have already
_LOG_QUESTION = (
    "INSERT OR IGNORE INTO questions (answer_id, asked_at, chat_type, user_id, question, found,"
    " passages, latency_ms, followup_of, understood, update_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (update_id) DO UPDATE SET answer_id = excluded.answer_id,"
    " chat_type = excluded.chat_type, user_id = excluded.user_id, question = excluded.question,"
    " found = excluded.found, passages = excluded.passages, latency_ms = excluded.latency_ms,"
    " followup_of = excluded.followup_of, understood = excluded.understood"
)

Write = tuple[str, tuple[Any, ...]]
Job = Callable[[aiosqlite.Connection], Awaitable[int]]

# Errors that belong to one row (text SQLite cannot encode, an integer past 64 bits, a broken
# constraint) rather than to the database: that row is skipped, the others are written.
_ROW_ERRORS = (UnicodeEncodeError, OverflowError, sqlite3.IntegrityError)


def _row_error(exc: BaseException) -> bool:
    if isinstance(exc, _ROW_ERRORS):
        return True
    return isinstance(exc, sqlite3.ProgrammingError) and "binding" in str(exc)


@dataclass
class _Task:
    """A write that is not a row, such as the retention purge, run in turn by the writer."""

    job: Job
    done: asyncio.Future[int]


class Storage:
    """The bot's database. Writes are queued and never raise; reads raise `StorageError`.

    One task, the writer, owns the write connection: every row, and the retention purge, goes
    through it. Reads use a connection of their own (WAL lets them run beside the writer).
    """

    def __init__(self, path: Path, *, store_question_text: bool = True) -> None:
        self.path = path
        self.store_question_text = store_question_text
        self._queue: asyncio.Queue[Write | _Task | None] = asyncio.Queue()
        self._pending: deque[Write] = deque()
        self._tasks: deque[_Task] = deque()
        self._writer: asyncio.Task[None] | None = None  # the supervisor
        self._loop: asyncio.Task[None] | None = None  # the write loop it restarts
        self._db: aiosqlite.Connection | None = None  # the writer's
        self._reader: aiosqlite.Connection | None = None
        # which file each connection opened, (st_dev, st_ino): a connection keeps writing to a
        # file deleted under it, and everything it writes then is lost with the file
        self._db_file: FileId | None = None
        self._reader_file: FileId | None = None
        self._failing = False
        self._dropped = 0
        self._retry_delay = 0.5
        self.rejected = 0  # rows the database could not take, skipped
        self.restarts = 0  # times the write loop died and was restarted

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start the writer. A database that cannot be opened now is retried later."""
        with contextlib.suppress(sqlite3.Error, OSError):
            await self._connect()
        if self._db is None:
            self._report_failure("cannot open the database")
        self._writer = asyncio.create_task(self._supervise(), name="storage-writer")

    async def close(self, wait: float = 10.0) -> None:
        """Write everything accepted so far (waiting at most `wait` seconds), then close."""
        if self._writer is not None:
            self._queue.put_nowait(None)
            try:
                await asyncio.wait_for(self._writer, wait)
            except TimeoutError:
                log.error("storage: %d entries not written at shutdown", self.backlog)
                self._writer.cancel()
            self._writer = None
        for task in self._tasks:
            task.done.cancel()
        await self._drop_connection()

    @property
    def backlog(self) -> int:
        return self._queue.qsize() + len(self._pending)

    @property
    def healthy(self) -> bool:
        """True while the writer runs, the database takes what it writes and its file is the
        one at `path`."""
        running = self._loop is not None and not self._loop.done()
        return running and not self._failing and not self.file_lost

    @property
    def file_lost(self) -> bool:
        """Has the file the writer holds been deleted or replaced since it was opened? (What is
        queued meanwhile is kept; the next write makes the database again at `path`.)"""
        return self._db is not None and not _same_file(self.path, self._db_file)

    async def _supervise(self) -> None:
        """Run the write loop; if it ever dies, log why and start it again."""
        delay = 0.1
        while True:
            loop = self._loop = asyncio.create_task(self._write_loop(), name="storage-write-loop")
            try:
                await asyncio.wait({loop})
            except asyncio.CancelledError:
                loop.cancel()
                raise
            if not loop.cancelled() and loop.exception() is None:
                return  # close() asked it to stop
            self.restarts += 1
            reason = "cancelled" if loop.cancelled() else repr(loop.exception())
            log.error("storage: the writer died (%s); restarting it in %.1fs", reason, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _connect(self) -> aiosqlite.Connection:
        if self.file_lost:
            await self._file_was_lost()
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, timeout=2.0)
        try:
            await db.execute("PRAGMA busy_timeout = 2000")
            async with db.execute("PRAGMA journal_mode = WAL") as cur:
                await cur.fetchone()
            await migrate(db)
            self._db_file = _file_id(self.path)  # created by now, if it was not there
        except BaseException:
            await db.close()
            raise
        self._db = db
        return db

    async def _connect_reader(self) -> aiosqlite.Connection:
        if self._reader is not None and not _same_file(self.path, self._reader_file):
            await self._drop_reader()  # it would read the old file's rows
        if self._reader is not None:
            return self._reader
        # timeout=2.0 is sqlite3's busy timeout: a read waits out a write in progress
        reader = await aiosqlite.connect(f"file:{self.path}?mode=ro", uri=True, timeout=2.0)
        try:
            self._reader_file = _file_id(self.path)
        except OSError:
            await reader.close()
            raise
        self._reader = reader
        return reader

    async def _file_was_lost(self) -> None:
        """The database file was deleted (or another put in its place) under the open
        connections: close them, so that the next write makes the database again at `path`
        (with its migrations) instead of writing into a file nobody will ever read."""
        deleted = not self.path.exists()
        log.error(
            "storage: the database file %s was %s while the bot ran; the rows it held are gone "
            "with it, a new one is used from now on (nothing queued is lost)",
            self.path,
            "deleted" if deleted else "replaced",
        )
        await self._drop_connection()
        if deleted:
            _remove_journal(self.path)

    async def _drop_connection(self) -> None:
        await self._drop_writer()
        await self._drop_reader()

    async def _drop_writer(self) -> None:
        db, self._db = self._db, None
        await _close_quietly(db)

    async def _drop_reader(self) -> None:
        db, self._reader = self._reader, None
        await _close_quietly(db)

    # ------------------------------------------------------------------ writing

    def _enqueue(self, sql: str, params: tuple[Any, ...]) -> None:
        self._queue.put_nowait((sql, params))

    async def _write_loop(self) -> None:
        stopping = False
        while True:
            if not self._pending and not self._tasks:
                stopping = self._take(await self._queue.get()) or stopping
            stopping = self._drain_queue() or stopping
            if self._pending:
                ok = await self._flush()
                if not ok:
                    self._fail_tasks()
                    if stopping:
                        await self._flush_last_chance()
                        return
                    await asyncio.sleep(self._retry_delay)
                    self._retry_delay = min(self._retry_delay * 2, 30.0)
                    continue
            while self._tasks:
                await self._run(self._tasks.popleft())
            if stopping and self._queue.empty():
                return

    def _take(self, item: Write | _Task | None) -> bool:
        """File one queue item; True for the stop signal."""
        if item is None:
            return True
        if isinstance(item, _Task):
            self._tasks.append(item)
        else:
            self._pending.append(item)
        return False

    def _drain_queue(self) -> bool:
        stopping = False
        while not self._queue.empty():
            stopping = self._take(self._queue.get_nowait()) or stopping
        while len(self._pending) > MAX_PENDING:
            self._pending.popleft()
            self._dropped += 1
        return stopping

    async def _flush(self) -> bool:
        batch = list(self._pending)
        try:
            for _ in range(3):
                await self._write_batch(await self._connect(), batch)
                if not self.file_lost:
                    break
                # deleted while it was written: the batch may have gone with the old file
            else:
                raise sqlite3.OperationalError("the database file keeps disappearing")
        except (sqlite3.Error, OSError, ValueError) as exc:
            await self._drop_writer()
            self._report_failure(str(exc))
            return False
        for _ in batch:
            self._pending.popleft()
        if self._failing:
            log.warning(
                "storage: database usable again; %d queued entries written%s",
                len(batch),
                f" ({self._dropped} dropped while it was down)" if self._dropped else "",
            )
            self._failing = False
            self._dropped = 0
        self._retry_delay = 0.5
        return True

    async def _write_batch(self, db: aiosqlite.Connection, batch: list[Write]) -> None:
        """Write the batch in one transaction (row by row if some row cannot be written)."""
        await db.execute("BEGIN")
        try:
            for sql, rows in _runs(batch):  # one call (one thread hop) per run of a statement
                await db.executemany(sql, rows)
        except Exception as exc:
            if not _row_error(exc):
                raise
            await db.rollback()
            await db.execute("BEGIN")
            await self._write_one_by_one(db, batch)
        await db.commit()

    async def _write_one_by_one(self, db: aiosqlite.Connection, batch: list[Write]) -> None:
        """Write each row on its own, skipping (and recording) those the database cannot take."""
        for sql, params in batch:
            try:
                await db.execute(sql, params)
            except Exception as exc:
                if not _row_error(exc):
                    raise
                self.rejected += 1
                table = sql.split(" INTO ", 1)[-1].split(" ", 1)[0]
                log.warning(
                    "storage: skipped a %s row the database cannot take (%s); %d skipped so far",
                    table,
                    type(exc).__name__,
                    self.rejected,
                )

    async def _run(self, task: _Task) -> None:
        if task.done.done():
            return
        try:
            db = await self._connect()
            result = await task.job(db)
            await db.commit()
        except (sqlite3.Error, OSError, ValueError) as exc:
            await self._drop_writer()
            task.done.set_exception(StorageError(str(exc)))
            return
        task.done.set_result(result)

    def _fail_tasks(self) -> None:
        while self._tasks:
            task = self._tasks.popleft()
            if not task.done.done():
                task.done.set_exception(StorageError("the database is not usable"))

    async def _flush_last_chance(self) -> None:
        for delay in (0.2, 0.5, 1.0):
            await asyncio.sleep(delay)
            if await self._flush():
                return
        log.error("storage: %d entries could not be written at shutdown", len(self._pending))

    def _report_failure(self, reason: str) -> None:
        if not self._failing:
            log.error(
                "storage: database %s unusable (%s); answers continue, writes are kept and retried",
                self.path,
                reason,
            )
        self._failing = True

    # ------------------------------------------------------------------ what is written

    def log_question(
        self,
        *,
        answer_id: str,
        chat_type: str,
        user_id: int | None,
        question: str | None,
        found: bool,
        passages: Sequence[tuple[str, int, float]],
        latency_ms: float,
        at: float | None = None,
        followup_of: str | None = None,
        understood: str | None = None,
        update_id: int | None = None,
    ) -> None:
        """Queue a question-log row; `passages` are (doc, sentence id, score).

        A follow-up names the answer id of the earlier question it was read with
        (`followup_of`) and the question as understood (kept only with the question text).
        The row of an update already logged (`update_id`: answered again after a kill) is
        replaced: the answer the user got last, under its answer id, asked when first logged.
        """
        payload = json.dumps([{"doc": d, "chunk": c, "score": round(s, 4)} for d, c, s in passages])
        self._enqueue(
            _LOG_QUESTION,
            (
                answer_id,
                at if at is not None else time.time(),
                chat_type,
                user_id,
                question if self.store_question_text else None,
                int(found),
                payload,
                round(latency_ms, 3),
                followup_of,
                understood if self.store_question_text else None,
                update_id,
            ),
        )

    def log_feedback(
        self, answer_id: str, user_id: int, vote: int, at: float | None = None
    ) -> None:
        """One vote per user per answer; voting again changes it."""
        self._enqueue(
            "INSERT INTO feedback (answer_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote,"
            " voted_at = excluded.voted_at",
            (answer_id, user_id, 1 if vote > 0 else -1, at if at is not None else time.time()),
        )

    def log_corpus_version(
        self,
        *,
        content_hash: str,
        documents: int,
        sentences: int,
        load_seconds: float,
        loaded_by: int | None,
    ) -> None:
        self._enqueue(
            "INSERT INTO corpus_versions (loaded_at, content_hash, documents, sentences,"
            " load_seconds, loaded_by) VALUES (?, ?, ?, ?, ?, ?)",
            (time.time(), content_hash, documents, sentences, round(load_seconds, 4), loaded_by),
        )

    def log_admin(
        self, *, user_id: int | None, chat_type: str, command: str, allowed: bool, result: str
    ) -> None:
        self._enqueue(
            "INSERT INTO admin_audit (at, user_id, chat_type, command, allowed, result)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (time.time(), user_id, chat_type, command[:200], int(allowed), result[:500]),
        )

    # ------------------------------------------------------------------ reading

    async def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            db = await self._connect_reader()
            async with db.execute(sql, params) as cur:
                return [tuple(row) for row in await cur.fetchall()]
        except (sqlite3.Error, OSError, ValueError) as exc:
            await self._drop_reader()
            raise StorageError(str(exc)) from exc

    async def stats(self, now: float | None = None, top: int = 5) -> Stats:
        now = time.time() if now is None else now
        midnight = now - (now % DAY)
        week_ago = now - 7 * DAY
        [(today,)] = await self._read(
            "SELECT COUNT(*) FROM questions WHERE asked_at >= ?", (midnight,)
        )
        [(week, week_found)] = await self._read(
            "SELECT COUNT(*), COALESCE(SUM(found), 0) FROM questions WHERE asked_at >= ?",
            (week_ago,),
        )
        [(up, down)] = await self._read(
            "SELECT COALESCE(SUM(vote > 0), 0), COALESCE(SUM(vote < 0), 0) FROM feedback"
            " WHERE voted_at >= ?",
            (week_ago,),
        )
        rows = await self._read(
            "SELECT LOWER(TRIM(question)) AS q, COUNT(*) AS n FROM questions"
            " WHERE found = 0 AND question IS NOT NULL AND asked_at >= ?"
            " GROUP BY q ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?",
            (week_ago, top),
        )
        return Stats(
            int(today),
            int(week),
            int(week_found),
            int(up),
            int(down),
            tuple((str(q), int(n)) for q, n in rows),
        )

    async def question_of(self, answer_id: str) -> str | None:
        """The question behind an answer id, if it was stored (a follow-up's as understood)."""
        rows = await self._read(
            "SELECT COALESCE(understood, question) FROM questions WHERE answer_id = ?",
            (answer_id,),
        )
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    async def has_answer(self, answer_id: str) -> bool:
        """Was an answer with this id logged?"""
        return bool(await self._read("SELECT 1 FROM questions WHERE answer_id = ?", (answer_id,)))

    async def purge(self, retention_days: int, now: float | None = None) -> int:
        """Delete questions and feedback older than the retention period; returns rows removed.

        Runs on the writer, in turn with the queued rows; raises `StorageError` if it fails.
        """
        if retention_days <= 0:
            return 0
        cutoff = (time.time() if now is None else now) - retention_days * DAY

        async def delete_old(db: aiosqlite.Connection) -> int:
            removed = 0
            for sql in (
                "DELETE FROM questions WHERE asked_at < ?",
                "DELETE FROM feedback WHERE voted_at < ?",
                "DELETE FROM admin_audit WHERE at < ?",
            ):
                cur = await db.execute(sql, (cutoff,))
                removed += cur.rowcount
            return removed

        if self._writer is None or self._writer.done():
            raise StorageError("the writer is not running")
        task = _Task(delete_old, asyncio.get_running_loop().create_future())
        self._queue.put_nowait(task)
        return await task.done

    async def flush(self, wait: float = 5.0) -> None:
        """Wait until what has been queued so far is written (for tests and admin reads)."""
        deadline = time.monotonic() + wait
        while self.backlog and time.monotonic() < deadline:  # noqa: ASYNC110 - bounded poll
            await asyncio.sleep(0.01)


FileId = tuple[int, int]


def _file_id(path: Path) -> FileId:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _same_file(path: Path, file: FileId | None) -> bool:
    """Is the file at `path` still `file`? (A stat that fails for another reason than its
    absence says nothing, and is taken for yes: the write itself will tell.)"""
    try:
        return _file_id(path) == file
    except FileNotFoundError:
        return False
    except OSError:
        return True


def _remove_journal(path: Path) -> None:
    """A deleted database's -wal and -shm, if closing it left them: never to be replayed into
    the new file made at the same path."""
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _runs(batch: list[Write]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Consecutive writes of the same statement, grouped, in order."""
    runs: list[tuple[str, list[tuple[Any, ...]]]] = []
    for sql, params in batch:
        if runs and runs[-1][0] == sql:
            runs[-1][1].append(params)
        else:
            runs.append((sql, [params]))
    return runs


class StorageError(Exception):
    """The database could not answer a read."""


async def _close_quietly(db: aiosqlite.Connection | None) -> None:
    """Close a connection that may already be broken."""
    if db is not None:
        with contextlib.suppress(Exception):
            await db.close()
