"""Fitting the search's models (`python -m bot calibrate`): ranking, answer span, found.

All three are boosted trees fitted with LightGBM (`pip install -e '.[fit]'`) and written, with
the data they were fitted on, to `bot/search/models/`; answering needs only numpy
(`bot.search.trees`). In order:

1. **Ranking** (`ranker.json`): every candidate window of every answerable question, labelled
   by whether it holds the answer; LambdaRank over each question's windows, its scores then
   turned into probabilities by a logistic fitted on the same windows (Platt). Sources: FacQA
   train (every passage of the data set one document), IDK-MRC train (TyDiQA-ID questions, every
   paragraph a document), and the tuning question files, each alone and (with `--archive`) among
   ten and among all of an archive's articles. Then `pair_margin`: how much more a window of two
   sentences must score than a single one, the smallest that keeps the first quote within
   `LENGTH_BUDGET` times its sentence on average over the tuning files.
2. **Answer span** (`span.json`): every candidate span of the window the ranking puts first
   (else of the sentence that holds the answer), labelled by whether it is the answer span;
   logistic loss. Sources: FacQA train, IDK-MRC train, the tuning files that give spans. Its
   threshold is the one that best trades right spans against wrong ones on the same data (a
   wrong span costs `WRONG_SPAN`).
3. **Reader** (kept in `span.json`): when the second window scores within `reader_gate` of the
   first, its answer span is read too, and the window with the higher ranking score plus
   `reader_weight` times its span's score comes first; both chosen on the tuning files, each
   question ranked and read by models fitted without its fold.
4. **Found** (`found.json`): the found features (`bot.search.found`) of answerable and
   unanswerable questions, with the models just fitted, labelled by whether the first quote
   answers (its probability is the answer's confidence); logistic loss. Sources: FacQA train split
   in two halves (a question asked of the half without its passage is a hard negative on the same
   news topics), IDK-MRC train (with its unanswerable questions), the tuning files (answerable,
   near-topic and off-topic, and the chit-chat the chat detector misses), at each scale.
   Threshold: the highest that still answers `KEEP_RIGHT` of the tuning files' questions whose
   first quote answers (at every scale) when each question file's questions are weighed by a
   found model fitted without that file (the bundled article's three files are left out one at
   a time).

FacQA valid and IDK-MRC valid are never fitted on; the trade-offs are printed for them too.
"""

from __future__ import annotations

import itertools
import json
import random
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.measure.evaluate import Reliability, overlap
from bot.measure.facqa import facqa_labelled, read_facqa
from bot.measure.idkmrc import idk_labelled
from bot.measure.labelled import Item, Labelled, at_scales, corpus_exists, question_file
from bot.reading.message import read
from bot.search import found, span, trees, windows
from bot.search.answer import Answerer
from bot.search.corpus import Document, build_corpus, parse_document
from bot.search.fitted import FOUND_FILE, RANKER_FILE, SPAN_FILE, Fitted
from bot.search.query import resolve
from bot.search.ranking import Ranker
from bot.search.snapshot import Snapshot

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
LENGTH_BUDGET = 1.4  # the first quote's length over its sentence's, on average
WRONG_SPAN = 0.3  # a wrong span (no word in common with the answer) costs this much
KEEP_RIGHT = 0.95  # the share of right first quotes the found rule keeps, out of fold
GROUP_WEIGHTS = {"own": 2.0, "facqa": 1.0, "idk": 1.0}
SPAN_WEIGHTS = {"own": 2.0, "facqa": 1.0, "idk": 0.5}
# Shallow trees: every answer evaluates them all on every window and span candidate, so their
# depth and number bound the time of an answer
LIGHTGBM: dict[str, Any] = {
    "learning_rate": 0.08,
    "num_leaves": 15,
    "max_depth": 5,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
ROUNDS = {"ranker": 150, "span": 200, "found": 120}


@dataclass
class Rows:
    """Feature rows with labels, grouped by question, tagged by source group."""

    x: list[np.ndarray] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # per question: its source group
    lengths: list[tuple[int, int]] = field(default_factory=list)  # per row: window, core chars
    keys: list[str] = field(default_factory=list)  # per question: its text
    answerable: list[bool] = field(default_factory=list)  # per found row: is it answerable

    def add(self, rows: np.ndarray, labels: Sequence[float], tag: str, key: str = "") -> None:
        self.x.append(rows)
        self.y.extend(labels)
        self.groups.append(len(labels))
        self.tags.append(tag)
        self.keys.append(key)

    def without_fold(self, fold: int) -> Rows:
        """The rows of the questions outside one fold (see `fold_of`)."""
        out = Rows()
        at = 0
        for x, n, tag, key in zip(self.x, self.groups, self.tags, self.keys, strict=True):
            if fold_of(key) != fold:
                out.add(x, self.y[at : at + n], tag, key)
            at += n
        return out

    def matrix(self) -> np.ndarray:
        return np.vstack(self.x) if self.x else np.zeros((0, 0))

    def weights(self, by_tag: dict[str, float]) -> np.ndarray:
        return np.repeat([by_tag.get(t, 1.0) for t in self.tags], self.groups)


FOLDS = 3  # the found model learns from rankings and spans of models that never saw the question


def fold_of(question: str) -> int:
    return zlib.crc32(question.encode("utf-8")) % FOLDS


# --------------------------------------------------------------------------- sources


def own_sets(
    manifest: Path, part: str = "tuning", archive: Sequence[Document] = ()
) -> list[Labelled]:
    """The question files a manifest (`tests/data/sets.json`) lists under `part`; with an
    archive of other articles, each alone, among ten of them and among all of them."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    base = manifest.parent
    out = []
    for entry in data[part]:
        questions, corpus = base / entry["questions"], base / entry["corpus"]
        if questions.exists() and corpus_exists(corpus):
            name = str(entry.get("name") or questions.relative_to(base))
            if archive:
                out.extend(at_scales(questions, corpus, archive, name=name))
            else:
                out.append(question_file(questions, corpus, name))
    return out


def facqa_halves(folder: Path, splits: Sequence[str]) -> tuple[Labelled, Labelled]:
    """FacQA split into two corpora of half the passages each; every question is asked of both
    halves (answerable in its own, a hard negative in the other unless that half also holds
    its answer)."""
    data = read_facqa(folder)
    order = list(range(len(data.passages)))
    random.Random(7).shuffle(order)
    halves = [sorted(order[0::2]), sorted(order[1::2])]
    side = {pid: h for h, ids in enumerate(halves) for pid in ids}
    texts = [" ".join(data.passages[i] for i in ids).lower() for ids in halves]
    kbs = [
        Snapshot.build(
            build_corpus(
                parse_document(f"facqa-{i:04d}.txt", data.passages[i], markdown=False) for i in ids
            )
        )
        for ids in halves
    ]
    items: list[list[Item]] = [[], []]
    for split in splits:
        for q in data.questions.get(split, ()):
            own = side[q.passage]
            items[own].append(Item(q.question, (q.answer,), q.answer))
            if q.answer.lower() not in texts[1 - own]:
                items[1 - own].append(Item(q.question, ()))
    name = "FacQA " + "+".join(splits)
    return (
        Labelled(f"{name} (half 1)", "facqa", kbs[0], tuple(items[0])),
        Labelled(f"{name} (half 2)", "facqa", kbs[1], tuple(items[1])),
    )


# --------------------------------------------------------------------------- ranking


def ranker_rows(source: Labelled, rows: Rows) -> None:
    """Every candidate window of the source's answerable questions, labelled by whether it
    holds the answer (questions none of whose windows holds it teach nothing and are left
    out)."""
    kb = source.kb
    for item in source.items:
        if not item.answerable:
            continue
        reading = read(item.question)
        query = resolve(reading, kb)
        if not query.terms:
            continue
        scores = kb.index.scores([(qt.term, qt.weight) for qt in query.terms])
        found_windows = windows.gather(reading, query, kb, scores)
        if not found_windows:
            continue
        texts = [" ".join(kb.sentences[i].text for i in w.ids) for w in found_windows]
        labels = [
            float(item.answered_by(t, kb.sentences[w.core].doc))
            for t, w in zip(texts, found_windows, strict=True)
        ]
        if not any(labels):
            continue
        x = windows.features(reading, query, kb, found_windows, scores)
        rows.add(x, labels, source.group, item.question)
        rows.lengths.extend(
            (len(t), len(kb.sentences[w.core].text))
            for t, w in zip(texts, found_windows, strict=True)
        )


def _fit_rows(rows: Rows, which: str) -> trees.Forest:
    if which == "ranker":
        return _fit_ranking(rows)
    x, y = rows.matrix(), np.asarray(rows.y)
    return _fit(x, y, rows.weights(SPAN_WEIGHTS), "binary", which)


def _fit_ranking(rows: Rows) -> trees.Forest:
    """The ranking: LambdaRank over each question's windows (what matters is which comes first),
    then a logistic scale of its scores fitted on the same windows (Platt) and folded into the
    trees, so that the forest's probability is the probability that a window holds the
    answer."""
    x, y = rows.matrix(), np.asarray(rows.y)
    forest = _fit(x, y, None, "lambdarank", "ranker", rows.groups)
    scale, shift = platt(forest.margin(x), y)
    return trees.scaled(forest, scale, shift)


def platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(a, b) of the logistic 1 / (1 + exp(-(a * score + b))) that best fits the labels
    (maximum likelihood, Newton's method)."""
    a, b = 1.0, 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * scores + b, -40.0, 40.0)))
        w = p * (1 - p) + 1e-9
        gradient = np.asarray([np.sum((p - labels) * scores), np.sum(p - labels)])
        hessian = np.asarray(
            [[np.sum(w * scores * scores), np.sum(w * scores)], [np.sum(w * scores), np.sum(w)]]
        )
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
        a, b = a - float(step[0]), b - float(step[1])
        if float(np.abs(step).max()) < 1e-9:
            break
    return a, b


def fit_ranker(rows: Rows, about: str) -> trees.Model:
    forest = _fit_rows(rows, "ranker")
    model = trees.Model(forest, windows.FEATURES, about)
    margin = pair_margin(model, rows)
    return trees.Model(forest, windows.FEATURES, about, 0.0, {"pair_margin": margin})


def pair_margin(model: trees.Model, rows: Rows) -> float:
    """The smallest margin for two-sentence windows that keeps the first quote within
    LENGTH_BUDGET times its sentence, on average over the tuning files."""
    own = [i for i, t in enumerate(rows.tags) if t == "own"]
    x = rows.matrix()
    probability = model.forest.probability(x)
    pair = x[:, windows.FEATURES.index("pair")]
    starts = np.concatenate(([0], np.cumsum(rows.groups)))
    for margin in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0):
        ratio = []
        for q in own:
            lo, hi = starts[q], starts[q + 1]
            best = lo + int(np.argmax(probability[lo:hi] - margin * pair[lo:hi]))
            window, core = rows.lengths[best]
            ratio.append(window / max(core, 1))
        if not ratio or float(np.mean(ratio)) <= LENGTH_BUDGET:
            return margin
    return 1.0


# --------------------------------------------------------------------------- span


def span_rows(source: Labelled, rows: Rows, ranker: trees.Model) -> None:
    """Every candidate span of the window the ranking puts first, when it holds the question's
    answer span (else of the sentence that holds it), labelled by whether it is the span: spans
    are learned where they will be looked for, beside the sentence next to them."""
    kb = source.kb
    rank = Ranker(kb, ranker)
    for item in source.items:
        if not item.answerable or not item.span:
            continue
        gold = item.span.lower()
        reading = read(item.question)
        query = resolve(reading, kb)
        ranked = rank.rank(reading, query) if query.terms else []
        texts: list[str] = []
        core = 0
        if ranked:
            top = ranked[0]
            window = [kb.sentences[i] for i in top.window]
            if any(gold in s.text.lower() for s in window) and (
                not item.docs or window[0].doc in item.docs
            ):
                texts = [s.text for s in window]
                core = top.window.index(top.chunk)
        if not texts:
            holding = next(
                (
                    s.text
                    for s in kb.sentences
                    if (not item.docs or s.doc in item.docs) and gold in s.text.lower()
                ),
                None,
            )
            if holding is None:
                continue
            texts = [holding]
        found_spans, x = span.candidates(reading, query, texts, core, kb.index.idf)
        if not found_spans:
            continue
        labels = [
            float(overlap(span.words_text(texts[s], i, j), item.span) == 1.0)
            for s, i, j in found_spans
        ]
        rows.add(x, labels, source.group, item.question)


def fit_span(rows: Rows, about: str) -> trees.Model:
    x, y = rows.matrix(), np.asarray(rows.y)
    forest = _fit_rows(rows, "span")
    probability = forest.probability(x)
    starts = np.concatenate(([0], np.cumsum(rows.groups)))
    best = [
        (float(probability[lo + k]), float(y[lo + k]))
        for lo, hi in itertools.pairwise(starts)
        for k in [int(np.argmax(probability[lo:hi]))]
    ]

    def gain(t: float) -> float:
        return sum(f1 - WRONG_SPAN * (f1 == 0.0) for p, f1 in best if p >= t)

    threshold = max((round(0.02 * i, 2) for i in range(0, 40)), key=gain)
    return trees.Model(forest, span.FEATURES, about, threshold)


# --------------------------------------------------------------------------- reader

READER_GATES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
READER_WEIGHTS = (0.25, 0.5, 1.0, 2.0)


def fit_reader(folds: Sequence[Fitted], sources: Sequence[Labelled]) -> dict[str, float]:
    """How close the second window must score to the first for its answer span to be looked
    for too (`reader_gate`), and how much the spans' scores weigh beside the ranking's
    (`reader_weight`): the pair that puts the answer first most often on the tuning files,
    each question ranked and read by the models of the folds without it (see
    `Answerer._read_second`). Ties go to the smaller gate (fewer spans to read), then weight;
    no gain leaves the reader off (gate 0)."""
    seen: list[tuple[float, float, bool]] = []  # (lead, second span - first span, first right)
    for source in sources:
        kb = source.kb
        answerers = [Answerer(kb, fitted=f) for f in folds]
        for item in source.items:
            if not item.answerable:
                continue
            answerer = answerers[fold_of(item.question) % len(answerers)]
            reading = read(item.question)
            query = answerer.query(reading)
            if query is None or not query.terms:
                continue
            ranked = answerer.ranker.rank(reading, query)[:2]
            if len(ranked) < 2:
                continue
            read_spans = [answerer.span_in(reading, query, c) for c in ranked]
            hits = [
                item.answered_by(
                    " ".join(kb.sentences[i].text for i in c.window), kb.sentences[c.chunk].doc
                )
                for c in ranked
            ]
            if read_spans[0] is None or read_spans[1] is None or hits[0] == hits[1]:
                continue  # no choice between the two changes whether it is answered
            lead = answerer.ranker.ranking_score(ranked[0]) - answerer.ranker.ranking_score(
                ranked[1]
            )
            seen.append((lead, read_spans[1][1].score - read_spans[0][1].score, hits[0]))

    def gain(gate: float, weight: float) -> int:
        total = 0
        for lead, better_span, first_right in seen:
            if lead < gate and weight * better_span > lead:
                total += -1 if first_right else 1
        return total

    grid = [(g, w) for g in READER_GATES for w in READER_WEIGHTS]
    gate, weight = max(grid, key=lambda gw: (gain(*gw), -gw[0], -gw[1]))
    if gain(gate, weight) <= 0:
        gate, weight = 0.0, 0.0
    return {"reader_gate": gate, "reader_weight": weight}


def _with_extra(model: trees.Model, extra: dict[str, float]) -> trees.Model:
    return replace(model, extra={**model.extra, **extra})


# --------------------------------------------------------------------------- found


def found_rows(
    answerers: Sequence[Answerer], source: Labelled, rows: Rows, unread: list[int]
) -> None:
    """The found features of every question of the source, labelled 1 when the first quote
    answers it (so that the found model's probability is the probability that the quote is
    right), each weighed by the answerer of its fold; a question with nothing to look for is
    counted as refused, in `unread` (1: it was answerable)."""
    kb = source.kb
    # chit-chat the chat detector misses reaches the found model as a question no quote answers
    missed = [Item(m, (), kind="chit-chat") for m in source.messages if read(m).chat is None]
    for item in (*source.items, *missed):
        answerer = answerers[fold_of(item.question) % len(answerers)]
        considered = answerer.consider(item.question)
        if considered is None or not considered.ranked:
            unread.append(int(item.answerable))
            continue
        top = considered.ranked[0]
        first = top.window[considered.span[0]] if considered.span is not None else top.chunk
        quote = " ".join(kb.sentences[i].text for i in top.window)
        label = float(item.answerable and item.answered_by(quote, kb.sentences[first].doc))
        # the tuning files are folded by question file (all its scales), so that a threshold
        # chosen out of fold is chosen as for an article nobody tuned on
        key = file_of(source) if source.group == "own" else item.question
        rows.add(considered.evidence[None, :], [label], source.group, key)
        rows.answerable.append(item.answerable)


def file_of(source: Labelled) -> str:
    """The question file a source asks, whatever else is loaded beside it."""
    return source.name.removesuffix(f" ({source.scale})") if source.scale else source.name


@dataclass
class FoundSource:
    name: str
    rows: Rows
    unread: list[int]
    scale: str = ""


def fit_found(sources: Sequence[FoundSource], about: str) -> trees.Model:
    x = np.vstack([s.rows.matrix() for s in sources if s.rows.x])
    y = np.concatenate([np.asarray(s.rows.y) for s in sources])
    weights = _balanced_weights(sources)
    forest = _fit(x, y, weights, "binary", "found")
    # each tuning question file (at every scale) is weighed by a model fitted without it
    tags = np.asarray([t for s in sources for t in s.rows.tags])
    keys = np.asarray([k for s in sources for k in s.rows.keys])
    out_of_fold = forest.probability(x)
    for document in sorted(set(keys[tags == "own"])):
        held = keys == document
        other = _fit(x[~held], y[~held], weights[~held], "binary", "found")
        out_of_fold[held] = other.probability(x[held])
    threshold = choose_threshold(sources, out_of_fold)
    kept, refused = _own_rates(sources, out_of_fold, threshold)
    extra = {
        "tuning_kept_left_out": round(kept, 4),  # each tuning file weighed without it
        "tuning_refused_left_out": round(refused, 4),
    }
    return trees.Model(forest, found.FEATURES, about, threshold, extra)


def _split(
    sources: Sequence[FoundSource], probability: np.ndarray
) -> list[tuple[FoundSource, np.ndarray]]:
    """Each source beside its share of a probability array over all sources' rows."""
    out = []
    at = 0
    for s in sources:
        n = len(s.rows.y)
        out.append((s, probability[at : at + n]))
        at += n
    return out


def _own_rates(
    sources: Sequence[FoundSource], probability: np.ndarray, threshold: float
) -> tuple[float, float]:
    """(answerable kept, unanswerable refused) of the tuning files, from given probabilities."""
    kept = refused = positives = negatives = 0
    for s, p in _split(sources, probability):
        if s.rows.tags[:1] != ["own"]:
            continue
        k, r, n_pos, n_neg = _counts(s, p, threshold)
        kept, refused, positives, negatives = (
            kept + k,
            refused + r,
            positives + n_pos,
            negatives + n_neg,
        )
    return kept / max(positives, 1), refused / max(negatives, 1)


def _counts(source: FoundSource, p: np.ndarray, threshold: float) -> tuple[int, int, int, int]:
    """(answerable kept, unanswerable refused, answerable, unanswerable) of one source; a
    question with nothing to look for is refused."""
    answerable = np.asarray(source.rows.answerable, dtype=bool)
    kept = int(((p >= threshold) & answerable).sum())
    refused = int(((p < threshold) & ~answerable).sum()) + source.unread.count(0)
    positives = int(answerable.sum()) + source.unread.count(1)
    negatives = int((~answerable).sum()) + source.unread.count(0)
    return kept, refused, positives, negatives


def choose_threshold(sources: Sequence[FoundSource], out_of_fold: np.ndarray) -> float:
    """The highest threshold at which the tuning files (at every scale), weighed by models
    fitted without their question file, still answer KEEP_RIGHT of the questions whose first
    quote answers (a right answer refused about once in twenty at most, as on an article nobody
    tuned on); without tuning files, the one that keeps as many of all right answers."""
    own = any(s.rows.tags[:1] == ["own"] for s in sources)
    kept_by: dict[float, list[int]] = {t: [0, 0] for t in THRESHOLDS}
    for s, p in _split(sources, out_of_fold):
        if own and s.rows.tags[:1] != ["own"]:
            continue
        right = np.asarray(s.rows.y) == 1
        for t in THRESHOLDS:
            kept_by[t][0] += int(((p >= t) & right).sum())
            kept_by[t][1] += int(right.sum())
    keeping = [t for t, (k, n) in kept_by.items() if n and k / n >= KEEP_RIGHT]
    return max(keeping) if keeping else THRESHOLDS[0]


def _balanced_weights(sources: Sequence[FoundSource]) -> np.ndarray:
    """Each group of sources (own, facqa, idk) weighs GROUP_WEIGHTS in all."""
    sizes: dict[str, int] = {}
    for s in sources:
        for tag in s.rows.tags:
            sizes[tag] = sizes.get(tag, 0) + 1
    weights = [GROUP_WEIGHTS.get(t, 1.0) / sizes[t] for s in sources for t in s.rows.tags]
    w = np.asarray(weights)
    return np.asarray(w / w.mean())


def rates(model: trees.Model, source: FoundSource, threshold: float) -> tuple[float, float]:
    """(answerable kept, unanswerable refused) at a threshold; unread questions are refused."""
    x = source.rows.matrix()
    p = model.forest.probability(x) if len(x) else np.zeros(0)
    kept, refused, positives, negatives = _counts(source, p, threshold)
    return kept / max(positives, 1), refused / max(negatives, 1)


def reliability(model: trees.Model, source: FoundSource) -> Reliability:
    """The model's probabilities on a source beside whether the first quote answered."""
    x = source.rows.matrix()
    out = Reliability()
    if not len(x):
        return out
    p = model.forest.probability(x)
    for c, a, right in zip(p, source.rows.answerable, source.rows.y, strict=True):
        out.add(float(c), a, bool(right))
    return out


def trade_off(model: trees.Model, sources: Sequence[FoundSource]) -> str:
    """Answerable kept / unanswerable refused per source at each threshold, and how well the
    probability says whether the first quote answers (expected calibration error)."""
    head = "threshold  " + "  ".join(f"{s.name[:26]:>26}" for s in sources)
    lines = [head, " " * 11 + "  ".join(f"{'kept / refused':>26}" for _ in sources)]
    for t in THRESHOLDS:
        cells = []
        for s in sources:
            kept, refused = rates(model, s, t)
            cells.append(f"{kept:>12.3f} / {refused:<11.3f}")
        mark = "  <- chosen" if abs(t - model.threshold) < 1e-9 else ""
        lines.append(f"{t:>9.2f}  " + "  ".join(cells) + mark)
    errors = "  ".join(f"{reliability(model, s).error():>26.3f}" for s in sources)
    lines.append("ECE" + " " * 8 + errors)
    return "\n".join(lines)


# --------------------------------------------------------------------------- all three


def _fit(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray | None,
    objective: str,
    which: str,
    groups: Sequence[int] = (),
) -> trees.Forest:
    try:
        import lightgbm
    except ImportError as exc:  # an optional dependency: answering never needs it
        raise SystemExit("fitting needs LightGBM: pip install -e '.[fit]'") from exc
    params = {**LIGHTGBM, "objective": objective}
    if groups:  # ranking: whole questions, never a bag of some of their windows
        params = {k: v for k, v in params.items() if not k.startswith("bagging")}
        data = lightgbm.Dataset(x, y, group=list(groups))
    else:
        data = lightgbm.Dataset(x, y, weight=w)
    booster = lightgbm.train(params, data, ROUNDS[which])
    return trees.from_lightgbm(booster.dump_model())


def calibrate(
    facqa_dir: Path | None,
    idk_dir: Path | None,
    own: Sequence[Labelled],
    say: Callable[[str], None] = print,
    only: str = "",
) -> tuple[Fitted, str]:
    """Fit the three models in turn (or `only` one of them, keeping the shipped others);
    returns them and a report of what they do."""
    train: list[Labelled] = []
    held: list[Labelled] = []
    used: list[str] = []
    if facqa_dir is not None:
        train.append(facqa_labelled(facqa_dir, ["train"]))
        used.append("FacQA train")
    if idk_dir is not None:
        train.append(idk_labelled(idk_dir / "train.json"))
        used.append("IDK-MRC train")
    train.extend(own)
    if own:
        files = {file_of(s) for s in own}
        scales = sorted({s.scale or "alone" for s in own})
        used.append(
            f"{len(files)} tuning question files ({sum(len(s.items) for s in own)} questions"
            + (f", each {' / '.join(scales)}" if len(scales) > 1 else "")
            + ")"
        )
    about = "fitted by `python -m bot calibrate` on " + ", ".join(used)

    ranks = Rows()
    if only != "span":
        say("ranking: collecting windows")
        for source in train:
            ranker_rows(source, ranks)
    if only in ("", "ranker"):
        ranker = fit_ranker(ranks, about)
        say(f"ranking: {len(ranks.groups)} questions, pair margin {ranker.extra['pair_margin']}")
    else:
        ranker = trees.load(RANKER_FILE, windows.FEATURES)
    span_data = Rows()
    if only != "ranker":
        say("answer span: collecting candidates")
        for source in train:
            span_rows(source, span_data, ranker)
    if only in ("", "span"):
        span_model = fit_span(span_data, about)
        say(f"answer span: {len(span_data.groups)} questions, threshold {span_model.threshold}")
    else:
        span_model = trees.load(SPAN_FILE, span.FEATURES)
    if only in ("ranker", "span"):
        shipped_reader = {
            k: v for k, v in trees.load(SPAN_FILE, span.FEATURES).extra.items() if "reader" in k
        }
        span_model = _with_extra(span_model, shipped_reader)
        return Fitted(ranker, span_model, trees.load(FOUND_FILE, found.FEATURES)), ""

    say("found: fitting the ranking and the span on each fold's complement")
    placeholder = trees.Model(_constant(), found.FEATURES, "", 0.5)
    margin = {"pair_margin": ranker.extra["pair_margin"]}
    folds = [
        Fitted(
            trees.Model(
                _fit_rows(ranks.without_fold(k), "ranker"), windows.FEATURES, "", 0, margin
            ),
            trees.Model(
                _fit_rows(span_data.without_fold(k), "span"),
                span.FEATURES,
                "",
                span_model.threshold,
            ),
            placeholder,
        )
        for k in range(FOLDS)
    ]
    say("reader: when the second window's answer span is looked at too (out of fold)")
    reader = fit_reader(folds, [s for s in train if s.group == "own"])
    say(f"reader: gate {reader['reader_gate']}, weight {reader['reader_weight']}")
    folds = [replace(f, span=_with_extra(f.span, reader)) for f in folds]
    span_model = _with_extra(span_model, reader)
    say("found: collecting evidence")
    found_train = []
    halves: Iterable[Labelled] = ()
    if facqa_dir is not None:
        halves = facqa_halves(facqa_dir, ["train"])
    for source in [*halves, *[s for s in train if s.group != "facqa"]]:
        found_train.append(_found_source(source, folds))
    if facqa_dir is not None:
        held.append(facqa_labelled(facqa_dir, ["valid"]))
    if idk_dir is not None and (idk_dir / "valid.json").exists():
        held.append(idk_labelled(idk_dir / "valid.json"))
    found_model = fit_found(_merge(found_train), about)
    fitted = Fitted(ranker, span_model, found_model)
    held_sources = [_found_source(s, [fitted]) for s in held]
    report = trade_off(found_model, [*_merge(found_train), *held_sources])
    extra = found_model.extra
    if "tuning_kept_left_out" in extra:
        report += (
            f"\ntuning files, each question file weighed by a model fitted without it, at "
            f"{found_model.threshold:.2f}: kept {extra['tuning_kept_left_out']:.3f} / "
            f"refused {extra['tuning_refused_left_out']:.3f}"
        )
    return fitted, report


def _found_source(source: Labelled, fitted: Sequence[Fitted]) -> FoundSource:
    answerers = [Answerer(source.kb, fitted=f) for f in fitted]
    rows = Rows()
    unread: list[int] = []
    found_rows(answerers, source, rows, unread)
    return FoundSource(source.name, rows, unread, source.scale)


def _merge(sources: Sequence[FoundSource]) -> list[FoundSource]:
    """The sources of one group (the FacQA halves, the tuning files at one scale) merged into
    one."""
    merged: dict[str, FoundSource] = {}
    for s in sources:
        tag = s.rows.tags[0] if s.rows.tags else s.name
        name = {"own": "tuning files", "facqa": "FacQA train (halves)"}.get(tag, s.name)
        if tag == "own" and s.scale:
            name += f" ({s.scale})"
        target = merged.setdefault(name, FoundSource(name, Rows(), [], s.scale))
        target.rows.x.extend(s.rows.x)
        target.rows.y.extend(s.rows.y)
        target.rows.groups.extend(s.rows.groups)
        target.rows.tags.extend(s.rows.tags)
        target.rows.keys.extend(s.rows.keys)
        target.rows.answerable.extend(s.rows.answerable)
        target.unread.extend(s.unread)
    return list(merged.values())


def _constant() -> trees.Forest:
    """A forest that says 0.5 to everything (while the found model is not fitted yet)."""
    return trees.Forest(
        np.asarray([-1], dtype=np.int32),
        np.zeros(1),
        np.zeros(1, dtype=np.int32),
        np.zeros(1, dtype=np.int32),
        np.zeros(1),
        np.zeros(1, dtype=np.int32),
        0,
    )


def write(fitted: Fitted, folder: Path, only: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, model in (("ranker", fitted.ranker), ("span", fitted.span), ("found", fitted.found)):
        if only and name != only:
            continue
        path = folder / f"{name}.json"
        path.write_text(model.to_json() + "\n", encoding="utf-8")
        out.append(path)
    return out
