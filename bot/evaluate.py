"""Scoring a question file, side by side with a naive baseline (rank-bm25 on whitespace tokens).

A question file looks like `shared/eval/dev_questions.json`: `answerable` items with `q` and a
list of `answer` phrases, `unanswerable` items with `q`. An answerable question passes at top-k
when one of the first k passages contains an answer phrase (case-insensitive).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rank_bm25 import BM25Okapi

from bot.answer import Answerer
from bot.corpus import Corpus

# A system under test: question -> (found, passage texts best first)
System = Callable[[str], tuple[bool, list[str]]]


@dataclass
class Score:
    """The figures of one system on one question file."""

    name: str
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    false_refusals: int = 0
    off_topic: int = 0
    refused: int = 0
    misses: list[str] = field(default_factory=list)

    def rows(self) -> dict[str, str]:
        return {
            "top-1": f"{self.top1}/{self.answerable}",
            "top-3": f"{self.top3}/{self.answerable}",
            "off-topic refused": f"{self.refused}/{self.off_topic}",
            "false refusals": f"{self.false_refusals}/{self.answerable}",
        }


def load_questions(path: Path) -> tuple[list[tuple[str, list[str]]], list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    answerable = [(item["q"], list(item["answer"])) for item in data.get("answerable", [])]
    unanswerable = [item["q"] for item in data.get("unanswerable", [])]
    return answerable, unanswerable


def score(
    name: str,
    system: System,
    answerable: Sequence[tuple[str, list[str]]],
    unanswerable: Sequence[str],
) -> Score:
    result = Score(name, answerable=len(answerable), off_topic=len(unanswerable))
    for question, phrases in answerable:
        found, texts = system(question)
        wanted = [p.lower() for p in phrases]
        hits = [any(w in t.lower() for w in wanted) for t in texts[:3]]
        if not found:
            result.false_refusals += 1
        if found and hits and hits[0]:
            result.top1 += 1
        else:
            result.misses.append(question)
        if found and any(hits):
            result.top3 += 1
    for question in unanswerable:
        found, _ = system(question)
        result.refused += not found
    return result


def project_system(answerer: Answerer) -> System:
    def ask(question: str) -> tuple[bool, list[str]]:
        answer = answerer.ask(question)
        return answer.found, [p.text for p in answer.passages]

    return ask


_NAIVE_SPLIT = re.compile(r"(?<=[.!?])\s+")


def naive_system(corpus: Corpus, k: int = 3) -> System:
    """rank-bm25 with default parameters, whitespace tokens, regex sentence split, no refusals."""
    sentences = [
        s
        for doc in corpus.documents
        for paragraph in doc.paragraphs
        for s in _NAIVE_SPLIT.split(paragraph)
        if s.strip()
    ]
    model = BM25Okapi([s.lower().split() for s in sentences])

    def ask(question: str) -> tuple[bool, list[str]]:
        scores = model.get_scores(question.lower().split())
        order = sorted(range(len(sentences)), key=lambda i: -scores[i])[:k]
        return True, [sentences[i] for i in order]

    return ask


class Figures(Protocol):
    """A system's name and its figures by row label."""

    name: str

    def rows(self) -> dict[str, str]: ...


def table(scores: Sequence[Figures]) -> str:
    """The figures side by side, one column per system."""
    keys = list(scores[0].rows())
    width = max(len(k) for k in keys) + 2
    cols = [max(len(s.name), *(len(v) for v in s.rows().values())) + 2 for s in scores]
    lines = [" " * width + "".join(s.name.rjust(c) for s, c in zip(scores, cols, strict=True))]
    for key in keys:
        cells = "".join(s.rows()[key].rjust(c) for s, c in zip(scores, cols, strict=True))
        lines.append(key.ljust(width) + cells)
    return "\n".join(lines)
