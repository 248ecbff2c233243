"""Word lists for reading Indonesian (and some English), loaded from data files.

Every list is a plain file under `bot/reading/data/` that names its source at the top: stopwords,
question frames, informal spellings, standard spellings, phrases, chat words, a colloquial
lexicon, near-synonyms and an English glossary. All are general to the language; nothing here is
about one document. The large colloquial lexicon (Kamus Alay) comes from the `indoNLP` package;
the thesaurus and the English-Indonesian dictionary are made from maintained Debian packages
(`bot.reading.sources`) and read on first use.
`data_digest()` is part of the index cache key, so an edited list never meets a stale index.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path
from types import ModuleType

DATA = Path(__file__).parent / "data"


def _kamus_alay() -> ModuleType:
    """indoNLP's `preprocessing/slang_data.py` alone: importing it through its package also
    loads indoNLP's emoji tables and dataset helpers, a tenth of a one-question process."""
    package = importlib.util.find_spec("indoNLP")
    if package is None or package.origin is None:
        raise ImportError("indoNLP is not installed")
    path = Path(package.origin).parent / "preprocessing" / "slang_data.py"
    spec = importlib.util.spec_from_file_location("indoNLP.preprocessing.slang_data", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot read {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SLANG_MODULE = _kamus_alay()
SLANG_DATA: dict[str, str] = _SLANG_MODULE.SLANG_DATA


def lines(name: str) -> list[str]:
    """The non-comment, non-blank lines of a data file."""
    out = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            out.append(line)
    return out


def words(name: str) -> frozenset[str]:
    """Every word of a data file (one or more a line)."""
    return frozenset(w.casefold() for line in lines(name) for w in line.split())


def pairs(name: str) -> list[tuple[str, str]]:
    """The `left<TAB>right` lines of a data file."""
    out = []
    for line in lines(name):
        left, _, right = line.partition("\t")
        if right.strip():
            out.append((left.strip().casefold(), right.strip().casefold()))
    return out


def _colloquial() -> dict[str, str]:
    """Kamus Alay (Salsabila et al. 2018, "Colloquial Indonesian Lexicon", IALP; shipped by the
    indoNLP package), overridden by the project's own list of chat words and colloquial verbs."""
    table = {k.casefold(): v.casefold() for k, v in SLANG_DATA.items() if k and v}
    table.update(pairs("colloquial-id.txt"))
    return table


def classes(name: str) -> dict[str, frozenset[str]]:
    """The `class<TAB>words` lines of a data file, as a set of words per class."""
    return {kind: frozenset(ws.split()) for kind, ws in pairs(name)}


STOPWORDS = words("stopwords.txt")
QUESTION_FRAMES = words("question-frames.txt")
# Greetings, address words, particles and fillers: ignored in questions ("halo min, ... dong")
CHAT_WORDS = words("chat-words-id.txt")
SLANG: dict[str, str] = dict(pairs("informal.txt"))
SPELLING: dict[str, str] = {
    variant: standard
    for standard, variants in pairs("spelling.txt")
    for variant in variants.split()
}
COLLOQUIAL: dict[str, str] = _colloquial()
# Words Sastrawi would stem into another word's root ("terdiri" is not "didirikan")
UNSTEMMED = words("unstemmed.txt")
# Small closed classes: question words, copulas, negation, chat markers (question-words.txt)
WORD_CLASSES = classes("question-words.txt")
CURRENCY_SIGNS: dict[str, str] = {"$": "dolar", "€": "euro", "£": "pound", "¥": "yen"}


def _english() -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, ...], str]]:
    words: dict[str, tuple[str, ...]] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for english, indonesian in pairs("english-indonesian.txt"):
        meanings = tuple(m.strip() for m in indonesian.split(",") if m.strip())
        if not meanings:
            continue
        key = tuple(english.split())
        if len(key) == 1:
            words[english] = meanings
        elif len(key) == 2:
            phrases[key] = meanings[0]
    return words, phrases


# English word -> Indonesian root words, for questions asked in English (or mixed)
ENGLISH, _ENGLISH_PHRASES = _english()


# Multi-word expressions that mean one thing, and the word(s) they stand for.
PHRASES: dict[tuple[str, ...], str] = {
    **_ENGLISH_PHRASES,
    **{tuple(k.split()): v for k, v in pairs("phrases.txt")},
}
# Near-synonyms: groups of root words, tried for a question word the corpus lacks.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(line.casefold().split()) for line in lines("synonyms-id.txt") if len(line.split()) > 1
)


class Links:
    """The `word<TAB>a, b, c` lines of a generated data file, sorted by word (as the generator
    writes them): a word is found by bisection, so reading the file is one split into lines
    (a dictionary of 37,000 words took four times as long to build)."""

    def __init__(self, lines: list[str]) -> None:
        start = 0
        while start < len(lines) and lines[start].startswith("#"):
            start += 1  # the header naming the source
        self._lines = lines[start:]

    def linked(self, word: str) -> tuple[str, ...]:
        """The words linked to `word` (folded), in the file's order; () when it has none."""
        key = word + "\t"  # a tab sorts before every letter, space and hyphen of a word
        at = bisect.bisect_left(self._lines, key)
        if at < len(self._lines) and self._lines[at].startswith(key):
            return tuple(self._lines[at][len(key) :].split(", "))
        return ()

    def __len__(self) -> int:
        return len(self._lines)


def _links(name: str) -> Links:
    return Links((DATA / name).read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=1)
def thesaurus() -> Links:
    """Indonesian word -> its direct synonyms (LibreOffice's thesaurus, `thesaurus-id.txt`)."""
    return _links("thesaurus-id.txt")


@lru_cache(maxsize=1)
def dictionary() -> Links:
    """English word -> its Indonesian translations (FreeDict from Wiktionary,
    `english-indonesian-freedict.txt`)."""
    return _links("english-indonesian-freedict.txt")


def _background() -> tuple[dict[str, int], int]:
    counts = {term: int(n) for term, n in pairs("background-df.txt")}
    return counts, counts.pop("__paragraphs__", 1)


# How many general-language paragraphs hold each index term (missing words are weighed by it)
BACKGROUND_DF, BACKGROUND_PARAGRAPHS = _background()


@lru_cache(maxsize=1)
def data_digest() -> str:
    """A digest of every word list in use (part of the index cache key)."""
    digest = hashlib.sha256()
    for path in sorted(DATA.glob("*.txt")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    if _SLANG_MODULE.__file__:  # Kamus Alay as shipped by the installed indoNLP
        digest.update(Path(_SLANG_MODULE.__file__).read_bytes())
    return digest.hexdigest()
