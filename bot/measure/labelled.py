"""Labelled questions from public QA data and the project's own question files, over the corpora
they are asked of: what the models of the search are fitted and judged on.

- **FacQA** (IndoNLU; Indonesian news, factoid questions with answer spans): every passage a
  document; a question's answer is its span, in its own passage.
- **IDK-MRC** (TyDiQA-ID questions with answer spans, and unanswerable ones written for the same
  Wikipedia paragraphs): every paragraph a document.
- **Question files** shaped like `dev_questions.json` (`answer` phrases, optional `span`), each
  over its corpus folder or article.

Nothing is copied: the data is read from the folders given, at run time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bot.measure.facqa import read_facqa
from bot.search.corpus import build_corpus, parse_document
from bot.search.snapshot import Snapshot, load_snapshot


@dataclass(frozen=True)
class Item:
    """One question over one corpus: the phrases that mark its answer (any one; none for an
    unanswerable question), its short answer span if known, and the document that must hold
    it (when the data names one)."""

    question: str
    phrases: tuple[str, ...]
    span: str = ""
    doc: str = ""
    kind: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.phrases)

    def answered_by(self, text: str, doc: str) -> bool:
        """Does a quote from `doc` hold the answer?"""
        if self.doc and doc != self.doc:
            return False
        low = text.lower()
        return any(p.lower() in low for p in self.phrases)


class Labelled(NamedTuple):
    """Questions over one corpus, under a name and a group (facqa, idk, own)."""

    name: str
    group: str
    kb: Snapshot
    items: tuple[Item, ...]


def facqa(folder: Path, splits: Sequence[str]) -> Labelled:
    """FacQA questions of the splits over every passage of the data set (one corpus)."""
    data = read_facqa(folder)
    docs = [
        parse_document(f"facqa-{i:04d}.txt", passage, markdown=False)
        for i, passage in enumerate(data.passages)
    ]
    kb = Snapshot.build(build_corpus(docs))
    items = tuple(
        Item(q.question, (q.answer,), q.answer, f"facqa-{q.passage:04d}.txt")
        for split in splits
        for q in data.questions.get(split, ())
        if q.answer
    )
    return Labelled("FacQA " + "+".join(splits), "facqa", kb, items)


def idk(path: Path) -> Labelled:
    """IDK-MRC questions over every paragraph of the file (one corpus)."""
    records = json.loads(path.read_text(encoding="utf-8"))
    docs = [
        parse_document(f"idk-{i:05d}.txt", item["context"], markdown=False)
        for i, item in enumerate(records)
    ]
    kb = Snapshot.build(build_corpus(docs))
    items: list[Item] = []
    for i, record in enumerate(records):
        for qa in record["qas"]:
            answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a["text"]))
            span = answers[0] if answers else ""
            items.append(Item(qa["question"], answers, span, f"idk-{i:05d}.txt" if answers else ""))
    return Labelled(f"IDK-MRC {path.stem}", "idk", kb, tuple(items))


def question_file(path: Path, corpus: Path, name: str = "") -> Labelled:
    """A question file over a corpus folder, or over one article file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if corpus.is_file():
        doc = parse_document(corpus.name, corpus.read_text(encoding="utf-8"), markdown=False)
        kb = Snapshot.build(build_corpus([doc]))
    else:
        kb = load_snapshot(corpus)
    items = [
        Item(
            str(item["q"]),
            tuple(item["answer"]),
            str(item.get("span", "")),
            kind=str(item.get("kind", "")),
        )
        for item in data.get("answerable", [])
    ]
    items += [
        Item(str(item["q"]), (), kind=str(item.get("kind", "off-topic")))
        for item in data.get("unanswerable", [])
    ]
    return Labelled(name or path.stem, "own", kb, tuple(items))
