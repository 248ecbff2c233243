"""Fitting the found / not-found model (`python -m bot calibrate`) from labelled questions.

Labelled pairs come from three kinds of source, each given the same total weight:
- **FacQA** (IndoNLU): the passages split in two halves; a question asked of the half holding
  its passage is answerable, asked of the other half (when no passage there holds its answer)
  it is not: a hard negative on the same news topics, names and places.
- **IDK-MRC** train: every paragraph a document; TyDiQA questions are answerable, the
  human-written and filtered unanswerable questions (same words, one thing changed) are not.
- **Question files** shaped like `dev_questions.json`, each with the corpus folder it is about.

The model is boosted trees over `bot.search.found.FEATURES` (see `bot.search.found.fit`); the
threshold is the operating point with the best mean balanced accuracy over the sources, a wrong
refusal counted four times. The trade-off is printed, also for FacQA valid and IDK-MRC valid,
which the fit never sees.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.measure.facqa import read_facqa
from bot.search.answer import Answerer
from bot.search.corpus import build_corpus, parse_document
from bot.search.found import Evidence, FoundModel, fit
from bot.search.snapshot import Snapshot, load_snapshot

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


@dataclass
class Source:
    """Labelled questions over one or more corpora: feature rows and labels."""

    name: str
    group: str
    rows: list[tuple[float, ...]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    unread: list[int] = field(default_factory=list)  # labels of questions with nothing to look for

    def add(self, answerer: Answerer, question: str, label: int) -> None:
        considered = answerer.consider(question)
        if considered is None or not considered[1]:
            self.unread.append(label)
            return
        self.rows.append(considered[2].values)
        self.labels.append(label)


def facqa_source(folder: Path, splits: Sequence[str]) -> Source:
    data = read_facqa(folder)
    halves: list[list[int]] = [[], []]
    order = list(range(len(data.passages)))
    random.Random(7).shuffle(order)
    for n, pid in enumerate(order):
        halves[n % 2].append(pid)
    side = {pid: h for h, ids in enumerate(halves) for pid in ids}
    answerers = []
    for ids in halves:
        docs = [parse_document(f"facqa-{i:04d}.txt", data.passages[i], markdown=False) for i in ids]
        answerers.append(Answerer(Snapshot.build(build_corpus(docs))))
    texts = [" ".join(data.passages[i] for i in ids).lower() for ids in halves]
    source = Source("FacQA " + "+".join(splits), "facqa")
    for split in splits:
        for q in data.questions.get(split, ()):
            own = side[q.passage]
            source.add(answerers[own], q.question, 1)
            if q.answer.lower() not in texts[1 - own]:
                source.add(answerers[1 - own], q.question, 0)
    return source


def idk_source(path: Path, name: str = "IDK-MRC") -> Source:
    items = json.loads(path.read_text(encoding="utf-8"))
    docs = [
        parse_document(f"idk-{i:05d}.txt", item["context"], markdown=False)
        for i, item in enumerate(items)
    ]
    answerer = Answerer(Snapshot.build(build_corpus(docs)))
    source = Source(f"{name} {path.stem}", "idk")
    for item in items:
        for qa in item["qas"]:
            source.add(answerer, qa["question"], 0 if qa["is_impossible"] else 1)
    return source


def questions_source(pairs: Sequence[tuple[Path, Path]]) -> Source:
    source = Source("question files", "own")
    for question_file, corpus_dir in pairs:
        answerer = Answerer(load_snapshot(corpus_dir))
        data = json.loads(question_file.read_text(encoding="utf-8"))
        for item in data.get("answerable", []):
            source.add(answerer, item["q"], 1)
        for item in data.get("unanswerable", []):
            source.add(answerer, item["q"], 0)
    return source


# Questions people type at the bot count twice as much as each benchmark in the fit
GROUP_WEIGHTS = {"own": 2.0, "facqa": 1.0, "idk": 1.0}


def fit_model(sources: Sequence[Source], about: str) -> FoundModel:
    rows, labels, weights = [], [], []
    for s in sources:
        group_size = sum(len(t.rows) for t in sources if t.group == s.group)
        rows.extend(s.rows)
        labels.extend(s.labels)
        weights.extend([GROUP_WEIGHTS.get(s.group, 1.0) / group_size] * len(s.rows))
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.asarray(weights)
    trees, rate = fit(x, y, w / w.mean())
    model = FoundModel(trees, rate, 0.5, about)
    threshold = max(THRESHOLDS, key=lambda t: _mean_balanced(model, sources, t))
    return FoundModel(trees, rate, threshold, about)


def _rates(model: FoundModel, source: Source, threshold: float) -> tuple[float, float]:
    """(answerable kept, unanswerable refused) at a threshold; unread questions are refused."""
    kept = refused = 0
    for row, label in zip(source.rows, source.labels, strict=True):
        yes = model.probability(Evidence(row)) >= threshold
        kept += yes and label == 1
        refused += (not yes) and label == 0
    positives = source.labels.count(1) + source.unread.count(1)
    negatives = source.labels.count(0) + source.unread.count(0)
    refused += source.unread.count(0)
    return kept / max(positives, 1), refused / max(negatives, 1)


# A wrong refusal costs four wrong quotes: a reader who is refused an answer the article
# holds is worse off than one who gets a quote and sees it does not answer.
REFUSAL_COST = 4.0


def _mean_balanced(model: FoundModel, sources: Sequence[Source], threshold: float) -> float:
    """The mean over sources of the cost-weighted balanced accuracy at a threshold."""
    values = []
    for s in sources:
        kept, refused = _rates(model, s, threshold)
        values.append((REFUSAL_COST * kept + refused) / (REFUSAL_COST + 1))
    return float(np.mean(values))


def trade_off(model: FoundModel, sources: Sequence[Source]) -> str:
    """Answerable kept / unanswerable refused per source at each threshold."""
    head = "threshold  " + "  ".join(f"{s.name[:26]:>26}" for s in sources)
    lines = [head, " " * 11 + "  ".join(f"{'kept / refused':>26}" for _ in sources)]
    for t in THRESHOLDS:
        cells = []
        for s in sources:
            kept, refused = _rates(model, s, t)
            cells.append(f"{kept:>12.3f} / {refused:<11.3f}")
        mark = "  <- chosen" if abs(t - model.threshold) < 1e-9 else ""
        lines.append(f"{t:>9.2f}  " + "  ".join(cells) + mark)
    return "\n".join(lines)
