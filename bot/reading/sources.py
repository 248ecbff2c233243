"""The maintained word lists the bot's lexicons are made from, and the making.

Two Debian packages, unpacked with `dpkg-deb -x` into one folder, give two data files under
`bot/reading/data/` (`python -m bot lexicons --from FOLDER`):

- `mythes-id` (LibreOffice's Indonesian thesaurus, th_id_ID_v2.dat, LGPL-2.1) gives
  `thesaurus-id.txt`: each headword with its direct synonyms, the links made both ways
  (a word listed under another links back to it), antonyms left out;
- `dict-freedict-eng-ind` (FreeDict's English-Indonesian dictionary from Wiktionary through
  WikDict, dictd format, CC BY-SA 3.0) gives `english-indonesian-freedict.txt`: each English
  word with its Indonesian translations, in the glossary's `english<TAB>a, b` format.

Each file opens with lines naming its package, version, upstream, copyright and licence (the
licence texts are in `data/licences/`). Only the standard library is used, so the files can be
made again on any machine with the two packages' files, and tests need no network.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

THESAURUS_FILE = "thesaurus-id.txt"
DICTIONARY_FILE = "english-indonesian-freedict.txt"

_THESAURUS = Path("usr/share/mythes/th_id_ID_v2.dat")
_THESAURUS_DOC = Path("usr/share/doc/mythes-id")
_DICTIONARY = Path("usr/share/dictd/freedict-eng-ind")
_DICTIONARY_DOC = Path("usr/share/doc/dict-freedict-eng-ind")

# A word of the lists: letters, with inner hyphens or spaces (at most three words); anything
# else (digits, stray brackets, glosses run together) is a fault of the source and left out
_WORD = re.compile(r"[a-z]+(?:[- ][a-z]+){0,2}")
_HEADWORD = re.compile(r"(.+)\|(\d+)")
_POS = re.compile(r"\[?(\w*)\](.*)")


@dataclass(frozen=True)
class Package:
    """Where a list came from: the Debian package, its version, and the upstream's notice."""

    name: str
    version: str
    copyright: tuple[str, ...]  # the lines of the package's copyright stanza for the file

    def header(self, about: Iterable[str]) -> list[str]:
        lines = [*about, f"Made from the Debian package {self.name} {self.version}:"]
        lines += [f"  {line}" for line in self.copyright]
        lines.append("Made again by: python -m bot lexicons --from FOLDER (bot.reading.sources)")
        return [f"# {line}".rstrip() for line in lines]


def package(root: Path, doc: Path, files: str) -> Package:
    """The package whose documentation is in `root/doc`: its version (the changelog's first
    line) and the copyright stanza whose `Files:` line names `files`."""
    with gzip.open(root / doc / "changelog.Debian.gz", "rt", encoding="utf-8") as changelog:
        first = changelog.readline()
    version = first[first.index("(") + 1 : first.index(")")]
    stanza: list[str] = []
    for paragraph in (root / doc / "copyright").read_text(encoding="utf-8").split("\n\n"):
        lines = paragraph.strip().splitlines()
        if lines and lines[0] == f"Files: {files}":
            stanza = lines
    if not stanza:
        raise ValueError(f"{doc / 'copyright'} names no files {files!r}")
    return Package(doc.name, version, tuple(stanza))


# --------------------------------------------------------------------------- thesaurus


def thesaurus_senses(raw: str) -> Iterator[tuple[str, str, list[str]]]:
    """(headword, part of speech, synonyms) for each sense line of a MyThes `.dat` file.

    A headword line is `word|senses`, a sense line `[pos]|word|word...`; a few sense lines of
    the Indonesian file lose their bracket or run the first word into the tag (`[n]bagan`),
    so lines are told apart by their shape, not by the counts."""
    headword = ""
    for line in raw.splitlines()[1:]:  # the first line names the encoding
        match = _HEADWORD.fullmatch(line)
        if match:
            headword = match.group(1).strip().casefold()
            continue
        if not headword or "|" not in line:
            continue
        first, *rest = line.split("|")
        tag = _POS.fullmatch(first)
        pos, words = (tag.group(1), [tag.group(2), *rest]) if tag else ("", [first, *rest])
        yield headword, pos.casefold(), [w.strip().casefold() for w in words if w.strip()]


def thesaurus_links(raw: str) -> dict[str, list[str]]:
    """Each word with its direct synonyms, both ways: a headword's synonyms, and the headwords
    that list it; antonyms left out (`[ant]` lines), first listed first."""
    links: dict[str, dict[str, None]] = {}
    for headword, pos, synonyms in thesaurus_senses(raw):
        if pos == "ant" or not _WORD.fullmatch(headword):
            continue
        for synonym in synonyms:
            if synonym != headword and _WORD.fullmatch(synonym):
                links.setdefault(headword, {})[synonym] = None
    for headword, listed in list(links.items()):
        for synonym in listed:
            links.setdefault(synonym, {}).setdefault(headword, None)
    return {word: list(links[word]) for word in sorted(links)}


def thesaurus_lines(root: Path) -> list[str]:
    """The lines of `thesaurus-id.txt` made from the unpacked `mythes-id` in `root`."""
    source = package(root, _THESAURUS_DOC, "dictionaries/id/th_id_ID_v2.dat")
    raw = (root / _THESAURUS).read_bytes()
    encoding = raw.split(b"\n", 1)[0].strip().decode("ascii")  # MyThes names it: ISO-8859-1
    links = thesaurus_links(raw.decode(encoding))
    about = [
        "Indonesian thesaurus: each word<TAB>its direct synonyms (comma-separated).",
        f"Source: {_THESAURUS.name}, LibreOffice's Indonesian thesaurus (MyThes format), as packed",
        "in Debian; links made both ways (a word listed under a headword links back to it),",
        "antonyms and malformed entries left out. Licence: LGPL-2.1 (licences/LGPL-2.1.txt);",
        "this file is a modified copy of that work under the same licence.",
    ]
    body = [f"{word}\t{', '.join(synonyms)}" for word, synonyms in links.items()]
    return [*source.header(about), *body]


# --------------------------------------------------------------------------- dictionary

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE = re.compile(r"(?:\d+\.\s+)?(.*?)(?:\s+\d+\.)?")
_NUMBERED = re.compile(r"\d+\.\s+\S.*")
_PART = re.compile(r"<([\w ]+)>\s*$")


def _number(b64: str) -> int:
    value = 0
    for char in b64:
        value = value * 64 + _B64.index(char)
    return value


def dictd_entries(index: str, data: bytes) -> Iterator[tuple[str, str]]:
    """(headword, entry text) of a dictd dictionary: its `.index` lines (word, offset, length
    in base 64) and its `.dict` text (unzipped); the `00database...` entries left out."""
    for line in index.splitlines():
        word, offset, length = line.split("\t")
        if word.startswith("00database"):
            continue
        start = _number(offset)
        yield word, data[start : start + _number(length)].decode("utf-8")


def freedict_translations(entry: str) -> tuple[str, list[str]]:
    """(part of speech, translations) of one FreeDict entry: its first line names the word,
    its pronunciation and `<pos>`; then each sense gives its translations on one line
    (numbered `1.` when there are more) and an English gloss on the next."""
    lines = entry.splitlines()
    part = _PART.search(lines[0]) if lines else None
    translations: list[str] = []
    gloss = False
    for line in lines[1:]:
        if not line.strip():
            continue
        numbered = _NUMBERED.fullmatch(line) is not None
        if gloss and not numbered:
            continue  # the English gloss of the sense above, or a sense with none of its own
        match = _SENSE.fullmatch(line.strip())
        text = match.group(1) if match else ""
        translations += [t.strip() for t in text.split(",") if t.strip()]
        gloss = True
    return (part.group(1) if part else ""), translations


def dictionary_translations(index: str, data: bytes) -> dict[str, list[str]]:
    """Each English word (folded) with its Indonesian translations (folded), entries of one
    word merged in order; affixes, words with digits and multi-word headwords left out."""
    table: dict[str, dict[str, None]] = {}
    for headword, entry in dictd_entries(index, data):
        word = headword.casefold()
        part, translations = freedict_translations(entry)
        if part in ("prefix", "suffix") or not _WORD.fullmatch(word) or " " in word:
            continue
        for translation in translations:
            folded = translation.casefold()
            if _WORD.fullmatch(folded):
                table.setdefault(word, {})[folded] = None
    return {word: list(table[word]) for word in sorted(table) if table[word]}


def dictionary_lines(root: Path) -> list[str]:
    """The lines of `english-indonesian-freedict.txt` made from the unpacked
    `dict-freedict-eng-ind` in `root`."""
    source = package(root, _DICTIONARY_DOC, "eng-ind/*")
    index = (root / _DICTIONARY.with_suffix(".index")).read_text(encoding="utf-8")
    data = gzip.decompress((root / _DICTIONARY.with_suffix(".dict.dz")).read_bytes())
    table = dictionary_translations(index, data)
    about = [
        "English -> Indonesian: english<TAB>indonesian, indonesian (as in english-indonesian.txt).",
        f"Source: {_DICTIONARY.name}, FreeDict's English-Indonesian dictionary made by WikDict",
        "from Wiktionary (dictd format), as packed in Debian; one-word English headwords, their",
        "translations of at most three words. Licence: CC BY-SA 3.0 (licences/CC-BY-SA-3.0.txt);",
        "this file is an adaptation of that work under the same licence.",
    ]
    body = [f"{word}\t{', '.join(meanings)}" for word, meanings in table.items()]
    return [*source.header(about), *body]


def write_lexicons(root: Path, out: Path) -> dict[str, int]:
    """Write both files from the packages unpacked in `root` into `out`; their entry counts."""
    made = {THESAURUS_FILE: thesaurus_lines(root), DICTIONARY_FILE: dictionary_lines(root)}
    for name, lines in made.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {name: sum(not line.startswith("#") for line in lines) for name, lines in made.items()}
