"""Peak memory while answering questions full of words never seen before, side by side.

Each run is its own process: load the bundled article, then ask N questions of five made-up
words each (every word new), and report the process's peak resident memory. Bounded caches
keep the peak for 30,000 questions close to the peak for 2,000.

    .venv/bin/python benchmarks/memory.py            # 2,000 and 30,000 questions
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(count: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from bot.search.answer import Answerer
    from bot.search.snapshot import load_snapshot

    answerer = Answerer(load_snapshot(ROOT / "corpus"))
    rng = random.Random(count)
    letters = "abcdefghijklmnoprstuwy"
    started = time.perf_counter()
    for _ in range(count):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(5)]
        answerer.ask("berapa " + " ".join(words) + "?")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"questions": count, "peak_mb": round(peak_mb, 1), "seconds": round(seconds, 1)}


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(run(int(sys.argv[2]))))
        return 0
    counts = [int(a) for a in sys.argv[1:]] or [2000, 30000]
    rows = []
    for count in counts:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(count)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout))
    print(f"{'questions':>10} {'peak MB':>8} {'seconds':>8}")
    for row in rows:
        print(f"{row['questions']:>10} {row['peak_mb']:>8} {row['seconds']:>8}")
    if len(rows) > 1:
        print(
            f"growth from {rows[0]['questions']} to {rows[-1]['questions']}: "
            f"{rows[-1]['peak_mb'] - rows[0]['peak_mb']:.1f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
