"""Loading a corpus folder into a ready `KnowledgeBase`."""

from __future__ import annotations

from pathlib import Path

from bot.answer import KnowledgeBase
from bot.config import Settings
from bot.corpus import load_corpus
from bot.index import Bm25Params


def load_knowledge(folder: Path, params: Bm25Params | None = None) -> KnowledgeBase:
    """Read the corpus folder and build its index (raises `CorpusError` if nothing is usable)."""
    return KnowledgeBase.build(load_corpus(folder), params)


def open_knowledge(settings: Settings) -> KnowledgeBase:
    return load_knowledge(settings.corpus_dir)
