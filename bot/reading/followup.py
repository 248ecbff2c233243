"""The cues a follow-up leaves in a message: words that point back, ask for a facet, or only say
what kind of answer is wanted.

"dengan negara mana saja?" after "Kapan Putin mengumumkan Jaringan Aliansi AI?": it asks ("mana"),
its noun only frames the question ("negara mana"), and it names nothing new. Whether it is then
read with the earlier topic is decided against the corpus (`bot.search.conversation`); this
room only reads the words. The lists are data under `bot/reading/data/followup-*.txt`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.reading.lexicon import WORD_CLASSES, lines


def load_words(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A word list from bot/reading/data: (entries, entries marked with a leading "-" as
    exceptions)."""
    words: set[str] = set()
    exceptions: set[str] = set()
    for entry in map(str.casefold, lines(name)):
        if entry.startswith("-"):
            exceptions.add(entry[1:])
        else:
            words.add(entry)
    return frozenset(words), frozenset(exceptions)


REFERENCES, NOT_REFERENCES = load_words("followup-references.txt")
ASKING, _ = load_words("followup-asking.txt")
FACETS, _ = load_words("followup-facets.txt")
PERSONS = WORD_CLASSES["person-pronoun"]

# "negara mana", "tahun berapa", "which country", "what year": the noun says what kind of answer
# is wanted, it does not name a new thing ("apa" is left out: "pamer apa" asks what was shown)
_FRAME_AFTER = frozenset({"mana", "manakah", "berapa", "berapakah"})
_FRAME_BEFORE = frozenset({"which", "what"})
# "satuan tugas ini", "this task force": a demonstrative beside a noun that names the thing
_DETERMINER_AFTER = frozenset({"ini", "itu", "tersebut"})
_DETERMINER_BEFORE = frozenset({"this", "that", "these", "those"})


@dataclass(frozen=True)
class Cues:
    """What a message's words say about following up."""

    back: bool = False  # it points back: a pronoun, a demonstrative, a word ending in -nya
    pronoun: bool = False  # ... with a pronoun or demonstrative, not only with -nya
    asks: bool = False  # it holds a question word, a facet noun or a leading "lalu"/"what else"
    frames: frozenset[str] = frozenset()  # nouns that only frame the question ("negara mana")
    person: bool = False  # it holds a personal pronoun ("dia", "mereka", "he")


def cues(words: Sequence[str]) -> Cues:
    frames = frame_words(words)
    back_pronoun = pronoun(words)
    return Cues(
        back=back_pronoun or any(ends_in_nya(w) for w in words),
        pronoun=back_pronoun,
        asks=bool(frames) or any(is_asking(w) or is_facet(w) for w in words),
        frames=frames,
        person=any(w in PERSONS for w in words),
    )


def plain(word: str) -> str:
    return word.removesuffix("nya") if ends_in_nya(word) else word


def ends_in_nya(word: str) -> bool:
    return word.endswith("nya") and len(word) > 5 and word not in NOT_REFERENCES


def is_asking(word: str) -> bool:
    return word in ASKING or word in REFERENCES or plain(word) in ASKING


def points_or_asks(word: str) -> bool:
    """Is the word, as written, a pointing word or a question word?"""
    return word in REFERENCES or word in ASKING


def is_facet(word: str) -> bool:
    return word in FACETS or plain(word) in FACETS


def named(word: str) -> bool:
    """Does the word name something (it neither asks nor names a facet)?"""
    return not is_asking(word) and not is_facet(word)


def pronoun(words: Sequence[str]) -> bool:
    """Do the words hold a pronoun or demonstrative that points back?

    "Apa itu X?" defines X, and "satuan tugas ini" / "this task force" names its thing.
    """
    for i, word in enumerate(words):
        before = words[i - 1] if i > 0 else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in REFERENCES:
            definition = word in {"itu", "ini"} and before in {"apa", "apakah"} and after != ""
            determiner = (word in _DETERMINER_AFTER and before != "" and named(before)) or (
                word in _DETERMINER_BEFORE and after != "" and named(after)
            )
            if not (definition or determiner):
                return True
    return False


def frame_words(words: Sequence[str]) -> frozenset[str]:
    """Nouns that say what kind of answer is wanted ("negara mana", "which country")."""
    frames = set()
    for i, word in enumerate(words):
        if word in _FRAME_AFTER and i > 0 and named(words[i - 1]):
            frames.add(words[i - 1])
        if word in _FRAME_BEFORE and i + 1 < len(words) and named(words[i + 1]):
            frames.add(words[i + 1])
    return frozenset(frames)
