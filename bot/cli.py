"""`python -m bot ...` subcommands: `ask`, `eval`, `calibrate`, `run`, `health`, `backup`, `bench`,
`lexicons`.

`ask` and `eval` never import Telegram: they work on a fresh machine without a token.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from bot.corpus_settings import CorpusSettings, SettingsError, read_corpus_settings
from bot.search.corpus import CorpusError

if TYPE_CHECKING:
    from bot.config import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
        return code
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except CorpusError as exc:
        from bot.messages import problem_reason

        print(f"error: {exc}", file=sys.stderr)
        for skipped in exc.problems:
            reason = problem_reason(skipped.code, skipped.detail)
            print(f"  skipped {skipped.name}: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


RUN_HELP = """\
Start the Telegram bot and serve until Ctrl-C or SIGTERM (it then finishes the updates in
hand and writes what is queued for the database).

Settings come from the environment and .env (see .env.example): TELEGRAM_BOT_TOKEN (from
@BotFather) is needed; ADMIN_IDS (numeric Telegram ids: /privacy shows yours) may manage the
corpus. Long polling is the default; with WEBHOOK_URL the bot listens on
WEBHOOK_LISTEN:WEBHOOK_PORT and registers the webhook with a secret (WEBHOOK_SECRET, or a
random one for the run). Every setting is checked before the network is touched.

Exit status: 0 stopped by Ctrl-C (SIGINT) or SIGTERM, whenever it comes (also while the
corpus loads or while it waits for the Bot API); 1 stopped by an error (one line says why); 2 a
setting is wrong or Telegram rejects the token."""

HEALTH_HELP = """\
Check that the bot could serve: the corpus in CORPUS_DIR loads and the database at
DATABASE_PATH takes a write (before it exists: its folder is writable). No Telegram is needed.

Exit status: 0 healthy, with one line on stdout; 1 not, with one line on stderr saying why;
2 a setting is wrong, with one error line on stderr for each. For systemd's ExecStartPre or a
container's health check."""

BACKUP_HELP = """\
Write a consistent copy of the live database to FILE while the bot runs (SQLite's online
backup, checked with PRAGMA integrity_check, renamed over FILE only when complete). Do not copy
the database with cp while the bot runs: it can miss what is in the -wal file.

Exit status: 0 written, with a summary line; 1 not, with one line on stderr saying why; 2 a
setting is wrong, with one error line on stderr for each."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer a question in the terminal (no Telegram needed)")
    ask.add_argument("question", nargs="*", help="the question; without it, one per stdin line")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--top-k", type=int, default=None, help="passages per answer")
    ask.add_argument(
        "--lang",
        choices=["id", "en"],
        default=None,
        help="the replies' wording for every question (default: each question's own language, "
        "Indonesian when its words do not tell)",
    )
    ask.add_argument(
        "--conversation",
        action="store_true",
        help="read the stdin lines as one conversation (short follow-ups use the topic before)",
    )
    ask.set_defaults(func=_ask)

    ev = sub.add_parser("eval", help="score a question file beside a naive baseline")
    ev.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="questions shaped like dev_questions.json, or follow-up pairs like followups.json",
    )
    ev.add_argument("--facqa", type=Path, help="folder with IndoNLU FacQA *_preprocess.csv")
    ev.add_argument("--idk", type=Path, help="folder with IDK-MRC train.json / valid.json")
    ev.add_argument("--split", default="valid", help="FacQA / IDK-MRC split(s), comma-separated")
    ev.add_argument("--verbose", action="store_true", help="list the questions missed")
    ev.set_defaults(func=_eval)

    cal = sub.add_parser(
        "calibrate", help="fit the ranking, answer-span and found models from labelled data"
    )
    cal.add_argument("--facqa", type=Path, help="folder with IndoNLU FacQA *_preprocess.csv")
    cal.add_argument("--idk", type=Path, help="folder with IDK-MRC train.json (and valid.json)")
    cal.add_argument(
        "--sets",
        type=Path,
        help="a manifest of question sets (tests/data/sets.json): its tuning sets are fitted on",
    )
    cal.add_argument(
        "--questions",
        action="append",
        default=[],
        metavar="FILE=CORPUS",
        help="a question file and the corpus folder or article it is about (repeatable)",
    )
    cal.add_argument(
        "--archive",
        type=Path,
        help="other articles (.jsonl.gz, shared/benchmarks/indosum-archive/): each tuning set is "
        "also fitted on among ten of them and among all of them",
    )
    cal.add_argument("--out", type=Path, help="folder to write the models to (default: the bot's)")
    cal.add_argument(
        "--only",
        choices=["ranker", "span", "found"],
        default="",
        help="fit one model, keeping the others as shipped",
    )
    cal.set_defaults(func=_calibrate)

    run = _documented(sub, "run", "start the Telegram bot (long polling, or webhook)", RUN_HELP)
    run.set_defaults(func=_run)

    health = _documented(
        sub, "health", "exit 0 when the corpus loads and the database is writable", HEALTH_HELP
    )
    health.set_defaults(func=_health)

    backup = _documented(
        sub, "backup", "a consistent copy of the live database, safe to run", BACKUP_HELP
    )
    backup.add_argument("file", type=Path, help="where to write the copy (replaced atomically)")
    backup.set_defaults(func=_backup)

    bench = sub.add_parser("bench", help="speed and memory benchmark against rank-bm25, bm25s")
    bench.add_argument("--sizes", default="article,10000,100000", help="corpus sizes")
    bench.add_argument("--queries", type=int, default=200)
    bench.add_argument(
        "--startup-runs", type=int, default=10, help="fresh one-question processes to time"
    )
    bench.set_defaults(func=_bench)

    lex = _documented(
        sub, "lexicons", "make the thesaurus and dictionary files from Debian packages", LEX_HELP
    )
    lex.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        help="folder the packages were unpacked into (dpkg-deb -x PACKAGE.deb FOLDER)",
    )
    lex.add_argument("--out", type=Path, help="folder to write to (default: the bot's data)")
    lex.set_defaults(func=_lexicons)
    return parser


LEX_HELP = """\
Make the bot's thesaurus (thesaurus-id.txt) and English-Indonesian dictionary
(english-indonesian-freedict.txt) again from the Debian packages they come from, unpacked
into one folder:

  apt-get download mythes-id dict-freedict-eng-ind
  for deb in *.deb; do dpkg-deb -x "$deb" unpacked; done
  python -m bot lexicons --from unpacked

Each file names its package, version, copyright and licence at the top. The index cache is
keyed on the word lists, so a changed file is picked up at the next start.

Exit status: 0 written, with one line per file; 1 a package file is missing or unreadable."""


def _lexicons(args: argparse.Namespace) -> int:
    from bot.reading.lexicon import DATA
    from bot.reading.sources import write_lexicons

    out = args.out or DATA
    try:
        counts = write_lexicons(args.source, out)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, count in counts.items():
        print(f"wrote {out / name}: {count} entries")
    return 0


def _documented(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, text: str
) -> argparse.ArgumentParser:
    """A subcommand whose --help explains its settings and exit codes in full."""
    return sub.add_parser(
        name, help=summary, description=text, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def _questions(args: argparse.Namespace, stdin: BinaryIO) -> Iterator[str]:
    """The question given as arguments, or one per stdin line.

    Lines are split on "\n" only (a stray "\r" or U+2028 inside a line stays in it) and bad
    UTF-8 is replaced rather than fatal; blank lines are skipped.
    """
    if args.question:
        yield " ".join(args.question)
        return
    for raw in stdin:
        line = raw.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")
        if line.strip():
            yield line


def _print(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace") + b"\n")
    sys.stdout.buffer.flush()


def _ask(args: argparse.Namespace) -> int:
    from bot.messages import problem_reason, t
    from bot.reading.message import read
    from bot.render import answer_terminal
    from bot.search.answer import Answerer
    from bot.search.conversation import Topic, answer_in_context
    from bot.search.snapshot import TerminalProgress, load_snapshot, save_stems

    settings = read_corpus_settings()
    kb = load_snapshot(
        settings.corpus_dir, cache_dir=settings.index_cache_dir, progress=TerminalProgress()
    )
    for problem in kb.corpus.problems:
        reason = problem_reason(problem.code, problem.detail)
        print(f"warning: skipped {problem.name}: {reason}", file=sys.stderr)
    answerer = Answerer(
        kb, top_k=args.top_k or settings.top_k, found_threshold=settings.found_threshold
    )
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    examples = [q for d in kb.corpus.documents for q in d.questions][:3]
    title = kb.corpus.documents[0].title if kb.corpus.documents else ""
    if not args.question and sys.stdin.isatty() and not args.json:
        print(t("terminal_prompt", args.lang or "id"), file=sys.stderr)
    topic: Topic | None = None
    for question in _questions(args, sys.stdin.buffer):
        about: str | None = None
        reading = read(question)
        if args.conversation:
            reply = answer_in_context(answerer, reading, topic)
            answer, topic, about = reply.answer, reply.topic, reply.about
        else:
            answer = answerer.ask(reading)
        if args.json:
            record = answer.as_dict()
            if args.conversation:  # one field added to the contract: what was understood
                record["understood"] = reply.understood
            # ASCII-only JSON: no raw U+2028 or other line breaks that a reader might split on
            _print(json.dumps(record, ensure_ascii=True))
        else:
            lang = args.lang or answer.language or "id"  # as Telegram: the question's own
            _print(answer_terminal(answer, color, lang, examples, title, about=about) + "\n")
    save_stems(settings.index_cache_dir)  # the questions' words, for the next start
    return 0


def _eval(args: argparse.Namespace) -> int:
    settings = read_corpus_settings()
    splits = [s.strip() for s in args.split.split(",") if s.strip()]
    if args.facqa:
        from bot.measure.facqa import run_facqa

        print(run_facqa(args.facqa, splits))
        return 0
    if args.idk:
        from bot.measure.idkmrc import run_idk

        print(run_idk(args.idk, splits))
        return 0
    if args.file is None:
        print("error: give a question file, or --facqa FOLDER, or --idk FOLDER", file=sys.stderr)
        return 2
    from bot.measure.evaluate import (
        careful_answers,
        chat_figures,
        is_pair_file,
        naive_answers,
        score_set,
        table,
    )
    from bot.measure.labelled import question_items
    from bot.search.answer import Answerer
    from bot.search.snapshot import load_snapshot

    if is_pair_file(args.file):
        return _eval_followups(args, settings)
    try:
        items, messages = question_items(args.file)
        chat = chat_figures(args.file)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read question file {str(args.file)!r}: {exc}", file=sys.stderr)
        return 2
    kb = load_snapshot(settings.corpus_dir, cache_dir=settings.index_cache_dir)
    answerer = Answerer(kb, settings.top_k, found_threshold=settings.found_threshold)
    if chat is not None:
        print(chat(answerer))
        return 0
    ours = score_set("project", answerer.ask, items, messages, answerer.ask_anyway)
    scores = [
        ours,
        score_set("careful bm25", careful_answers(kb.corpus), items, messages),
        score_set("naive bm25", naive_answers(kb.corpus), items, messages),
    ]
    answerable = sum(item.answerable for item in items)
    print(
        f"{args.file}: {answerable} answerable, {len(items) - answerable} unanswerable "
        f"questions, {len(messages)} chit-chat"
    )
    print(table(scores))
    print("\n" + ours.reliability.report())
    print(f"\nfound / not found at each threshold (FOUND_THRESHOLD={answerer.threshold:.2f}):")
    print(ours.reliability.trade_off(answerer.threshold))
    if args.verbose and ours.misses:
        print("\nmissed at top-1:\n  " + "\n  ".join(ours.misses))
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    settings = read_corpus_settings()
    from bot.measure.calibrate import calibrate, own_sets, write
    from bot.measure.labelled import archive_documents, question_file
    from bot.search.fitted import MODELS

    archive = archive_documents(args.archive) if args.archive else []
    own = own_sets(args.sets, archive=archive) if args.sets else []
    for spec in args.questions:
        file, _, corpus = spec.partition("=")
        own.append(question_file(Path(file), Path(corpus) if corpus else settings.corpus_dir))
    if not (args.facqa or args.idk or own):
        print("error: give --facqa, --idk, --sets and/or --questions", file=sys.stderr)
        return 2
    fitted, report = calibrate(
        args.facqa, args.idk, own, say=lambda s: print(s, file=sys.stderr), only=args.only
    )
    for path in write(fitted, args.out or MODELS, args.only):
        print(f"wrote {path}")
    print(f"found threshold {fitted.found.threshold:.2f}\n")
    print(report)
    return 0


def _eval_followups(args: argparse.Namespace, settings: CorpusSettings) -> int:
    """Follow-up pairs: the second message in the conversation, beside the same message alone."""
    from bot.measure.evaluate import load_pairs, score_followups, table
    from bot.search.answer import Answerer
    from bot.search.snapshot import load_snapshot

    try:
        pairs = load_pairs(args.file)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read follow-up file {str(args.file)!r}: {exc}", file=sys.stderr)
        return 2
    kb = load_snapshot(settings.corpus_dir, cache_dir=settings.index_cache_dir)
    answerer = Answerer(kb, settings.top_k, found_threshold=settings.found_threshold)
    ours = score_followups("conversation", answerer, kb, pairs, conversation=True)
    alone = score_followups("each alone", answerer, kb, pairs, conversation=False)
    kinds = {k: sum(p.kind == k for p in pairs) for k in ("followup", "new", "chat", "offtopic")}
    print(
        f"{args.file}: {kinds['followup']} follow-ups, {kinds['new']} new questions,"
        f" {kinds['chat']} small talk, {kinds['offtopic']} off-topic"
    )
    print(table([ours, alone]))
    if args.verbose and ours.misses:
        print("\nmissed in the conversation:\n  " + "\n  ".join(ours.misses))
    return 0


def _settings() -> Settings:
    """Every setting, read and checked (the bot's own commands)."""
    from bot.config import load_settings

    return load_settings()


def _run(args: argparse.Namespace) -> int:
    # SIGTERM stops as Ctrl-C does from here on, so that a stop before the bot serves (while it
    # starts, loads the corpus or waits for the Bot API) is clean too: exit 0, not 143; PTB's
    # polling loop and the webhook server then take both signals over
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from bot.telegram.app import run_bot

        return run_bot(_settings())
    except KeyboardInterrupt:
        return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _health(args: argparse.Namespace) -> int:
    from bot.health import Unhealthy, check_health

    settings = _settings()
    try:
        print(check_health(settings))
    except Unhealthy as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0


def _backup(args: argparse.Namespace) -> int:
    from bot.health import BackupError, backup_database

    settings = _settings()
    try:
        report = backup_database(settings.database_path, args.file)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{name} {count}" for name, count in report.rows.items())
    print(f"backup written to {report.target} ({report.size_bytes:,} bytes; rows: {rows})")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from bot.measure.bench import run_bench

    return run_bench(args.sizes.split(","), args.queries, args.startup_runs)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
