"""`python -m bot health` and `python -m bot backup FILE`, run as an operator would, the backup
while the real bot is answering and writing."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.disks import tmpfs
from tests.fakeapi import FakeBotApi
from tests.paths import CORPUS_DIR, ROOT, corpus_with
from tests.telegram_harness import make_settings, running_bot

QUESTIONS = (
    "Siapa yang meluncurkan satuan tugas AI nasional?",
    "Berapa triliun rubel?",
    "Siapa yang mengembangkan Gigachat?",
    "Siapa juara Liga Inggris?",
)


def run_cli(
    *args: str, database: Path, corpus: Path = CORPUS_DIR
) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")},
        "PYTHONPATH": str(ROOT),
        "CORPUS_DIR": str(corpus),
        "DATABASE_PATH": str(database),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=database.parent if database.parent.exists() else ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


# --------------------------------------------------------------------------- health


def test_health_is_ok_before_the_database_exists(tmp_path: Path) -> None:
    result = run_cli("health", database=tmp_path / "data" / "bot.sqlite3")
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout).startswith("ok: corpus 1 document(s)")


async def test_health_is_ok_with_the_bot_running(api: FakeBotApi, tmp_path: Path) -> None:
    settings = make_settings(api, tmp_path)
    async with running_bot(api, settings) as bot:
        await bot.ask(bot.api.message(QUESTIONS[0]))
        await bot.storage.flush()
        result = await asyncio.to_thread(run_cli, "health", database=settings.database_path)
    assert result.returncode == 0, result.stderr
    line = one_line(result.stdout)
    assert "; database writable;" in line and line.endswith("; inbox 0 updates to answer")


async def test_health_fails_when_the_database_was_deleted_under_the_running_bot(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    async with running_bot(api, settings) as bot:
        await bot.ask(bot.api.message(QUESTIONS[0]))
        await bot.storage.flush()
        for suffix in ("", "-wal", "-shm"):  # rm data/bot.sqlite3*
            Path(f"{settings.database_path}{suffix}").unlink(missing_ok=True)
        result = await asyncio.to_thread(run_cli, "health", database=settings.database_path)
    assert result.returncode == 1
    assert "is missing" in one_line(result.stderr)


def test_health_fails_with_one_line_when_the_corpus_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "corpus"
    empty.mkdir()
    result = run_cli("health", database=tmp_path / "bot.sqlite3", corpus=empty)
    assert result.returncode != 0
    assert one_line(result.stderr).startswith("unhealthy: corpus: no readable")


@pytest.mark.parametrize("text", ["!!! 🎉🎉🎉 ???\n", "Yang dan di itu.\n"])
def test_health_fails_with_one_line_when_no_document_has_a_word_to_index(
    tmp_path: Path, text: str
) -> None:
    corpus = corpus_with(tmp_path, tanda_txt=text)
    result = run_cli("health", database=tmp_path / "bot.sqlite3", corpus=corpus)
    assert result.returncode == 1
    assert one_line(result.stderr).startswith("unhealthy: corpus: ")


def test_health_fails_with_one_line_when_the_database_is_corrupted(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"garbage" * 1000)
    result = run_cli("health", database=database)
    assert result.returncode != 0
    assert "is not writable (file is not a database)" in one_line(result.stderr)


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of our own that can be remounted read-only (needs root, as in CI)."""
    with tmpfs(tmp_path, "4m") as mount:
        yield mount


def test_health_fails_when_the_database_is_read_only(read_only_disk: Path) -> None:
    database = read_only_disk / "bot.sqlite3"
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE t (x)")
        db.commit()
    assert run_cli("health", database=database).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_disk)], check=True)
    result = run_cli("health", database=database)
    assert result.returncode != 0
    assert "not writable" in one_line(result.stderr)


# --------------------------------------------------------------------------- backup


def test_backup_without_a_database_says_so(tmp_path: Path) -> None:
    result = run_cli("backup", str(tmp_path / "copy.sqlite3"), database=tmp_path / "none.sqlite3")
    assert result.returncode == 1
    assert one_line(result.stderr).startswith("error: no database")
    assert not (tmp_path / "copy.sqlite3").exists()


async def test_backup_while_the_bot_writes_is_intact_and_a_moment_of_the_live_file(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    live = settings.database_path
    copies: list[Path] = []
    async with running_bot(api, settings) as bot:
        await bot.ask(bot.api.message(QUESTIONS[0]))
        await bot.storage.flush()

        async def ask_many() -> None:
            for n in range(600):
                user = api.user(1000 + n % 50)
                question = QUESTIONS[n % len(QUESTIONS)]
                await api.push(api.message(question, chat_id=user["id"], user=user))
                await asyncio.sleep(0.003)

        writing = asyncio.create_task(ask_many())
        while not writing.done():
            copy = tmp_path / f"backup-{len(copies)}.sqlite3"
            result = await asyncio.to_thread(run_cli, "backup", str(copy), database=live)
            assert result.returncode == 0, result.stderr
            assert one_line(result.stdout).startswith(f"backup written to {copy}")
            copies.append(copy)
        await writing
        await api.wait_for("sendMessage", 601, within=60)
        await bot.storage.flush()
        final = tmp_path / "backup-final.sqlite3"
        assert run_cli("backup", str(final), database=live).returncode == 0
        live_rows = rows(live)
    assert live_rows["questions"] and len(live_rows["questions"]) == 601
    assert rows(final) == live_rows  # quiet: the same rows as the live file
    taken_while_writing = 0
    for copy in copies:
        with closing(sqlite3.connect(copy)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        copied = rows(copy)
        # a moment of the live file: each table is a prefix of what the bot went on to write
        for table, table_rows in copied.items():
            assert table_rows == live_rows[table][: len(table_rows)], table
        taken_while_writing += 1 < len(copied["questions"]) < 601
    assert taken_while_writing >= 1
