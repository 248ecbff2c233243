"""Answer kinds: what kind of answer a question asks for, and whether a sentence holds one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from bot.reading import text
from bot.reading.lexicon import STOPWORDS, WORD_CLASSES

CUE_REACH = 4  # the cue word must stand this close to a question word (0: anywhere)

_TIME_WORDS = frozenset(
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "jan feb mar apr jun jul agu ags sep sept okt nov des senin selasa rabu kamis jumat sabtu "
    "minggu pukul tanggal kemarin besok lusa pagi siang sore malam abad dekade tahun bulan "
    "pekan".split()
)
_NUMBER_WORDS = frozenset(
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus "
    "ribu juta miliar milyar triliun setengah seratus seribu sejuta puluhan ratusan ribuan "
    "jutaan persen".split()
)
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


_REASON_WORDS = frozenset("karena sebab akibat disebabkan lantaran penyebab agar supaya".split())
_DATE = re.compile(r"\b\d{1,2}\s?/\s?\d{1,2}\b")


# "Partai apa ...", "Badan apakah ...": things whose answer is a proper name
_NAMED_KIND = re.compile(
    r"\b(badan|perusahaan|partai|organisasi|lembaga|departemen|kementerian|penghargaan|kelompok"
    r"|film|universitas|negara|kejuaraan|dinas|kota|asosiasi|yayasan|provinsi|kabupaten|balai"
    r"|bank|komisi|dewan|klub|tim|pulau|fraksi|divisi|bandara|kapal|satelit|maskapai|majalah"
    r"|koran|harian|stasiun|televisi|festival|ajang|turnamen|liga|lagu|album|buku|judul|program"
    r"|proyek|operasi|gunung|sungai|danau|selat|teluk|benua|institusi|instansi|sekolah|hotel"
    r"|gedung|jalan|desa|kecamatan|wilayah|daerah|suku|bahasa|merek|perjanjian) (apa|apakah)\b"
)


# The kind of answer a question word asks for
Kind = Literal["expansion", "definition", "time", "number", "name", "reason"]


def asked(words: Sequence[str]) -> Kind | None:
    """What kind of answer the question word asks for (the question's normalised words): a
    short form spelt out, a definition, a time, a number, a name or a reason."""
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
        r"\b(kapan|bilamana|kapankah|kpn|kpan|when)\b|what year"
        r"|\b(tahun|tanggal|bulan|hari|pukul|jam|abad) (berapa|berapakah|apa|apakah)\b",
        q,
    ):
        return "time"
    if re.search(r"\b(berapa|berapakah|keberapa|keberapakah|brp|how many|how much)\b", q):
        return "number"
    if re.search(
        r"\b(siapa|siapakah|sapa|who|whom|di ?mana|dimanakah|dmn|ke ?mana(kah)?|mana|manakah"
        r"|where|nama)\b",
        q,
    ) or _NAMED_KIND.search(q):
        return "name"
    if re.search(r"\b(mengapa|kenapa|knp|knapa|why)\b", q):
        return "reason"
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
    cue: Kind | None, sentence: str, own: frozenset[str], wanted: frozenset[str] = frozenset()
) -> bool:
    """Does the sentence hold a word of the wanted kind that the question does not already have
    (near one of the question's words, when `wanted` terms are given and CUE_REACH is set)?"""
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
        if CUE_REACH and near and min(abs(i - j) for j in near) > CUE_REACH:
            continue
        if cue == "time" and (word in _TIME_WORDS or _YEAR.match(word)):
            return True
        if cue == "number" and (word[:1].isdigit() or word in _NUMBER_WORDS):
            return True
        if cue == "reason" and word in _REASON_WORDS:
            return True
        if cue == "name" and i > 0 and sentence[token.start].isupper() and word not in STOPWORDS:
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
