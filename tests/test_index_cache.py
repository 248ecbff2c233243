"""The disk cache of built indexes: a cache built by other code is never reused, and a torn one
(a power cut, a full disk) is set aside and rebuilt, never fatal; `health` says so."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.fakeapi import FakeBotApi, parse_html
from tests.paths import CORPUS_DIR, ROOT
from tests.telegram_harness import ADMIN_ID, bot_env, make_settings, spawn_bot

KEY = (
    "from pathlib import Path; from bot.search.corpus import read_sources; "
    "from bot.search.index import Bm25Params; from bot.search.snapshot import cache_key; "
    f"print(cache_key(read_sources(Path({str(CORPUS_DIR)!r})), Bm25Params()))"
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


@pytest.mark.parametrize(
    "module",
    [
        "search/corpus.py",
        "reading/text.py",
        "search/index.py",
        "search/facts.py",
        "reading/kinds.py",
    ],
)
def test_a_change_to_splitting_tokenizing_or_scoring_code_changes_the_cache_key(
    tmp_path: Path, module: str
) -> None:
    package = tmp_path / "bot"
    shutil.copytree(ROOT / "bot", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = key_with(package)
    with (package / module).open("a", encoding="utf-8") as handle:
        handle.write("\n# a change in how sentences are split or scored\n")
    assert key_with(package) != before


# --------------------------------------------------------------------------- a torn cache


def cached_corpus(tmp_path: Path) -> dict[str, str]:
    """A corpus large enough to be cached (110 copies of the article: 2,090 sentences) and the
    settings that put its cache in `tmp_path/cache`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = (CORPUS_DIR / "putin-satgas-ai.txt").read_bytes()
    for n in range(110):
        (corpus / f"artikel-{n:03}.txt").write_bytes(article)
    return {
        "CORPUS_DIR": str(corpus),
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "CACHE_DIR": str(tmp_path / "cache"),
    }


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**full_env, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def cache_file(env: dict[str, str], suffix: str) -> Path:
    [path] = Path(env["CACHE_DIR"]).glob(f"index-*{suffix}")
    return path


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def emptied(path: Path) -> None:
    path.write_bytes(b"")


TEARS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "arrays cut short": (".npz", cut_short),
    "arrays empty": (".npz", emptied),
    "vocabulary cut short": (".json", cut_short),
    "vocabulary missing": (".json", lambda path: path.unlink()),
}


@pytest.mark.parametrize(("suffix", "tear"), TEARS.values(), ids=TEARS.keys())
def test_ask_with_a_torn_cache_answers_and_rebuilds_the_cache(
    tmp_path: Path, suffix: str, tear: Callable[[Path], None]
) -> None:
    env = cached_corpus(tmp_path)
    assert run_cli("ask", "Berapa triliun rubel?", env=env).returncode == 0
    with np.load(cache_file(env, ".npz")) as data:
        built = {name: data[name] for name in data.files}
    tear(cache_file(env, suffix))
    result = run_cli("ask", "Berapa triliun rubel?", env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "artikel-000.txt" in result.stdout
    assert "index cache" in result.stderr  # said once, on stderr
    with np.load(cache_file(env, ".npz")) as data:  # written again, whole
        assert sorted(data.files) == sorted(built)
        for name, array in built.items():  # (sums of idf in hash order: equal to the last bit)
            np.testing.assert_allclose(data[name], array, rtol=1e-12)
    assert cache_file(env, ".json").stat().st_size > 0


def test_health_warns_about_a_torn_cache_and_stays_healthy(tmp_path: Path) -> None:
    env = cached_corpus(tmp_path)
    assert run_cli("ask", "Berapa triliun rubel?", env=env).returncode == 0
    healthy = run_cli("health", env=env)
    assert healthy.returncode == 0 and "index cache usable" in healthy.stdout
    emptied(cache_file(env, ".npz"))
    result = run_cli("health", env=env)
    assert result.returncode == 0, result.stderr  # the bot rebuilds it: slower, not broken
    [line] = result.stdout.splitlines()
    assert line.startswith("ok: ") and "warning: index cache unusable" in line
    assert cache_file(env, ".npz").stat().st_size == 0  # health only looks


async def test_run_with_a_torn_cache_rebuilds_it_serves_and_says_so_in_status(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = cached_corpus(tmp_path)
    assert run_cli("ask", "Berapa triliun rubel?", env=env).returncode == 0
    cut_short(cache_file(env, ".npz"))
    settings = make_settings(api, tmp_path, corpus_dir=Path(env["CORPUS_DIR"]))
    proc = await spawn_bot(bot_env(api, settings, **env, ADMIN_IDS=str(ADMIN_ID)), tmp_path)
    try:
        await api.push(api.message("Berapa triliun rubel?"))
        [answer] = await api.wait_for("sendMessage", 1, within=30)
        assert "11 triliun rubel" in parse_html(answer["text"])
        await api.push(api.message("/status", user=api.user(ADMIN_ID, lang="en")))
        status = parse_html((await api.wait_for("sendMessage", 2, within=30))[1]["text"])
        assert "index cache unusable" in status and "rebuilt" in status
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert "Traceback" not in stderr.decode()
    with np.load(cache_file(env, ".npz")) as data:
        assert data.files


# --------------------------------------------------------------------------- what is kept


def mixed_corpus(folder: Path) -> Path:
    """A corpus that is cached (2,090 sentences), with front matter, Markdown, a huge one-line
    sentence cut into pieces, and files that are not documents for every kind of reason."""
    folder.mkdir()
    article = (CORPUS_DIR / "putin-satgas-ai.txt").read_bytes()
    for n in range(110):
        (folder / f"artikel-{n:03}.txt").write_bytes(article)
    (folder / "judul.md").write_text(
        "---\ntitle: Judul\nsource: https://contoh.id\nquestions: Apa? | Kapan?\n---\n"
        "# Kepala\n\nParagraf satu. Kalimat dua.\n\n\nParagraf  dua\nberlanjut.\n",
        encoding="utf-8",
    )
    (folder / "besar.txt").write_text(" ".join(["kata"] * 600) + "\n\nAkhir.", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Caf\xe9 baru.".encode("latin-1"))
    (folder / "kosong.md").write_text("---\n---\n", encoding="utf-8")
    (folder / "tanda.txt").write_text("!!! ???", encoding="utf-8")
    (folder / "luar.txt").symlink_to("/etc/hostname")
    return folder


def test_a_start_from_the_cache_gives_the_same_corpus_and_index_as_a_build(
    tmp_path: Path,
) -> None:
    from bot.search.corpus import load_corpus
    from bot.search.snapshot import load_snapshot

    folder = mixed_corpus(tmp_path / "corpus")
    built = load_snapshot(folder, cache_dir=tmp_path / "cache")
    cached = load_snapshot(folder, cache_dir=tmp_path / "cache")
    assert not built.from_cache and cached.from_cache
    fresh = load_corpus(folder)
    assert cached.corpus.documents == fresh.documents
    assert cached.corpus.sentences == fresh.sentences
    assert cached.corpus.problems == fresh.problems
    assert cached.corpus.content_hash == fresh.content_hash
    assert cached.surface_words == built.surface_words
    assert cached.index.vocabulary == built.index.vocabulary
    query = ["satgas", "putin", "kata", "paragraf"]
    np.testing.assert_array_equal(cached.index.scores(query), built.index.scores(query))
    facts, lists = cached.facts.to_arrays()
    built_facts, built_lists = built.facts.to_arrays()
    assert lists == built_lists
    assert facts.keys() == built_facts.keys()
    for name, values in facts.items():
        np.testing.assert_array_equal(values, built_facts[name], err_msg=name)


def test_an_edited_document_is_not_answered_from_the_old_cache(tmp_path: Path) -> None:
    from bot.search.snapshot import load_snapshot

    folder = mixed_corpus(tmp_path / "corpus")
    load_snapshot(folder, cache_dir=tmp_path / "cache")
    (folder / "judul.md").write_text("Paragraf baru tentang kapal feri.", encoding="utf-8")
    edited = load_snapshot(folder, cache_dir=tmp_path / "cache")
    assert not edited.from_cache
    assert edited.corpus.document("judul.md").paragraphs == ("Paragraf baru tentang kapal feri.",)
    assert len(list((tmp_path / "cache").glob("index-*.npz"))) == 1


def test_a_second_process_learning_the_words_builds_the_same_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.reading import text
    from bot.search import snapshot
    from bot.search.corpus import load_corpus

    corpus = load_corpus(CORPUS_DIR)
    monkeypatch.setattr(snapshot, "_processors", lambda: 1)
    alone = snapshot.Snapshot.build(corpus)
    monkeypatch.setattr(snapshot, "_processors", lambda: 2)
    monkeypatch.setattr(snapshot, "PARALLEL_MIN_SENTENCES", 0)
    monkeypatch.setattr(snapshot, "PARALLEL_MIN_WORDS", 1)
    learned = []
    monkeypatch.setattr(text, "remember_stems", lambda stems: learned.append(stems))
    together = snapshot.Snapshot.build(corpus)
    assert learned, "the worker was not used"
    assert together.surface_words == alone.surface_words
    assert together.index.vocabulary == alone.index.vocabulary
    for name, array in alone.index.to_arrays()[0].items():
        np.testing.assert_array_equal(together.index.to_arrays()[0][name], array)


# --------------------------------------------------------------------------- the stems kept

KNOWN = "Kapan satuan tugas AI diumumkan?"


def stems_env(tmp_path: Path) -> dict[str, str]:
    return {"CORPUS_DIR": str(CORPUS_DIR), "CACHE_DIR": str(tmp_path / "cache")}


def stems_kept(env: dict[str, str]) -> Path:
    [path] = Path(env["CACHE_DIR"]).glob("stems-*.json")
    return path


def kept_words(path: Path) -> dict[str, str]:
    """The stems in the file (JSON lines, each an object), every line of it whole."""
    stems: dict[str, str] = {}
    for line in path.read_bytes().splitlines():
        stems.update(json.loads(line))
    return stems


def asked(*questions: str, env: dict[str, str]) -> None:
    for question in questions:
        result = run_cli("ask", question, env=env)
        assert result.returncode == 0, result.stderr


def test_a_question_of_known_words_leaves_the_stems_file_untouched(tmp_path: Path) -> None:
    env = stems_env(tmp_path)
    asked(KNOWN, env=env)
    path = stems_kept(env)
    before = path.stat()
    content = path.read_bytes()
    asked(KNOWN, "Satuan tugas AI diumumkan kapan?", env=env)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert path.read_bytes() == content


def test_a_new_word_is_added_to_the_stems_file_and_what_it_held_is_not_rewritten(
    tmp_path: Path,
) -> None:
    env = stems_env(tmp_path)
    asked(KNOWN, env=env)
    path = stems_kept(env)
    inode, content = path.stat().st_ino, path.read_bytes()
    asked("Kapan satgas plodrak diumumkan?", env=env)
    assert path.stat().st_ino == inode
    assert path.read_bytes().startswith(content)
    assert "plodrak" in kept_words(path)
    assert "plodrak" not in json.loads(content.splitlines()[0])


def test_stems_another_process_kept_meanwhile_stay_kept(tmp_path: Path) -> None:
    env = stems_env(tmp_path)
    asked(KNOWN, env=env)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    first = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json"],
        env={**full_env, "PYTHONPATH": str(ROOT), **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert first.stdin is not None and first.stdout is not None
    try:
        first.stdin.write(b"Kapan wurgelan diumumkan?\n")
        first.stdin.flush()
        assert json.loads(first.stdout.readline())["question"]  # it has read the stems kept
        asked("Kapan plodrak diumumkan?", env=env)  # a second process keeps a new word
        _, errors = first.communicate(timeout=60)  # the first keeps its own new word
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, errors
    assert {"wurgelan", "plodrak"} <= kept_words(stems_kept(env)).keys()


def test_a_torn_stems_file_never_stops_ask_and_is_written_whole_at_the_next_save(
    tmp_path: Path,
) -> None:
    env = stems_env(tmp_path)
    asked(KNOWN, env=env)
    path = stems_kept(env)
    with path.open("ab") as handle:
        handle.write(b'{"pesawat": "pesa')  # a power cut in the middle of an append
    result = run_cli("ask", KNOWN, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "putin-satgas-ai.txt" in result.stdout
    asked("Kapan plodrak diumumkan?", env=env)
    assert {"presiden", "diumumkan", "plodrak"} <= kept_words(path).keys()
