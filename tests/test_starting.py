"""`python -m bot run` as an operator first starts it: what it says while it starts and while
the Bot API cannot be reached, and that a stop by SIGINT or SIGTERM is clean (exit 0) whenever
it comes, as `run --help` says."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.fakeapi import TOKEN, FakeBotApi
from tests.telegram_harness import bot_env, bot_process, free_port, make_settings, webhook_env
from tests.test_cli import exit_codes

STOPS = [signal.SIGINT, signal.SIGTERM]


async def lines_until(proc: asyncio.subprocess.Process, wanted: str, count: int) -> list[str]:
    """The process's stderr lines, read until `count` of them hold `wanted` (or it exits)."""
    assert proc.stderr is not None
    lines: list[str] = []
    while sum(wanted in line for line in lines) < count:
        line = await asyncio.wait_for(proc.stderr.readline(), 60)
        if not line:
            break
        lines.append(line.decode("utf-8", errors="replace"))
    return lines


def unreachable_env(api: FakeBotApi, tmp_path: Path, **extra: str) -> tuple[dict[str, str], str]:
    """The environment for `run` with a Bot API nobody answers at, and that base URL."""
    base_url = f"http://127.0.0.1:{free_port()}/bot"
    env = bot_env(api, make_settings(api, tmp_path), TELEGRAM_BASE_URL=base_url, **extra)
    return env, base_url


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_run_says_what_it_starts_and_what_it_waits_for_while_the_bot_api_is_unreachable(
    api: FakeBotApi, tmp_path: Path, mode: str
) -> None:
    env, base_url = unreachable_env(api, tmp_path)
    if mode == "webhook":
        hook_env, url = webhook_env(api, make_settings(api, tmp_path))
        env.update({k: v for k, v in hook_env.items() if k.startswith("WEBHOOK")})
    async with bot_process(env, tmp_path) as proc:
        lines = await lines_until(proc, "waiting for the Bot API", 2)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 60)
    output = "".join(lines) + (stdout + stderr).decode("utf-8", errors="replace")
    starting = next(line for line in lines if "starting:" in line)
    assert " INFO " in starting
    assert "1 document and 19 sentences loaded" in starting
    assert f"connecting to the Bot API at {base_url}" in starting
    assert ("long polling" if mode == "polling" else f"a webhook at {url}") in starting
    waiting = [line for line in lines if "waiting for the Bot API" in line]
    assert base_url in waiting[0] and "cannot reach it" in waiting[0]
    assert "trying again" in waiting[0] and "until it answers" in waiting[0]
    assert all(" ERROR " not in line for line in waiting)
    assert "Traceback" not in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


@pytest.mark.parametrize("stop", STOPS, ids=lambda s: s.name)
async def test_a_stop_while_waiting_for_the_bot_api_exits_0_as_help_says(
    api: FakeBotApi, tmp_path: Path, stop: signal.Signals
) -> None:
    env, _ = unreachable_env(api, tmp_path)
    async with bot_process(env, tmp_path) as proc:
        await lines_until(proc, "cannot reach", 1)
        proc.send_signal(stop)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    assert "Traceback" not in stderr.decode()
    assert proc.returncode in exit_codes("run") and "SIGTERM" in exit_codes("run")[0]


@pytest.mark.parametrize("stop", STOPS, ids=lambda s: s.name)
async def test_a_stop_while_serving_exits_0(
    api: FakeBotApi, tmp_path: Path, stop: signal.Signals
) -> None:
    env = bot_env(api, make_settings(api, tmp_path))
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", 1, within=60)
        proc.send_signal(stop)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    assert "Traceback" not in stderr.decode()
