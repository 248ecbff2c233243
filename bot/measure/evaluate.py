"""Scoring question sets, side by side with careful and naive rank-bm25 on the same sentences.

A question file looks like `shared/eval/dev_questions.json`: `answerable` items with `q` and a
list of `answer` phrases, `unanswerable` items with `q`, optional chit-chat `messages`
(`bot.measure.labelled` reads them). An answerable question passes at top-k when one of the
first k passages contains an answer phrase (case-insensitive) and, when the set names the
documents it is about, comes from one of them. Beside the figures, `Reliability` sets the
confidence of every question weighed beside whether its first quote answers: the expected
calibration error and a reliability table.

A follow-up file (`tests/data/followups.json`) holds pairs of messages; its figures compare the
second message read in the conversation with the same message read alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rank_bm25 import BM25Okapi

from bot.reading import text
from bot.search.answer import Answer, Answerer, Passage
from bot.search.corpus import Corpus
from bot.search.snapshot import Snapshot

# A system under test: question -> (found, passage texts best first)
System = Callable[[str], tuple[bool, list[str]]]


def chat_figures(path: Path) -> Callable[[Answerer], str] | None:
    """For a chit-chat file (`messages` with `q` and `kind`, and no questions): a function that
    reports how many messages get a chat reply, and how many a quote; None for a question
    file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "messages" not in data or "answerable" in data:
        return None
    messages = [(str(m["q"]), str(m.get("kind", ""))) for m in data["messages"]]

    def report(answerer: Answerer) -> str:
        answers = [(answerer.ask(q), kind) for q, kind in messages]
        chat = sum(a.chat is not None for a, _ in answers)
        quoted = [q for (a, _), (q, _) in zip(answers, messages, strict=True) if a.found]
        lines = [
            f"{path}: {len(messages)} chit-chat messages",
            f"answered as chit-chat: {chat}/{len(messages)}",
            f"quoted from the corpus: {len(quoted)}/{len(messages)}",
        ]
        return "\n".join(lines + [f"  quoted: {q}" for q in quoted])

    return report


_NAIVE_SPLIT = re.compile(r"(?<=[.!?])\s+")

# A baseline's ranking: question -> (sentence text, its document) best first
Ranking = Callable[[str], list[tuple[str, str]]]


def careful_ranking(corpus: Corpus, k: int = 3) -> Ranking:
    """rank-bm25 (k1 0.9, b 0.4) over the project's sentences with Sastrawi stems and
    stopwords."""
    sentences = [(c.text, c.doc) for c in corpus.sentences]
    model = BM25Okapi([text.terms(s) for s, _ in sentences], k1=0.9, b=0.4)

    def rank(question: str) -> list[tuple[str, str]]:
        scores = model.get_scores(text.terms(question))
        return [sentences[i] for i in sorted(range(len(sentences)), key=lambda i: -scores[i])[:k]]

    return rank


def naive_ranking(corpus: Corpus, k: int = 3) -> Ranking:
    """rank-bm25 with default parameters, whitespace tokens, regex sentence split."""
    sentences = [
        (s, doc.name)
        for doc in corpus.documents
        for paragraph in doc.paragraphs
        for s in _NAIVE_SPLIT.split(paragraph)
        if s.strip()
    ]
    model = BM25Okapi([s.lower().split() for s, _ in sentences])

    def rank(question: str) -> list[tuple[str, str]]:
        scores = model.get_scores(question.lower().split())
        return [sentences[i] for i in sorted(range(len(sentences)), key=lambda i: -scores[i])[:k]]

    return rank


class Figures(Protocol):
    """A system's name and its figures by row label."""

    name: str

    def rows(self) -> dict[str, str]: ...


def table(scores: Sequence[Figures], keys: Sequence[str] = ()) -> str:
    """The figures side by side, one column per system (only the rows `keys` when given)."""
    keys = list(keys or scores[0].rows())
    width = max(len(k) for k in keys) + 2
    cols = [max(len(s.name), *(len(v) for v in s.rows().values())) + 2 for s in scores]
    lines = [" " * width + "".join(s.name.rjust(c) for s, c in zip(scores, cols, strict=True))]
    for key in keys:
        cells = "".join(s.rows()[key].rjust(c) for s, c in zip(scores, cols, strict=True))
        lines.append(key.ljust(width) + cells)
    return "\n".join(lines)


# --------------------------------------------------------------------------- follow-ups


@dataclass(frozen=True)
class Pair:
    """Two messages in a row; `kind` says what the second is (followup | new | chat | offtopic)."""

    first: str
    second: str
    answer: tuple[str, ...]
    kind: str


def load_pairs(path: Path) -> list[Pair]:
    """A follow-up file shaped like `tests/data/followups.json` (an object with `pairs`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Pair(p["first"], p["second"], tuple(p.get("answer", ())), p["kind"]) for p in data["pairs"]
    ]


def is_pair_file(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "pairs" in data


@dataclass
class FollowUpScore:
    """How one way of reading the second message does on a follow-up file."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    right: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    misses: list[str] = field(default_factory=list)

    def rows(self) -> dict[str, str]:
        def share(kind: str, value: int) -> str:
            return f"{value}/{self.counts.get(kind, 0)}"

        return {
            "follow-ups answered right (top-1)": share("followup", self.right.get("followup", 0)),
            "new questions unchanged": share("new", self.unchanged),
            "new questions answered right (top-1)": share("new", self.right.get("new", 0)),
            "small talk not taken as a follow-up": share("chat", self.right.get("chat", 0)),
            "off-topic refused": share("offtopic", self.right.get("offtopic", 0)),
        }


def score_followups(
    name: str, answerer: Answerer, kb: Snapshot, pairs: Sequence[Pair], conversation: bool
) -> FollowUpScore:
    """Ask each pair's first message, then its second: in one conversation, or each alone."""
    from bot.reading.message import read
    from bot.search.conversation import answer_in_context

    result = FollowUpScore(name)
    for pair in pairs:
        result.counts[pair.kind] = result.counts.get(pair.kind, 0) + 1
        second = read(pair.second)
        alone = answerer.ask(second)
        if conversation:
            earlier = answer_in_context(answerer, read(pair.first), None).topic
            reply = answer_in_context(answerer, second, earlier)
            answer, followed = reply.answer, reply.followed is not None
        else:
            answer, followed = alone, False
        if pair.kind in {"followup", "new"}:
            ok = _top1(answer, pair.answer)
        elif pair.kind == "chat":
            ok = not followed
        else:
            ok = not answer.found
        result.right[pair.kind] = result.right.get(pair.kind, 0) + ok
        if pair.kind == "new" and _same(answer, alone):
            result.unchanged += 1
        if not ok:
            result.misses.append(f"[{pair.kind}] {pair.first} -> {pair.second}")
    return result


def _top1(answer: Answer, phrases: Sequence[str]) -> bool:
    if not answer.found or not answer.passages:
        return False
    first = answer.passages[0].text.lower()
    return any(p.lower() in first for p in phrases)


def _same(a: Answer, b: Answer) -> bool:
    return a.found == b.found and [p.text for p in a.passages] == [p.text for p in b.passages]


# --------------------------------------------------------------------------- question sets


@dataclass
class Reliability:
    """How well `confidence` says the probability that the first quote answers: (confidence,
    right) of every question the search weighed, refused or not; unanswerable ones are never
    right."""

    seen: list[tuple[float, bool, bool]] = field(default_factory=list)  # (conf, answerable, right)
    # questions refused with nothing to weigh (no word the corpus has): (answerable, ...)
    unweighed: list[bool] = field(default_factory=list)

    def add(self, confidence: float, answerable: bool, right: bool) -> None:
        self.seen.append((confidence, answerable, right))

    def merge(self, other: Reliability) -> None:
        self.seen.extend(other.seen)
        self.unweighed.extend(other.unweighed)

    def bins(self, n: int = 10) -> list[tuple[float, float, int, int]]:
        """(low, high, questions, right) per bin of confidence."""
        out = []
        for b in range(n):
            low, high = b / n, (b + 1) / n
            inside = [r for c, _, r in self.seen if low <= c < high or (b == n - 1 and c == 1.0)]
            out.append((low, high, len(inside), sum(inside)))
        return out

    def error(self) -> float:
        """Expected calibration error: the bins' gaps between confidence and share right,
        weighed by how many questions each holds."""
        if not self.seen:
            return 0.0
        total = 0.0
        for low, high, n, right in self.bins():
            if n:
                mean = sum(c for c, _, _ in self.seen if low <= c < high or c == high == 1.0) / n
                total += n * abs(mean - right / n)
        return total / len(self.seen)

    def above(self, floor: float) -> tuple[int, int]:
        """(right, questions) among those with at least this confidence."""
        inside = [r for c, _, r in self.seen if c >= floor]
        return sum(inside), len(inside)

    def report(self) -> str:
        lines = [
            f"confidence against the share of first quotes that answer ({len(self.seen)} "
            f"questions weighed): expected calibration error {self.error():.3f}",
            "  confidence   questions   right   share right",
        ]
        for low, high, n, right in self.bins():
            share = f"{right / n:.2f}" if n else "—"
            lines.append(f"  {low:.1f}–{high:.1f}    {n:>9}   {right:>5}   {share:>11}")
        right, n = self.above(0.9)
        lines.append(f"  at 0.9 or more: {right}/{n} right" + (f" ({right / n:.2f})" if n else ""))
        return "\n".join(lines)

    def trade_off(self, chosen: float) -> str:
        """Answerable questions answered right and unanswerable ones refused at each threshold
        (the chosen one marked)."""
        answerable = [(c, r) for c, a, r in self.seen if a] + [
            (-1.0, False) for a in self.unweighed if a
        ]
        unanswerable = [c for c, a, _ in self.seen if not a] + [
            -1.0 for a in self.unweighed if not a
        ]
        lines = ["threshold   answerable right (kept)   unanswerable refused"]
        for t in sorted({*(round(0.05 * i, 2) for i in range(1, 20)), round(chosen, 2)}):
            right = sum(r and c >= t for c, r in answerable)
            kept = sum(c >= t for c, _ in answerable)
            refused = sum(c < t for c in unanswerable)
            mark = "  <- chosen" if abs(t - chosen) < 1e-9 else ""
            lines.append(
                f"{t:>9.2f}   {right:>7}/{len(answerable):<4} ({kept:>4})   "
                f"{refused:>10}/{len(unanswerable)}{mark}"
            )
        return "\n".join(lines)


@dataclass
class SetScore:
    """One system's figures on one question set (or on several, added up)."""

    name: str
    counts: dict[str, list[float]] = field(default_factory=dict)  # row -> [right, out of]
    reliability: Reliability = field(default_factory=Reliability)
    misses: list[str] = field(default_factory=list)  # answerable questions not right at top-1

    def add(self, row: str, right: float, out_of: float = 1.0) -> None:
        cell = self.counts.setdefault(row, [0.0, 0.0])
        cell[0] += right
        cell[1] += out_of

    def merge(self, other: SetScore) -> None:
        for row, (right, out_of) in other.counts.items():
            self.add(row, right, out_of)
        self.reliability.merge(other.reliability)
        self.misses.extend(other.misses)

    def share(self, row: str) -> float:
        right, out_of = self.counts.get(row, [0.0, 0.0])
        return right / out_of if out_of else 0.0

    def rows(self) -> dict[str, str]:
        out = {}
        for row in SET_ROWS:
            if row not in self.counts:
                out[row] = "—"
                continue
            right, out_of = self.counts[row]
            if row in _AVERAGED:
                out[row] = f"{right / out_of:.2f}" if out_of else "—"
            else:
                out[row] = f"{right:g}/{out_of:g}"
        for row in sorted(k for k in self.counts if k.startswith("top-1 ")):
            right, out_of = self.counts[row]
            out[row] = f"{right:g}/{out_of:g}"
        return out


SET_ROWS = (
    "top-1",
    "top-3",
    "false refusals",
    "wrong-article first quotes",
    "near-topic refused",
    "off-topic refused",
    "chit-chat not quoted",
    "quote / sentence length",
    "answer exact",
    "answer F1",
)
_AVERAGED = frozenset({"quote / sentence length", "answer exact", "answer F1"})


def score_set(
    name: str,
    answer: Callable[[str], Answer],
    items: Sequence[Any],
    messages: Sequence[str] = (),
    anyway: Callable[[str], Sequence[Passage]] | None = None,
) -> SetScore:
    """A system (the project's `Answerer.ask`, or a baseline speaking its way) on a set:
    `items` are `bot.measure.labelled.Item`s, `messages` chit-chat. With `anyway` (the passages
    the project would quote whatever its found decision), the confidence of every question
    weighed is set beside whether its first quote answers (`SetScore.reliability`)."""
    result = SetScore(name)
    for item in items:
        said = answer(item.question)
        passages = said.passages if said.found else ()
        first = passages[0] if passages else None
        if anyway is not None and said.chat is None and said.reason == "weak_match":
            would = anyway(item.question)
            right_anyway = bool(would) and item.answered_by(would[0].text, would[0].doc)
            result.reliability.add(said.confidence, item.answerable, right_anyway)
        elif anyway is not None and said.found:
            right_first = first is not None and item.answered_by(first.text, first.doc)
            result.reliability.add(said.confidence, item.answerable, right_first)
        elif anyway is not None and said.chat is None:
            result.reliability.unweighed.append(item.answerable)
        if not item.answerable:
            row = "near-topic refused" if item.kind == "near-topic" else "off-topic refused"
            result.add(row, float(not said.found))
            continue
        hits = [item.answered_by(p.text, p.doc) for p in passages[:3]]
        top1 = bool(hits) and hits[0]
        result.add("top-1", float(top1))
        result.add("top-3", float(any(hits)))
        result.add("false refusals", float(not said.found))
        if item.docs:
            result.add(
                "wrong-article first quotes",
                float(first is not None and first.doc not in item.docs),
            )
        if item.kind:
            result.add(f"top-1 {item.kind}", float(top1))
        if not top1:
            result.misses.append(item.question)
        if first is not None:
            result.add("quote / sentence length", len(first.text) / max(len(first.sentence), 1))
        if item.span:
            guess = said.answer or ""
            result.add("answer exact", float(bool(guess) and overlap(guess, item.span) == 1.0))
            result.add("answer F1", overlap(guess, item.span) if guess else 0.0)
    for message in messages:
        result.add("chit-chat not quoted", float(not answer(message).found))
    return result


def careful_answers(corpus: Corpus, k: int = 3) -> Callable[[str], Answer]:
    """Careful rank-bm25 (see `careful_ranking`) speaking as an `Answer` that never refuses and
    quotes single sentences."""
    return _as_answers(careful_ranking(corpus, k))


def naive_answers(corpus: Corpus, k: int = 3) -> Callable[[str], Answer]:
    return _as_answers(naive_ranking(corpus, k))


def _as_answers(rank: Ranking) -> Callable[[str], Answer]:
    def answer(question: str) -> Answer:
        passages = tuple(Passage(t, t, doc, "", "", 0, 0.0, (), -1) for t, doc in rank(question))
        return Answer(question, True, passages)

    return answer


# --------------------------------------------------------------------------- answer spans

_PUNCT = re.compile(r"[^\w\s]")


def normalise(answer: str) -> list[str]:
    """An answer's words for comparing: lower case, no punctuation."""
    return _PUNCT.sub(" ", answer.lower()).split()


def overlap(guess: str, gold: str) -> float:
    """Word-overlap F1 of a guess with the gold answer (SQuAD's measure)."""
    a, b = normalise(guess), normalise(gold)
    if not a or not b:
        return float(a == b)
    common = sum(min(a.count(w), b.count(w)) for w in set(a))
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)
