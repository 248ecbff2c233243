"""Storage on real SQLite files: migrations, the question log, feedback, stats, purge, faults."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import DAY, MIGRATIONS, SCHEMA_VERSION, Storage, StorageError, migrate
from tests.disks import tmpfs


def log_question(storage: Storage, n: int, *, found: bool = True, question: str = "apa?",
                 at: float | None = None, user: int = 1) -> None:  # fmt: skip
    storage.log_question(
        answer_id=f"a{n}-{time.time_ns()}",
        chat_type="private",
        user_id=user,
        question=question,
        found=found,
        passages=[("doc.txt", 3, 7.5)] if found else [],
        latency_ms=1.5,
        at=at,
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = Storage(tmp_path / "bot.sqlite3")
    await store.start()
    yield store
    await store.close()


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


async def test_migrations_create_the_schema_from_empty(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    async with aiosqlite.connect(path) as db:
        assert await migrate(db) == 0
    assert version(path) == SCHEMA_VERSION
    assert {"questions", "feedback", "corpus_versions", "admin_audit"} <= tables(path)


async def test_opening_a_previous_version_file_upgrades_it_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # a file written by schema version 1
        db.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO questions (answer_id, asked_at, chat_type, user_id, question, found,"
            " passages, latency_ms) VALUES ('old', ?, 'private', 7, 'lama?', 1, '[]', 2.0)",
            (time.time(),),
        )
    store = Storage(path)
    await store.start()
    await store.close()
    assert version(path) == SCHEMA_VERSION
    assert "admin_audit" in tables(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT question FROM questions").fetchall() == [("lama?",)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_an_update_logged_again_replaces_its_row_and_keeps_when_it_was_asked(
    storage: Storage,
) -> None:
    def answered(answer_id: str, at: float, found: bool) -> None:
        storage.log_question(
            answer_id=answer_id, chat_type="private", user_id=7, question="apa?", found=found,
            passages=[], latency_ms=1.0, at=at, update_id=41,
        )  # fmt: skip

    answered("first", 100.0, False)
    await storage.flush()
    answered("again", 200.0, True)  # the same update, answered again after a kill
    await storage.flush()
    with sqlite3.connect(storage.path) as db:
        rows = db.execute("SELECT answer_id, asked_at, found FROM questions").fetchall()
    assert rows == [("again", 100.0, 1)]


async def test_concurrent_questions_are_all_logged(storage: Storage) -> None:
    async def ask(n: int) -> None:
        await asyncio.sleep(0)
        log_question(storage, n, found=n % 3 != 0)

    await asyncio.gather(*(ask(n) for n in range(300)))
    await storage.flush()
    stats = await storage.stats()
    assert stats.today == 300
    assert stats.week_found == 200


async def test_feedback_is_one_vote_per_user_per_answer_and_changeable(storage: Storage) -> None:
    storage.log_feedback("ans1", 10, 1)
    storage.log_feedback("ans1", 11, 1)
    storage.log_feedback("ans1", 10, -1)  # user 10 changes their mind
    storage.log_feedback("ans2", 10, 1)
    await storage.flush()
    stats = await storage.stats()
    assert (stats.votes_up, stats.votes_down) == (2, 1)


async def test_stats_counts_today_week_found_rate_and_unanswered(storage: Storage) -> None:
    now = time.time()
    midnight = now - (now % DAY)
    log_question(storage, 1, at=now)
    log_question(storage, 2, found=False, question="Siapa juara liga?", at=now)
    log_question(storage, 3, found=False, question="siapa juara liga? ", at=midnight - 3600)
    log_question(storage, 4, found=False, question="Resep kue", at=now - 2 * DAY)
    log_question(storage, 5, at=now - 10 * DAY)  # outside the week
    await storage.flush()
    stats = await storage.stats(now=now)
    assert stats.today == 2
    assert stats.week == 4
    assert stats.found_rate == pytest.approx(0.25)
    assert stats.unanswered[0] == ("siapa juara liga?", 2)
    assert ("resep kue", 1) in stats.unanswered


async def test_no_question_text_is_kept_when_disabled(tmp_path: Path) -> None:
    store = Storage(tmp_path / "private.sqlite3", store_question_text=False)
    await store.start()
    log_question(store, 1, question="rahasia saya")
    await store.close()
    with sqlite3.connect(tmp_path / "private.sqlite3") as db:
        assert db.execute("SELECT question FROM questions").fetchall() == [(None,)]


async def test_retention_purge_removes_only_old_rows(storage: Storage) -> None:
    now = time.time()
    log_question(storage, 1, at=now - 40 * DAY)
    log_question(storage, 2, at=now - 5 * DAY)
    storage.log_feedback("old", 1, 1, at=now - 40 * DAY)
    await storage.flush()
    removed = await storage.purge(30, now=now)
    assert removed == 2
    assert (await storage.stats(now=now)).week == 1
    assert await storage.purge(0, now=now) == 0  # 0 keeps everything


async def test_corrupted_database_is_reported_once_and_writes_resume(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)
    await store.start()
    log_question(store, 0)
    await store.flush()
    await store._drop_connection()  # the file changes under the running bot
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    caplog.set_level(logging.ERROR, logger="bot.storage")
    for n in range(1, 20):
        log_question(store, n)
    await asyncio.sleep(0.5)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert not store.healthy
    with pytest.raises(StorageError):
        await store.stats()
    path.unlink()  # the admin replaces the broken file
    await store.flush(wait=10)
    assert store.healthy
    assert (await store.stats()).today == 19  # nothing accepted was lost
    await store.close()


async def test_locked_database_delays_writes_without_losing_them(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)
    await store.start()
    blocker = sqlite3.connect(path, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    for n in range(5):
        log_question(store, n)
    await asyncio.sleep(3)
    assert store.backlog == 5
    blocker.rollback()
    blocker.close()
    await store.flush(wait=10)
    assert (await store.stats()).today == 5
    await store.close()


async def test_unwritable_location_never_raises_to_the_caller(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    store = Storage(blocked / "sub" / "bot.sqlite3")  # parent is a file: cannot be created
    await store.start()
    log_question(store, 1)
    await asyncio.sleep(0.2)
    assert not store.healthy
    await store.close(wait=0.5)


async def test_close_writes_everything_queued(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)
    await store.start()
    for n in range(500):
        log_question(store, n)
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 500


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs of our own, to fill up or make read-only (needs root, as in CI)."""
    with tmpfs(tmp_path, "1m") as mount:
        yield mount


async def started_with_one_row(path: Path) -> Storage:
    store = Storage(path)
    await store.start()
    log_question(store, 0)
    await store.flush()
    return store


def remount(mount: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True)


async def test_full_disk_is_reported_once_and_writing_resumes(
    small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await started_with_one_row(small_disk / "bot.sqlite3")
    filler = small_disk / "filler"
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        handle.write(b"\0" * 2_000_000)  # fills the disk
    caplog.set_level(logging.ERROR, logger="bot.storage")
    for n in range(1, 40):
        log_question(store, n, question="x" * 2000)
    await asyncio.sleep(1.0)
    assert not store.healthy
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    filler.unlink()
    await store.flush(wait=15)
    assert store.healthy
    assert (await store.stats()).today == 40
    await store.close()


async def test_read_only_database_is_reported_once_and_writing_resumes(
    small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await started_with_one_row(small_disk / "bot.sqlite3")
    await store._drop_connection()  # as after a restart
    remount(small_disk, "ro")
    caplog.set_level(logging.ERROR, logger="bot.storage")
    for n in range(1, 10):
        log_question(store, n)
    await asyncio.sleep(1.0)
    assert not store.healthy
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    remount(small_disk, "rw")
    await store.flush(wait=15)
    assert store.healthy
    assert (await store.stats()).today == 10
    await store.close()


# --------------------------------------------------------------------------- rows it cannot take


async def rows(path: Path, table: str = "questions") -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize(
    ("question", "user"),
    [("lone \ud800 surrogate", 1), ("apa?", 2**63), ("apa?", -(2**63) - 1)],
)
async def test_a_row_the_database_cannot_take_is_skipped_and_never_blocks_the_queue(
    storage: Storage, question: str, user: int
) -> None:
    log_question(storage, 1)
    log_question(storage, 2, question=question, user=user)
    log_question(storage, 3)
    await storage.flush()
    storage.log_feedback("a", user, 1)
    log_question(storage, 4)
    await storage.flush()
    assert storage.backlog == 0
    assert await rows(storage.path) == 3
    assert storage.rejected == (1 if user == 1 else 2)
    assert storage.healthy


async def test_the_writer_is_restarted_if_it_dies(storage: Storage) -> None:
    assert storage.healthy
    assert storage._loop is not None
    storage._loop.cancel()  # the write loop dies, whatever the cause
    await asyncio.sleep(0)
    assert not storage.healthy  # while it is down, `healthy` says so
    log_question(storage, 1)
    await storage.flush()
    assert await rows(storage.path) == 1
    assert storage.healthy and storage.restarts == 1


async def test_purge_runs_on_the_writer_after_what_was_queued_before_it(storage: Storage) -> None:
    now = time.time()
    log_question(storage, 1, at=now - 40 * DAY)  # queued, not yet written
    log_question(storage, 2, at=now)
    assert await storage.purge(30, now=now) == 1
    assert await rows(storage.path) == 1


async def test_stats_are_read_while_the_writer_waits_for_a_lock(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)
    await store.start()
    log_question(store, 1)
    await store.flush()
    blocker = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    log_question(store, 2)  # the writer now waits on the lock (busy timeout)
    await asyncio.sleep(0.2)
    started = time.monotonic()
    assert (await store.stats()).today == 1  # reads have their own connection: no waiting
    assert time.monotonic() - started < 0.5
    blocker.rollback()
    blocker.close()
    await store.flush(wait=10)
    assert (await store.stats()).today == 2
    await store.close()
