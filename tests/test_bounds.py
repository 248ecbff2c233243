"""Memory held by the Telegram layer is bounded, whatever the traffic."""

from __future__ import annotations

from bot.telegram.flood import FloodGate, Verdict
from bot.telegram.state import RecentAnswers, SentAnswer


def test_recent_answers_stay_bounded_when_answers_are_recovered_after_a_restart() -> None:
    answers = RecentAnswers(size=100)
    for n in range(1000):
        answers.put(f"{n:010x}", SentAnswer("apa?", (), "id"))  # the recovery path
    assert len(answers) == 100
    assert answers.get(f"{999:010x}") is not None and answers.get(f"{0:010x}") is None


def test_flood_gate_remembers_a_bounded_number_of_users_even_when_all_are_active() -> None:
    gate = FloodGate(limit=5, window=60.0, max_keys=1000)
    for user in range(10_000):
        assert gate.check(user, now=1.0) is Verdict.OK  # all within the same minute
    assert len(gate._events) <= 1000
