"""Searching the corpus: from a `Reading` to an `Answer`.

Documents and their sentences, the BM25 index and its immutable snapshot (with its disk cache),
the candidate windows and their ranking, the found / not-found decision, the answer span, and
follow-up questions. Fitted models live in `models/` with their provenance. Plain synchronous
code with no I/O beyond reading the corpus, its cache and the model files.

Must not import: `bot.telegram`, `bot.storage`, `bot.messages` / `bot.render` (all wording),
`bot.config` (settings reach it as plain arguments), `bot.measure`.
"""
