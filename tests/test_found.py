"""Found or not found: one calibrated rule for every corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.search.answer import Answerer
from bot.search.corpus import build_corpus, parse_document
from bot.search.found import FEATURES, MODEL_FILE, Evidence, FoundModel, fit, load_model
from bot.search.snapshot import Snapshot


def test_the_shipped_model_matches_the_features_and_names_its_data() -> None:
    model = load_model()
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert "FacQA" in model.about and "IDK-MRC" in model.about
    assert 0.0 < model.threshold < 1.0


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="calibrate"):
        load_model.__wrapped__(path)


def test_boosted_trees_learn_a_separable_rule_and_round_trip_through_json() -> None:
    rng = np.random.default_rng(0)
    rows = rng.random((400, len(FEATURES)))
    labels = (rows[:, 0] > 0.5).astype(float)
    trees, rate = fit(rows, labels, np.ones(len(labels)), rounds=40)
    model = FoundModel(trees, rate, 0.5, "toy")
    data = json.loads(model.to_json())
    assert data["features"] == list(FEATURES)
    high = Evidence(tuple([0.9] + [0.5] * (len(FEATURES) - 1)))
    low = Evidence(tuple([0.1] + [0.5] * (len(FEATURES) - 1)))
    assert model.probability(high) > 0.8 > 0.2 > model.probability(low)


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
    assert found.confidence >= load_model().threshold > refused.confidence
