"""The immutable snapshot of a corpus and its index, built together (and kept on disk).

A `Snapshot` never changes after it is built; a reload builds a new one (`bot/live.py` holds the
one in use).

Splitting and tokenizing dominate start-up on a large corpus, so a built snapshot is kept on
disk, keyed by the names and bytes of the corpus files, the BM25 parameters and the code that
splits, tokenizes and scores: a restart or a reload of unchanged documents reads the files
(to hash them), then loads the index, the documents' paragraphs and every sentence's place in
its paragraph instead of parsing and splitting again (numpy arrays plus JSON: the vocabulary,
the word forms, the documents' titles). Each file is synced to the disk before it is renamed
into place; a missing or stale cache is simply rebuilt, and one that is there but unusable
(torn by a power cut or a full disk) is deleted, rebuilt and named in `Snapshot.cache_problem`:
never fatal. The stems Sastrawi worked out are kept beside it for any corpus (`load_stems`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import numpy.typing as npt

from bot.reading import lexicon, text
from bot.search.corpus import (
    Corpus,
    CorpusError,
    Document,
    Problem,
    Sentence,
    Sources,
    iter_corpus_files,
    load_corpus,
    parse_sources,
    read_sources,
)
from bot.search.facts import Facts, FactsBuilder
from bot.search.index import Bm25Params, Index

if TYPE_CHECKING:
    from concurrent.futures import Executor

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# everything that shapes the indexed sentences or their scores: sentence splitting and
# boilerplate removal (corpus.py) as much as tokenizing and BM25
# the code a word's stem depends on (the stems kept on disk are named by it), and with it the
# code an index depends on
_STEM_FILES = ("reading/text.py", "reading/lexicon.py")
_CODE_FILES = (
    *_STEM_FILES,
    "reading/kinds.py",
    "search/facts.py",
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
    facts: Facts = field(repr=False)  # what each sentence holds (`bot.search.facts`)
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
        memo: dict[str, tuple[str, tuple[str, ...]]] = {}  # every word once, however rare
        tokenized: list[list[str]] = []
        sentences = corpus.sentences
        total = len(sentences)
        facts = FactsBuilder()
        with gc_paused(), WordLearner.for_corpus(total) as learner:
            for lo in range(0, total, BLOCK):
                texts = [s.text for s in sentences[lo : lo + BLOCK]]
                block = [text.surfaces(t) for t in texts]
                learner.learn(block, memo)
                tokenized.extend(text.terms_of(written, seen, memo) for written in block)
                facts.add(texts, block, memo)
                if progress is not None:
                    progress(len(tokenized), total)
            if not any(tokenized):
                raise wordless(corpus)
            index = Index.build(tokenized, params)
            del tokenized
            finished = facts.finish(corpus, index)
        surface = {w: t for w, t in seen.items() if t and w.isalpha() and len(w) >= 4}
        return cls(corpus, index, surface, finished, time.perf_counter() - started)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return self.corpus.sentences

    @cached_property
    def document_bounds(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Each sentence's document as [start, end) sentence ids (a document's sentences stand
        together, in reading order)."""
        opens = np.diff(self.facts.doc, prepend=-1) != 0  # a new document starts here
        bounds = np.append(np.flatnonzero(opens), len(opens))
        which = np.cumsum(opens) - 1
        return bounds[which], bounds[which + 1]

    def document_span(self, chunk_id: int) -> tuple[int, int]:
        """[lo, hi) sentence ids of the chunk's document."""
        starts, ends = self.document_bounds
        return int(starts[chunk_id]), int(ends[chunk_id])

    def paragraph_span(self, chunk_id: int, reach: int) -> tuple[int, int]:
        """[lo, hi) chunk ids of the chunk's paragraph, at most `reach` sentences either side."""
        facts = self.facts
        lo = max(int(facts.paragraph_start[chunk_id]), chunk_id - reach)
        hi = min(int(facts.paragraph_end[chunk_id]), chunk_id + reach + 1)
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


BLOCK = 10_000  # sentences tokenized at a time (their new words learned together)
PARALLEL_MIN_SENTENCES = 20_000  # below this, a second process costs more than it saves
PARALLEL_MIN_WORDS = 1_000  # new words in a block worth sending to the other process


def _worker_knows(stems: dict[str, str]) -> None:
    """The word-learning worker starts with the stems the main process knows."""
    text.remember_stems(stems)


class WordLearner:
    """Learns the new words of a large corpus in two processes.

    Sastrawi takes about 0.1 ms a word and a news corpus of 100k sentences has some 40k
    different words: 4 s of a cold build. A worker process (spawned: safe beside threads)
    works out every other new word of each block while this one does the rest. `word_terms` is
    a pure function of the word, so the terms are the same; the worker's stems are learned too.
    Anything wrong with the worker (it cannot start, it dies) leaves the words to this process.
    """

    def __init__(self, pool: Executor | None) -> None:
        self.pool = pool

    @classmethod
    @contextlib.contextmanager
    def for_corpus(cls, sentences: int) -> Iterator[WordLearner]:
        pool = None
        if sentences >= PARALLEL_MIN_SENTENCES and _processors() >= 2:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            with contextlib.suppress(OSError, ValueError):
                pool = ProcessPoolExecutor(  # it starts knowing the stems known here
                    1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_knows,
                    initargs=(text.known_stems(),),
                )
        learner = cls(pool)
        try:
            yield learner
        finally:
            if learner.pool is not None:
                learner.pool.shutdown(cancel_futures=True)

    def learn(self, block: list[list[str]], memo: dict[str, tuple[str, tuple[str, ...]]]) -> None:
        """Put `word_terms` of the block's words not in `memo` into it (without a worker, the
        tokenizer fills `memo` as it goes)."""
        if self.pool is None:
            return
        new = list(dict.fromkeys(w for written in block for w in written if w not in memo))
        if len(new) < PARALLEL_MIN_WORDS:
            return
        try:
            theirs = self.pool.submit(text.many_word_terms, new[1::2])
        except RuntimeError:  # the pool is broken or shut down
            self.pool = None
            return
        for written in new[0::2]:
            memo[written] = text.word_terms(written)
        try:
            learned, stems = theirs.result()
        except Exception as exc:  # the worker died, or could not start
            log.warning("word learning worker failed (%s); continuing in one process", exc)
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
            return
        for written, word, terms in learned:
            memo[written] = (word, terms)
        text.remember_stems(stems)


def _processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while millions of small objects that live on are made:
    each collection would walk all those made before (three times the time at 1M sentences)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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

# what the files hold: the index, the split corpus, the words' forms, the sentences' facts (3)
CACHE_FORMAT = 3


@lru_cache(maxsize=1)
def _code_digest(files: tuple[str, ...] = _CODE_FILES) -> str:
    """The code that splits, tokenizes and scores: a cache built by other code is not reused."""
    digest = hashlib.sha256()
    here = Path(__file__).parent.parent
    for name in files:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def cache_key(sources: Sources, params: Bm25Params) -> str:
    """The cache's name: the files' names and contents, the parameters, the code, the lists."""
    digest = hashlib.sha256()
    digest.update(sources.digest.encode())
    digest.update(repr(params).encode())
    digest.update(f"{CACHE_FORMAT}".encode())
    digest.update(_code_digest().encode())
    digest.update(lexicon.data_digest().encode())
    digest.update(text.stemmer_digest().encode())
    return digest.hexdigest()[:32]


class CacheUnusable(Exception):
    """A cache for this corpus is there but cannot be used (cut short or emptied by a power cut
    or a full disk, half of it missing, unreadable); the message says why, in one line."""


def cache_files(sources: Sources, params: Bm25Params, folder: Path) -> tuple[Path, Path]:
    """The cache of this corpus: numpy arrays, and JSON (the vocabulary, the documents)."""
    base = folder / f"index-{cache_key(sources, params)}"
    return base.with_suffix(".npz"), base.with_suffix(".json")


def save_cache(kb: Snapshot, sources: Sources, folder: Path) -> Path:
    """Write the snapshot built from `sources` to `folder` and return the arrays' file; raises
    `OSError`.

    Each file is written beside its place, flushed to the disk (fsync) and only then renamed
    into place, and the folder is synced after the renames: a power cut leaves the old cache,
    the new one or none, never a file that claims to be one and is not whole.
    """
    arrays_file, meta_file = cache_files(sources, kb.index.params, folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays, vocabulary = kb.index.to_arrays()
    arrays.update(_corpus_arrays(kb.corpus))
    facts, facts_lists = kb.facts.to_arrays()
    arrays.update(facts)
    parsed = {d.name for d in kb.corpus.documents}
    meta = {
        "format": CACHE_FORMAT,
        "vocabulary": vocabulary,
        "facts": facts_lists,
        "surface": kb.surface_words,
        "params": repr(kb.index.params),
        "documents": [[d.name, d.title, d.source, list(d.questions)] for d in kb.corpus.documents],
        # files read but not usable as documents (not UTF-8, empty…): as their content says
        "problems": [
            [p.name, p.code, p.detail]
            for p in kb.corpus.problems
            if p.name not in parsed and _read_fine(sources, p.name)
        ],
    }
    # numpy's stub wants bool for the arrays
    _write_durably(arrays_file, lambda handle: np.savez(handle, **arrays))  # type: ignore[arg-type]
    _write_durably(
        meta_file, lambda handle: handle.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    )
    _sync_folder(folder)
    _remove_others(folder, keep=(arrays_file, meta_file))
    return arrays_file


def _read_fine(sources: Sources, name: str) -> bool:
    return any(f.name == name and f.problem is None for f in sources.files)


def _corpus_arrays(corpus: Corpus) -> dict[str, npt.NDArray[np.generic]]:
    """The documents' paragraphs as one text, and each sentence as a place in its paragraph:
    a start from the cache need not split the corpus again."""
    paragraphs: list[str] = []
    first: dict[str, int] = {}
    for doc in corpus.documents:
        first[doc.name] = len(paragraphs)
        paragraphs.extend(doc.paragraphs)
    count = len(corpus.sentences)
    where = np.zeros(count, dtype=np.int64)
    starts = np.zeros(count, dtype=np.int64)
    lengths = np.zeros(count, dtype=np.int64)
    after = 0
    for i, sentence in enumerate(corpus.sentences):
        paragraph = first[sentence.doc] + sentence.paragraph - 1
        if sentence.position == 0:
            after = 0
        # the sentences of a paragraph follow one another with only whitespace between, so
        # the text is found where it was cut from (and, found anywhere, it is the same text)
        start = paragraphs[paragraph].find(sentence.text, after)
        if start < 0:
            raise ValueError(f"sentence {i} is not in its paragraph")
        where[i], starts[i], lengths[i] = paragraph, start, len(sentence.text)
        after = start + len(sentence.text)
    return {
        "text": np.frombuffer("".join(paragraphs).encode("utf-8"), dtype=np.uint8),
        "paragraph_chars": np.asarray([len(p) for p in paragraphs], dtype=np.int64),
        "document_paragraphs": np.asarray(
            [len(d.paragraphs) for d in corpus.documents], dtype=np.int64
        ),
        "sentence_paragraph": where,
        "sentence_start": starts,
        "sentence_chars": lengths,
    }


def _cached_corpus(
    sources: Sources, arrays: dict[str, npt.NDArray[np.generic]], meta: dict[str, Any]
) -> Corpus:
    """The corpus as saved by `_corpus_arrays`, with the files' hashes and sizes as read now
    (the cache's name holds them) and the problems of the files that could not be read now."""
    # decoded from the array's own buffer, which is then let go: a large corpus is held
    # once as paragraphs and once as sentences, never also as bytes
    text = str(np.ascontiguousarray(arrays.pop("text"), dtype=np.uint8).data, "utf-8")
    ends = np.cumsum(np.asarray(arrays["paragraph_chars"], dtype=np.int64)).tolist()
    paragraphs = [text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    if (ends[-1] if ends else 0) != len(text):
        raise ValueError("paragraphs and text disagree")
    del text
    files = {f.name: f for f in sources.files if f.problem is None}
    described = {
        name: (title, source, questions) for name, title, source, questions in meta["documents"]
    }
    unusable = {name: Problem(name, code, detail) for name, code, detail in meta["problems"]}
    if described.keys() | unusable.keys() != files.keys():
        raise ValueError("the cached documents are not the files read")
    counts = np.asarray(arrays["document_paragraphs"], dtype=np.int64).tolist()
    documents, problems, at = [], [], 0
    numbered = iter(counts)
    for file in sources.files:
        if file.problem is not None or file.name in unusable:
            problems.append(file.problem or unusable[file.name])
            continue
        title, source, questions = described[file.name]
        count = next(numbered)
        documents.append(
            Document(
                name=file.name,
                title=title,
                source=source,
                paragraphs=tuple(paragraphs[at : at + count]),
                sha256=file.sha256,
                size_bytes=file.size,
                questions=tuple(questions),
            )
        )
        at += count
    if at != len(paragraphs) or len(documents) != len(counts):
        raise ValueError("documents and paragraphs disagree")
    return Corpus(tuple(documents), _cached_sentences(documents, arrays), tuple(problems))


def _cached_sentences(
    documents: list[Document], arrays: dict[str, npt.NDArray[np.generic]]
) -> tuple[Sentence, ...]:
    where = np.asarray(arrays["sentence_paragraph"], dtype=np.int64)
    starts = np.asarray(arrays["sentence_start"], dtype=np.int64).tolist()
    lengths = np.asarray(arrays["sentence_chars"], dtype=np.int64).tolist()
    paragraphs = [p for doc in documents for p in doc.paragraphs]
    owner = np.repeat(np.arange(len(documents)), [len(d.paragraphs) for d in documents])
    first = np.cumsum([0, *(len(d.paragraphs) for d in documents)])[owner]
    count = len(where)
    ids = np.arange(count)
    opens = np.ones(count, dtype=bool)
    opens[1:] = where[1:] != where[:-1]
    position = ids - np.maximum.accumulate(np.where(opens, ids, 0))
    names = [d.name for d in documents]
    places = where.tolist()
    texts = [paragraphs[p][a : a + n] for p, a, n in zip(places, starts, lengths, strict=True)]
    return tuple(
        map(
            Sentence,
            range(count),
            [names[d] for d in owner[where].tolist()],
            (where - first[where] + 1).tolist(),
            position.tolist(),
            texts,
        )
    )


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


def _remove_others(
    folder: Path, keep: tuple[Path, ...], pattern: re.Pattern[str] = _CACHE_FILE
) -> None:
    """Caches of other corpora, and temporary files a crash left behind."""
    now = time.time()
    for path in folder.iterdir():
        if path in keep or not pattern.fullmatch(path.name):
            continue
        if path.name.startswith("."):  # a temporary file, maybe another process's write
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > _STALE_TEMPORARY_S:
                    path.unlink()
            continue
        path.unlink(missing_ok=True)


def read_cache(sources: Sources, params: Bm25Params, folder: Path) -> Snapshot | None:
    """The cached snapshot of these files, or None when there is none; raises `CacheUnusable`
    when there is one that cannot be used. Reads only: nothing on disk is changed."""
    arrays_file, meta_file = cache_files(sources, params, folder)
    if not arrays_file.exists() and not meta_file.exists():
        return None
    started = time.perf_counter()
    try:
        with np.load(arrays_file) as data:
            arrays = {name: data[name] for name in data.files}
        with gc_paused():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if meta.get("format") != CACHE_FORMAT:
                raise ValueError(f"format {meta.get('format')}, not {CACHE_FORMAT}")
            index = Index.from_arrays(arrays, meta["vocabulary"], params)
            surface = {w: tuple(t) for w, t in meta["surface"].items()}
            facts = Facts.from_arrays(arrays, meta["facts"])
            corpus = _cached_corpus(sources, arrays, meta)
    except Exception as exc:  # a torn file fails in many ways: BadZipFile, EOFError, ValueError…
        raise CacheUnusable(" ".join(f"{type(exc).__name__}: {exc}".split())) from None
    if not index.size == facts.sentences == len(corpus.sentences):
        raise CacheUnusable(f"{index.size} sentences cached for {len(corpus.sentences)}")
    return Snapshot(corpus, index, surface, facts, time.perf_counter() - started, from_cache=True)


def discard_cache(sources: Sources, params: Bm25Params, folder: Path) -> None:
    """Delete this corpus's cache (an unusable one: it is only a cache, rebuilt from the corpus;
    kept, it would only hold disk space, on a disk that may be the full one that tore it)."""
    for path in cache_files(sources, params, folder):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- stems

# Sastrawi takes about 0.1 ms a word, and the word lists alone (synonyms, English) hold
# thousands: the stems worked out are kept beside the index cache for the next start, for
# any corpus (a stem depends only on the word, the stemmer and the word lists).
#
# The file is JSON lines, each an object of the stems one save learned: a save appends only the
# words the file does not hold, so a question of known words writes nothing and a new word costs
# one short append, not a rewrite of thousands; another process's appends are kept. A line torn
# by a crash or a full disk is skipped when read (it is only a memo, so appends are not synced:
# a lost one is worked out again) and the file is rewritten whole at the next save, as it is when
# it holds more than `STEMS_FILE_LIMIT` words. An older file, one object, reads as one line.
_STEMS_FILE = re.compile(r"\.?stems-[0-9a-f]{32}\.json(?:\.[^/]*tmp)?")
STEMS_FILE_LIMIT = 2 * text.STEM_MEMO_LIMIT  # a memo's worth of appends between two rewrites


@dataclass
class _KeptStems:
    """What this process knows a folder's stems file to hold."""

    words: set[str] = field(default_factory=set)
    torn: bool = False  # a line of it could not be read


_stems_on_disk: dict[Path, _KeptStems] = {}


@lru_cache(maxsize=1)
def _stems_key() -> str:
    digest = hashlib.sha256()
    digest.update(_code_digest(_STEM_FILES).encode())  # UNSTEMMED is read by lexicon.py
    digest.update(lexicon.data_digest().encode())
    digest.update(text.stemmer_digest().encode())
    return digest.hexdigest()[:32]


def stems_file(folder: Path) -> Path:
    return folder / f"stems-{_stems_key()}.json"


def load_stems(folder: Path) -> None:
    """Remember the stems kept in `folder`, if any; lines that cannot be read are skipped (and
    the file rewritten at the next `save_stems` that has a stem to add)."""
    path = stems_file(folder)
    try:
        data = path.read_bytes()
    except OSError as exc:
        _stems_on_disk.pop(folder, None)  # (deleted since: the next save makes it again)
        if not isinstance(exc, FileNotFoundError):
            log.info("stems in %s not used (%s)", path, exc)
        return
    stems, torn = _read_stem_lines(data)
    if torn:
        log.info("%d torn line(s) of stems in %s skipped", torn, path)
    text.remember_stems(stems)
    _stems_on_disk[folder] = _KeptStems(set(stems), torn=bool(torn))


def _read_stem_lines(data: bytes) -> tuple[dict[str, str], int]:
    """The stems in the lines of a stems file, and how many lines could not be read."""
    stems: dict[str, str] = {}
    torn = 0
    for line in data.splitlines():  # JSON keeps line breaks inside strings escaped
        try:
            batch = json.loads(line)
        except ValueError:  # cut short, or not UTF-8
            torn += 1
            continue
        if isinstance(batch, dict) and all(isinstance(v, str) for v in batch.values()):
            stems.update(batch)
        else:
            torn += 1
    return stems, torn


def save_stems(folder: Path) -> None:
    """Add the stems worked out that `folder`'s file does not hold; nothing is written when it
    holds them all. A disk that refuses is only logged (the stems are worked out again)."""
    kept = _stems_on_disk.get(folder, _KeptStems())
    known = text.known_stems()
    new = {word: stem for word, stem in known.items() if word not in kept.words}
    if not new:
        return
    path = stems_file(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if kept.torn or len(kept.words) + len(new) > STEMS_FILE_LIMIT:
            _write_durably(path, lambda handle: handle.write(_stem_line(known)))
            kept, made = _KeptStems(set(known)), True
        else:
            made = _append(path, _stem_line(new))
            kept.words.update(new)
        _stems_on_disk[folder] = kept
        if made:  # the files of other code and word lists are of no more use
            _remove_others(folder, keep=(path,), pattern=_STEMS_FILE)
    except OSError as exc:
        log.info("stems not kept in %s (%s)", folder, exc)


def _stem_line(stems: dict[str, str]) -> bytes:
    return json.dumps(stems, ensure_ascii=False).encode("utf-8") + b"\n"


def _append(path: Path, line: bytes) -> bool:
    """Append `line` to `path` (made if need be) and say whether the file is new; raises
    `OSError`."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":  # torn: start a line of our own
            line = b"\n" + line
        # one write: O_APPEND keeps another process's appends whole beside it
        if os.write(fd, line) != len(line):
            raise OSError(f"{path.name}: written in part")
    finally:
        os.close(fd)
    return size == 0


# --------------------------------------------------------------------------- loading


class TerminalProgress:
    """A progress bar (tqdm) on stderr for long builds, when stderr is a terminal."""

    def __init__(self, what: str = "indexing", at_least: int = 20_000) -> None:
        self.what = what
        self.at_least = at_least
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if total < self.at_least or not sys.stderr.isatty():
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=self.what, unit=" sentences", unit_scale=True)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self._bar.close()
            self._bar = None


def load_snapshot(
    folder: Path,
    params: Bm25Params | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> Snapshot:
    """Read the corpus folder and index it, from the cache when its files are unchanged.

    Raises `CorpusError` when nothing in the folder is usable.
    """
    params = params or Bm25Params()
    problem = detail = ""
    if cache_dir is not None:
        load_stems(cache_dir)
        hashed = read_sources(folder, keep=False)
        try:
            cached = read_cache(hashed, params, cache_dir)
        except CacheUnusable as exc:
            problem, detail = "unusable", str(exc)
            log.warning("index cache in %s unusable (%s): deleted, rebuilding", cache_dir, exc)
            discard_cache(hashed, params, cache_dir)
        else:
            if cached is not None:
                return cached
    # read again to build: the cache is then named by the very bytes that were parsed
    sources = read_sources(folder)
    with gc_paused():
        corpus = parse_sources(sources)
    kb = Snapshot.build(corpus, params, progress)
    if cache_dir is not None:
        save_stems(cache_dir)
        if len(kb.corpus.sentences) >= CACHE_MIN_SENTENCES:
            try:
                save_cache(kb, sources, cache_dir)
            except OSError as exc:
                problem, detail = "not_written", str(exc.strerror or exc)
                log.warning("index cache not written to %s (%s)", cache_dir, exc)
    return replace(kb, cache_problem=problem, cache_detail=detail) if problem else kb


def cache_health(folder: Path, params: Bm25Params, cache_dir: Path) -> tuple[Corpus, str]:
    """The corpus, and what `health` says of its index cache, without changing it: "usable",
    "none yet", or a warning that it is unusable (the bot rebuilds it at its next start or
    reload: slower, not broken). Raises `CorpusError` when the folder has no usable document
    or no sentence has a word to index."""
    try:
        cached = read_cache(read_sources(folder, keep=False), params, cache_dir)
        if cached is not None:
            return cached.corpus, "index cache usable"
    except CacheUnusable as exc:
        corpus = load_corpus(folder)
        require_words(corpus)
        return corpus, f"warning: index cache unusable ({exc}), rebuilt at the next start or reload"
    corpus = load_corpus(folder)
    require_words(corpus)
    if len(corpus.sentences) < CACHE_MIN_SENTENCES:
        return corpus, "index built at start (too small to cache)"
    return corpus, "index not cached yet (built at start)"


def folder_fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the corpus files: cheap change detection."""
    out = []
    for path in iter_corpus_files(folder):
        stat = path.lstat()
        out.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)
