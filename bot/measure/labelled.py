"""Labelled questions from public QA data and the project's own question files, over the corpora
they are asked of: what the models of the search are fitted and judged on.

- **FacQA** (IndoNLU; Indonesian news, factoid questions with answer spans): every passage a
  document; a question's answer is its span, in its own passage (`bot.measure.facqa`).
- **IDK-MRC** (TyDiQA-ID questions with answer spans, and unanswerable ones written for the same
  Wikipedia paragraphs): every paragraph a document (`bot.measure.idkmrc`).
- **Question files** shaped like `dev_questions.json` (`answer` phrases, optional `span`, and
  `unanswerable` questions and chit-chat `messages`), each over its corpus folder or article.
- **Among many articles**: a question file's corpus with other articles loaded beside it (the
  IndoSum archive: `archive_documents`), as an operator loads hundreds; a quote answers only
  from the question file's own documents.

Nothing is copied: the data is read from the folders given, at run time.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from bot.search.corpus import Document, build_corpus, parse_document
from bot.search.snapshot import Snapshot, load_snapshot


@dataclass(frozen=True)
class Item:
    """One question over one corpus: the phrases that mark its answer (any one; none for an
    unanswerable question), its short answer span if known, and the documents that must hold
    it (when the data names them)."""

    question: str
    phrases: tuple[str, ...]
    span: str = ""
    docs: tuple[str, ...] = ()
    kind: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.phrases)

    def answered_by(self, text: str, doc: str) -> bool:
        """Does a quote from `doc` hold the answer?"""
        if self.docs and doc not in self.docs:
            return False
        low = text.lower()
        return any(p.lower() in low for p in self.phrases)


class Labelled(NamedTuple):
    """Questions over one corpus, under a name and a group (facqa, idk, own); `messages` are
    chit-chat (never to be quoted), `scale` says how many other articles were loaded beside the
    questions' own ("" for none)."""

    name: str
    group: str
    kb: Snapshot
    items: tuple[Item, ...]
    messages: tuple[str, ...] = ()
    scale: str = ""


def _archive_article(corpus: Path) -> tuple[Path, str] | None:
    """(archive file, article name) of a corpus written `ARCHIVE.jsonl.gz#NAME`, else None."""
    archive, _, name = str(corpus).partition(".jsonl.gz#")
    return (Path(archive + ".jsonl.gz"), name) if name else None


def corpus_exists(corpus: Path) -> bool:
    """Is the corpus a question file names here (for an archive article: its archive)?"""
    article = _archive_article(corpus)
    return article[0].is_file() if article else corpus.exists()


def question_documents(corpus: Path) -> list[Document]:
    """The documents a question file is about: one article file, a corpus folder, or one
    article of an archive file (`ARCHIVE.jsonl.gz#NAME`)."""
    article = _archive_article(corpus)
    if article:
        archive, name = article
        docs = [d for d in archive_documents(archive) if d.name == name]
        if not docs:
            raise FileNotFoundError(f"no article {name!r} in {archive}")
        return docs
    if corpus.is_file():
        return [parse_document(corpus.name, corpus.read_text(encoding="utf-8"), markdown=False)]
    return list(load_snapshot(corpus).corpus.documents)


def question_items(
    path: Path, docs: Sequence[str] = ()
) -> tuple[tuple[Item, ...], tuple[str, ...]]:
    """A question file's questions (answerable, then unanswerable) and chit-chat messages; an
    answer counts only from `docs` when they are given."""
    data = json.loads(path.read_text(encoding="utf-8"))
    own = tuple(docs)
    items = [
        Item(
            str(item["q"]),
            tuple(item["answer"]),
            str(item.get("span", "")),
            own,
            str(item.get("kind", "")),
        )
        for item in data.get("answerable", [])
    ]
    items += [
        Item(str(item["q"]), (), kind=str(item.get("kind", "off-topic")))
        for item in data.get("unanswerable", [])
    ]
    messages = tuple(str(m["q"]) for m in data.get("messages", []))
    return tuple(items), messages


def question_file(
    path: Path, corpus: Path, name: str = "", others: Sequence[Document] = (), scale: str = ""
) -> Labelled:
    """A question file over a corpus folder or one article file, with `others` (articles the
    questions are not about) loaded beside it when given."""
    docs = question_documents(corpus)
    names = {d.name for d in docs}
    extra = [d for d in others if d.name not in names]
    if extra or not corpus.is_dir():
        kb = Snapshot.build(build_corpus([*docs, *extra]))
    else:
        kb = load_snapshot(corpus)
    items, messages = question_items(path, sorted(names) if extra else ())
    return Labelled(name or path.stem, "own", kb, items, messages, scale)


@lru_cache(maxsize=2)
def archive_documents(path: Path) -> list[Document]:
    """The articles of an archive file: gzipped JSON lines of `{"name": ..., "text": ...}`, one
    paragraph a line (`shared/benchmarks/indosum-archive/dev04-300.jsonl.gz`)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [parse_document(str(r["name"]), str(r["text"]), markdown=False) for r in records]


# How many other articles a question file is asked among when fitting: alone, a few, all
SCALES = {"alone": 0, "ten": 10, "archive": -1}


def at_scales(
    path: Path,
    corpus: Path,
    archive: Sequence[Document],
    scales: Sequence[str] = tuple(SCALES),
    name: str = "",
) -> list[Labelled]:
    """One question file over its corpus alone and among other articles of the archive (a
    sample of ten, the same for the same file, or all of them): the same question should get
    the same decision whatever else is loaded."""
    base = name or path.stem
    out = []
    for scale in scales:
        count = SCALES[scale]
        if count == 0:
            out.append(question_file(path, corpus, base, (), scale))
        elif archive:
            others = archive if count < 0 else _sample(archive, count, str(path))
            out.append(question_file(path, corpus, f"{base} ({scale})", others, scale))
    return out


def _sample(archive: Sequence[Document], count: int, seed: str) -> list[Document]:
    """`count` articles of the archive, the same ones for the same seed."""
    return random.Random(seed).sample(list(archive), min(count, len(archive)))
