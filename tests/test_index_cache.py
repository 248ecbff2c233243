"""The disk cache of built indexes: a cache built by other code is never reused."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import CORPUS_DIR, ROOT

KEY = (
    "from pathlib import Path; from bot.search.corpus import load_corpus; "
    "from bot.search.index import Bm25Params; from bot.search.snapshot import cache_key; "
    f"print(cache_key(load_corpus(Path({str(CORPUS_DIR)!r})), Bm25Params()))"
)


def key_with(package: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", KEY],
        cwd=package.parent,
        env={"PYTHONPATH": str(package.parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("module", ["search/corpus.py", "reading/text.py", "search/index.py"])
def test_a_change_to_splitting_tokenizing_or_scoring_code_changes_the_cache_key(
    tmp_path: Path, module: str
) -> None:
    package = tmp_path / "bot"
    shutil.copytree(ROOT / "bot", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = key_with(package)
    with (package / module).open("a", encoding="utf-8") as handle:
        handle.write("\n# a change in how sentences are split or scored\n")
    assert key_with(package) != before
