"""End-to-end load: the real bot against a local fake Bot API server (127.0.0.1 only).

Part 1 (rate limiter off): 50 concurrent users each ask 10 questions in private chats, once
reading each answer for about a second before the next question (as people do), once back to
back with no pause (a stress test: then the queue, not the answer, sets the latency). Prints
p50 / p95 / max from the update being available to the reply arriving, and checks that every
question got exactly one reply.

Part 2 (rate limiter on): a burst of private questions from many users plus a burst in one
group. Prints the highest number of messages sent in any one second overall and in any minute
to the group, against Telegram's limits (about 30 per second, 20 per minute per group), and
checks that nothing was dropped.

The bot runs as `python -m bot run` in its own process, like in production.
Run from the repository root: `.venv/bin/python benchmarks/e2e_load.py`
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import resource
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakeapi import FakeBotApi  # noqa: E402
from tests.telegram_harness import bot_env, make_settings, spawn_bot  # noqa: E402

USERS = 50
QUESTIONS_EACH = 10


def questions() -> list[str]:
    items = []
    for name in ("tests/data/article_questions.json",):
        data = json.loads((ROOT / name).read_text(encoding="utf-8"))
        items += [q["q"] for q in data["answerable"]] + [q["q"] for q in data["unanswerable"]]
    return items


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextlib.asynccontextmanager
async def bot_process(api: FakeBotApi, tmp: Path, **env: str) -> AsyncIterator[None]:
    """`python -m bot run` in its own process (its own core), talking to `api`."""
    settings = make_settings(api, tmp)
    proc = await spawn_bot(bot_env(api, settings, LOG_LEVEL="WARNING", **env), tmp)
    try:
        await api.wait_for("setMyCommands", 1, within=60)
        yield
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        if proc.returncode:
            print(err.decode()[-2000:])


async def concurrent_users(tmp: Path, reading: float) -> None:
    """Each user asks, waits for the reply, reads it for about `reading` seconds, asks again."""
    pool = questions()
    rng = random.Random(5)
    async with FakeBotApi() as api:
        env = {"RATE_LIMITER": "false", "FLOOD_LIMIT_PER_MINUTE": "1000"}
        async with bot_process(api, tmp / "a", **env):
            latencies: list[float] = []
            asked: list[int] = []

            async def user(uid: int) -> None:
                if reading:  # people do not all start in the same millisecond
                    await asyncio.sleep(rng.uniform(0, reading))
                for i in range(QUESTIONS_EACH):
                    question = pool[(uid * QUESTIONS_EACH + i) % len(pool)]
                    update = api.message(question, user=api.user(1000 + uid), chat_id=1000 + uid)
                    message_id = update["message"]["message_id"]
                    asked.append(message_id)
                    started = time.monotonic()
                    await api.push(update)
                    arrived = await api.reply_for(message_id, within=60)
                    latencies.append(arrived - started)
                    if reading:
                        await asyncio.sleep(rng.uniform(0.5, 1.5) * reading)

            wall = time.monotonic()
            await asyncio.gather(*(user(u) for u in range(USERS)))
            wall = time.monotonic() - wall
            await asyncio.sleep(0.5)  # let any duplicate arrive before counting
            replies = [api.replies.get(m, 0) for m in asked]
    ms = [x * 1000 for x in latencies]
    how = f"reading each answer ~{reading:g}s" if reading else "back to back (stress)"
    print(f"Part 1: {USERS} users x {QUESTIONS_EACH} questions, {how}, rate limiter off")
    print(f"  questions {len(asked)}, wall {wall:.1f}s, {len(asked) / wall:.0f} answers/s")
    print(
        f"  update -> reply  p50 {percentile(ms, 0.5):.1f} ms   p95 {percentile(ms, 0.95):.1f} ms"
        f"   max {max(ms):.1f} ms"
    )
    own = resource.getrusage(resource.RUSAGE_SELF)
    bot = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"  CPU seconds: bot process {bot.ru_utime + bot.ru_stime:.1f}, "
        f"fake server and users {own.ru_utime + own.ru_stime:.1f}"
    )
    lost, doubled = replies.count(0), sum(1 for r in replies if r > 1)
    exact = lost == 0 and doubled == 0
    print(f"  exactly one reply each: {exact} (lost {lost}, duplicated {doubled})")


async def limiter_burst(tmp: Path) -> None:
    async with FakeBotApi() as api:
        env = {
            "RATE_LIMITER": "true",
            "FLOOD_LIMIT_PER_MINUTE": "1000",
            "GROUP_COOLDOWN_SECONDS": "0",
        }
        async with bot_process(api, tmp / "b", **env):
            private = [
                api.message("Berapa triliun rubel?", user=api.user(5000 + u), chat_id=5000 + u)
                for u in range(90)
            ]
            group = [
                api.message(
                    "@TanyaArtikelBot LLMs",
                    chat_id=-4242,
                    chat_type="supergroup",
                    user=api.user(7000 + u),
                )
                for u in range(25)
            ]
            ids = [u["message"]["message_id"] for u in private + group]
            started = time.monotonic()
            for update in private + group:
                await api.push(update)
            await asyncio.gather(*(api.reply_for(m, within=180) for m in ids))
            took = time.monotonic() - started
            sends = [c for c in api.calls if c.method == "sendMessage" and c.ok]
    times = sorted(c.at for c in sends)
    per_second = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
    group_times = sorted(c.at for c in sends if int(c.params["chat_id"]) == -4242)
    per_minute = max(sum(1 for t in group_times if s <= t < s + 60.0) for s in group_times)
    print("Part 2: burst with the rate limiter on")
    print(f"  {len(private)} private + {len(group)} group questions answered in {took:.1f}s")
    print(f"  most messages in any 1 s overall: {per_second} (limit 30)")
    print(f"  most messages in any 60 s to the group: {per_minute} (limit 20)")
    print(f"  replies: {len(sends)} of {len(ids)} (nothing dropped: {len(sends) == len(ids)})")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await concurrent_users(Path(tmp) / "reading", reading=1.0)
        await concurrent_users(Path(tmp) / "stress", reading=0.0)
        if "--no-burst" not in sys.argv:
            await limiter_burst(Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
