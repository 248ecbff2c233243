"""Documents and their sentence chunks: reading `corpus/`, paragraphs, sentence splitting.

A document is a UTF-8 `.txt` or `.md` file. Its title and source come from an optional front-matter
block at the top of the file::

    ---
    title: Putin luncurkan satuan tugas AI nasional
    source: https://example.com/berita
    questions: Siapa meluncurkannya? | Kapan?
    ---

`questions` (optional, separated by `|`) are example questions the bot offers to new users.

Without one, a Markdown file's first `# heading` is the title; otherwise the file name is.
In `.txt` files every line is a paragraph; in `.md` files paragraphs are separated by blank lines.
Site boilerplate (newsletter invitations, "baca juga" links, copyright lines) is dropped.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

SUPPORTED_SUFFIXES = (".txt", ".md")
MAX_DOCUMENT_BYTES = 20_000_000
MAX_CHUNK_CHARS = 1000  # a longer sentence is indexed as pieces of at most this many characters


@dataclass(frozen=True)
class Document:
    """One article: where it came from and its paragraphs of article text."""

    name: str
    title: str
    source: str
    paragraphs: tuple[str, ...]
    sha256: str
    size_bytes: int
    questions: tuple[str, ...] = ()  # example questions, from the front matter


class Sentence(NamedTuple):
    """One sentence of a document: the unit the index scores.

    A named tuple rather than a frozen dataclass: as immutable, and a start from the index
    cache makes a million of them in a fifth of the time.
    """

    id: int
    doc: str
    paragraph: int  # 1-based paragraph number within the document
    position: int  # 0-based sentence number within the paragraph
    text: str


@dataclass(frozen=True)
class Problem:
    """A file that could not be loaded, and why, as a code (`unreadable`, `not_utf8`, `outside`,
    ...) and a detail; the edge puts it in words (`reason_<code>` in bot/messages.py)."""

    name: str
    code: str = "unreadable"
    detail: str = ""


class DocumentError(ValueError):
    """A file that cannot be used as a document: `code` names the kind of problem."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code + (f" ({detail})" if detail else ""))
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Corpus:
    """Documents with their sentences in reading order, plus files that were skipped."""

    documents: tuple[Document, ...]
    sentences: tuple[Sentence, ...]
    problems: tuple[Problem, ...] = ()
    _by_name: dict[str, Document] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({d.name: d for d in self.documents})

    def document(self, name: str) -> Document:
        return self._by_name[name]

    @property
    def content_hash(self) -> str:
        """One hash over every document's name and content: equal corpora share it."""
        digest = hashlib.sha256()
        for doc in self.documents:
            digest.update(doc.name.encode() + b"\0" + doc.sha256.encode() + b"\0")
        return digest.hexdigest()


class CorpusError(Exception):
    """The corpus cannot be used at all: `code` is "missing" (no such folder) or "empty" (no
    readable document; `problems` says why each file was skipped)."""

    def __init__(self, message: str, code: str = "empty", problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.code = code
        self.problems = problems


# --------------------------------------------------------------------------- sentence splitting

# Lower-case forms, without the final period. A period after one of these never ends a sentence.
ABBREVIATIONS = frozenset(
    """
    a.s as.a u.s u.k dr drs dra drg ir prof no nomor dll dsb dst dkk rp jl jln tn ny nn sdr sdri
    bpk ibu st kec kab kel prov tbk pt cv hlm tgl thn mr mrs ms jr sr vs etc e.g i.e a.n u.p s.h
    s.e m.a s.t ph.d m.sc b.sc s.kom s.pd h hj kh k.h kol jend brigjen mayjen letjen kapt lettu
    kompol akbp ipda aiptu yth ybs min maks jan feb mar apr jun jul agu ags sep sept okt nov des
    no.rek tel telp hp fax ca kl approx inc ltd co corp
    """.split()
)

# Unit and reference abbreviations that stand before a number: "Km. 7", "Hal. 12", "Kg. 5".
# A period after one of these does not end a sentence when a number follows.
NUMBERED_ABBREVIATIONS = frozenset(
    "km kg gr g cm mm m ml lt l ha hal pasal psl ayat bab vol ed kl no nr jl gg rt rw blok "
    "lantai lt kav kap pk ps".split()
)

_OPENERS = "([{"
_CLOSERS = ")]}"
_QUOTES = "\"'“”‘’«»"


_SPECIAL = re.compile(r'[()\[\]{}"“”]|[.!?…]+')


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Split a paragraph into sentences; returns (start, end) character offsets.

    Abbreviations, initials, decimals, money, quotes and brackets never cause a split.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    in_quote = False
    n = len(paragraph)
    # an opening quote counts only if a closing one follows somewhere in the paragraph
    last_close = max(paragraph.rfind('"'), paragraph.rfind("”"))
    pos = 0
    while True:
        match = _SPECIAL.search(paragraph, pos)
        if match is None:
            break
        ch = match.group()[0]
        pos = match.end()
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch in '"“”':
            if in_quote or last_close > match.start():
                in_quote = not in_quote
        else:
            end = match.end()
            while end < n and paragraph[end] in _QUOTES + _CLOSERS:
                end += 1
            for closer in paragraph[match.end() : end]:
                if closer in _CLOSERS:
                    depth = max(0, depth - 1)
                elif closer in '"”' and in_quote:
                    in_quote = False
            if depth == 0 and not in_quote and _is_boundary(paragraph, start, match.start(), end):
                spans.append(_trim(paragraph, start, end))
                start = end
            pos = end
    if paragraph[start:].strip():
        spans.append(_trim(paragraph, start, n))
    return [s for s in spans if s[1] > s[0]]


def _is_boundary(text: str, start: int, dot: int, end: int) -> bool:
    """Is the terminator at `dot` (running to `end`) the end of a sentence?"""
    n = len(text)
    if end < n and not text[end].isspace():
        return False  # "11.5", "A.S.", "www.x" : no space after the terminator
    nxt = end
    while nxt < n and text[nxt].isspace():
        nxt += 1
    if nxt >= n:
        return True
    following = text[nxt]
    if following.islower() or following in ",;:)-–":
        return False
    if text[dot] == ".":
        word = _word_before(text, start, dot)
        if _is_abbreviation(word):
            return False
        if following.isdigit() and word[-1:].isdigit():
            return False  # "1 . 000" in pre-tokenized text is one number
        if following.isdigit() and word.casefold() in NUMBERED_ABBREVIATIONS:
            return False  # "Km. 7", "Hal. 12"
    return True


# a word read backwards from its end: up to whitespace, an opening bracket or a quote
_WORD_BACKWARDS = re.compile(r"[^\s" + re.escape(_OPENERS + _QUOTES) + r"]*")
_LOOK_BACK = 64  # characters read backwards at once (a longer word reads on)


def _word_before(text: str, start: int, dot: int) -> str:
    end = dot
    while end > start and text[end - 1] == " ":
        end -= 1  # pre-tokenized text puts a space before the period: "PT . Pupuk"
    lo = end
    while True:
        window = max(start, lo - _LOOK_BACK)
        found = _WORD_BACKWARDS.match(text[window:lo][::-1])
        lo -= found.end() if found else 0
        if lo > window or window == start:
            return text[lo:end]


_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")


def _is_abbreviation(word: str) -> bool:
    lowered = word.lower().rstrip(".")
    if not lowered:
        return False
    if lowered in ABBREVIATIONS:
        return True
    if len(lowered) == 1 and lowered.isalpha():
        return True  # an initial: "J. Smith", "Vladimir V. Putin"
    # dotted acronyms such as "A.S" or "S.H.I.E.L.D"
    return bool(_DOTTED.fullmatch(lowered))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --------------------------------------------------------------------------- documents

# Phrases of site furniture only; plain news words ("hak cipta" in a story about copyright law,
# "berlangganan" in one about subscriptions) must not make a paragraph disappear.
_BOILERPLATE = re.compile(
    r"buletin kami|newsletter kami|our newsletter|berlangganan (?:buletin|newsletter)"
    r"|subscribe to our|baca juga\s*:|ikuti kami di|follow us on|gabunglah dengan mereka"
    r"|artikel ini telah tayang|all rights reserved|hak cipta dilindungi|©",
    re.IGNORECASE,
)
_BOILERPLATE_MAX_CHARS = 300


def is_boilerplate(paragraph: str) -> bool:
    """Short site furniture such as a newsletter invitation; never quoted as an answer."""
    return len(paragraph) <= _BOILERPLATE_MAX_CHARS and bool(_BOILERPLATE.search(paragraph))


def parse_document(name: str, raw: str, *, markdown: bool) -> Document:
    """Turn a file's text into a `Document` (title, source, paragraphs)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    meta, body = _front_matter(text)
    title = meta.get("title", "")
    lines = body.split("\n")
    if markdown:
        paragraphs, heading = _markdown_paragraphs(lines)
        title = title or heading
    else:
        paragraphs = [" ".join(line.split()) for line in lines]
    kept = tuple(p for p in paragraphs if p and not is_boilerplate(p))
    return Document(
        name=name,
        title=title or Path(name).stem.replace("_", " ").replace("-", " "),
        source=meta.get("source", ""),
        paragraphs=kept,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        size_bytes=len(raw.encode("utf-8")),
        questions=tuple(q.strip() for q in meta.get("questions", "").split("|") if q.strip()),
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """The `key: value` lines between a first line `---` and the next line `---` (an empty
    block too), and the text after it; no block gives ({}, text)."""
    stripped = text.lstrip("\n")
    if not stripped.startswith("---\n"):
        return {}, text
    lines = stripped.split("\n")
    for end in range(1, len(lines)):
        if lines[end].rstrip() == "---":
            break
    else:
        return {}, text
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip()
    return meta, "\n".join(lines[end + 1 :])


def _markdown_paragraphs(lines: list[str]) -> tuple[list[str], str]:
    paragraphs: list[str] = []
    heading = ""
    current: list[str] = []
    for line in [*lines, ""]:
        stripped = line.strip()
        if stripped.startswith("#"):
            if not heading:
                heading = stripped.lstrip("#").strip()
            stripped = ""
        if stripped:
            current.append(stripped)
            continue
        if current:
            paragraphs.append(" ".join(" ".join(current).split()))
            current = []
    return paragraphs, heading


def read_bytes(path: Path) -> bytes:
    """A document file's bytes; raises `DocumentError` when it cannot be read as one."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError("unsupported")
    try:
        return _read_bounded(path, MAX_DOCUMENT_BYTES)
    except OSError as exc:
        raise DocumentError("unreadable", str(exc.strerror or exc)) from None


def _read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, if it is a regular file of at most `limit` bytes; raises
    `DocumentError` without reading a larger one.

    The size is taken from the open file itself (not from an earlier look at the name), and at
    most `limit + 1` bytes are read, so a file swapped or still growing meanwhile cannot make
    the loader hold more than that: a 3 GB file costs nothing. O_NONBLOCK: a pipe put in its
    place meanwhile cannot make the open hang.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError("not_regular")
        if info.st_size > limit:
            raise DocumentError("too_large", f"{info.st_size:,}")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise DocumentError("too_large", f"> {limit:,}")  # it grew while being read
    return data


def decode_document(name: str, data: bytes) -> Document:
    """Check and parse a file's bytes (shared by the loader and uploads)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError("too_large", f"{len(data):,}")
    if _looks_utf16(data):
        raise DocumentError("utf16")
    if b"\0" in data:
        raise DocumentError("binary")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError("not_utf8", str(exc.start)) from None
    doc = parse_document(name, raw, markdown=name.lower().endswith(".md"))
    if not any(_LETTER_OR_DIGIT.search(p) for p in doc.paragraphs):
        raise DocumentError("empty")  # nothing, or only punctuation and emoji
    return doc


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 text (as Windows Notepad saves it): a byte-order mark, or a NUL in every other
    byte of a sample that decodes as UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:2000]
    if len(sample) < 4:
        return False
    for zeros, codec in ((sample[1::2], "utf-16-le"), (sample[0::2], "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                sample[: len(sample) // 2 * 2].decode(codec)
            except UnicodeDecodeError:
                continue
            return True
    return False


def iter_corpus_files(folder: Path) -> Iterator[Path]:
    """Document files in a folder, in a stable order (hidden files are skipped)."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        # links, pipes and devices are yielded too, so that the loader names them as skipped
        if path.suffix.lower() in SUPPORTED_SUFFIXES and (path.is_symlink() or not path.is_dir()):
            yield path


def inside_folder(path: Path, root: Path) -> Path:
    """The file `path` really is, if it is a regular file inside `root` (already resolved)
    once links are resolved; raises `DocumentError` for anything else (a link out of the
    folder, a device, a pipe, a directory)."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise DocumentError("unreadable", "broken link") from None
    if not real.is_relative_to(root):
        raise DocumentError("outside")
    try:
        regular = stat.S_ISREG(real.stat().st_mode)
    except OSError as exc:
        raise DocumentError("unreadable", str(exc.strerror or exc)) from None
    if not regular:
        raise DocumentError("not_regular")
    return real


@dataclass(frozen=True)
class SourceFile:
    """A file of the corpus folder as read: its size and hash, and its bytes unless only the
    hash was wanted; or why it could not be read."""

    name: str
    sha256: str = ""
    size: int = 0
    data: bytes | None = None
    problem: Problem | None = None

    @classmethod
    def of(cls, name: str, data: bytes, *, keep: bool = True) -> SourceFile:
        return cls(name, hashlib.sha256(data).hexdigest(), len(data), data if keep else None)


@dataclass(frozen=True)
class Sources:
    """The corpus folder's files as read, in reading order: what a corpus is made from, and
    what its index cache is keyed by (their names and contents)."""

    folder: Path
    files: tuple[SourceFile, ...]

    @cached_property
    def digest(self) -> str:
        """One hash over the name and content of every file that could be read."""
        digest = hashlib.sha256()
        for file in self.files:
            if file.problem is None:
                digest.update(file.name.encode() + b"\0" + file.sha256.encode() + b"\0")
        return digest.hexdigest()


def read_sources(folder: Path, *, keep: bool = True) -> Sources:
    """Read every document file in `folder` (nothing is parsed yet), keeping the bytes unless
    `keep` is false (enough to name the index cache, and a large corpus is not held twice);
    a file that cannot be read carries its problem. Raises `CorpusError` when there is no such
    folder.

    Only regular files inside the folder are read: a link that leads out of it (say, to
    /etc/passwd) is skipped and reported, never quoted.
    """
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {str(folder)!r} does not exist", "missing")
    root = folder.resolve()
    files = []
    for path in iter_corpus_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            data = read_bytes(inside_folder(path, root))
        except DocumentError as exc:
            files.append(SourceFile(name, problem=Problem(name, exc.code, exc.detail)))
        else:
            files.append(SourceFile.of(name, data, keep=keep))
    return Sources(folder, tuple(files))


def parse_sources(sources: Sources) -> Corpus:
    """The corpus of the files read: each parsed and split into sentences; files that are not
    usable documents are skipped and reported in `problems`. Raises `CorpusError` when none is.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    for file in sources.files:
        if file.problem is not None:
            problems.append(file.problem)
            continue
        if file.data is None:
            raise ValueError("the sources were read without their bytes")
        try:
            documents.append(decode_document(file.name, file.data))
        except DocumentError as exc:
            problems.append(Problem(file.name, exc.code, exc.detail))
    if not documents:
        raise no_documents(sources.folder, problems)
    return build_corpus(documents, problems)


def no_documents(folder: Path, problems: Iterable[Problem]) -> CorpusError:
    return CorpusError(
        f"no readable .txt or .md document in {str(folder)!r}", "empty", tuple(problems)
    )


def load_corpus(folder: Path) -> Corpus:
    """Load every document in `folder`; bad files are skipped and reported in `problems`."""
    return parse_sources(read_sources(folder))


def bounded(spans: Iterable[tuple[int, int]], text: str, limit: int) -> Iterator[tuple[int, int]]:
    """The spans, each longer than `limit` characters cut into pieces of at most `limit`, at
    the last space before the limit where there is one.

    A news sentence is a few hundred characters; a "sentence" of megabytes (a file without
    punctuation) would make every question that matches it cost seconds to score and quote.
    """
    for lo, hi in spans:
        while hi - lo > limit:
            cut = text.rfind(" ", lo + 1, lo + limit + 1)
            end = cut if cut > lo else lo + limit
            yield _trim(text, lo, end)
            lo = end
            while lo < hi and text[lo].isspace():
                lo += 1
        if hi > lo:
            yield lo, hi


def build_corpus(documents: Iterable[Document], problems: Iterable[Problem] = ()) -> Corpus:
    """Split documents into sentences (pieces of at most MAX_CHUNK_CHARS), in reading order."""
    docs = tuple(documents)
    sentences: list[Sentence] = []
    for doc in docs:
        for p_no, paragraph in enumerate(doc.paragraphs, start=1):
            spans = bounded(split_sentences(paragraph), paragraph, MAX_CHUNK_CHARS)
            for pos, (lo, hi) in enumerate(spans):
                sentences.append(Sentence(len(sentences), doc.name, p_no, pos, paragraph[lo:hi]))
    return Corpus(docs, tuple(sentences), tuple(problems))
