"""Retrieval quality on IndoNLU FacQA (Indonesian news passages with factoid questions).

Every unique passage of the three splits becomes a document, loaded through the same parsing and
sentence splitting as production. Each question of a split is asked; a hit is a returned sentence
that contains the gold answer span ("project"), or a returned quote ("project quote": a quote may
be a sentence and its neighbour). Reported: best-sentence R@1, R@3 and MRR@10, and how often the
bot refused, beside plain rank-bm25 (whitespace tokens, default parameters) and a careful rank-bm25
setup (Sastrawi stems, stopwords, k1 0.9, b 0.4) over the same sentences.

The data is read at run time from the folder given (see its SOURCE.md); none of it is copied here.
"""

from __future__ import annotations

import ast
import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from bot.measure.evaluate import System, overlap, table
from bot.measure.labelled import Item, Labelled
from bot.reading import text
from bot.search.answer import Answerer
from bot.search.corpus import Corpus, build_corpus, parse_document
from bot.search.index import Bm25Params
from bot.search.snapshot import Snapshot

SPLITS = ("train", "valid", "test")


@dataclass(frozen=True)
class FacqaQuestion:
    question: str
    answer: str
    passage: int


@dataclass(frozen=True)
class FacqaData:
    passages: tuple[str, ...]
    questions: dict[str, tuple[FacqaQuestion, ...]]


def detokenize(tokens: Sequence[str]) -> str:
    """The dataset's tokens joined back with spaces (as a passage file would hold them)."""
    return " ".join(tokens)


@lru_cache(maxsize=2)  # calibrate reads train, its halves and valid from one reading
def read_facqa(folder: Path) -> FacqaData:
    passages: dict[str, int] = {}
    questions: dict[str, tuple[FacqaQuestion, ...]] = {}
    for split in SPLITS:
        path = folder / f"{split}_preprocess.csv"
        if not path.exists():
            continue
        rows = []
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                q_tokens = ast.literal_eval(row["question"])
                p_tokens = ast.literal_eval(row["passage"])
                labels = ast.literal_eval(row["seq_label"])
                passage = detokenize(p_tokens)
                pid = passages.setdefault(passage, len(passages))
                rows.append(FacqaQuestion(detokenize(q_tokens), _first_span(p_tokens, labels), pid))
        questions[split] = tuple(rows)
    if not passages:
        raise FileNotFoundError(f"no *_preprocess.csv files in {folder}")
    return FacqaData(tuple(passages), questions)


def _first_span(tokens: Sequence[str], labels: Sequence[str]) -> str:
    span: list[str] = []
    for token, label in zip(tokens, labels, strict=False):
        if label == "B" and span:
            break
        if label in ("B", "I"):
            span.append(token)
        elif span:
            break
    return " ".join(span)


def facqa_corpus(data: FacqaData) -> Corpus:
    docs = [
        parse_document(f"facqa-{i:04d}.txt", passage, markdown=False)
        for i, passage in enumerate(data.passages)
    ]
    return build_corpus(docs)


def facqa_labelled(folder: Path, splits: Sequence[str]) -> Labelled:
    """FacQA questions of the splits over every passage of the data set (one corpus)."""
    data = read_facqa(folder)
    kb = Snapshot.build(facqa_corpus(data))
    items = tuple(
        Item(q.question, (q.answer,), q.answer, (f"facqa-{q.passage:04d}.txt",))
        for split in splits
        for q in data.questions.get(split, ())
        if q.answer
    )
    return Labelled("FacQA " + "+".join(splits), "facqa", kb, items)


@dataclass
class Recall:
    name: str
    questions: int = 0
    r1: int = 0
    r3: int = 0
    rr: float = 0.0
    refused: int = 0
    seconds: float = 0.0

    def rows(self) -> dict[str, str]:
        n = max(self.questions, 1)
        return {
            "R@1": f"{self.r1 / n:.3f}",
            "R@3": f"{self.r3 / n:.3f}",
            "MRR@10": f"{self.rr / n:.3f}",
            "refused": f"{self.refused}/{self.questions}",
            "ms/question": f"{1000 * self.seconds / n:.2f}",
        }


def measure(name: str, system: System, questions: Sequence[FacqaQuestion]) -> Recall:
    """`system` gives (found, sentences best first) for a question."""
    result = Recall(name, len(questions))
    started = time.perf_counter()
    for q in questions:
        found, sentences = system(q.question)
        result.refused += not found
        gold = q.answer.lower()
        ranks = [i for i, s in enumerate(sentences[:10]) if gold in s.lower()]
        if ranks:
            result.r1 += ranks[0] == 0
            result.r3 += ranks[0] < 3
            result.rr += 1 / (ranks[0] + 1)
    result.seconds = time.perf_counter() - started
    return result


def project_ranker(kb: Snapshot, field: str = "sentence") -> System:
    """What `ask --json` returns: passages' sentences (or whole quotes, `field="text"`) best
    first, or nothing when not found."""
    answerer = Answerer(kb, top_k=10, more_k=0)

    def rank(question: str) -> tuple[bool, list[str]]:
        answer = answerer.ask(question)
        return answer.found, [getattr(p, field) for p in answer.passages]

    return rank


def bm25_ranker(corpus: Corpus, tokenize: Callable[[str], list[str]], **params: float) -> System:
    sentences = [c.text for c in corpus.sentences]
    model = BM25Okapi([tokenize(s) for s in sentences], **params)

    def rank(question: str) -> tuple[bool, list[str]]:
        scores = model.get_scores(tokenize(question))
        top = np.argsort(-scores, kind="stable")[:10]
        return True, [sentences[i] for i in top]

    return rank


def whitespace(s: str) -> list[str]:
    return s.lower().split()


def sastrawi_stopped(s: str) -> list[str]:
    return text.terms(s)


def run_facqa(folder: Path, splits: Sequence[str], params: Bm25Params | None = None) -> str:
    data = read_facqa(folder)
    corpus = facqa_corpus(data)
    kb = Snapshot.build(corpus, params)
    systems: list[tuple[str, System]] = [
        ("project", project_ranker(kb)),
        ("project quote", project_ranker(kb, "text")),
        ("plain bm25", bm25_ranker(corpus, whitespace)),
        ("careful bm25", bm25_ranker(corpus, sastrawi_stopped, k1=0.9, b=0.4)),
    ]
    lines = [
        f"FacQA: {len(data.passages)} passages, {len(corpus.sentences)} sentences "
        f"(index built in {kb.built_in_s:.2f}s)"
    ]
    for split in splits:
        questions = data.questions.get(split)
        if not questions:
            lines.append(f"\n{split}: no questions")
            continue
        results = [measure(name, ranker, questions) for name, ranker in systems]
        lines.append(f"\n{split} ({len(questions)} questions)")
        lines.append(table(results))
        exact, f1 = direct_answers(Answerer(kb), questions)
        lines.append(
            f"direct answer against the answer span: exact {exact:.3f}, word F1 {f1:.3f} "
            "(a refusal or no answer counts 0)"
        )
    return "\n".join(lines)


def direct_answers(answerer: Answerer, questions: Sequence[FacqaQuestion]) -> tuple[float, float]:
    """Exact match and word-overlap F1 of the direct answers with the answer spans."""
    exact = f1 = 0.0
    for q in questions:
        answer = answerer.ask(q.question).answer
        if answer is not None:
            score = overlap(answer, q.answer)
            exact += score == 1.0
            f1 += score
    n = max(len(questions), 1)
    return exact / n, f1 / n
