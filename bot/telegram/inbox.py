"""At-least-once answering: every update is on disk before Telegram is told it was received.

Long polling acknowledges updates with the offset of the next `getUpdates`, long before they are
answered; a webhook is acknowledged by its HTTP 200. Either way, a process killed in between
loses what it had fetched. So the application's update queue writes each update to a small
SQLite inbox (its own file beside the database) as it is queued, which is before the next
`getUpdates` or the 200. An update is marked done as soon as its reply is out (`answered`, from
the handler), or else when its handling ends (the update processor). At start, updates left
undone are queued again. An update id already in the inbox (Telegram delivering again what was
fetched but not acknowledged) is not queued twice.

No answered question without its question-log row: the log is written in batches, so the row of
an answered question is kept in the inbox beside the update's id until the log has written it,
and logged again at start if the process died first (the log ignores an answer id it has).

A handled update keeps only its id (for duplicate suppression), never its text. A row the bot
cannot use is set aside at start: logged once by its id, kept as an id, never retried. That is a
pending update that cannot be read (bad JSON, or a shape this library now rejects), a row with a
value of the wrong type in a column (text where a number belongs), a row whose content names
another update than its key (it would be answered, and marked done under the other id, at every
start), and a question-log copy that is not a row the log takes. `python -m bot health` reads the
inbox with the same checks (`inspect`), so it sees what a start would do. If the inbox file cannot
be used, updates flow as before (at most once) and the problem is logged once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.ext import SimpleUpdateProcessor

from bot.storage import question_row
from bot.telegram.updates import parse_update, update_id_of

log = logging.getLogger(__name__)

# An update whose handling was cut short this often, over at least this long, is given up: it
# may be what kills the process. (Kills under load cut hundreds of updates short at once, so
# a count alone would give up good updates.)
MAX_ATTEMPTS = 5
GIVE_UP_AFTER_SECONDS = 300.0
KEEP_DONE_SECONDS = 86_400.0  # ids of handled updates kept this long against redelivery
PRUNE_EVERY = 10_000  # handled updates between prunings of older ids
LOGGED_CHECK_SECONDS = 0.2  # how often rows kept for the question log are checked

# done: 0 pending, 1 handled, 2 set aside (cannot be handled; never retried)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    received_at REAL NOT NULL,
    payload TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0
);
"""
# added later: the question-log row of an answered update, until the log has written it
_LOG_COLUMN = "ALTER TABLE inbox ADD COLUMN log TEXT"
# handled ids past keeping (and any with a time that is not a number: never "past" otherwise)
_PRUNE = (
    "DELETE FROM inbox WHERE done != 0 AND log IS NULL"
    " AND (received_at < ? OR typeof(received_at) NOT IN ('integer', 'real'))"
)
_PENDING = (
    "SELECT update_id, payload, attempts, received_at FROM inbox WHERE done = 0 ORDER BY update_id"
)
_LOG_ROWS = "SELECT update_id, log FROM inbox WHERE log IS NOT NULL ORDER BY update_id"


def replayable(row: tuple[Any, ...], now: float, bot: Bot | None) -> Update | str:
    """A pending row (update_id, payload, attempts, received_at) as the update to answer again,
    or why it is set aside instead."""
    update_id, payload, attempts, received_at = row
    if not _is_number(attempts) or not _is_number(received_at):
        return "a column holds a value of the wrong type"
    if payload is None:
        return "its content is gone"
    if attempts >= MAX_ATTEMPTS and now - received_at > GIVE_UP_AFTER_SECONDS:
        return f"given up after {attempts} attempts"
    if not isinstance(payload, str):
        return "its content is not text"
    try:
        data = json.loads(payload)
    except ValueError:
        return "its content is not valid JSON"
    if update_id_of(data) != update_id:
        return "its content names another update id"
    return parse_update(data, bot)


def log_row(text: object, update_id: int) -> dict[str, Any] | str:
    """The question-log row kept for `update_id`, as the keyword arguments of
    `Storage.log_question`, or why it is not one."""
    if not isinstance(text, str):
        return "not text"
    try:
        data = json.loads(text)
    except ValueError:
        return "not valid JSON"
    row = question_row(data)
    if isinstance(row, str):
        return row
    if row.setdefault("update_id", update_id) != update_id:  # none: kept by an older version
        return "it names another update id"
    return row


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Inbox:
    """The on-disk record of fetched updates and whether each has been handled."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._failing = False
        self._handled = 0
        self._answered: set[int] = set()  # marked done by `answered`, in this run
        self._unlogged: list[int] = []  # answered, their log row not yet written

    def open(self, bot: Bot) -> list[Update]:
        """Open (or create) the inbox; returns the updates left undone by the last run."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode = WAL")
            # a killed process loses nothing committed; only a power cut could (and then the
            # update is delivered again, as the offset was not acknowledged either)
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(inbox)")}
            if "log" not in columns:
                db.execute(_LOG_COLUMN)
            db.execute(_PRUNE, (time.time() - KEEP_DONE_SECONDS,))
            rows = db.execute(_PENDING).fetchall()
        except (sqlite3.Error, OSError) as exc:
            self._report(exc)
            return []
        self._db = db
        pending = []
        now = time.time()
        for row in rows:
            update = replayable(row, now, bot)
            if isinstance(update, str):
                log.error("inbox: update %s set aside at start (%s)", row[0], update)
                self.set_aside(row[0])
                continue
            pending.append(update)
        if pending:
            log.warning(
                "inbox: %d updates left unanswered by the last run, answering now", len(pending)
            )
        return pending

    def unlogged(self) -> list[dict[str, Any]]:
        """Question-log rows of updates answered by an earlier run that died before the log had
        written them: to be logged again (kept here until `logged`). A copy that is not a row the
        log takes is set aside."""
        if self._db is None:
            return []
        try:
            rows = self._db.execute(_LOG_ROWS).fetchall()
        except sqlite3.Error as exc:
            self._report(exc)
            return []
        out = []
        for update_id, text in rows:
            row = log_row(text, update_id)
            if isinstance(row, str):
                log.error("inbox: the question-log row of update %s set aside (%s)", update_id, row)
                self._execute(
                    "UPDATE inbox SET done = 2, log = NULL WHERE update_id = ?", update_id
                )
                continue
            self._unlogged.append(update_id)
            out.append(row)
        return out

    def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def record(self, update: Update) -> bool:
        """Keep `update` until it is handled; False if its id is already here (a duplicate)."""
        if self._db is None:
            return True
        try:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO inbox (update_id, received_at, payload) VALUES (?, ?, ?)",
                (update.update_id, time.time(), update.to_json()),
            )
        except (sqlite3.Error, OSError, ValueError, OverflowError) as exc:
            self._report(exc)
            return True  # better answered at most once than not at all
        return cur.rowcount == 1

    def started(self, update_id: int) -> None:
        """Handling begins: counted, so that an update that kills the process each time it is
        handled is eventually given up rather than replayed forever."""
        self._execute("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", update_id)

    def answered(self, update_id: int, log_row: dict[str, Any] | None = None) -> None:
        """The reply is out: the update is done now, not when its handler returns (a kill in
        between would answer it twice). `log_row`, its question-log entry, is kept until the log
        has written it."""
        if self._db is None:
            return
        text = json.dumps(log_row, ensure_ascii=True) if log_row is not None else None
        try:
            self._db.execute(
                "UPDATE inbox SET done = 1, payload = NULL, log = ? WHERE update_id = ?",
                (text, update_id),
            )
        except (sqlite3.Error, OSError, ValueError) as exc:
            self._report(exc)
            return
        self._answered.add(update_id)
        if text is not None:
            self._unlogged.append(update_id)
        self._count_handled()

    def done(self, update_id: int) -> None:
        """The update has been handled: forget its content, keep its id (for a day)."""
        if update_id in self._answered:
            self._answered.discard(update_id)
            return
        self._execute("UPDATE inbox SET done = 1, payload = NULL WHERE update_id = ?", update_id)
        self._count_handled()

    def set_aside(self, update_id: int) -> None:
        """An update that cannot be handled: kept as an id (for a day), never retried."""
        self._execute("UPDATE inbox SET done = 2, payload = NULL WHERE update_id = ?", update_id)

    @property
    def waiting_for_log(self) -> bool:
        return bool(self._unlogged)

    def logged(self) -> None:
        """Everything queued for the question log so far has been written: the rows kept for
        it are forgotten."""
        ids, self._unlogged = self._unlogged, []
        if self._db is None or not ids:
            return
        try:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                self._db.execute(f"UPDATE inbox SET log = NULL WHERE update_id IN ({marks})", chunk)
        except (sqlite3.Error, OSError) as exc:
            self._report(exc)

    def _count_handled(self) -> None:
        self._handled += 1
        if self._handled % PRUNE_EVERY == 0 and self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute(_PRUNE, (time.time() - KEEP_DONE_SECONDS,))

    def _execute(self, sql: str, update_id: int) -> None:
        if self._db is None:
            return
        try:
            self._db.execute(sql, (update_id,))
        except (sqlite3.Error, OSError) as exc:
            self._report(exc)

    def _report(self, exc: BaseException) -> None:
        if not self._failing:
            log.error("inbox %s unusable (%s); updates are answered at most once", self.path, exc)
        self._failing = True


@dataclass(frozen=True)
class InboxReport:
    """What a start would make of the inbox: updates it would answer, rows it would set aside."""

    to_answer: int
    to_set_aside: int


class InboxUnusable(Exception):
    """The inbox file cannot be read as an inbox; the message is one line."""


def inspect(path: Path) -> InboxReport | None:
    """Read the inbox at `path` as a start would, without writing to it (the bot may be running);
    None when there is none yet. Raises `InboxUnusable` when it cannot be read."""
    if not path.exists():
        return None
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=5.0)) as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(inbox)")}
            if not columns:
                return InboxReport(0, 0)  # made, not used yet: a start creates the table
            pending = db.execute(_PENDING).fetchall()
            kept = db.execute(_LOG_ROWS).fetchall() if "log" in columns else []
    except (sqlite3.Error, OSError) as exc:
        raise InboxUnusable(str(exc)) from None
    now = time.time()
    to_answer = sum(isinstance(replayable(row, now, None), Update) for row in pending)
    bad_logs = sum(isinstance(log_row(text, update_id), str) for update_id, text in kept)
    return InboxReport(to_answer, len(pending) - to_answer + bad_logs)


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is recorded in the inbox as it is queued (the
    updater then acknowledges it to Telegram), and a duplicate is not queued again."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    def put_nowait(self, item: object) -> None:
        if isinstance(item, Update) and not self.inbox.record(item):
            log.info("inbox: update %s already received; not queued again", item.update_id)
            return
        super().put_nowait(item)

    def replay(self, updates: list[Update]) -> None:
        """Queue the updates a previous run left unanswered (already in the inbox)."""
        for update in updates:
            super().put_nowait(update)


async def keep_log_rows(inbox: Inbox, backlog: Callable[[], int]) -> None:
    """Forget the inbox's copies of question-log rows once the log has written them: when its
    queue is empty, every row queued before now is on disk (or was refused by the database)."""
    while True:
        await asyncio.sleep(LOGGED_CHECK_SECONDS)
        if inbox.waiting_for_log and backlog() == 0:
            inbox.logged()


class InboxUpdateProcessor(SimpleUpdateProcessor):
    """Handles updates concurrently, as PTB's default does, and marks each done when handled."""

    def __init__(self, inbox: Inbox, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.inbox = inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update):
            self.inbox.started(update.update_id)
        try:
            await coroutine
        except asyncio.CancelledError:
            raise  # shutting down mid-way: answered again at the next start
        except Exception:
            self._done(update)  # handled, if badly (the error handler has run): not retried
            raise
        self._done(update)

    def _done(self, update: object) -> None:
        if isinstance(update, Update):
            self.inbox.done(update.update_id)
