"""Found or not found: does the corpus answer the question?

One rule for every corpus: a small model (boosted depth-2 trees on the logistic loss) over a few
features of the question and its best candidates, each independent of the corpus's size and
vocabulary (shares of the question's weight, scores in units of the corpus's highest idf). The
trees and the operating threshold live in `bot/search/models/found-model.json`, fitted by
`python -m bot calibrate` on labelled pairs (README "Quality" says which); nothing here is tuned
to one document.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.reading.kinds import holds
from bot.reading.lexicon import WORD_CLASSES
from bot.reading.message import Reading
from bot.search.query import Query
from bot.search.ranking import (
    FOUND_DEPTH,
    PARAGRAPH_REACH,
    Candidate,
    Ranker,
    by_word,
    general_rarity,
    missing_weight,
    word_weight,
)
from bot.search.snapshot import Snapshot

MODEL_FILE = Path(__file__).parent / "models" / "found-model.json"

FEATURES = (
    "paragraph_coverage",  # share of the question's weight held by the best paragraph
    "sentence_coverage",  # ... by the best sentence (with the one it refers back to)
    "missing_share",  # share of the question's weight in real words the corpus lacks
    "unknown_share",  # ... in words the reader could not place (names, far typos)
    "missing_name",  # a capitalised word the corpus lacks ("Liga Inggris")
    "focus_missing",  # the word the question word asks about is missing ("Berapa *gaji* ...")
    "missing_number",  # a number or year the corpus does not have ("... pada tahun 2023")
    "lexical",  # the best sentence's BM25 score, in units of the highest idf (capped)
    "margin",  # how far the best candidate stands above the next (same units, capped)
    "cue_asked",  # the question asks for a kind of answer (time, number, name, reason)
    "cue_met",  # ... and the best sentence holds one
    "missing_bare",  # share of the question's words missing as bare roots (nouns, mostly)
    "rarest_missing",  # how rare in general text the rarest missing real word is (0..1)
    "content_coverage",  # paragraph coverage of the question's words other than names
    "negation_unmatched",  # the question says "tidak"/"bukan"/"not" and the best sentence does not
    "fuzzy_share",  # share of the found weight that came from typo matches
    "second_look",  # share of the found weight that came from synonyms, English, typos
    "words",  # log of the number of question words looked for
    "coverage_x_present",  # paragraph coverage times the share of words the corpus has
)


_NEGATION = WORD_CLASSES["negation"]
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _negated(sentence: str) -> bool:
    return any(w in _NEGATION for w in _WORD.findall(sentence.casefold()))


@dataclass(frozen=True)
class Evidence:
    """The features of one question's best candidates, by name (see FEATURES)."""

    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.values, strict=True))


def evidence(
    reading: Reading, query: Query, ranked: Sequence[Candidate], ranker: Ranker
) -> Evidence:
    """The features the found decision is taken on."""
    kb: Snapshot = ranker.kb
    index = kb.index
    top_idf = index.max_idf or 1.0
    groups = by_word(query)
    found_weight = sum(word_weight(g, None, index) for g in groups)
    missing = sum(missing_weight(t, index) for t in query.missing)
    unknown = len(query.unknown) * top_idf
    total = found_weight + missing + unknown
    if not ranked or total <= 0:
        return Evidence((0.0,) * len(FEATURES))
    best = ranked[:FOUND_DEPTH]
    spans = [kb.paragraph_span(c.chunk, PARAGRAPH_REACH) for c in best]
    held = ranker.matched(query, [s[0] for s in spans], [s[1] for s in spans])
    paragraph = max(sum(word_weight(g, m, index) for g in groups) for m in held)
    top = ranked[0]
    window = ranker.matched(query, [top.window[0]], [top.window[-1] + 1])[0]
    sentence = sum(word_weight(g, window, index) for g in groups)
    second = ranked[1].score if len(ranked) > 1 else 0.0
    cue = reading.kind
    wanted = frozenset(qt.term for qt in query.terms)
    met = holds(cue, kb.sentences[top.chunk].text, query.words, wanted)
    alternative = sum(
        word_weight(g, None, index) for g in groups if g[0].how not in ("exact", "name")
    )
    lexical = top.lexical
    fuzzy = sum(word_weight(g, None, index) for g in groups if g[0].how == "fuzzy")
    rarest = max((general_rarity(t) for t in query.missing), default=0.0)
    content = [g for g in groups if g[0].how != "name"]
    best_held = max(held, key=lambda m: sum(word_weight(g, m, index) for g in groups))
    content_found = sum(word_weight(g, best_held, index) for g in content)
    content_total = sum(word_weight(g, None, index) for g in content) + missing + unknown
    values = (
        paragraph / total,
        sentence / total,
        missing / total,
        unknown / total,
        float(query.missing_names > 0),
        float(query.focus_missing),
        float(query.missing_numbers > 0),
        min(lexical / top_idf, 4.0),
        min((top.score - second) / top_idf, 3.0),
        float(cue is not None and cue != "reason"),
        float(met and cue != "reason"),
        query.missing_bare / max(len(groups) + len(query.missing) + len(query.unknown), 1),
        rarest,
        content_found / content_total if content_total else 1.0,
        float(reading.negated and not _negated(kb.sentences[top.chunk].text)),
        fuzzy / found_weight if found_weight else 0.0,
        alternative / found_weight if found_weight else 0.0,
        math.log1p(len(groups) + len(query.missing) + len(query.unknown)),
        (paragraph / found_weight if found_weight else 0.0) * (found_weight / total),
    )
    return Evidence(values)


# A leaf's value, or (feature, threshold, subtree if <= threshold, subtree if >)
Tree = float | tuple[int, float, "Tree", "Tree"]


@dataclass(frozen=True)
class FoundModel:
    """Boosted decision trees (logistic loss) over the features, and the probability a
    question must reach to be answered."""

    trees: tuple[Tree, ...]
    rate: float
    threshold: float
    about: str = ""

    def probability(self, ev: Evidence) -> float:
        x = ev.values
        z = self.rate * sum(_leaf(tree, x) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def to_json(self) -> str:
        return json.dumps(
            {
                "about": self.about,
                "features": list(FEATURES),
                "rate": self.rate,
                "threshold": self.threshold,
                "trees": list(self.trees),
            },
            separators=(",", ":"),
        )


def _leaf(tree: Tree, x: Sequence[float]) -> float:
    while isinstance(tree, tuple):
        feature, threshold, left, right = tree
        tree = left if x[feature] <= threshold else right
    return tree


def _tree(data: object) -> Tree:
    """A tree read back from JSON (lists) into tuples."""
    if isinstance(data, list):
        feature, threshold, left, right = data
        return (int(feature), float(threshold), _tree(left), _tree(right))
    if isinstance(data, int | float):
        return float(data)
    raise ValueError("not a tree")


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> FoundModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise ValueError(f"{path.name} was fitted on other features; run `python -m bot calibrate`")
    return FoundModel(
        tuple(_tree(t) for t in data["trees"]),
        float(data["rate"]),
        float(data["threshold"]),
        str(data["about"]),
    )


def fit(
    rows: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    rounds: int = 150,
    rate: float = 0.1,
    depth: int = 2,
) -> tuple[tuple[Tree, ...], float]:
    """Gradient-boosted trees of small depth on the logistic loss (Friedman 2001, with
    second-order leaf values as in XGBoost, Chen & Guestrin 2016); split candidates at the
    quantiles of each feature."""
    cuts = [
        np.unique(np.quantile(rows[:, j], np.linspace(0.02, 0.98, 25)))
        for j in range(rows.shape[1])
    ]
    margin = np.zeros(len(labels))
    trees: list[Tree] = []
    for _ in range(rounds):
        p = 1.0 / (1.0 + np.exp(-margin))
        grad = weights * (p - labels)
        hess = weights * p * (1 - p)
        tree = _grow(rows, grad, hess, np.arange(len(labels)), cuts, depth)
        trees.append(tree)
        margin += rate * np.array([_leaf(tree, r) for r in rows.tolist()])
    return tuple(trees), rate


def _grow(
    rows: np.ndarray,
    grad: np.ndarray,
    hess: np.ndarray,
    idx: np.ndarray,
    cuts: list[np.ndarray],
    depth: int,
) -> Tree:
    g, h = grad[idx].sum(), hess[idx].sum()
    leaf = float(-g / (h + 1.0))
    if depth == 0 or len(idx) < 20:
        return leaf
    best, split = 0.0, None
    for j, thresholds in enumerate(cuts):
        values = rows[idx, j]
        for t in thresholds:
            left = values <= t
            gl, hl = grad[idx][left].sum(), hess[idx][left].sum()
            gr, hr = g - gl, h - hl
            if hl < 1e-3 or hr < 1e-3:
                continue
            gain = gl * gl / (hl + 1) + gr * gr / (hr + 1) - g * g / (h + 1)
            if gain > best:
                best, split = gain, (j, float(t))
    if split is None:
        return leaf
    j, t = split
    left = rows[idx, j] <= t
    return (
        j,
        t,
        _grow(rows, grad, hess, idx[left], cuts, depth - 1),
        _grow(rows, grad, hess, idx[~left], cuts, depth - 1),
    )
