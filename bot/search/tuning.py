"""Every threshold and weight of the search, in one place.

The fitted ones are data: the ranking model and its pair margin, the answer-span model and its
threshold, the found model, its threshold and its tentative margin live in `models/*.json` with
what they were fitted on (`bot.search.fitted`, refitted by `python -m bot calibrate`). The few
set by hand are below, each with its reason; none is about one document.
"""

from __future__ import annotations

# --- candidates (bot.search.windows): how far the ranking looks
HITS = 16  # sentences taken by BM25 score (on one article, nearly all that share a word)
NEIGHBOURED = 8  # ... of which the best this many also bring their neighbours and pairs
PARAGRAPH_REACH = 6  # sentences either side that count as a window's paragraph
EXPANSION_SCAN = 2000  # a term in more sentences than this is a common word, not a short form
EXPANSION_DEPTH = 5  # sentences spelling out a short form added to the candidates
HEADING_WORDS = 12  # a line without a full stop and at most this long is a heading
CUE_REACH = 4  # an answer of the kind asked for counts "near" within this many words

# --- the question's words (bot.search.query): what a word found by a second look weighs
# against one found as written; they set how BM25 scores, and the ranking model learns the rest
# from the shares of matched weight found each way
ENGLISH_WEIGHT = 0.9  # the hand glossary (english-indonesian.txt)
PLURAL_WEIGHT = 1.0
ROOT_WEIGHT = 1.0
FUZZY_WEIGHT = 0.8
SYNONYM_WEIGHT = 0.6  # the hand groups (synonyms-id.txt)
PRESENT_SYNONYM_WEIGHT = 0.3  # a hand synonym looked for beside a word the corpus has too
# The links made from maintained sources, each weighed by a grid on the tuning sets with the
# shipped models (top-1 + top-3 + unanswerable refused - false refusals; 1,163 answerable and
# 532 unanswerable questions). FreeDict's translation of an English word the glossary lacks:
# 0, 0.5, 0.7, 0.9, 1.0 (0.5 best, all within 4 questions). A thesaurus synonym looked for
# beside a word the corpus has: 0, 0.1, 0.2, 0.3 (0.2 scores 2 more than 0 of about 2,800, and
# FacQA train and valid R@1 3 fewer of 2,806: a tie; 0 kept, as 0.2 adds 1.3 query terms to a
# typed question and about 10% to ask()). A thesaurus synonym standing in for a word the corpus
# lacks: 0, 0.15, 0.3, 0.6 (0 best). That one finds more answers (at 0.3: top-1 +4, top-3 +13,
# false refusals -8 on tuning; +4, +11, -7 held out) but the shipped found model, fitted
# without it, then answers 76 more unanswerable questions (18 held out): a general thesaurus
# has some stand-in for most words of an off-topic question. Both are to be weighed again when
# the models are refitted with them; at 0 the thesaurus is never read.
DICTIONARY_WEIGHT = 0.5  # english-indonesian-freedict.txt
PRESENT_THESAURUS_WEIGHT = 0.0  # thesaurus-id.txt, beside a word the corpus has
THESAURUS_WEIGHT = 0.0  # thesaurus-id.txt, for a word the corpus lacks
# a word the corpus lacks weighs at most this many times the corpus's rarest word
MISSING_WEIGHT = 2.0

# --- quotes (bot.search.answer, bot.search.span)
MAX_SPAN_WORDS = 8  # an answer span is at most this many words (95% of FacQA's are)
PASSAGE_LIMIT = 1500  # a longer quote is cut around its first highlighted word
# passages after the first are shown when they hold at least this share of the question's
# weight: still about the question, not only near it
SECONDARY_COVERAGE = 0.25
# an answer whose confidence (the probability that its first quote answers) is below this is
# tentative: more likely wrong than right, so the reply says it may not answer directly
TENTATIVE_BELOW = 0.5

# --- the found decision (bot.search.found)
RARE_WORD = 0.5  # a word this rare in general text (0..1) or more names something specific

# --- follow-ups (bot.search.conversation)
SHORT_WORDS = 2  # a follow-up names at most this many things of its own
# a message answered alone with less confidence than this is weak alone (read with the topic
# when it can be): about where answers were called tentative before confidence meant the
# probability that the quote answers
ALONE_SURE = 0.3
# an answer read alone stays in the conversation when its quote holds at least this share of
# the earlier topic's terms
ON_TOPIC = 0.5
TOPIC_CHARS = 120  # a longer topic is shortened for display
