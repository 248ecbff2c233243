"""Found or not found: does the corpus answer the question?

One rule for every corpus: a model (boosted trees on the logistic loss, `models/found.json`)
over features of the question and of its best windows that do not depend on the corpus's size
or vocabulary: shares of the question's weight the best window and its paragraph hold, how much
of the question is words the corpus lacks (weighed by how rare they are in general text),
whether the word it asks about is there, whether the best window holds the kind of answer asked
for and how sure the answer span is, the ranking model's score and its margin. It is fitted by
`python -m bot calibrate` on labelled questions (README "Quality" says which); the threshold and
the margin under which an answer is called tentative are fitted with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from bot.reading.kinds import EXPLAINED, NAMED
from bot.reading.lexicon import WORD_CLASSES
from bot.reading.message import Reading
from bot.search import trees
from bot.search.coverage import by_word, general_rarity, missing_weight, word_weight
from bot.search.query import Query
from bot.search.ranking import Candidate
from bot.search.snapshot import Snapshot
from bot.search.tuning import TENTATIVE_MARGIN
from bot.search.windows import FEATURES as WINDOW

# Features of the best window, as the ranking saw them
_FROM_WINDOW = (
    "coverage",
    "coverage_found",
    "coverage_core",
    "coverage_paragraph",
    "exact_share",
    "focus",
    "focus_paragraph",
    "names",
    "grams",
    "kind_near",
    "kind_anywhere",
    "kind_after",
    "new_names",
    "new_numbers",
    "unit",
    "lexical_core",
    "lexical_share",
)

FEATURES = (
    "score",  # the ranking model's probability for the best window
    "second",  # ... for the next window (that does not overlap it)
    "margin",  # the difference
    "span",  # how sure the answer span in the best window is (0 when none is looked for)
    *(f"top_{name}" for name in _FROM_WINDOW),
    "missing_share",  # share of the question's weight in real words the corpus lacks
    "unknown_share",  # ... in words the reader could not place (names, far typos)
    "missing_name",  # a capitalised word the corpus lacks ("Liga Inggris")
    "focus_missing",  # the word the question asks about is missing ("Berapa *gaji* ...")
    "missing_number",  # a number or year the corpus does not have ("... pada tahun 2023")
    "missing_bare",  # share of the question's words missing as bare roots (nouns, mostly)
    "rarest_missing",  # how rare in general text the rarest missing real word is (0..1)
    "negation_unmatched",  # the question says "tidak"/"not" and the best window does not
    "fuzzy_share",  # share of the found weight that came from typo matches
    "second_look",  # share of the found weight that came from synonyms, English, typos
    "words",  # log of the number of question words looked for
    "asks_named",  # it asks for a person, a place or another name
    "asks_count",  # ... a number or a time
    "asks_explained",  # ... a reason, a manner, a definition, whether
)

_NEGATION = WORD_CLASSES["negation"]
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_WINDOW_AT = [WINDOW.index(name) for name in _FROM_WINDOW]


def _negated(sentence: str) -> bool:
    return any(w in _NEGATION for w in _WORD.findall(sentence.casefold()))


def evidence(
    reading: Reading,
    query: Query,
    ranked: Sequence[Candidate],
    kb: Snapshot,
    span: float,
) -> np.ndarray:
    """The FEATURES the found decision is taken on (zeros when nothing was ranked)."""
    index = kb.index
    top_idf = index.max_idf or 1.0
    groups = by_word(query)
    found_weight = sum(word_weight(g, None, index) for g in groups)
    missing = sum(missing_weight(t, index) for t in query.missing)
    unknown = len(query.unknown) * top_idf
    total = found_weight + missing + unknown
    row = np.zeros(len(FEATURES), dtype=np.float64)
    if not ranked or total <= 0:
        return row
    top = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    alternative = sum(
        word_weight(g, None, index) for g in groups if g[0].how not in ("exact", "name")
    )
    fuzzy = sum(word_weight(g, None, index) for g in groups if g[0].how == "fuzzy")
    words = len(groups) + len(query.missing) + len(query.unknown)
    window_text = " ".join(kb.sentences[i].text for i in top.window)
    kind = reading.kind
    values = (
        top.score,
        second,
        top.score - second,
        span,
        *(top.row[i] for i in _WINDOW_AT),
        missing / total,
        unknown / total,
        float(query.missing_names > 0),
        float(query.focus_missing),
        float(query.missing_numbers > 0),
        query.missing_bare / max(words, 1),
        max((general_rarity(t) for t in query.missing), default=0.0),
        float(reading.negated and not _negated(window_text)),
        fuzzy / found_weight if found_weight else 0.0,
        alternative / found_weight if found_weight else 0.0,
        math.log1p(words),
        float(kind in NAMED),
        float(kind in ("number", "time")),
        float(kind in EXPLAINED),
    )
    row[:] = values
    return row


def tentative_margin(model: trees.Model) -> float:
    """How far above the threshold an answer must be not to be called tentative."""
    return model.extra.get("tentative_margin", TENTATIVE_MARGIN)
