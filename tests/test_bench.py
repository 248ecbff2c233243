"""`python -m bot bench` in a subprocess: what it prints, and what of the caller's it reads.

Its figures are not checked here (they are the bench's to measure); its tables are.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

STARTUP_LABELS = (
    "python -c 'import rank_bm25'",
    "python -m bot ask (stems kept)",
    "python -m bot ask (first start)",
)


def bench(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The bench on the article alone, few queries: its tables, not its figures, are tested."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "bench", "--sizes", "article", "--queries", "5", *args],
        capture_output=True,
        text=True,
        env={**full_env, "PYTHONPATH": str(ROOT), **(env or {})},
        cwd=cwd,
        timeout=300,
    )


def startup_seconds(stdout: str) -> dict[str, float]:
    """The start-up table's medians, by row."""
    found = {}
    for line in stdout.splitlines():
        label = line.strip().rsplit(maxsplit=2)[0] if line.strip() else ""
        if label in STARTUP_LABELS:
            found[label] = float(line.split()[-2])
    return found


def test_bench_with_no_startup_runs_times_no_start_up_and_prints_no_nan(tmp_path: Path) -> None:
    result = bench("--startup-runs", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "nan" not in result.stdout.lower()
    assert "RuntimeWarning" not in result.stderr
    assert "not timed (--startup-runs 0)" in result.stdout
    assert startup_seconds(result.stdout) == {}
    assert "project-cache" in result.stdout  # the other tables are there


@pytest.mark.parametrize("where", [".env", "environment"])
def test_the_start_up_runs_read_no_setting_of_the_caller(tmp_path: Path, where: str) -> None:
    # a TOP_K `ask` refuses, where the caller keeps settings: the start-up runs never see it
    env = {}
    if where == ".env":
        (tmp_path / ".env").write_text("TOP_K=zero\n", encoding="utf-8")
    else:
        env["TOP_K"] = "11"
    result = bench("--startup-runs", "1", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    seconds = startup_seconds(result.stdout)
    assert seconds.keys() == set(STARTUP_LABELS)
    assert all(math.isfinite(s) and s > 0 for s in seconds.values())


def test_a_negative_number_of_startup_runs_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    result = bench("--startup-runs", "-1", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --startup-runs -1: give 0 or more"
    assert result.stdout == ""
