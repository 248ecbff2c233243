"""Every question set the project is measured on, in one run: `python benchmarks/quality.py`.

The sets are listed in `tests/data/sets.json` (which are for tuning, which only for judging).
For each question file: the project beside careful rank-bm25 (Sastrawi, stopwords, never
refuses) and naive rank-bm25 (whitespace tokens) over the same sentences: top-1, top-3, false
refusals, near-topic and off-topic questions refused, chit-chat not quoted, the first quote's
length over its sentence's, the direct answer against the answer span (exact, and word-overlap
F1; a refusal or no answer counts 0), and top-1 by kind of question; then the sums over the
tuning sets and over the held-out ones, how well the confidence says whether the first quote
answers (expected calibration error, a reliability table), and the chit-chat files.

`--holdout` adds the held-out sets, `--only-holdout` gives only them. `--archive FILE` also
asks every set among the articles of an archive (`shared/benchmarks/indosum-archive/
dev04-300.jsonl.gz`, 300 news articles), as an operator loads hundreds: a quote is right only
from the set's own article, and wrong-article first quotes are counted. FacQA and IDK-MRC have
their own commands (`python -m bot eval --facqa ... / --idk ...`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
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
from bot.measure.labelled import (  # noqa: E402
    Labelled,
    archive_documents,
    corpus_exists,
    question_file,
)
from bot.search.answer import Answerer  # noqa: E402
from bot.search.corpus import Document  # noqa: E402
from bot.search.snapshot import load_snapshot  # noqa: E402

SETS = ROOT / "tests" / "data" / "sets.json"


def systems(source: Labelled, among: str) -> list[SetScore]:
    """The project and the baselines on one source, named with how much else is loaded."""
    kb = source.kb
    answerer = Answerer(kb)
    ours = score_set(
        f"project{among}", answerer.ask, source.items, source.messages, answerer.ask_anyway
    )
    careful = score_set(f"careful bm25{among}", careful_answers(kb.corpus), source.items, ())
    if among:
        return [ours, careful]
    naive = score_set("naive bm25", naive_answers(kb.corpus), source.items, ())
    return [ours, careful, naive]


def measure(part: str, manifest: dict[str, object], archive: Sequence[Document]) -> list[SetScore]:
    """Each set of one part of the manifest, printed; returns the sums per system."""
    totals: list[SetScore] = []
    entries = manifest[part]
    assert isinstance(entries, list)
    for entry in entries:
        questions = SETS.parent / entry["questions"]
        corpus = SETS.parent / entry["corpus"]
        if not questions.exists() or not corpus_exists(corpus):
            print(f"{entry['questions']}: not here, skipped\n")
            continue
        alone = question_file(questions, corpus)
        scores = systems(alone, "")
        if archive:
            among = question_file(questions, corpus, others=archive, scale="archive")
            scores += systems(among, f" +{len(archive)}")
        if not totals:
            totals = [SetScore(s.name) for s in scores]
        for total, one in zip(totals, scores, strict=True):
            total.merge(one)
        answerable = sum(item.answerable for item in alone.items)
        print(
            f"{entry['questions']} ({answerable} answerable, "
            f"{len(alone.items) - answerable} unanswerable, {len(alone.messages)} chit-chat)"
        )
        print(table(scores) + "\n")
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="also the held-out sets")
    parser.add_argument("--only-holdout", action="store_true", help="only the held-out sets")
    parser.add_argument(
        "--archive", type=Path, help="also ask every set among the articles of this archive"
    )
    args = parser.parse_args()
    manifest = json.loads(SETS.read_text(encoding="utf-8"))
    archive = archive_documents(args.archive) if args.archive else []
    parts = [] if args.only_holdout else ["tuning"]
    if args.holdout or args.only_holdout:
        parts.append("holdout")
    sums = {part: measure(part, manifest, archive) for part in parts}
    for part, totals in sums.items():
        print(f"== all {part} sets together")
        print(table(totals) + "\n")
        for total in totals:
            if total.reliability.seen:
                print(f"{total.name}: " + total.reliability.report() + "\n")
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
