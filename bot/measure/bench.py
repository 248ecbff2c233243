"""`python -m bot bench`: speed and memory of the index and of a whole answer, side by side with
rank-bm25 and bm25s, and the start-up of a one-question process.

For each corpus size (the bundled article, and generated Indonesian-like corpora of 10k and 100k
sentences written as .txt files), every system runs in its own process so that its peak resident
memory is its own:

- project (cold): read the folder, split, tokenize, build the index (and write the disk cache);
- project (cache): the same start-up when the index cache is warm;
- rank-bm25: BM25Okapi on the same tokens (its `get_scores` walks every sentence per term);
- bm25s: bm25s on the same tokens (eager sparse scoring).

Index: 5-term queries drawn from the corpus's own sentences; build time, peak RSS, query
p50/p95, and how often the top 10 equals rank-bm25's top 10 (same scores).

Whole answer: the same typed questions (a question word and five words of a sentence) to the
project's `ask()` (reading, search, ranking, the found decision, the answer span, the quotes)
and to bm25s as a bare retriever given the question's terms: token ids, `get_scores`, top 3.

Start-up: `python -m bot ask QUESTION` on the bundled article in a fresh process, against
`python -c "import rank_bm25"` (the interpreter with numpy), run in turn, medians; in a folder
of the bench's own, without the caller's settings or `.env`.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
SYSTEMS = ("project-cold", "project-cache", "rank-bm25", "bm25s")
STOP = "yang dan di ke dari untuk dengan pada ini itu akan juga telah dalam tidak".split()
PREFIXES = ("", "", "", "me", "di", "ber", "ter", "pe", "ke", "se")
SUFFIXES = ("", "", "", "kan", "an", "i", "nya", "lah")


def generate_corpus(folder: Path, sentences: int, seed: int = 7) -> None:
    """Indonesian-like news text in .txt files: a fixed vocabulary of 40k word forms (dictionary
    roots with affixes, and capitalised names), Zipf-distributed, stopwords between them."""
    from bot.reading.text import dictionary_words

    rng = random.Random(seed)
    roots = sorted(w for w in dictionary_words() if w.isalpha() and 4 <= len(w) <= 10)
    forms = []
    for i in range(40_000):
        if i % 5 == 4:  # names and foreign words
            forms.append("".join(rng.choices("aiueobdgkmnprstwy", k=rng.randint(5, 9))).title())
        else:
            forms.append(rng.choice(PREFIXES) + rng.choice(roots) + rng.choice(SUFFIXES))
    weights = [1.0 / (rank + 20) for rank in range(len(forms))]
    folder.mkdir(parents=True, exist_ok=True)
    per_doc = 200
    for doc_no in range(0, sentences, per_doc):
        count = min(per_doc, sentences - doc_no)
        picks = iter(rng.choices(forms, weights, k=count * 25))
        lines, paragraph = [], []
        for i in range(count):
            words = [
                rng.choice(STOP) if rng.random() < 0.25 else next(picks)
                for _ in range(rng.randint(8, 24))
            ]
            sentence = " ".join(words)
            paragraph.append(sentence[0].upper() + sentence[1:] + ".")
            if len(paragraph) == 8 or i == count - 1:
                lines.append(" ".join(paragraph))
                paragraph = []
        (folder / f"doc-{doc_no // per_doc:05d}.txt").write_text("\n".join(lines), encoding="utf-8")


def make_queries(tokenized: Sequence[list[str]], n: int, seed: int = 11) -> list[list[str]]:
    rng = random.Random(seed)
    queries: list[list[str]] = []
    while len(queries) < n:
        doc = tokenized[rng.randrange(len(tokenized))]
        if len(doc) >= 5:
            queries.append(rng.sample(doc, 5))
    return queries


def make_questions(chunks: Sequence[Any], n: int, seed: int = 13) -> list[str]:
    """Questions as people type them: a question word and five words of a sentence."""
    rng = random.Random(seed)
    questions: list[str] = []
    while len(questions) < n:
        words = chunks[rng.randrange(len(chunks))].text.rstrip(".").split()
        if len(words) >= 6:
            questions.append("Apa " + " ".join(rng.sample(words, 5)) + "?")
    return questions


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.asarray(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def worker(system: str, folder: Path, cache: Path, n_queries: int) -> dict[str, Any]:
    """Measure one system in this process; returns its figures."""
    from bot.reading import text
    from bot.search.answer import Answerer
    from bot.search.corpus import load_corpus
    from bot.search.index import Bm25Params
    from bot.search.snapshot import load_snapshot

    params = Bm25Params()
    result: dict[str, Any] = {"system": system}
    if system.startswith("project"):
        started = time.perf_counter()
        kb = load_snapshot(folder, params, cache_dir=cache)
        result["build_s"] = time.perf_counter() - started
        result["from_cache"] = kb.from_cache
        tokenized = [text.terms(c.text) for c in kb.sentences[: min(len(kb.sentences), 5000)]]
        queries = make_queries(tokenized, n_queries)
        times = []
        tops = []
        for query in queries:
            t0 = time.perf_counter()
            hits = kb.index.search(query, k=10)
            times.append(time.perf_counter() - t0)
            tops.append([h.score for h in hits])
        result["p50_ms"], result["p95_ms"] = _percentiles(times)
        result["top_scores"] = tops
        result["sentences"] = len(kb.sentences)
        answerer = Answerer(kb)
        questions = make_questions(kb.sentences, n_queries)
        answerer.ask(questions[0])  # the first question loads the models and word tables
        asked = []
        for question in questions:
            t0 = time.perf_counter()
            answerer.ask(question)
            asked.append(time.perf_counter() - t0)
        result["answer_p50_ms"], result["answer_p95_ms"] = _percentiles(asked)
    else:
        corpus = load_corpus(folder)
        memo: dict[str, tuple[str, tuple[str, ...]]] = {}
        tokenized = [text.terms(c.text, None, memo) for c in corpus.sentences]
        queries = make_queries(tokenized[: min(len(tokenized), 5000)], n_queries)
        if system == "rank-bm25":
            started = time.perf_counter()
            model = params.reference(tokenized)
            result["build_s"] = time.perf_counter() - started
            budget = max(20, min(n_queries, int(2_000_000 / max(len(tokenized), 1))))
            times, tops = [], []
            for query in queries[:budget]:
                t0 = time.perf_counter()
                scores = model.get_scores(query)
                top = np.argpartition(-scores, 9)[:10]
                times.append(time.perf_counter() - t0)
                tops.append(sorted((float(scores[i]) for i in top), reverse=True))
            result["queries_timed"] = len(times)
        else:
            import bm25s

            started = time.perf_counter()
            retriever = bm25s.BM25(k1=params.k1, b=params.b, method="robertson")
            retriever.index(tokenized, show_progress=False)
            result["build_s"] = time.perf_counter() - started
            times, tops = [], []
            for query in queries:
                t0 = time.perf_counter()
                scores = retriever.get_scores(query)
                top = np.argpartition(-scores, 9)[:10]
                times.append(time.perf_counter() - t0)
                tops.append(sorted((float(scores[i]) for i in top), reverse=True))
            answers = [
                text.terms(q) for q in make_questions(corpus.sentences, n_queries)
            ]  # the question's terms, as the project reads them (not timed)
            asked = []
            for terms in answers:
                t0 = time.perf_counter()
                _bm25s_top3(retriever, terms)
                asked.append(time.perf_counter() - t0)
            result["answer_p50_ms"], result["answer_p95_ms"] = _percentiles(asked)
        result["p50_ms"], result["p95_ms"] = _percentiles(times)
        result["top_scores"] = tops
        result["sentences"] = len(tokenized)
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _bm25s_top3(retriever: Any, terms: list[str]) -> list[int]:
    """bm25s as a bare retriever: token ids, `get_scores`, the 3 best sentences."""
    ids = retriever.get_tokens_ids(terms)
    if not ids:
        return []
    scores = retriever.get_scores(ids)
    best = np.argpartition(-scores, 2)[:3]
    return [int(i) for i in best[np.argsort(-scores[best])]]


def _agreement(ours: list[list[float]], reference: list[list[float]]) -> float:
    """Share of queries whose top-10 scores equal the reference's (within 1e-4, float32-safe)."""
    same = 0
    for a, b in zip(ours, reference, strict=False):
        wanted = [x for x in b if x > 0]  # rank-bm25 lists non-matching sentences too
        if len(a) >= len(wanted) and np.allclose(a[: len(wanted)], wanted, atol=1e-4):
            same += 1
    return same / max(1, min(len(ours), len(reference)))


def _spawn(system: str, folder: Path, cache: Path, n_queries: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.measure.bench",
            system,
            str(folder),
            str(cache),
            str(n_queries),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        return {"system": system, "error": proc.stderr.strip().splitlines()[-1:]}
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def run_bench(sizes: Sequence[str], n_queries: int, startup_runs: int = 10) -> int:
    from tqdm import tqdm

    if startup_runs < 0:
        print(f"error: --startup-runs {startup_runs}: give 0 or more", file=sys.stderr)
        return 2
    steps = sum(1 + len(SYSTEMS) for _ in sizes) + 2 * startup_runs
    index_rows: list[str] = []
    answer_rows: list[str] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        tqdm(total=steps, file=sys.stderr, disable=None, leave=False) as bar,
    ):
        for size in sizes:
            bar.set_description(f"{size}: writing the corpus")
            if size == "article":
                folder = ROOT / "corpus"
            else:
                folder = Path(tmp) / f"corpus-{size}"
                generate_corpus(folder, int(size))
            bar.update()
            cache = Path(tmp) / f"cache-{size}"
            results = {}
            for system in SYSTEMS:
                bar.set_description(f"{size}: {system}")
                results[system] = _spawn(system, folder, cache, n_queries)
                bar.update()
            index_rows.extend(_index_rows(size, results))
            answer_rows.append(_answer_row(size, results))
        bar.set_description("start-up")
        startup = _startup_rows(startup_runs, Path(tmp), bar.update) if startup_runs else []
    _table(
        INDEX_HEADER,
        index_rows,
        "build: project = read + split + tokenize + index (from cache: read and hash the files,"
        " load); rank-bm25 and bm25s = index from the same tokens. p50/p95: one 5-term query,"
        " top 10. bm25s scores with its own idf (no floor for common words) in float32, so its"
        " top 10 is not expected to equal rank-bm25's.",
    )
    _table(
        ANSWER_HEADER,
        answer_rows,
        "the same typed questions (a question word + 5 words of a sentence): the project's"
        " whole ask() from the warm cache (reading, search, ranking, found, answer span,"
        " quotes) beside bm25s given the question's terms (token ids, get_scores, top 3).",
    )
    if startup:
        _table(STARTUP_HEADER, startup)
    else:
        print("one question in a fresh process: not timed (--startup-runs 0)")
    return 0


def _table(header: str, rows: Sequence[str], note: str = "") -> None:
    print(header)
    print("-" * len(header))
    print("\n".join(rows))
    if note:
        print(f"\n{note}\n")


INDEX_HEADER = (
    f"{'corpus':>10} {'system':>14} {'build s':>8} {'peak MB':>8} {'p50 ms':>9} "
    f"{'p95 ms':>9} {'p50 vs rank-bm25':>17} {'top-10 = rank-bm25':>19}"
)
ANSWER_HEADER = (
    f"{'corpus':>10} {'ask() p50 ms':>13} {'p95 ms':>8} {'bm25s top-3 p50 ms':>19} "
    f"{'p95 ms':>8} {'ask / bm25s (p50)':>18}"
)
STARTUP_HEADER = f"{'one question in a fresh process':>44} {'wall s (median)':>16} {'ratio':>6}"


def _index_rows(size: str, results: dict[str, dict[str, Any]]) -> list[str]:
    reference = results["rank-bm25"]
    rows = []
    for system in SYSTEMS:
        r = results[system]
        if "error" in r:
            rows.append(f"{size:>10} {system:>14}   failed: {r['error']}")
            continue
        speedup = reference.get("p50_ms", 0) / r["p50_ms"] if r["p50_ms"] else 0
        agree = _agreement(r["top_scores"], reference.get("top_scores", []))
        rows.append(
            f"{size:>10} {system:>14} {r['build_s']:8.2f} {r['peak_rss_mb']:8.0f} "
            f"{r['p50_ms']:9.3f} {r['p95_ms']:9.3f} {speedup:16.0f}x {agree:18.0%}"
        )
    return rows


def _answer_row(size: str, results: dict[str, dict[str, Any]]) -> str:
    ours, theirs = results["project-cache"], results["bm25s"]
    if "answer_p50_ms" not in ours or "answer_p50_ms" not in theirs:
        return f"{size:>10}   failed: {ours.get('error') or theirs.get('error')}"
    ratio = ours["answer_p50_ms"] / theirs["answer_p50_ms"]
    return (
        f"{size:>10} {ours['answer_p50_ms']:13.3f} {ours['answer_p95_ms']:8.3f} "
        f"{theirs['answer_p50_ms']:19.3f} {theirs['answer_p95_ms']:8.3f} {ratio:17.1f}x"
    )


def _startup_rows(runs: int, tmp: Path, step: Callable[[], object]) -> list[str]:
    """`python -m bot ask` on the article against the bare interpreter with rank-bm25, in turn:
    with the stems kept from the run before (as on a machine that has asked before), and with
    an empty cache folder each time (a first start)."""
    question = "Kapan satgas AI diumumkan?"
    env = _startup_env()
    ask = [sys.executable, "-m", "bot", "ask", question]
    bare = [sys.executable, "-c", "import rank_bm25"]
    kept = {**env, "CACHE_DIR": str(tmp / "startup-cache")}
    subprocess.run(ask, env=kept, cwd=tmp, capture_output=True, check=True)  # keeps the stems
    times: dict[str, list[float]] = {"ask": [], "first": [], "bare": []}
    for run in range(runs):
        times["bare"].append(_wall(bare, env, tmp))
        times["ask"].append(_wall(ask, kept, tmp))
        step()
        first = {**env, "CACHE_DIR": str(tmp / f"first-{run}")}
        times["first"].append(_wall(ask, first, tmp))
        step()
    bare_s = float(np.median(times["bare"]))
    rows = []
    for label, key in (
        ("python -c 'import rank_bm25'", "bare"),
        ("python -m bot ask (stems kept)", "ask"),
        ("python -m bot ask (first start)", "first"),
    ):
        median = float(np.median(times[key]))
        rows.append(f"{label:>44} {median:16.3f} {median / bare_s:5.2f}x")
    return rows


def _startup_env() -> dict[str, str]:
    """The start-up runs' environment: the caller's without the bot's settings, on the bundled
    article (they run in the bench's own folder, so no `.env` of the caller's is read either)."""
    from bot.corpus_settings import RULES

    env = {
        name: value
        for name, value in os.environ.items()
        if name.lower() not in RULES and not name.startswith("TELEGRAM")
    }
    return {**env, "PYTHONPATH": str(ROOT), "CORPUS_DIR": str(ROOT / "corpus")}


def _wall(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    name, folder_arg, cache_arg, queries_arg = sys.argv[1:5]
    print(json.dumps(worker(name, Path(folder_arg), Path(cache_arg), int(queries_arg))))
