"""Answer kinds: what kind of answer a question asks for, and whether a sentence holds one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

from bot.reading import text
from bot.reading.lexicon import STOPWORDS, WORD_CLASSES, classes, lines, pairs

# Closed classes of answer kinds (data/answer-kinds.txt)
_ANSWER_WORDS = classes("answer-kinds.txt")
_TIME_WORDS = _ANSWER_WORDS["time-word"]
_NUMBER_WORDS = _ANSWER_WORDS["number-word"]
HOW_MANY = _ANSWER_WORDS["how-many"]  # what follows them is what a question counts
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


_REASON_WORDS = _ANSWER_WORDS["reason-word"]
_DATE = re.compile(r"\b\d{1,2}\s?/\s?\d{1,2}\b")


# "Partai apa ...", "Badan apakah ...": things whose answer is a proper name
_KIND_NOUNS = _ANSWER_WORDS["kind-noun"]
_KIND_NOUNS_RE = "|".join(sorted(_KIND_NOUNS))
_NAMED_KIND = re.compile(rf"\b({_KIND_NOUNS_RE}) (apa|apakah)\b")


# The kind of answer a question word asks for. "person", "place" and "name" are all answered by
# a name; "reason", "manner", "definition" and "yesno" by an explanation, not a short span.
Kind = Literal[
    "time",
    "number",
    "person",
    "place",
    "name",
    "reason",
    "manner",
    "definition",
    "expansion",
    "yesno",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
NAMED: frozenset[Kind] = frozenset({"person", "place", "name"})
EXPLAINED: frozenset[Kind] = frozenset({"reason", "manner", "definition", "yesno"})

_PLACE = re.compile(
    r"\b(di ?mana(kah)?|dimanakah|dmn|ke ?mana(kah)?|dari ?mana(kah)?|where|wherever"
    r"|(negara|kota|provinsi|kabupaten|daerah|wilayah|lokasi|tempat|desa|pulau|benua|stadion"
    r"|gedung|kampung|kecamatan|jalan) (mana|manakah|apa|apakah)"
    r"|(which|what) (country|city|town|province|place|stadium|region|island|venue)"
    r"|lokasi(nya)?|alamat(nya)?)\b"
)
_PERSON = re.compile(r"\b(siapa|siapakah|sapa|siapa(saja|aja)|who|whom|whose)\b")
_MANNER = re.compile(
    r"\b(bagaimana(kah)?|gimana|gmn|gmana|bgmn|caranya|cara|how)\b(?! (many|much|long|old|far))"
)
# A question that asks whether. "Apakah" opens both "Apakah Golkar masih bisa ...?" (whether)
# and, in formal Indonesian, "Apakah bahan bakar yang ...?" (what): it asks whether when an
# auxiliary follows it, or when no "yang" clause names a thing to be found.
_AUXILIARIES = _ANSWER_WORDS["auxiliary"]
_WHAT_NOUNS = _ANSWER_WORDS["what-noun"]
_ENGLISH_YESNO = _ANSWER_WORDS["english-yesno"]
_TAG = re.compile(r"\b(ga|gak|nggak|enggak|tidak|bukan|ngga|gk) ?(sih|ya|kah)? ?$")


_PLACE_KIND_NOUNS = _ANSWER_WORDS["place-kind-noun"]


def _opens_with(words: Sequence[str], nouns: frozenset[str]) -> bool:
    """ "Apakah *negara* asal ...", "Apa *partai* ...": a question word and a kind of thing."""
    return len(words) > 1 and words[0] in ("apa", "apakah") and words[1] in nouns


def _asks_whether(words: Sequence[str]) -> bool:
    if not words:
        return False
    first, rest = words[0], list(words[1:])
    if first in ("apakah", "apa") and rest:
        if first == "apa" and rest[0] not in ("benar", "betul", "bener", "iya"):
            return False
        if any(w in _AUXILIARIES for w in rest[:3]):
            return True
        return rest[0] not in _WHAT_NOUNS and rest[0] not in _KIND_NOUNS and "yang" not in rest
    if first in _ENGLISH_YESNO:
        return True
    return bool(_TAG.search(" ".join(words)))


def asked(words: Sequence[str]) -> Kind | None:
    """What kind of answer the question word asks for (the question's normalised words, chat
    spellings read as the standard word): a short form spelt out, a definition, a time, a
    number, a person, a place, another name, a reason, a manner, or whether (yes or no)."""
    q = " " + " ".join(words) + " "
    if re.search(r"\b(kepanjangan\w*|singkatan\w*|akronim|nama lengkap|stands? for)\b", q):
        return "expansion"
    if re.search(
        r"\b(apa itu|apakah itu|apa yang dimaksud|apakah yang dimaksud|yang dimaksud dengan"
        r"|pengertian|definisi|arti dari|what is an?|what are|what's an?|what does .* mean)\b",
        q,
    ):
        return "definition"
    if re.search(
        r"\b(kapan|bilamana|kapankah|kpn|kpan|when)\b|what (year|time|date|day|month)"
        r"|\b(tahun|tanggal|bulan|hari|pukul|jam|abad|musim) (berapa|berapakah|apa|apakah)\b"
        r"|\bsejak (kapan|tahun|tanggal)|\bhow long ago\b",
        q,
    ):
        return "time"
    if re.search(
        r"\b(berapa|berapakah|keberapa|keberapakah|brp|brapa|brpa|seberapa|how many|how much"
        r"|how long|how old|how far)\b",
        q,
    ):
        return "number"
    if _PLACE.search(q) or _opens_with(words, _PLACE_KIND_NOUNS):
        return "place"
    if _PERSON.search(q):
        return "person"
    if (
        re.search(r"\b(mana|manakah|nama|which)\b", q)
        or _NAMED_KIND.search(q)
        or _opens_with(words, _KIND_NOUNS)
    ):
        return "name"
    if re.search(r"\b(mengapa|kenapa|knp|knapa|napa|why|alasan(nya)?|penyebab(nya)?)\b", q):
        return "reason"
    if _MANNER.search(q):
        return "manner"
    if _asks_whether([w for w in words if w]):
        return "yesno"
    return _noun_cue(q)


# A question without a question word, that opens with the kind of thing it wants:
# "tanggal kejadian?", "harga tiket?", "nama perdanya?"
_NOUN_CUES: dict[str, Kind] = {
    **dict.fromkeys(WORD_CLASSES["noun-time"], "time"),
    **dict.fromkeys(WORD_CLASSES["noun-number"], "number"),
    **dict.fromkeys(WORD_CLASSES["noun-name"], "name"),
}


def _noun_cue(q: str) -> Kind | None:
    words = re.findall(r"[^\W\d_]+", q)
    if not words or len(words) > 5:
        return None
    first = words[0]
    for ending in ("nya", ""):
        if first.endswith(ending) and first[: len(first) - len(ending)] in _NOUN_CUES:
            return _NOUN_CUES[first[: len(first) - len(ending)]]
    return None


def holds(
    cue: Kind | None,
    sentence: str,
    own: frozenset[str],
    wanted: frozenset[str] = frozenset(),
    reach: int = 0,
) -> bool:
    """Does the sentence hold a word of the wanted kind that the question does not already have
    (within `reach` words of one of the question's `wanted` terms, when both are given)?"""
    if cue is None:
        return False
    if cue == "time" and _DATE.search(sentence):
        return True
    if cue == "expansion":  # "Lembaga Ilmu Pengetahuan Indonesia (LIPI)", "LIPI (Lembaga ...)"
        return any(spelt_out(term, sentence) for term in wanted)
    if cue == "definition":  # "Konvergensi adalah ...", "X merupakan ..."
        return _defines(sentence, wanted)
    tokens = sentence_tokens(sentence)
    near = [i for i, tk in enumerate(tokens) if wanted.intersection(tk.terms)] if wanted else []
    for i, token in enumerate(tokens):
        word = token.word
        if word in own:
            continue
        if reach and near and min(abs(i - j) for j in near) > reach:
            continue
        if cue == "time" and (word in _TIME_WORDS or _YEAR.match(word)):
            return True
        if cue == "number" and (word[:1].isdigit() or word in _NUMBER_WORDS):
            return True
        if cue == "reason" and word in _REASON_WORDS:
            return True
        if cue in NAMED and i > 0 and sentence[token.start].isupper() and word not in STOPWORDS:
            return True
    return False


_COPULA = WORD_CLASSES["copula"]


def _defines(sentence: str, wanted: frozenset[str]) -> bool:
    """Does the sentence open by saying what one of the wanted words is ("X adalah ...")?"""
    tokens = sentence_tokens(sentence)
    for i, token in enumerate(tokens[:10]):
        if token.word in _COPULA:
            return any(wanted.intersection(t.terms) for t in tokens[:i])
    return False


@lru_cache(maxsize=1024)
def _expansion_re(term: str) -> re.Pattern[str]:
    t = re.escape(term)
    return re.compile(rf"\(\s*{t}s?\s*[)/,]|\b{t}s?\s*\(\s*[^\W\d_]", re.IGNORECASE)


def spelt_out(term: str, sentence: str) -> bool:
    """Does the sentence spell out the short form `term` beside it, in brackets?"""
    return term.lower() in sentence.lower() and bool(_expansion_re(term).search(sentence))


@lru_cache(maxsize=20_000)
def sentence_tokens(sentence: str) -> tuple[text.Token, ...]:
    return tuple(text.analyze(sentence))


# A sentence that announces what follows ("... sebagai berikut:", "di antaranya") or asks a
# question the next sentence answers
_LEAD_IN = re.compile(
    r"(?::|\?)\s*[\"”']?\s*$|\b(berikut|antara lain|di antaranya|yaitu|yakni|sebagai berikut)\W*$",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”]")


_NAME_CUES = {kind: frozenset(words.split()) for kind, words in pairs("name-cues.txt")}
_TITLES = _NAME_CUES["person-title"]
_PLACE_NOUNS = _NAME_CUES["place-noun"]
_LOCATIVES = _NAME_CUES["locative"]


@dataclass(frozen=True)
class Profile:
    """What kinds of answer a sentence holds, counted once per sentence (and cached): numbers,
    times and dates, names (capitalised words past the first), names of people (after a title,
    or of two words or more) and of places (after a place noun or a locative), reason words;
    whether it announces what follows, and whether it quotes someone."""

    words: int
    numbers: int
    times: int
    names: int
    people: int
    places: int
    reasons: int
    lead_in: bool
    quote: bool
    grams: frozenset[str]  # character 4-grams of its words (for typos and word forms)
    name_words: frozenset[str]  # the capitalised words, normalised
    number_words: frozenset[str]  # the numbers, normalised
    units: frozenset[str]  # index terms of the words right after a number ("92 *poin*")


@lru_cache(maxsize=20_000)
def profile(sentence: str) -> Profile:
    tokens = sentence_tokens(sentence)
    numbers = times = reasons = people = places = 0
    name_words: set[str] = set()
    number_words: set[str] = set()
    units: set[str] = set()
    run = 0  # length of the run of capitalised words so far
    for i, token in enumerate(tokens):
        word = token.word
        number = _is_number(word)
        if number:
            numbers += 1
            number_words.add(word)
            for after in tokens[i + 1 : i + 3]:
                units.update(after.terms)
        if word in _TIME_WORDS or _YEAR.match(word):
            times += 1
        if word in _REASON_WORDS:
            reasons += 1
        capital = i > 0 and sentence[token.start].isupper() and word not in STOPWORDS
        if capital:
            name_words.add(word)
            before = tokens[i - 1].word
            if run == 0 and before in _TITLES:
                people += 1
            if run == 0 and (before in _PLACE_NOUNS or before in _LOCATIVES):
                places += 1
            run += 1
            if run == 2:
                people += 1
        else:
            run = 0
    times += len(_DATE.findall(sentence))
    return Profile(
        words=len(tokens),
        numbers=numbers,
        times=times,
        names=len(name_words),
        people=people,
        places=places,
        reasons=reasons,
        lead_in=bool(_LEAD_IN.search(sentence)),
        quote=bool(_QUOTE.search(sentence)),
        grams=grams(t.word for t in tokens if t.terms),
        name_words=frozenset(name_words),
        number_words=frozenset(number_words),
        units=frozenset(units),
    )


def grams(words: Iterable[str], n: int = 4) -> frozenset[str]:
    """The character n-grams of words (each padded: "#putin#"), a word shorter than n whole."""
    out: set[str] = set()
    for word in words:
        padded = f"#{word}#"
        if len(padded) <= n:
            out.add(padded)
            continue
        out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return frozenset(out)


# Words after which a span says what something is or amounts to ("adalah", "sebesar", "oleh")
_COPULAS = WORD_CLASSES["copula"] | _NAME_CUES["span-lead"]
_CURRENCIES = _ANSWER_WORDS["currency"]
_MONTHS = _ANSWER_WORDS["month"]
_CLAUSE_WORDS = _ANSWER_WORDS["clause-word"]
# A sentence that leans on the one before it ("*Mereka* akan ...", "*Selain itu*, ...")
_OPENERS = re.compile(
    r"^[\"“]?(?:" + "|".join(re.escape(w) for w in lines("sentence-openers.txt")) + r")\b",
    re.IGNORECASE,
)


def _is_number(word: str) -> bool:
    return any(c.isdigit() for c in word) or word in _NUMBER_WORDS


def leans_back(sentence: str) -> bool:
    """Does the sentence open leaning on the one before it (a pronoun, "selain itu")?"""
    return bool(_OPENERS.match(sentence))


def word_class(sentence: str, i: int, tokens: Sequence[text.Token]) -> frozenset[str]:
    """What the i-th word of a sentence is, for answer spans: capital, number, time, year,
    stop (a function word), title, locative, copula, unit (a word right after a number),
    acronym (a word in capitals), currency ("Rp", "US$"), clause (it opens a clause of its own:
    a conjunction, or a comma, semicolon or colon stands before it)."""
    token = tokens[i]
    word = token.word
    out: set[str] = set()
    number = _is_number(word)
    if not token.terms or word in STOPWORDS:
        out.add("stop")
    if sentence[token.start].isupper() and word not in STOPWORDS:
        out.add("capital")
    if number:
        out.add("number")
    if word in _TIME_WORDS or word in _MONTHS or _YEAR.match(word):
        out.add("time")
    if _YEAR.match(word):
        out.add("year")
    if word in _TITLES:
        out.add("title")
    if word in _LOCATIVES or word in _PLACE_NOUNS:
        out.add("locative")
    if word in _COPULAS:
        out.add("copula")
    surface = sentence[token.start : token.end]
    if len(surface) > 1 and surface.isupper() and surface.isalpha():
        out.add("acronym")
    if word in _CURRENCIES:
        out.add("currency")
    if word in _CLAUSE_WORDS or (
        i > 0 and any(c in sentence[tokens[i - 1].end : token.start] for c in ",;:")
    ):
        out.add("clause")
    if i > 0 and not number and "stop" not in out:
        before = tokens[i - 1].word
        if _is_number(before):
            out.add("unit")
    return frozenset(out)


# What a word and a sentence are, as bits: a corpus's words and sentences are read once, when it
# is indexed (`bot.search.facts`), by the same tests as `profile`, `holds` and `_defines`.
STOP = 1  # a function word
TIME = 2  # a time word or a year
NUMBER = 4  # holds a digit, or is a number word (what `profile` counts)
NUMERAL = 8  # starts with a digit, or is a number word (what `holds` takes for a number)
REASON = 16  # a reason word ("karena")
TITLE = 32  # a title before a person's name ("Presiden")
PLACE = 64  # a place noun or a locative before a place's name
COPULA = 128  # a word that says what something is ("adalah")


def word_kinds(word: str) -> int:
    """The bits above that a normalised word has."""
    bits = 0
    if word in STOPWORDS:
        bits |= STOP
    if word in _TIME_WORDS or _YEAR.match(word):
        bits |= TIME
    if _is_number(word):
        bits |= NUMBER
    if word[:1].isdigit() or word in _NUMBER_WORDS:
        bits |= NUMERAL
    if word in _REASON_WORDS:
        bits |= REASON
    if word in _TITLES:
        bits |= TITLE
    if word in _PLACE_NOUNS or word in _LOCATIVES:
        bits |= PLACE
    if word in _COPULA:
        bits |= COPULA
    return bits


LEAD_IN = 1  # it announces what follows, or asks (`Profile.lead_in`)
QUOTE = 2  # someone is quoted (`Profile.quote`)
LEANS_BACK = 4  # it opens leaning on the sentence before (`leans_back`)


def sentence_marks(sentence: str) -> tuple[int, int]:
    """The bits above that a sentence has, and how many dates ("17/8") it holds."""
    bits = 0
    if _LEAD_IN.search(sentence):
        bits |= LEAD_IN
    if _QUOTE.search(sentence):
        bits |= QUOTE
    if _OPENERS.match(sentence):
        bits |= LEANS_BACK
    dates = len(_DATE.findall(sentence)) if "/" in sentence else 0
    return bits, dates
