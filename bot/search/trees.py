"""Boosted decision trees, evaluated: the form every fitted model of the search takes.

A model file (`models/*.json`) holds the trees LightGBM fitted (`python -m bot calibrate`), its
feature names, what it was fitted on, and any operating threshold. Here the trees are only
read and evaluated: all trees at once, one level a step, for every row together (numpy), so a
ranking of forty windows costs a handful of array operations per tree level, and LightGBM is
not needed to answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Forest:
    """Trees flattened into arrays: node i splits on `feature[i]` at `threshold[i]` (a row goes
    left when its value is <= the threshold), its children are `left[i]` and `right[i]`; a leaf
    has feature -1, points to itself and holds `value[i]`."""

    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    value: FloatArray
    roots: IntArray
    depth: int
    base: float = 0.0

    @cached_property
    def _walk(self) -> tuple[npt.NDArray[np.intp], FloatArray, npt.NDArray[np.intp], FloatArray]:
        """The nodes as the walk reads them, renumbered so that a node's children stand side by
        side (left, then right) and each tree's roots come first: per node its feature, its
        threshold, its first child, its value. A leaf compares feature 0 with +inf (so it goes
        left) and is its own first child, so it stays where it is. (No feature is ever NaN: every
        share and ratio the features compute guards its division.)"""
        order: list[int] = [int(r) for r in self.roots]
        place = {node: i for i, node in enumerate(order)}
        at = 0
        while at < len(order):  # breadth first: children appended in pairs
            node = order[at]
            if self.feature[node] >= 0:
                for child in (int(self.left[node]), int(self.right[node])):
                    place[child] = len(order)
                    order.append(child)
            at += 1
        nodes = np.asarray(order, dtype=np.intp)
        leaf = self.feature[nodes] < 0
        feature = np.where(leaf, 0, self.feature[nodes]).astype(np.intp)
        threshold = np.where(leaf, np.inf, self.threshold[nodes])
        first = np.asarray(
            [place[int(self.left[n])] if self.feature[n] >= 0 else i for i, n in enumerate(order)],
            dtype=np.intp,
        )
        return feature, threshold, first, self.value[nodes]

    def margin(self, rows: FloatArray) -> FloatArray:
        """The summed leaf values of every row (one row per line of `rows`)."""
        x = np.ascontiguousarray(rows, dtype=np.float64)
        if x.ndim == 1:
            x = x[None, :]
        n, width = x.shape
        trees = len(self.roots)
        if not trees:
            return np.full(n, self.base)
        feature, threshold, first, value = self._walk
        flat = x.ravel()
        # every (row, tree) at once, row by row: its place in `flat` and its node
        start = np.repeat(np.arange(n, dtype=np.intp) * width, trees)
        node = np.tile(np.arange(trees, dtype=np.intp), n)
        for _ in range(self.depth):
            right = flat[feature[node] + start] > threshold[node]
            node = first[node] + right
        return np.asarray(value[node].reshape(n, trees).sum(axis=1) + self.base, dtype=np.float64)

    def probability(self, rows: FloatArray) -> FloatArray:
        """The logistic of the margin (for a model fitted on the logistic loss)."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.margin(rows), -40.0, 40.0)))


def from_lightgbm(dump: dict[str, Any]) -> Forest:
    """A forest from LightGBM's `Booster.dump_model()` (numerical splits, no missing values)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0

    def add(node: dict[str, Any], level: int) -> int:
        nonlocal depth
        me = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(me)
        right.append(me)
        value.append(0.0)
        if "leaf_value" in node or "split_feature" not in node:
            value[me] = float(node.get("leaf_value", 0.0))
            depth = max(depth, level)
            return me
        if node.get("decision_type", "<=") != "<=":
            raise ValueError("only numerical splits are read")
        feature[me] = int(node["split_feature"])
        threshold[me] = float(node["threshold"])
        left[me] = add(node["left_child"], level + 1)
        right[me] = add(node["right_child"], level + 1)
        return me

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    return Forest(
        np.asarray(feature, dtype=np.int32),
        np.asarray(threshold, dtype=np.float64),
        np.asarray(left, dtype=np.int32),
        np.asarray(right, dtype=np.int32),
        np.asarray(value, dtype=np.float64),
        np.asarray(roots, dtype=np.int32),
        depth,
    )


def scaled(forest: Forest, scale: float, shift: float) -> Forest:
    """The forest whose margin is `scale * margin + shift` (a logistic calibration folded into
    the leaves, so that `probability` says it directly)."""
    return replace(forest, value=forest.value * scale, base=forest.base * scale + shift)


@dataclass(frozen=True)
class Model:
    """A fitted forest with its feature names, provenance and operating point."""

    forest: Forest
    features: tuple[str, ...]
    about: str = ""
    threshold: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        f = self.forest
        return json.dumps(
            {
                "about": self.about,
                "features": list(self.features),
                "threshold": self.threshold,
                "extra": self.extra,
                "base": f.base,
                "depth": f.depth,
                "roots": f.roots.tolist(),
                "feature": f.feature.tolist(),
                "threshold_at": [round(t, 9) for t in f.threshold.tolist()],
                "left": f.left.tolist(),
                "right": f.right.tolist(),
                "value": [round(v, 9) for v in f.value.tolist()],
            },
            separators=(",", ":"),
        )


def load(path: Path, features: Sequence[str]) -> Model:
    """A model file, checked against the features the code computes today."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data["features"]) != list(features):
        raise ValueError(f"{path.name} was fitted on other features; run `python -m bot calibrate`")
    forest = Forest(
        np.asarray(data["feature"], dtype=np.int32),
        np.asarray(data["threshold_at"], dtype=np.float64),
        np.asarray(data["left"], dtype=np.int32),
        np.asarray(data["right"], dtype=np.int32),
        np.asarray(data["value"], dtype=np.float64),
        np.asarray(data["roots"], dtype=np.int32),
        int(data["depth"]),
        float(data.get("base", 0.0)),
    )
    extra = {str(k): float(v) for k, v in data.get("extra", {}).items()}
    return Model(forest, tuple(features), str(data["about"]), float(data["threshold"]), extra)
