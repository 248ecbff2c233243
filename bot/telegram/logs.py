"""Logging setup that never lets the bot token out: httpx's request lines are silenced, and every
record (message, arguments and traceback) is scrubbed of the token before any handler sees it.

A scrubbed record no longer carries its exception (its text could hold the token), only the
formatted traceback, and, for the admin alerts (bot/telegram/operations.py), the exception's
class and its one-line description, scrubbed: `error_of` reads them from either kind of record.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "[token]")
    return _TOKEN_RE.sub("[token]", text)


def protect_secret(secret: str | None) -> None:
    """Scrub `secret` (and anything shaped like a bot token) from every log record."""
    global _installed
    if secret:
        _secrets.add(secret)
    if _installed:
        return
    _installed = True
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging's own error path
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[0] is not None:
            record.logged_error = error_of(record)
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_text = record.exc_text.rstrip("\n")
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)


@dataclass(frozen=True)
class LoggedError:
    """The exception a record was logged with: its class (which holds no data) and "Class:
    text" on one line, scrubbed of the token."""

    kind: type[BaseException]
    line: str


def error_of(record: logging.LogRecord) -> LoggedError | None:
    """The exception `record` was logged with, if any, scrubbed or not yet."""
    kept = getattr(record, "logged_error", None)
    if isinstance(kept, LoggedError):
        return kept
    exc = record.exc_info[1] if record.exc_info else None
    if exc is None:
        return None
    line = " ".join(f"{type(exc).__name__}: {exc}".split())
    return LoggedError(type(exc), redact(line))


def setup_logging(level: str, token: str | None) -> None:
    protect_secret(token)
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and the URL holds the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
