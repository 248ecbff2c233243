"""Shared fixtures: the real bundled corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import Answerer
from bot.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.json"
EXTRA_QUESTIONS = Path(__file__).parent / "data" / "article_questions.json"


@pytest.fixture(scope="session")
def article_kb() -> KnowledgeBase:
    return load_knowledge(CORPUS_DIR)


@pytest.fixture(scope="session")
def answerer(article_kb: KnowledgeBase) -> Answerer:
    return Answerer(article_kb, top_k=3)
