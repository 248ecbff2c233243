"""Shared fixtures: the real bundled corpus, built once per test session."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.search.answer import Answerer
from bot.search.snapshot import Snapshot, load_snapshot
from tests.fakeapi import FakeBotApi
from tests.paths import CORPUS_DIR, DEV_QUESTIONS, EXTRA_QUESTIONS, ROOT, SHARED
from tests.telegram_harness import SPAWNED, RunningBot, alive, make_settings, running_bot

__all__ = ["CORPUS_DIR", "DEV_QUESTIONS", "EXTRA_QUESTIONS", "ROOT", "SHARED"]


@pytest.fixture(scope="session")
def article_kb() -> Snapshot:
    return load_snapshot(CORPUS_DIR)


@pytest.fixture(scope="session")
def answerer(article_kb: Snapshot) -> Answerer:
    return Answerer(article_kb, top_k=3)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server on 127.0.0.1."""
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The real bot, polling the fake server, on a copy of the corpus and a fresh database."""
    async with running_bot(api, make_settings(api, tmp_path)) as running:
        yield running


@pytest.fixture(autouse=True)
def no_bot_left_running() -> Iterator[None]:
    """Every test ends with no `python -m bot run` of its own still running: one left behind is
    killed, and the test fails for it."""
    before = len(SPAWNED)
    yield
    left = [proc.pid for proc in SPAWNED[before:] if alive(proc.pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"the test left `python -m bot run` running: pid {left}"
