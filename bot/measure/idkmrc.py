"""Answerable and unanswerable questions on IDK-MRC (Indonesian, SQuAD 2.0 style).

Every paragraph of a split becomes a document, loaded through the same parsing and sentence
splitting as production. An answerable question is right when the first passage quoted holds an
answer text; an unanswerable one is right when the bot refuses it (SOURCE.md beside the data).
Reported beside careful and plain rank-bm25 (which never refuse), with the trade-off at each
threshold of the found model.

The data is read at run time from the folder given; none of it is copied into the project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.measure.evaluate import System, table
from bot.measure.facqa import bm25_ranker, sastrawi_stopped, whitespace
from bot.search.answer import Answerer
from bot.search.corpus import Corpus, build_corpus, parse_document
from bot.search.snapshot import Snapshot


@dataclass(frozen=True)
class IdkQuestion:
    question: str
    answers: tuple[str, ...]  # empty for an unanswerable question


def read_idk(path: Path) -> tuple[Corpus, list[IdkQuestion]]:
    items = json.loads(path.read_text(encoding="utf-8"))
    docs = [
        parse_document(f"idk-{i:05d}.txt", item["context"], markdown=False)
        for i, item in enumerate(items)
    ]
    questions = [
        IdkQuestion(qa["question"], tuple(a["text"] for a in qa.get("answers", [])))
        for item in items
        for qa in item["qas"]
    ]
    return build_corpus(docs), questions


@dataclass
class IdkScore:
    name: str
    answerable: int = 0
    right: int = 0
    unanswerable: int = 0
    refused: int = 0

    def rows(self) -> dict[str, str]:
        return {
            "answerable right at top-1": f"{self.right / max(self.answerable, 1):.3f}",
            "unanswerable refused": f"{self.refused / max(self.unanswerable, 1):.3f}",
        }


def _right(texts: list[str], answers: tuple[str, ...]) -> bool:
    return bool(texts) and any(a.lower() in texts[0].lower() for a in answers)


def measure(name: str, system: System, questions: list[IdkQuestion]) -> IdkScore:
    score = IdkScore(name)
    for q in questions:
        found, texts = system(q.question)
        if q.answers:
            score.answerable += 1
            score.right += found and _right(texts, q.answers)
        else:
            score.unanswerable += 1
            score.refused += not found
    return score


def run_idk(folder: Path, splits: list[str]) -> str:
    lines = []
    for split in splits:
        path = folder / f"{split}.json"
        if not path.exists():
            lines.append(f"{split}: no {path.name}")
            continue
        corpus, questions = read_idk(path)
        answerer = Answerer(Snapshot.build(corpus))
        systems: list[tuple[str, System]] = [
            ("project", _project(answerer)),
            ("careful bm25", bm25_ranker(corpus, sastrawi_stopped, k1=0.9, b=0.4)),
            ("plain bm25", bm25_ranker(corpus, whitespace)),
        ]
        scores = [measure(name, system, questions) for name, system in systems]
        lines.append(
            f"IDK-MRC {split}: {len(corpus.documents)} paragraphs, "
            f"{scores[0].answerable} answerable and {scores[0].unanswerable} unanswerable questions"
        )
        lines.append(table(scores))
        lines.append("\nthe found model's trade-off:")
        lines.append(_trade_off(answerer, questions))
    return "\n".join(lines)


def _project(answerer: Answerer) -> System:
    def ask(question: str) -> tuple[bool, list[str]]:
        answer = answerer.ask(question)
        return answer.found, [p.text for p in answer.passages]

    return ask


def _trade_off(answerer: Answerer, questions: list[IdkQuestion]) -> str:
    rows = []
    for q in questions:
        answer = answerer.ask(q.question)
        passages = answer.passages or answerer.ask_anyway(q.question)
        right = _right([p.text for p in passages], q.answers) if q.answers else False
        rows.append((answer.confidence, bool(q.answers), right))
    chosen = answerer.fitted.found.threshold
    answerable = sum(a for _, a, _ in rows) or 1
    unanswerable = sum(not a for _, a, _ in rows) or 1
    out = ["threshold  answerable right at top-1  unanswerable refused"]
    for t in sorted({*(round(0.05 * i, 2) for i in range(1, 20)), chosen}):
        share = sum(r and c >= t for c, a, r in rows if a) / answerable
        refused = sum(c < t for c, a, _ in rows if not a) / unanswerable
        mark = "  <- chosen" if t == chosen else ""
        out.append(f"{t:>9.2f}  {share:>25.3f}  {refused:>20.3f}{mark}")
    return "\n".join(out)
