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

A handled update keeps only its id (for duplicate suppression), never its text. A pending update
that cannot be read (bad JSON, or a shape this library now rejects) is set aside: logged once by
its id, kept as an id, never retried. If the inbox file cannot be used, updates flow as before
(at most once) and the problem is logged once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.ext import SimpleUpdateProcessor

from bot.telegram.updates import read_update

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
            db.execute(
                "DELETE FROM inbox WHERE done != 0 AND log IS NULL AND received_at < ?",
                (time.time() - KEEP_DONE_SECONDS,),
            )
            rows = db.execute(
                "SELECT update_id, payload, attempts, received_at FROM inbox WHERE done = 0"
                " ORDER BY update_id"
            ).fetchall()
        except (sqlite3.Error, OSError) as exc:
            self._report(exc)
            return []
        self._db = db
        pending = []
        now = time.time()
        for update_id, payload, attempts, received_at in rows:
            old = now - received_at > GIVE_UP_AFTER_SECONDS
            if (attempts >= MAX_ATTEMPTS and old) or payload is None:
                log.error("inbox: update %s given up after %d attempts", update_id, attempts)
                self.set_aside(update_id)
                continue
            update = self._read(update_id, payload, bot)
            if update is None:
                self.set_aside(update_id)
                continue
            pending.append(update)
        if pending:
            log.warning(
                "inbox: %d updates left unanswered by the last run, answering now", len(pending)
            )
        return pending

    @staticmethod
    def _read(update_id: int, payload: str, bot: Bot) -> Update | None:
        try:
            data = json.loads(payload)
        except ValueError:
            log.error("inbox: update %s is not valid JSON; set aside", update_id)
            return None
        return read_update(data, bot)

    def unlogged(self) -> list[dict[str, Any]]:
        """Question-log rows of updates answered by an earlier run that died before the log had
        written them: to be logged again (kept here until `logged`)."""
        if self._db is None:
            return []
        try:
            rows = self._db.execute(
                "SELECT update_id, log FROM inbox WHERE log IS NOT NULL ORDER BY update_id"
            ).fetchall()
        except sqlite3.Error as exc:
            self._report(exc)
            return []
        out = []
        for update_id, text in rows:
            self._unlogged.append(update_id)
            with contextlib.suppress(ValueError):
                row = json.loads(text)
                if isinstance(row, dict):
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
                self._db.execute(
                    "DELETE FROM inbox WHERE done != 0 AND log IS NULL AND received_at < ?",
                    (time.time() - KEEP_DONE_SECONDS,),
                )

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
