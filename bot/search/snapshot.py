"""The immutable snapshot of a corpus and its index, built together (and kept on disk).

A `Snapshot` never changes after it is built; a reload builds a new one (`bot/live.py` holds the
one in use).

Tokenizing dominates start-up on a large corpus, so a built index is kept on disk, keyed by the
corpus content, the BM25 parameters and the code that tokenizes and scores: a restart or a
reload of unchanged documents loads it instead of rebuilding (numpy arrays plus a JSON
vocabulary). Each file is synced to the disk before it is renamed into place; a missing or
stale cache is simply rebuilt, and one that is there but unusable (torn by a power cut or a
full disk) is deleted, rebuilt and named in `Snapshot.cache_problem`: never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np

from bot.reading import lexicon, text
from bot.search.corpus import (
    Corpus,
    CorpusError,
    Problem,
    Sentence,
    iter_corpus_files,
    load_corpus,
)
from bot.search.index import Bm25Params, Index

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# everything that shapes the indexed sentences or their scores: sentence splitting and
# boilerplate removal (corpus.py) as much as tokenizing and BM25
_CODE_FILES = (
    "reading/text.py",
    "reading/lexicon.py",
    "search/index.py",
    "search/snapshot.py",
    "search/corpus.py",
)
CACHE_MIN_SENTENCES = 2000  # below this, building is faster than reading a cache


@dataclass
class Snapshot:
    """A corpus, its index and its word forms; never changed after it is built."""

    corpus: Corpus
    index: Index
    surface_words: dict[str, tuple[str, ...]] = field(repr=False)
    built_in_s: float = 0.0
    from_cache: bool = False
    # what went wrong with the disk cache, if anything: "unusable" (it was there, torn, and was
    # rebuilt) or "not_written" (a full or read-only disk), and why in one line
    cache_problem: str = ""
    cache_detail: str = ""

    @classmethod
    def build(
        cls, corpus: Corpus, params: Bm25Params | None = None, progress: Progress | None = None
    ) -> Snapshot:
        started = time.perf_counter()
        seen: dict[str, tuple[str, ...]] = {}
        tokenized = []
        total = len(corpus.sentences)
        for i, chunk in enumerate(corpus.sentences):
            tokenized.append(text.terms(chunk.text, seen))
            if progress is not None and i % 5000 == 0:
                progress(i, total)
        if progress is not None:
            progress(total, total)
        if not any(tokenized):
            raise wordless(corpus)
        index = Index.build(tokenized, params)
        del tokenized
        surface = {w: t for w, t in seen.items() if t and w.isalpha() and len(w) >= 4}
        return cls(corpus, index, surface, time.perf_counter() - started)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return self.corpus.sentences

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [chunk.id - chunk.position for chunk in self.corpus.sentences]

    def paragraph_span(self, chunk_id: int, reach: int) -> tuple[int, int]:
        """[lo, hi) chunk ids of the chunk's paragraph, at most `reach` sentences either side."""
        chunks = self.corpus.sentences
        lo = max(self._paragraph_starts[chunk_id], chunk_id - reach)
        hi = chunk_id + 1
        limit = min(len(chunks), chunk_id + reach + 1)
        while hi < limit and chunks[hi].position > 0:
            hi += 1
        return lo, hi

    @cached_property
    def _by_initial(self) -> dict[str, list[str]]:
        buckets: dict[str, list[str]] = {}
        for word in self.surface_words:
            buckets.setdefault(word[0], []).append(word)
        return buckets

    def words_starting_with(self, initial: str) -> list[str]:
        """Corpus word forms with this first letter (typos rarely hit the first letter)."""
        return self._by_initial.get(initial, [])


def wordless(corpus: Corpus) -> CorpusError:
    """The error for a corpus without a single word to index (only punctuation, emoji or
    common words such as "yang" and "di"): an empty corpus, each document named as empty."""
    return CorpusError(
        "no document has a word to index (only punctuation, emoji or common words)",
        "empty",
        (*corpus.problems, *(Problem(doc.name, "empty") for doc in corpus.documents)),
    )


def require_words(corpus: Corpus) -> None:
    """Raise `wordless(corpus)` unless some sentence has a word to index; stops at the first
    such sentence, so on a real corpus it costs one sentence, not an index build."""
    if not any(text.terms(chunk.text) for chunk in corpus.sentences):
        raise wordless(corpus)


# --------------------------------------------------------------------------- cache


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The code that tokenizes and scores: a cache built by other code is not reused."""
    digest = hashlib.sha256()
    here = Path(__file__).parent.parent
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def cache_key(corpus: Corpus, params: Bm25Params) -> str:
    digest = hashlib.sha256()
    digest.update(corpus.content_hash.encode())
    digest.update(repr(params).encode())
    digest.update(_code_digest().encode())
    digest.update(lexicon.data_digest().encode())
    return digest.hexdigest()[:32]


class CacheUnusable(Exception):
    """A cache for this corpus is there but cannot be used (cut short or emptied by a power cut
    or a full disk, half of it missing, unreadable); the message says why, in one line."""


def cache_files(corpus: Corpus, params: Bm25Params, folder: Path) -> tuple[Path, Path]:
    """The cache of this corpus's index: numpy arrays and a JSON vocabulary."""
    base = folder / f"index-{cache_key(corpus, params)}"
    return base.with_suffix(".npz"), base.with_suffix(".json")


def save_cache(kb: Snapshot, folder: Path) -> Path:
    """Write the index to `folder` and return the arrays' file; raises `OSError`.

    Each file is written beside its place, flushed to the disk (fsync) and only then renamed
    into place, and the folder is synced after the renames: a power cut leaves the old cache,
    the new one or none, never a file that claims to be one and is not whole.
    """
    arrays_file, meta_file = cache_files(kb.corpus, kb.index.params, folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays, vocabulary = kb.index.to_arrays()
    meta = {
        "vocabulary": vocabulary,
        "surface": kb.surface_words,
        "stems": text.known_stems(),
        "params": repr(kb.index.params),
    }
    # numpy's stub wants bool for the arrays
    _write_durably(arrays_file, lambda handle: np.savez(handle, **arrays))  # type: ignore[arg-type]
    _write_durably(
        meta_file, lambda handle: handle.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    )
    _sync_folder(folder)
    _remove_others(folder, keep=(arrays_file, meta_file))
    return arrays_file


def _write_durably(path: Path, write: Callable[[BinaryIO], object]) -> None:
    # a name of its own: another process (`ask` beside `run`) may write the same cache
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # as a plain write would make it, not mkstemp's 0600
        with open(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the renames in `folder` themselves durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_STALE_TEMPORARY_S = 3600.0  # a write in progress takes seconds; older ones died with a crash


# the cache's own files only: CACHE_DIR may be a folder shared with other things
_CACHE_FILE = re.compile(r"\.?index-[0-9a-f]{32}\.(?:npz|json)(?:\.[^/]*tmp)?")


def _remove_others(folder: Path, keep: tuple[Path, ...]) -> None:
    """Caches of other corpora, and temporary files a crash left behind."""
    now = time.time()
    for path in folder.iterdir():
        if path in keep or not _CACHE_FILE.fullmatch(path.name):
            continue
        if path.name.startswith("."):  # a temporary file, maybe another process's write
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > _STALE_TEMPORARY_S:
                    path.unlink()
            continue
        path.unlink(missing_ok=True)


def read_cache(corpus: Corpus, params: Bm25Params, folder: Path) -> Snapshot | None:
    """The cached index of this corpus, or None when there is none; raises `CacheUnusable`
    when there is one that cannot be used. Reads only: nothing on disk is changed."""
    arrays_file, meta_file = cache_files(corpus, params, folder)
    if not arrays_file.exists() and not meta_file.exists():
        return None
    started = time.perf_counter()
    try:
        with np.load(arrays_file) as data:
            arrays = {name: data[name] for name in data.files}
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        index = Index.from_arrays(arrays, meta["vocabulary"], params)
        surface = {w: tuple(t) for w, t in meta["surface"].items()}
        stems = dict(meta.get("stems", {}))
    except Exception as exc:  # a torn file fails in many ways: BadZipFile, EOFError, ValueError…
        raise CacheUnusable(" ".join(f"{type(exc).__name__}: {exc}".split())) from None
    if index.size != len(corpus.sentences):
        raise CacheUnusable(f"{index.size} sentences cached for {len(corpus.sentences)}")
    text.remember_stems(stems)
    return Snapshot(corpus, index, surface, time.perf_counter() - started, from_cache=True)


def discard_cache(corpus: Corpus, params: Bm25Params, folder: Path) -> None:
    """Delete this corpus's cache (an unusable one: it is only a cache, rebuilt from the corpus;
    kept, it would only hold disk space, on a disk that may be the full one that tore it)."""
    for path in cache_files(corpus, params, folder):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- loading


def terminal_progress(done: int, total: int) -> None:
    """A progress bar on stderr for long builds, when stderr is a terminal."""
    if total < 20_000 or not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / total)
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
    sys.stderr.flush()


def load_snapshot(
    folder: Path,
    params: Bm25Params | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> Snapshot:
    """Read the corpus folder and index it, from the cache when the corpus is unchanged.

    Raises `CorpusError` when nothing in the folder is usable.
    """
    corpus = load_corpus(folder)
    params = params or Bm25Params()
    problem = detail = ""
    if cache_dir is not None:
        try:
            cached = read_cache(corpus, params, cache_dir)
        except CacheUnusable as exc:
            problem, detail = "unusable", str(exc)
            log.warning("index cache in %s unusable (%s): deleted, rebuilding", cache_dir, exc)
            discard_cache(corpus, params, cache_dir)
        else:
            if cached is not None:
                return cached
    kb = Snapshot.build(corpus, params, progress)
    if cache_dir is not None and len(corpus.sentences) >= CACHE_MIN_SENTENCES:
        try:
            save_cache(kb, cache_dir)
        except OSError as exc:
            problem, detail = "not_written", str(exc.strerror or exc)
            log.warning("index cache not written to %s (%s)", cache_dir, exc)
    return replace(kb, cache_problem=problem, cache_detail=detail) if problem else kb


def cache_health(corpus: Corpus, params: Bm25Params, cache_dir: Path) -> str:
    """What `health` says of the index cache, without changing it: "usable", "none yet", or a
    warning that it is unusable (the bot rebuilds it at its next start or reload: slower, not
    broken). Raises `CorpusError` when no sentence has a word to index."""
    try:
        if read_cache(corpus, params, cache_dir) is not None:
            return "index cache usable"
    except CacheUnusable as exc:
        require_words(corpus)
        return f"warning: index cache unusable ({exc}), rebuilt at the next start or reload"
    require_words(corpus)
    if len(corpus.sentences) < CACHE_MIN_SENTENCES:
        return "index built at start (too small to cache)"
    return "index not cached yet (built at start)"


def folder_fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the corpus files: cheap change detection."""
    out = []
    for path in iter_corpus_files(folder):
        stat = path.lstat()
        out.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)
