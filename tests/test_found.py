"""The fitted models: found or not found, the ranking and the answer span, one rule for every
corpus; their trees read from JSON give what LightGBM gives."""

from __future__ import annotations

import json
from pathlib import Path

import lightgbm
import numpy as np
import pytest

from bot.search import found, span, trees, windows
from bot.search.answer import Answerer
from bot.search.corpus import build_corpus, parse_document
from bot.search.fitted import FOUND_FILE, RANKER_FILE, SPAN_FILE, shipped
from bot.search.snapshot import Snapshot


@pytest.mark.parametrize(
    ("path", "features"),
    [
        (RANKER_FILE, windows.FEATURES),
        (SPAN_FILE, span.FEATURES),
        (FOUND_FILE, found.FEATURES),
    ],
)
def test_each_shipped_model_matches_its_features_and_names_its_data(
    path: Path, features: tuple[str, ...]
) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["features"] == list(features)
    assert "FacQA" in data["about"] and "IDK-MRC" in data["about"]
    assert len(data["roots"]) > 10


def test_the_found_threshold_and_pair_margin_were_fitted() -> None:
    fitted = shipped()
    assert 0.0 < fitted.found.threshold < 1.0
    assert 0.0 <= fitted.ranker.extra["pair_margin"] <= 1.0


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(FOUND_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="calibrate"):
        trees.load(path, found.FEATURES)


def test_trees_read_from_lightgbm_give_its_predictions_and_round_trip_through_json(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    rows = rng.random((600, 6))
    labels = ((rows[:, 0] > 0.5) ^ (rows[:, 3] > 0.7)).astype(float)
    params = {"objective": "binary", "num_leaves": 7, "verbose": -1, "seed": 1}
    booster = lightgbm.train(params, lightgbm.Dataset(rows, labels), 30)
    forest = trees.from_lightgbm(booster.dump_model())
    fresh = rng.random((200, 6))
    assert np.allclose(forest.margin(fresh), booster.predict(fresh, raw_score=True), atol=1e-6)
    names = tuple(f"f{i}" for i in range(6))
    path = tmp_path / "toy.json"
    path.write_text(trees.Model(forest, names, "toy", 0.5).to_json(), encoding="utf-8")
    again = trees.load(path, names)
    assert np.allclose(again.forest.probability(fresh), booster.predict(fresh), atol=1e-6)
    high, low = again.forest.probability(
        np.asarray([[0.9, 0, 0, 0.1, 0, 0], [0.1, 0, 0, 0.1, 0, 0]])
    )
    assert high > 0.8 > 0.2 > low


def test_an_unfamiliar_chat_word_does_not_sink_a_real_question(answerer: Answerer) -> None:
    answer = answerer.ask("nanya dong kak, siapa sih yg ngeluncurin satgas AI nasional?")
    assert answer.found
    assert "Vladimir Putin" in answer.passages[0].text


def test_a_question_about_something_the_article_lacks_is_refused(answerer: Answerer) -> None:
    for question in ("Siapa juara Liga Inggris musim lalu?", "Berapa gaji Vladimir Putin?"):
        assert not answerer.ask(question).found, question


def test_the_same_rule_serves_a_document_it_was_not_fitted_on() -> None:
    text = (
        "Dinas Kesehatan Kota Palu membuka posko vaksinasi keliling pada 4 Mei 2025.\n"
        "Posko itu melayani warga di 12 kelurahan setiap Selasa dan Kamis.\n"
        "Kepala dinas, Rina Tadulako, menyebut target cakupan vaksinasi 85 persen."
    )
    doc = parse_document("palu.txt", text, markdown=False)
    answerer = Answerer(Snapshot.build(build_corpus([doc])))
    assert answerer.ask("kapan posko vaksinasi dibuka?").found
    assert not answerer.ask("Berapa harga tiket pesawat ke Palu?").found


def test_every_answer_carries_the_models_confidence(answerer: Answerer) -> None:
    found = answerer.ask("Siapa yang meluncurkan satuan tugas AI nasional?")
    refused = answerer.ask("Siapa juara Liga Inggris musim lalu?")
    assert found.confidence >= shipped().found.threshold > refused.confidence


@pytest.mark.parametrize("size", [5, 300, 20_000])
@pytest.mark.parametrize("share", [0.01, 0.5, 1.0])
def test_a_windows_rank_counts_the_sentences_that_score_more(size: int, share: float) -> None:
    # most sentences score 0 on a real question; ties and a core scoring 0 included
    rng = np.random.default_rng(size)
    scores = np.zeros(size)
    hits = max(1, int(size * share))
    scores[rng.choice(size, hits, replace=False)] = rng.integers(0, 40, hits) / 7
    cores = np.concatenate([scores[rng.integers(0, size, 30)], [0.0]])
    want = [int(np.count_nonzero(scores > c)) for c in cores]
    assert windows._ranks(scores, cores).tolist() == want
