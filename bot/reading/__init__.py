"""Understanding a message: what a user typed, read once into a `Reading`.

Normalising and tokenising Indonesian (and some English), the word lists as data files naming
their sources, the kind of answer a question asks for, chit-chat, and the cues a follow-up
leaves. Plain synchronous code with no I/O beyond reading its own data files.

Must not import: `bot.search` (documents, the index, BM25), `bot.telegram`, storage, settings.
"""
