"""Heavy answering runs off the event loop; light answering stays on it (a thread hop costs
more than a light answer)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bot.config import Settings
from bot.live import LiveSnapshot
from bot.search.snapshot import Snapshot
from bot.telegram.handlers import INLINE_ANSWER_MS, answering
from bot.telegram.state import BotState
from tests.paths import CORPUS_DIR


def state_for(kb: Snapshot, tmp_path: Path) -> BotState:
    settings = Settings(_env_file=None, corpus_dir=CORPUS_DIR, database_path=tmp_path / "d")  # type: ignore[call-arg]
    return BotState.create(settings, LiveSnapshot(kb, CORPUS_DIR), None)


async def test_light_answers_run_on_the_event_loop(article_kb: Snapshot, tmp_path: Path) -> None:
    state = state_for(article_kb, tmp_path)
    for _ in range(5):  # work far lighter than a thread hop (no clock decides this test)
        ran_on = await answering(state, threading.get_ident)
        assert ran_on == threading.get_ident()
    assert state.answer_ms < INLINE_ANSWER_MS


async def test_once_answers_are_heavy_they_run_in_a_worker_thread(
    article_kb: Snapshot, tmp_path: Path
) -> None:
    state = state_for(article_kb, tmp_path)

    def heavy() -> int:
        time.sleep(0.1)  # as long as a question on a very large corpus takes
        return threading.get_ident()

    threads = [await answering(state, heavy) for _ in range(4)]
    assert threads[0] == threading.get_ident()  # not known to be heavy yet
    assert threads[-1] != threading.get_ident()  # now it is: off the loop
