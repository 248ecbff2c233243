"""The Telegram adapter: the PTB `Application`, handlers, admin commands, sending, the inbox.

A handler reads the update, hands the message to the core (`bot.reading`, `bot.search` through
`bot.live`), renders with `bot.render`, sends and queues a log row in `bot.storage`.

Must not import: the insides of `bot.search` beyond `Answer`, `Passage` and the conversation
API (how retrieval works is not its business), `bot.measure`.
"""

import os

# Opt in to PTB's future `RetryAfter.retry_after` type (timedelta) instead of a deprecation warning
os.environ.setdefault("PTB_TIMEDELTA", "1")
