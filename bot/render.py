"""An `Answer` as Telegram HTML (escaped, split under Telegram's limit) or as terminal text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.messages import Lang, t
from bot.search.answer import Answer, Passage

TELEGRAM_LIMIT = 4096


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf16_len(s: str) -> int:
    """Telegram measures text in UTF-16 code units (a lone surrogate, as a message may hold
    one, is one unit)."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def without_surrogates(s: str) -> str:
    """`s` with each lone surrogate (valid in a Telegram update's JSON, but not text that can be
    sent) replaced by U+FFFD; a pair in the JSON is already one character here."""
    return _SURROGATE.sub("\ufffd", s)


def escape(s: str) -> str:
    """Text for Telegram HTML: escaped, and sendable (see `without_surrogates`)."""
    return html.escape(without_surrogates(s), quote=False)


def highlight_html(body: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped text with the spans in <b>."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape(body[pos:start]))
        out.append("<b>" + escape(body[start:end]) + "</b>")
        pos = end
    out.append(escape(body[pos:]))
    return "".join(out)


def citation(passage: Passage, lang: Lang) -> str:
    where = t("quote_from", lang, paragraph=passage.paragraph)
    return f"{passage.title}, {where.lower()}"


def emphasis(passage: Passage) -> tuple[tuple[int, int], ...]:
    """What a quote puts in bold: its direct answer when it has one, else the words matched."""
    return (passage.answer,) if passage.answer else passage.highlights


def passage_html(passage: Passage, lang: Lang) -> str:
    quote = highlight_html(passage.text, emphasis(passage))
    cite = escape(citation(passage, lang))
    return f"<blockquote>{quote}</blockquote>\n— <i>{cite}</i>"


def answer_html(passages: Sequence[Passage], lang: Lang) -> list[str]:
    """Passages as one or more Telegram HTML messages, each under the limit."""
    blocks = [passage_html(p, lang) for p in passages]
    return pack(blocks)


def about_html(topic: str, lang: Lang) -> str:
    """The small italic line over a follow-up's answer: which topic it was read with."""
    return f"<i>{escape(t('followup_about', lang, topic=topic))}</i>"


def pack(blocks: Sequence[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join whole blocks into messages under `limit`; no block (so no tag) is ever cut."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block if utf16_len(block) <= limit else escape(_plain_cut(block, limit))
    if current:
        messages.append(current)
    return messages


def _plain_cut(block: str, limit: int) -> str:
    """Last resort for an oversized block: its text without markup, cut to fit once escaped."""
    plain = strip_tags(block)
    while utf16_len(escape(plain)) > limit - 1:
        plain = plain[: int(len(plain) * 0.9)]
    return plain + "…" if plain else "…"


def strip_tags(s: str) -> str:
    """Telegram HTML as plain text: tags removed, entities decoded."""
    return html.unescape(_without_tags(s))


def _without_tags(s: str) -> str:
    out, inside = [], False
    for ch in s:
        if ch == "<":
            inside = True
        elif ch == ">" and inside:
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def passage_plain(passage: Passage, lang: Lang = "id") -> str:
    """A quote without markup (for inline results and copy-paste)."""
    return f"“{passage.text}”\n— {citation(passage, lang)}"


def chat_reply(answer: Answer, lang: Lang, title: str, examples: str) -> str:
    """The friendly reply to chit-chat (Telegram HTML), in `lang` (the caller's choice: the
    message's own language when it shows one)."""
    kind = answer.chat or "greeting"
    return t(f"chat_{kind}", lang, title=escape(title), examples=examples)


# --------------------------------------------------------------------------- terminal

_BOLD, _DIM, _RESET, _YELLOW = "\033[1m", "\033[2m", "\033[0m", "\033[33m"


def answer_terminal(
    answer: Answer,
    color: bool,
    lang: Lang = "id",
    examples: Sequence[str] = (),
    title: str = "",
    *,
    about: str | None = None,
) -> str:
    """Readable terminal output: highlighted words, citations, or a clear not-found.

    `about` is the earlier topic a follow-up was read with; it is shown under the question.
    """
    lines = [f"{_BOLD if color else ''}? {answer.question}{_RESET if color else ''}"]
    if answer.chat is not None:
        listed = "\n".join(f"    • {q}" for q in examples)
        reply = chat_reply(answer, lang, title, listed)
        lines.append("  💬 " + strip_tags(reply).replace("\n", "\n  "))
        return "\n".join(lines)
    if about is not None:
        line = "  " + t("followup_about", lang, topic=about)
        lines.append(f"{_DIM}{line}{_RESET}" if color else line)
    if not answer.found:
        key = "empty_question" if answer.reason == "empty" else "not_found"
        hint = t(key, lang, examples="\n".join(f"    • {q}" for q in examples))
        lines.append("  ✗ " + strip_tags(hint).replace("\n", "\n  "))
        return "\n".join(lines)
    if answer.tentative:
        lines.append("  ~ " + t("tentative", lang))
    if answer.answer:
        direct = f"  = {answer.answer}"
        lines.append(f"{_BOLD}{direct}{_RESET}" if color else direct)
    for rank, passage in enumerate(answer.passages, start=1):
        body = _terminal_highlight(passage.text, emphasis(passage), color)
        lines.append(f"  {rank}. {body}")
        score = t("terminal_score", lang, score=f"{passage.score:.2f}")
        cite = f"     — {citation(passage, lang)} ({passage.doc}, {score})"
        lines.append(f"{_DIM}{cite}{_RESET}" if color else cite)
    return "\n".join(lines)


def _terminal_highlight(body: str, spans: Sequence[tuple[int, int]], color: bool) -> str:
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(body[pos:start])
        word = body[start:end]
        out.append(f"{_BOLD}{_YELLOW}{word}{_RESET}" if color else f"[{word}]")
        pos = end
    out.append(body[pos:])
    return "".join(out)
