"""The live snapshot: the one `Snapshot` the bot answers from now, swapped whole on reload.

A reload builds the new snapshot in a worker thread; questions asked meanwhile are answered from
the old one. The swap is one reference assignment, so no question ever sees a half-built index.
If the folder cannot be loaded at all, the last good snapshot keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.search.answer import Answerer
from bot.search.corpus import CorpusError, Problem
from bot.search.snapshot import Snapshot, folder_fingerprint, load_snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadReport:
    """What a reload did, for the admin who asked for it."""

    ok: bool
    documents: int
    sentences: int
    seconds: float
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    skipped: tuple[Problem, ...] = ()
    error: str = ""  # why it failed, as a code: "missing", "empty" or "internal"
    content_hash: str = ""


class LiveSnapshot:
    """Holds the snapshot in use; reloads it from the corpus folder on request."""

    def __init__(
        self,
        kb: Snapshot,
        folder: Path,
        top_k: int = 3,
        cache_dir: Path | None = None,
        found_threshold: float | None = None,
    ) -> None:
        self._kb = kb
        self.folder = folder
        self.cache_dir = cache_dir
        self.top_k = top_k
        self.found_threshold = found_threshold
        self._answerer = Answerer(kb, top_k, found_threshold=found_threshold)
        self._lock = asyncio.Lock()  # the one lock: one change to the corpus at a time
        self.fingerprint = _fingerprint_or_empty(folder)
        # the last reload, if it failed: the folder would not give an index now (empty, no word
        # to index, gone) and the index in use is an older one; None once a reload succeeds
        self.last_failure: ReloadReport | None = None

    @property
    def kb(self) -> Snapshot:
        return self._kb

    @property
    def answerer(self) -> Answerer:
        return self._answerer

    @property
    def changing(self) -> bool:
        """Is a change to the corpus (an edit of the folder, a reload) under way?"""
        return self._lock.locked()

    @asynccontextmanager
    async def change(self) -> AsyncIterator[Callable[[], Awaitable[ReloadReport]]]:
        """One change to the corpus at a time: the folder may be edited inside, and the reload
        handed out rebuilds from it (`async with live.change() as reload: ...`)."""
        async with self._lock:
            yield self._reload

    async def reload(self) -> ReloadReport:
        """Rebuild from the folder off the event loop, then swap; one change at a time."""
        async with self.change() as reload:
            return await reload()

    async def _reload(self) -> ReloadReport:
        started = time.perf_counter()
        old = self._kb
        fingerprint = _fingerprint_or_empty(self.folder)
        try:
            new = await asyncio.to_thread(
                load_snapshot, self.folder, old.index.params, self.cache_dir
            )
        except CorpusError as exc:
            log.warning("reload failed: %s", exc)
            return self._failed(started, exc.code, exc.problems)
        except Exception:  # a bug or an exhausted machine: keep serving the last good index
            log.exception("reload failed")
            return self._failed(started, "internal")
        self._kb = new
        self._answerer = Answerer(new, self.top_k, found_threshold=self.found_threshold)
        self.fingerprint = fingerprint
        self.last_failure = None
        before = {d.name: d.sha256 for d in old.corpus.documents}
        after = {d.name: d.sha256 for d in new.corpus.documents}
        return ReloadReport(
            True,
            len(new.corpus.documents),
            len(new.sentences),
            time.perf_counter() - started,
            added=tuple(sorted(after.keys() - before.keys())),
            removed=tuple(sorted(before.keys() - after.keys())),
            changed=tuple(sorted(n for n in after.keys() & before.keys() if after[n] != before[n])),
            skipped=new.corpus.problems,
            content_hash=new.corpus.content_hash,
        )

    def _failed(
        self, started: float, code: str, problems: tuple[Problem, ...] = ()
    ) -> ReloadReport:
        old = self._kb
        self.last_failure = ReloadReport(
            False,
            len(old.corpus.documents),
            len(old.sentences),
            time.perf_counter() - started,
            skipped=problems,
            error=code,
        )
        return self.last_failure


def _fingerprint_or_empty(folder: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        return folder_fingerprint(folder)
    except OSError:
        return ()
