"""The Telegram adapter: building the PTB `Application`, handlers, admin commands."""

import os

# Opt in to PTB's future `RetryAfter.retry_after` type (timedelta) instead of a deprecation warning
os.environ.setdefault("PTB_TIMEDELTA", "1")
