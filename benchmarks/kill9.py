"""kill -9 under load, with and without the durable inbox, side by side.

`python -m bot run` answers questions from the fake Bot API (127.0.0.1 only) while it is killed
with SIGKILL at random moments and restarted; the last run is left to catch up. For each seed,
both setups see the same questions at the same rate and are killed at the same moments after
start. Prints, per setup: questions fetched (acknowledged to the server), fetched but never
answered (the goal is 0), answered twice (at-least-once allows it), the questions in flight at
the kills (answered, not yet marked done: each is answered again, and nothing else should be),
question-log rows lost and questions logged twice.

Run from the repository root: `.venv/bin/python benchmarks/kill9.py [--seeds 5]`
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kill9 import Kill9Result, run_kill9  # noqa: E402


async def main(seeds: int, questions: int, rate: float, kills: int) -> None:
    totals: dict[bool, list[Kill9Result]] = {False: [], True: []}
    print(f"{questions} questions at {rate:g}/s, {kills} kills at random moments per run\n")
    print(
        f"{'setup':<22}{'seed':>5}{'fetched':>9}{'unanswered':>12}{'twice':>7}{'in flight':>11}"
        f"{'log lost':>10}{'logged twice':>14}"
    )
    for seed in range(1, seeds + 1):
        for durable in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                r = await run_kill9(
                    Path(tmp),
                    questions=questions,
                    rate=rate,
                    kills=kills,
                    seed=seed,
                    durable_inbox=durable,
                )
            totals[durable].append(r)
            name = "durable inbox" if durable else "baseline (no inbox)"
            print(
                f"{name:<22}{seed:>5}{r.fetched:>9}{r.unanswered:>12}{r.duplicated:>7}"
                f"{r.in_flight:>11}{r.log_rows_lost:>10}{r.logged_twice:>14}"
            )
    print()
    for durable, results in totals.items():
        name = "durable inbox" if durable else "baseline (no inbox)"
        print(
            f"{name:<22}{'all':>5}{sum(r.fetched for r in results):>9}"
            f"{sum(r.unanswered for r in results):>12}{sum(r.duplicated for r in results):>7}"
            f"{sum(r.in_flight for r in results):>11}{sum(r.log_rows_lost for r in results):>10}"
            f"{sum(r.logged_twice for r in results):>14}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--kills", type=int, default=6)
    args = parser.parse_args()
    asyncio.run(main(args.seeds, args.questions, args.rate, args.kills))
