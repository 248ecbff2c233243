"""Every question set the project is measured on, in one run: `python benchmarks/quality.py`.

The sets are listed in `tests/data/sets.json` (which are for tuning, which only for judging).
For each question file: the project beside careful rank-bm25 (Sastrawi, stopwords, never
refuses) and naive rank-bm25 (whitespace tokens) over the same sentences: top-1, top-3, false
refusals, near-topic and off-topic questions refused, chit-chat not quoted, the first quote's
length over its sentence's, the direct answer against the answer span (exact, and word-overlap
F1; a refusal or no answer counts 0), and top-1 by kind of question; then the sums over the
tuning sets and over the held-out ones, and the chit-chat files. `--holdout` adds the held-out
sets, `--only-holdout` gives only them. FacQA and IDK-MRC have their own commands
(`python -m bot eval --facqa ... / --idk ...`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.measure.evaluate import (  # noqa: E402
    SetScore,
    careful_answers,
    chat_figures,
    naive_answers,
    score_set,
    table,
)
from bot.measure.labelled import question_file  # noqa: E402
from bot.search.answer import Answerer  # noqa: E402
from bot.search.snapshot import load_snapshot  # noqa: E402

SETS = ROOT / "tests" / "data" / "sets.json"
SYSTEMS = ("project", "careful bm25", "naive bm25")


def measure(part: str, manifest: dict[str, object]) -> list[SetScore]:
    """Each set of one part of the manifest, printed; returns the sums per system."""
    totals = [SetScore(name) for name in SYSTEMS]
    entries = manifest[part]
    assert isinstance(entries, list)
    for entry in entries:
        questions = SETS.parent / entry["questions"]
        corpus = SETS.parent / entry["corpus"]
        if not questions.exists() or not corpus.exists():
            print(f"{entry['questions']}: not here, skipped\n")
            continue
        data = question_file(questions, corpus)
        messages = [
            m["q"] for m in json.loads(questions.read_text(encoding="utf-8")).get("messages", [])
        ]
        kb = data.kb
        systems = [Answerer(kb).ask, careful_answers(kb.corpus), naive_answers(kb.corpus)]
        scores = [
            score_set(name, system, data.items, messages)
            for name, system in zip(SYSTEMS, systems, strict=True)
        ]
        for total, one in zip(totals, scores, strict=True):
            total.merge(one)
        answerable = sum(item.answerable for item in data.items)
        print(
            f"{entry['questions']} ({answerable} answerable, "
            f"{len(data.items) - answerable} unanswerable, {len(messages)} chit-chat)"
        )
        print(table(scores) + "\n")
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="also the held-out sets")
    parser.add_argument("--only-holdout", action="store_true", help="only the held-out sets")
    args = parser.parse_args()
    manifest = json.loads(SETS.read_text(encoding="utf-8"))
    parts = [] if args.only_holdout else ["tuning"]
    if args.holdout or args.only_holdout:
        parts.append("holdout")
    sums = {part: measure(part, manifest) for part in parts}
    for part, totals in sums.items():
        print(f"== all {part} sets together")
        print(table(totals) + "\n")
    chats = [] if args.only_holdout else list(manifest["chat"])
    if args.holdout or args.only_holdout:
        chats += list(manifest["chat_holdout"])
    answerer = Answerer(load_snapshot(ROOT / "corpus"))
    for name in chats:
        report = chat_figures(SETS.parent / name)
        if report is not None:
            print(report(answerer) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
