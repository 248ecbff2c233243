"""Scoring a question file, side by side with a naive baseline (rank-bm25 on whitespace tokens).

A question file looks like `shared/eval/dev_questions.json`: `answerable` items with `q` and a
list of `answer` phrases, `unanswerable` items with `q`. An answerable question passes at top-k
when one of the first k passages contains an answer phrase (case-insensitive).

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
from bot.search.answer import Answer, Answerer
from bot.search.corpus import Corpus
from bot.search.snapshot import Snapshot

# A system under test: question -> (found, passage texts best first)
System = Callable[[str], tuple[bool, list[str]]]


@dataclass
class Score:
    """The figures of one system on one question file."""

    name: str
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    false_refusals: int = 0
    off_topic: int = 0
    refused: int = 0
    misses: list[str] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> [questions, top-1]

    def rows(self) -> dict[str, str]:
        out = {
            "top-1": f"{self.top1}/{self.answerable}",
            "top-3": f"{self.top3}/{self.answerable}",
            "off-topic refused": f"{self.refused}/{self.off_topic}",
            "false refusals": f"{self.false_refusals}/{self.answerable}",
        }
        for kind, (n, right) in sorted(self.kinds.items()):
            out[f"top-1 {kind}"] = f"{right}/{n}"
        return out


def load_questions(path: Path) -> tuple[list[tuple[str, list[str]]], list[str]]:
    answerable, unanswerable, _ = load_question_kinds(path)
    return answerable, unanswerable


def load_question_kinds(
    path: Path,
) -> tuple[list[tuple[str, list[str]]], list[str], list[str]]:
    """Answerable (question, answer phrases), off-topic questions, and the answerable ones'
    kinds ("casual", "english", ...; "" where the file names none)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data.get("answerable", [])
    answerable = [(item["q"], list(item["answer"])) for item in items]
    unanswerable = [item["q"] for item in data.get("unanswerable", [])]
    return answerable, unanswerable, [str(item.get("kind", "")) for item in items]


def chat_figures(path: Path) -> Callable[[Answerer], str] | None:
    """For a chit-chat file (`messages` with `q` and `kind`): a function that reports how many
    messages get a chat reply, and how many a quote; None for a question file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "messages" not in data:
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


def trade_off(
    answerer: Answerer, answerable: Sequence[tuple[str, list[str]]], unanswerable: Sequence[str]
) -> str:
    """Right at top-1 and off-topic refused at each found threshold (the chosen one marked)."""
    right, refused_at = [], []
    for question, phrases in answerable:
        answer = answerer.ask(question)
        texts = [p.text.lower() for p in answer.passages] or [
            p.text.lower() for p in answerer.ask_anyway(question)
        ]
        hit = bool(texts) and any(w.lower() in texts[0] for w in phrases)
        right.append((answer.confidence if answer.chat is None else -1.0, hit))
    for question in unanswerable:
        answer = answerer.ask(question)
        refused_at.append(answer.confidence if answer.chat is None else -1.0)
    chosen = answerer.fitted.found.threshold
    lines = ["threshold   answerable right at top-1   off-topic refused"]
    for t in sorted({*(round(0.05 * i, 2) for i in range(1, 20)), chosen}):
        ok = sum(hit and c >= t for c, hit in right)
        ref = sum(c < t for c in refused_at)
        mark = "  <- chosen" if t == chosen else ""
        lines.append(f"{t:>9.2f}   {ok:>13}/{len(right):<12} {ref:>9}/{len(refused_at)}{mark}")
    return "\n".join(lines)


def score(
    name: str,
    system: System,
    answerable: Sequence[tuple[str, list[str]]],
    unanswerable: Sequence[str],
    kinds: Sequence[str] = (),
) -> Score:
    result = Score(name, answerable=len(answerable), off_topic=len(unanswerable))
    for n, (question, phrases) in enumerate(answerable):
        found, texts = system(question)
        wanted = [p.lower() for p in phrases]
        hits = [any(w in t.lower() for w in wanted) for t in texts[:3]]
        if not found:
            result.false_refusals += 1
        kind = kinds[n] if n < len(kinds) else ""
        if kind:
            result.kinds.setdefault(kind, [0, 0])[0] += 1
        if found and hits and hits[0]:
            result.top1 += 1
            if kind:
                result.kinds[kind][1] += 1
        else:
            result.misses.append(question)
        if found and any(hits):
            result.top3 += 1
    for question in unanswerable:
        found, _ = system(question)
        result.refused += not found
    return result


def project_system(answerer: Answerer) -> System:
    def ask(question: str) -> tuple[bool, list[str]]:
        answer = answerer.ask(question)
        return answer.found, [p.text for p in answer.passages]

    return ask


_NAIVE_SPLIT = re.compile(r"(?<=[.!?])\s+")


def careful_system(corpus: Corpus, k: int = 3) -> System:
    """rank-bm25 (k1 0.9, b 0.4) over the project's sentences with Sastrawi stems and
    stopwords; never refuses."""
    sentences = [c.text for c in corpus.sentences]
    model = BM25Okapi([text.terms(s) for s in sentences], k1=0.9, b=0.4)

    def ask(question: str) -> tuple[bool, list[str]]:
        scores = model.get_scores(text.terms(question))
        order = sorted(range(len(sentences)), key=lambda i: -scores[i])[:k]
        return True, [sentences[i] for i in order]

    return ask


def naive_system(corpus: Corpus, k: int = 3) -> System:
    """rank-bm25 with default parameters, whitespace tokens, regex sentence split, no refusals."""
    sentences = [
        s
        for doc in corpus.documents
        for paragraph in doc.paragraphs
        for s in _NAIVE_SPLIT.split(paragraph)
        if s.strip()
    ]
    model = BM25Okapi([s.lower().split() for s in sentences])

    def ask(question: str) -> tuple[bool, list[str]]:
        scores = model.get_scores(question.lower().split())
        order = sorted(range(len(sentences)), key=lambda i: -scores[i])[:k]
        return True, [sentences[i] for i in order]

    return ask


class Figures(Protocol):
    """A system's name and its figures by row label."""

    name: str

    def rows(self) -> dict[str, str]: ...


def table(scores: Sequence[Figures]) -> str:
    """The figures side by side, one column per system."""
    keys = list(scores[0].rows())
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
class SetScore:
    """One system's figures on one question set (or on several, added up)."""

    name: str
    counts: dict[str, list[float]] = field(default_factory=dict)  # row -> [right, out of]

    def add(self, row: str, right: float, out_of: float = 1.0) -> None:
        cell = self.counts.setdefault(row, [0.0, 0.0])
        cell[0] += right
        cell[1] += out_of

    def merge(self, other: SetScore) -> None:
        for row, (right, out_of) in other.counts.items():
            self.add(row, right, out_of)

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
    "near-topic refused",
    "off-topic refused",
    "chit-chat not quoted",
    "quote / sentence length",
    "answer exact",
    "answer F1",
)
_AVERAGED = frozenset({"quote / sentence length", "answer exact", "answer F1"})


def score_set(
    name: str, answer: Callable[[str], Answer], items: Sequence[Any], messages: Sequence[str]
) -> SetScore:
    """A system (the project's `Answerer.ask`, or a baseline speaking its way) on a set:
    `items` are `bot.measure.labelled.Item`s, `messages` chit-chat."""
    result = SetScore(name)
    for item in items:
        said = answer(item.question)
        texts = [p.text.lower() for p in said.passages] if said.found else []
        if not item.answerable:
            row = "near-topic refused" if item.kind == "near-topic" else "off-topic refused"
            result.add(row, float(not said.found))
            continue
        wanted = [p.lower() for p in item.phrases]
        hits = [any(w in t for w in wanted) for t in texts[:3]]
        top1 = bool(hits) and hits[0]
        result.add("top-1", float(top1))
        result.add("top-3", float(any(hits)))
        result.add("false refusals", float(not said.found))
        if item.kind:
            result.add(f"top-1 {item.kind}", float(top1))
        if said.found and said.passages:
            first = said.passages[0]
            result.add("quote / sentence length", len(first.text) / max(len(first.sentence), 1))
        if item.span:
            guess = said.answer or ""
            result.add("answer exact", float(bool(guess) and overlap(guess, item.span) == 1.0))
            result.add("answer F1", overlap(guess, item.span) if guess else 0.0)
    for message in messages:
        result.add("chit-chat not quoted", float(not answer(message).found))
    return result


def careful_answers(corpus: Corpus, k: int = 3) -> Callable[[str], Answer]:
    """Careful rank-bm25 (see `careful_system`) speaking as an `Answer` that never refuses and
    quotes single sentences."""
    return _as_answers(careful_system(corpus, k))


def naive_answers(corpus: Corpus, k: int = 3) -> Callable[[str], Answer]:
    return _as_answers(naive_system(corpus, k))


def _as_answers(system: System) -> Callable[[str], Answer]:
    from bot.search.answer import Passage

    def answer(question: str) -> Answer:
        found, texts = system(question)
        passages = tuple(Passage(t, t, "", "", "", 0, 0.0, (), -1) for t in texts)
        return Answer(question, found, passages)

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
