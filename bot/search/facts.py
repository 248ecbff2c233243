"""What every sentence of a corpus holds, read once when the corpus is indexed.

The ranking describes some forty candidate windows a question (`bot.search.windows`). What it asks
of a sentence that does not depend on the question — how many numbers, times, names, names of
people and places and reason words it holds, whether it announces what follows, quotes someone,
leans on the sentence before, whether it reads with the next sentence as one passage — is
counted here for every sentence at once, with the same tests as `bot.reading.kinds.profile`.
What does depend on the question (which of a sentence's words the question has, where its terms
stand) needs the sentence's words: they are kept as ids (each word as written, its normalised
word and its index terms once per written form), so that a question reads the words of its
candidates' sentences with a few array operations (`Words.of`), without tokenizing them again.
Everything is numpy arrays (and two lists of strings), kept in the disk cache with the index.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from bot.reading import kinds, text
from bot.search.corpus import Corpus
from bot.search.index import Index
from bot.search.tuning import HEADING_WORDS

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
ByteArray = npt.NDArray[np.uint8]

# per sentence, as `Profile` counts them
COUNTS = ("words", "numbers", "times", "names", "people", "places", "reasons")
TOGETHER = 8  # a mark beside kinds.LEAD_IN, QUOTE, LEANS_BACK: it reads with the next sentence
# the columns of `Facts.table` after COUNTS
POSITION, PARAGRAPH, PARAGRAPHS, MARKS = range(len(COUNTS), len(COUNTS) + 4)
_ARRAYS = (
    "token_at",
    "token_form",
    "token_capital",
    "form_word",
    "form_terms_at",
    "form_terms",
    "word_kinds",
    "word_opens",
    "word_grams_at",
    "word_grams",
    "table",
    "doc",
    "paragraph_start",
    "paragraph_end",
)


@dataclass(frozen=True, eq=False)
class Facts:
    """The words and the counts of every sentence (sentence ids as in the corpus and index)."""

    token_at: IntArray  # sentence i's words are token_at[i]:token_at[i + 1]
    token_form: Int32Array  # each word's written form
    token_capital: BoolArray  # it starts with a capital in the sentence as written
    form_word: Int32Array  # each written form's normalised word
    form_terms_at: IntArray  # its index terms are form_terms[form_terms_at[f]:...[f + 1]]
    form_terms: Int32Array  # ids of the index's vocabulary
    word_kinds: ByteArray  # `kinds.word_kinds` of each normalised word
    word_opens: BoolArray  # it may open a phrase that means one thing ("kecerdasan buatan")
    word_grams_at: IntArray  # its character 4-grams are word_grams[word_grams_at[w]:...]
    word_grams: Int32Array
    # per sentence, in one row: COUNTS, its 0-based place in its paragraph, its 1-based
    # paragraph number, its document's paragraphs, and its marks (kinds.LEAD_IN, QUOTE,
    # LEANS_BACK and TOGETHER)
    table: Int32Array
    doc: Int32Array  # the document's number
    paragraph_start: IntArray  # the first sentence of its paragraph
    paragraph_end: IntArray  # one past the last
    dates: Int32Array  # dates ("17/8") it holds
    words: tuple[str, ...]
    grams: tuple[str, ...]

    @property
    def sentences(self) -> int:
        return len(self.token_at) - 1

    @property
    def counts(self) -> Int32Array:
        return self.table[:, : len(COUNTS)]

    @property
    def marks(self) -> Int32Array:
        return self.table[:, MARKS]

    @property
    def position(self) -> Int32Array:
        return self.table[:, POSITION]

    @cached_property
    def word_id(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.words)}

    @cached_property
    def gram_id(self) -> dict[str, int]:
        return {gram: i for i, gram in enumerate(self.grams)}

    def together(self, a: int, b: int) -> bool:
        """Do two neighbouring sentences read as one passage?"""
        return bool(self.marks[min(a, b)] & TOGETHER)

    def to_arrays(self) -> tuple[dict[str, npt.NDArray[np.generic]], dict[str, list[str]]]:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            f"facts_{name}": getattr(self, name) for name in (*_ARRAYS, "dates")
        }
        return arrays, {"words": list(self.words), "grams": list(self.grams)}

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, npt.NDArray[np.generic]], lists: dict[str, list[str]]
    ) -> Facts:
        values = {name: arrays[f"facts_{name}"] for name in (*_ARRAYS, "dates")}
        facts = cls(**values, words=tuple(lists["words"]), grams=tuple(lists["grams"]))  # type: ignore[arg-type]
        if len(facts.form_terms_at) != len(facts.form_word) + 1 or facts.table.shape != (
            len(facts.doc),
            MARKS + 1,
        ):
            raise ValueError("the sentences' facts disagree")
        return facts


class FactsBuilder:
    """Collects the words of the sentences as the index is built (block by block, from the
    written forms the tokenizer found and its memo of their terms); `finish` counts."""

    def __init__(self) -> None:
        self._forms: dict[str, int] = {}
        self._form_word: list[int] = []
        self._form_terms: list[tuple[str, ...]] = []
        self._form_capital: list[bool] = []
        self._words: dict[str, int] = {}
        self._token_forms: list[Int32Array] = []
        self._token_capitals: list[BoolArray] = []
        self._lengths: list[int] = []
        self._marks: list[int] = []
        self._dates: list[int] = []

    def add(
        self,
        texts: Sequence[str],
        written: Sequence[list[str]],
        memo: dict[str, tuple[str, tuple[str, ...]]],
    ) -> None:
        """The next sentences: their texts and their words as written (`text.surfaces`)."""
        forms = self._forms
        known = len(forms)
        count = sum(map(len, written))
        ids = np.fromiter(
            (forms.setdefault(s, len(forms)) for w in written for s in w), np.int32, count
        )
        for surface in itertools.islice(forms, known, None):
            word, terms = memo[surface] if surface in memo else text.word_terms(surface)
            self._form_word.append(self._words.setdefault(word, len(self._words)))
            self._form_terms.append(terms)
            self._form_capital.append(surface[:1].isupper())
        capital = np.asarray(self._form_capital, dtype=bool)[ids]
        at = 0
        for sentence, words in zip(texts, written, strict=True):
            if text.shouted(sentence):  # read in lower case, but capitals as written
                capital[at : at + len(words)] = [
                    sentence[i].isupper() for i in text.word_starts(sentence)
                ]
            at += len(words)
            marks, dates = kinds.sentence_marks(sentence)
            self._marks.append(marks)
            self._dates.append(dates)
            self._lengths.append(len(words))
        self._token_forms.append(ids)
        self._token_capitals.append(capital)

    def finish(self, corpus: Corpus, index: Index) -> Facts:
        vocabulary = index.vocabulary
        term_counts = [len(t) for t in self._form_terms]
        form_terms = np.fromiter(
            (vocabulary.get(t, -1) for terms in self._form_terms for t in terms),
            np.int32,
            sum(term_counts),
        )
        words = tuple(self._words)
        gram_ids: dict[str, int] = {}
        word_grams = [
            [gram_ids.setdefault(g, len(gram_ids)) for g in sorted(kinds.grams((word,)))]
            for word in words
        ]
        token_at = _offsets(np.asarray(self._lengths, dtype=np.int64))
        token_form = np.concatenate([np.zeros(0, np.int32), *self._token_forms])
        token_capital = np.concatenate([np.zeros(0, bool), *self._token_capitals])
        form_word = np.asarray(self._form_word, dtype=np.int32)
        word_kinds = np.fromiter(map(kinds.word_kinds, words), np.uint8, len(words))
        places = _places(corpus)
        doc, paragraph, position, paragraphs, start, end = places
        marks = np.asarray(self._marks, dtype=np.int32)
        dates = np.asarray(self._dates, dtype=np.int32)
        marks |= _together(corpus, places) * np.int32(TOGETHER)
        counts = _counts(
            token_at, word_kinds[form_word[token_form]], form_word[token_form], token_capital, dates
        )
        table = np.column_stack((counts, position, paragraph, paragraphs, marks)).astype(np.int32)
        return Facts(
            token_at,
            token_form,
            token_capital,
            form_word,
            _offsets(np.asarray(term_counts, dtype=np.int64)),
            form_terms,
            word_kinds,
            np.fromiter(map(text.may_open_phrase, words), np.bool_, len(words)),
            _offsets(np.asarray([len(g) for g in word_grams], dtype=np.int64)),
            np.fromiter(itertools.chain.from_iterable(word_grams), np.int32),
            table,
            doc,
            start,
            end,
            dates,
            words,
            tuple(gram_ids),
        )


def _offsets(lengths: IntArray) -> IntArray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def _places(
    corpus: Corpus,
) -> tuple[Int32Array, Int32Array, Int32Array, Int32Array, IntArray, IntArray]:
    """Per sentence: its document's number, paragraph, place in the paragraph, the document's
    paragraphs, and its paragraph's first sentence and end."""
    sentences = corpus.sentences
    count = len(sentences)
    numbers = {d.name: i for i, d in enumerate(corpus.documents)}
    doc = np.fromiter((numbers[s.doc] for s in sentences), np.int32, count)
    paragraph = np.fromiter((s.paragraph for s in sentences), np.int32, count)
    position = np.fromiter((s.position for s in sentences), np.int32, count)
    lengths = np.asarray([max(len(d.paragraphs), 1) for d in corpus.documents], dtype=np.int32)
    paragraphs = lengths[doc] if count else np.zeros(0, dtype=np.int32)
    ids = np.arange(count, dtype=np.int64)
    start = ids - position
    opens = np.flatnonzero(position == 0)
    # the end of a paragraph: the next sentence that opens one (or the corpus's end)
    after = np.searchsorted(opens, ids, side="right")
    end = np.where(after < len(opens), opens[np.minimum(after, len(opens) - 1)], count)
    return doc, paragraph, position, paragraphs, start, end.astype(np.int64)


def _together(
    corpus: Corpus,
    places: tuple[Int32Array, Int32Array, Int32Array, Int32Array, IntArray, IntArray],
) -> BoolArray:
    """For each sentence: does it read with the next one as one passage (one paragraph, or a
    paragraph that ends by announcing what follows, or a heading, and the paragraph it opens)?"""
    doc, paragraph, position, *_ = places
    count = len(doc)
    out = np.zeros(count, dtype=bool)
    if count < 2:
        return out
    same_doc = doc[:-1] == doc[1:]
    out[:-1] = same_doc & (paragraph[:-1] == paragraph[1:])
    opening = same_doc & (paragraph[1:] == paragraph[:-1] + 1) & (position[1:] == 0)
    for i in np.flatnonzero(opening).tolist():
        out[i] = introduces(corpus.sentences[i].text)
    return out


def introduces(sentence: str) -> bool:
    """A sentence that ends with a colon, or a heading (a short line without a full stop)."""
    end = sentence.rstrip()
    if end.endswith(":"):
        return True
    return (
        not end.endswith((".", "!", "?", "…", '"', "”", "'", ")"))
        and len(end.split()) <= HEADING_WORDS
    )


def _counts(
    token_at: IntArray,
    word_kinds: ByteArray,
    word: Int32Array,
    capital: BoolArray,
    dates: Int32Array,
) -> Int32Array:
    """`COUNTS` of every sentence, as `kinds.profile` counts them."""
    sentences = len(token_at) - 1
    lengths = np.diff(token_at)
    owner = np.repeat(np.arange(sentences), lengths)
    place = np.arange(len(word)) - token_at[owner]

    def per_sentence(mask: BoolArray) -> Int32Array:
        return np.bincount(owner[mask], minlength=sentences).astype(np.int32)

    def has(bit: int) -> BoolArray:
        return (word_kinds & bit) > 0

    # a name: a capitalised word past the first that is not a function word
    named = (place > 0) & capital & ~has(kinds.STOP)
    before = np.concatenate(([False], named[:-1]))
    two_before = np.concatenate(([False, False], named[:-2]))[: len(named)]
    opens_run = named & ~before
    prev_kinds = np.concatenate(([0], word_kinds[:-1])).astype(np.uint8)
    width = int(word.max(initial=0)) + 1
    distinct = np.unique(owner[named] * width + word[named])
    out = np.zeros((sentences, len(COUNTS)), dtype=np.int32)
    out[:, 0] = lengths
    out[:, 1] = per_sentence(has(kinds.NUMBER))
    out[:, 2] = per_sentence(has(kinds.TIME)) + dates
    out[:, 3] = np.bincount(distinct // width, minlength=sentences)
    # a person: a name after a title, and every name of two words or more
    out[:, 4] = per_sentence(opens_run & ((prev_kinds & kinds.TITLE) > 0)) + per_sentence(
        named & before & ~two_before
    )
    out[:, 5] = per_sentence(opens_run & ((prev_kinds & kinds.PLACE) > 0))
    out[:, 6] = per_sentence(has(kinds.REASON))
    return out


def ragged(at: IntArray, rows: npt.NDArray[np.integer]) -> tuple[IntArray, IntArray, IntArray]:
    """For ragged rows (row r is at[r]:at[r + 1]): the positions of the rows' items in turn, the
    row (index into `rows`) of each, and each item's place in its row."""
    starts = at[rows]
    lengths = at[np.asarray(rows) + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    place = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return starts[owner] + place, owner, place


@dataclass(frozen=True)
class Words:
    """The words of some sentences (`sentences`, in this order) as the facts hold them, and
    their index terms in reading order, as `text.analyze` gives them (a phrase's terms after
    its second word's own)."""

    sentences: IntArray
    owner: IntArray  # per word: its sentence (index into `sentences`)
    place: IntArray  # its place in its sentence
    word: Int32Array
    kinds: ByteArray
    capital: BoolArray
    term: Int32Array  # per term: the index's id
    term_word: IntArray  # the word that holds it (index into the words above)
    term_owner: IntArray  # its sentence (index into `sentences`)
    term_place: IntArray  # its place among its sentence's terms
    term_counts: IntArray  # terms per sentence

    @classmethod
    def of(cls, facts: Facts, index: Index, sentences: IntArray) -> Words:
        tokens, owner, place = ragged(facts.token_at, sentences)
        forms = facts.token_form[tokens]
        word = facts.form_word[forms]
        at, term_word, rank = ragged(facts.form_terms_at, forms)
        term = facts.form_terms[at]
        opens = np.flatnonzero(facts.word_opens[word[:-1]] & (owner[:-1] == owner[1:]))
        if len(opens):
            term, term_word = _with_phrases(facts, index, word, opens, term, term_word, rank)
        term_owner = owner[term_word]
        term_counts = np.bincount(term_owner, minlength=len(sentences))
        term_place = np.arange(len(term)) - (np.cumsum(term_counts) - term_counts)[term_owner]
        return cls(
            sentences,
            owner,
            place,
            word,
            facts.word_kinds[word],
            facts.token_capital[tokens],
            term,
            term_word,
            term_owner,
            term_place,
            term_counts,
        )


def _with_phrases(
    facts: Facts,
    index: Index,
    word: Int32Array,
    opens: IntArray,
    term: Int32Array,
    term_word: IntArray,
    rank: IntArray,
) -> tuple[Int32Array, IntArray]:
    """The terms with those of phrases added after the second word's own."""
    extra_term: list[int] = []
    extra_word: list[int] = []
    extra_rank: list[int] = []
    for k in opens.tolist():
        meaning = text.phrase_terms(facts.words[word[k]], facts.words[word[k + 1]])
        for j, t in enumerate(meaning):
            extra_term.append(index.vocabulary.get(t, -1))
            extra_word.append(k + 1)
            extra_rank.append(1000 + j)  # after every own term of the word
    if not extra_term:
        return term, term_word
    all_word = np.concatenate((term_word, np.asarray(extra_word, dtype=np.int64)))
    all_rank = np.concatenate((rank, np.asarray(extra_rank, dtype=np.int64)))
    order = np.lexsort((all_rank, all_word))
    all_term = np.concatenate((term, np.asarray(extra_term, dtype=np.int32)))
    return all_term[order], all_word[order]
