"""Measuring the search: question files, FacQA, IDK-MRC, fitting the models, the speed bench.

Every figure beside its baseline in one run (careful and naive rank-bm25, bm25s). Used by
`python -m bot eval / calibrate / bench` and `benchmarks/`; the bot itself never imports it.

Must not import: `bot.telegram`, `bot.storage`.
"""
