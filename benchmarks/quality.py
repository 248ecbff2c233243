"""Every question set the project is measured on, in one run: `python benchmarks/quality.py`.

For each question file: the project beside careful rank-bm25 (Sastrawi, stopwords, never
refuses) and naive rank-bm25 (whitespace tokens), top-1 / top-3 / off-topic refused / false
refusals and top-1 by kind of question; then the chit-chat files. `--holdout` adds the held-out
sets under tests/data/holdout/ (never used to tune anything). FacQA and IDK-MRC have their own
commands (`python -m bot eval --facqa ... / --idk ...`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.measure.evaluate import (  # noqa: E402
    careful_system,
    chat_figures,
    load_question_kinds,
    naive_system,
    project_system,
    score,
    table,
)
from bot.search.answer import Answerer  # noqa: E402
from bot.search.snapshot import load_snapshot  # noqa: E402

DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"

TUNING = [
    (SHARED / "eval" / "dev_questions.json", ROOT / "corpus"),
    (DATA / "article_questions.json", ROOT / "corpus"),
    (DATA / "article_natural.json", ROOT / "corpus"),
    (DATA / "second_article_questions.json", DATA / "second"),
    *[(q, q.parent) for q in sorted((DATA / "calibration").glob("*/questions.json"))],
]
HOLDOUT = [
    (DATA / "holdout" / "article_holdout.json", ROOT / "corpus"),
    (DATA / "holdout" / "third_article_questions.json", DATA / "holdout"),
]
CHAT = [DATA / "chitchat.json"]
CHAT_HOLDOUT = [DATA / "holdout" / "chitchat_holdout.json"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="also the held-out sets")
    parser.add_argument("--only-holdout", action="store_true", help="only the held-out sets")
    args = parser.parse_args()
    sets = [] if args.only_holdout else list(TUNING)
    chats = [] if args.only_holdout else list(CHAT)
    if args.holdout or args.only_holdout:
        sets += HOLDOUT
        chats += CHAT_HOLDOUT
    for questions, corpus_dir in sets:
        if not questions.exists():
            print(f"{questions}: not here, skipped\n")
            continue
        kb = load_snapshot(corpus_dir)
        answerable, unanswerable, kinds = load_question_kinds(questions)
        systems = [
            ("project", project_system(Answerer(kb))),
            ("careful bm25", careful_system(kb.corpus)),
            ("naive bm25", naive_system(kb.corpus)),
        ]
        scores = [score(name, s, answerable, unanswerable, kinds) for name, s in systems]
        name = questions.relative_to(ROOT.parent if SHARED in questions.parents else ROOT)
        print(f"{name} ({len(answerable)} answerable, {len(unanswerable)} off-topic)")
        print(table(scores) + "\n")
    answerer = Answerer(load_snapshot(ROOT / "corpus"))
    for path in chats:
        report = chat_figures(path)
        if report is not None:
            print(report(answerer) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
