"""Answerable and unanswerable questions on IDK-MRC (Indonesian, SQuAD 2.0 style).

Every paragraph of a split becomes a document, loaded through the same parsing and sentence
splitting as production. An answerable question is right when the first passage quoted holds an
answer text; an unanswerable one is right when the bot refuses it (SOURCE.md beside the data).
Reported beside careful and naive rank-bm25 (which never refuse), with the reliability of the
confidence and the trade-off at each threshold.

The data is read at run time from the folder given; none of it is copied into the project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.measure.evaluate import careful_answers, naive_answers, score_set, table
from bot.measure.labelled import Item, Labelled
from bot.search.answer import Answerer
from bot.search.corpus import Corpus, build_corpus, parse_document
from bot.search.snapshot import Snapshot


@dataclass(frozen=True)
class IdkQuestion:
    question: str
    answers: tuple[str, ...]  # empty for an unanswerable question
    doc: str = ""  # the paragraph it was asked of


def read_idk(path: Path) -> tuple[Corpus, list[IdkQuestion]]:
    items = json.loads(path.read_text(encoding="utf-8"))
    docs = [
        parse_document(f"idk-{i:05d}.txt", item["context"], markdown=False)
        for i, item in enumerate(items)
    ]
    questions = [
        IdkQuestion(
            qa["question"],
            tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a["text"])),
            f"idk-{i:05d}.txt",
        )
        for i, item in enumerate(items)
        for qa in item["qas"]
    ]
    return build_corpus(docs), questions


def idk_labelled(path: Path) -> Labelled:
    """IDK-MRC questions over every paragraph of the file (one corpus)."""
    corpus, questions = read_idk(path)
    items = tuple(
        Item(
            q.question, q.answers, q.answers[0] if q.answers else "", (q.doc,) if q.answers else ()
        )
        for q in questions
    )
    return Labelled(f"IDK-MRC {path.stem}", "idk", Snapshot.build(corpus), items)


def run_idk(folder: Path, splits: list[str]) -> str:
    lines = []
    for split in splits:
        path = folder / f"{split}.json"
        if not path.exists():
            lines.append(f"{split}: no {path.name}")
            continue
        source = idk_labelled(path)
        answerer = Answerer(source.kb)
        corpus = source.kb.corpus
        ours = score_set("project", answerer.ask, source.items, (), answerer.ask_anyway)
        scores = [
            ours,
            score_set("careful bm25", careful_answers(corpus), source.items),
            score_set("naive bm25", naive_answers(corpus), source.items),
        ]
        answerable = sum(item.answerable for item in source.items)
        lines.append(
            f"IDK-MRC {split}: {len(corpus.documents)} paragraphs, {answerable} answerable and "
            f"{len(source.items) - answerable} unanswerable questions"
        )
        lines.append(table(scores, IDK_ROWS))
        lines.append("\n" + ours.reliability.report())
        lines.append(f"\nfound / not found at each threshold (chosen {answerer.threshold:.2f}):")
        lines.append(ours.reliability.trade_off(answerer.threshold))
    return "\n".join(lines)


IDK_ROWS = ("top-1", "top-3", "false refusals", "off-topic refused", "answer exact", "answer F1")
