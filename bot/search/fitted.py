"""The fitted models of the search, loaded once from `models/` (each with its provenance).

`python -m bot calibrate` writes them; the answerer takes a `Fitted` (the shipped one by
default), so that fitting can weigh a model it has just fitted without writing it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.search import found, span, trees, windows

MODELS = Path(__file__).parent / "models"
RANKER_FILE = MODELS / "ranker.json"
SPAN_FILE = MODELS / "span.json"
FOUND_FILE = MODELS / "found.json"


@dataclass(frozen=True)
class Fitted:
    """The ranking, answer-span and found models."""

    ranker: trees.Model
    span: trees.Model
    found: trees.Model


@lru_cache(maxsize=1)
def shipped() -> Fitted:
    return Fitted(
        trees.load(RANKER_FILE, windows.FEATURES),
        trees.load(SPAN_FILE, span.FEATURES),
        trees.load(FOUND_FILE, found.FEATURES),
    )
