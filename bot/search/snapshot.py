"""The immutable snapshot of a corpus and its index, built together (and kept on disk).

A `Snapshot` never changes after it is built; a reload builds a new one (`bot/live.py` holds the
one in use).

Tokenizing dominates start-up on a large corpus, so a built index is kept on disk, keyed by the
corpus content, the BM25 parameters and the code that tokenizes and scores: a restart or a
reload of unchanged documents loads it instead of rebuilding (numpy arrays plus a JSON
vocabulary; a missing, stale or unreadable cache is simply rebuilt).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

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


def save_cache(kb: Snapshot, folder: Path) -> Path | None:
    """Write the index to `folder`; returns the file, or None if it could not be written."""
    key = cache_key(kb.corpus, kb.index.params)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        arrays, vocabulary = kb.index.to_arrays()
        base = folder / f"index-{key}"
        tmp_npz = base.with_suffix(".npz.tmp")
        with tmp_npz.open("wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy's stub wants bool
        meta = {
            "vocabulary": vocabulary,
            "surface": kb.surface_words,
            "stems": text.known_stems(),
            "params": repr(kb.index.params),
        }
        tmp_json = base.with_suffix(".json.tmp")
        tmp_json.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp_npz.replace(base.with_suffix(".npz"))
        tmp_json.replace(base.with_suffix(".json"))
        for old in folder.glob("index-*.npz"):
            if old.stem != base.name:
                old.unlink(missing_ok=True)
                old.with_suffix(".json").unlink(missing_ok=True)
        return base.with_suffix(".npz")
    except OSError as exc:
        log.info("index cache not written (%s)", exc)
        return None


def load_cache(corpus: Corpus, params: Bm25Params, folder: Path) -> Snapshot | None:
    started = time.perf_counter()
    base = folder / f"index-{cache_key(corpus, params)}"
    try:
        with np.load(base.with_suffix(".npz")) as data:
            arrays = {name: data[name] for name in data.files}
        meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        index = Index.from_arrays(arrays, meta["vocabulary"], params)
        surface = {w: tuple(t) for w, t in meta["surface"].items()}
        text.remember_stems(meta.get("stems", {}))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if index.size != len(corpus.sentences):
        return None
    return Snapshot(corpus, index, surface, time.perf_counter() - started, from_cache=True)


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
    if cache_dir is not None:
        cached = load_cache(corpus, params, cache_dir)
        if cached is not None:
            return cached
    kb = Snapshot.build(corpus, params, progress)
    if cache_dir is not None and len(corpus.sentences) >= CACHE_MIN_SENTENCES:
        save_cache(kb, cache_dir)
    return kb


def folder_fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the corpus files: cheap change detection."""
    out = []
    for path in iter_corpus_files(folder):
        stat = path.lstat()
        out.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)
