"""Word lists are data files that name their source, and the index cache knows them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reading import lexicon
from bot.search.corpus import SourceFile, Sources
from bot.search.index import Bm25Params
from bot.search.snapshot import cache_key

LISTS = sorted(p for p in lexicon.DATA.glob("*.txt"))


@pytest.mark.parametrize("path", LISTS, ids=[p.name for p in LISTS])
def test_every_word_list_names_its_source(path) -> None:  # type: ignore[no-untyped-def]
    head = path.read_text(encoding="utf-8").splitlines()[:8]
    comments = " ".join(line for line in head if line.startswith("#")).lower()
    assert any(word in comments for word in ("source", "compiled", "sastrawi", "kbbi")), path


def test_no_list_holds_the_bundled_articles_own_names() -> None:
    for name in ("putin", "sberbank", "gigachat", "brics"):
        assert name not in lexicon.ENGLISH
        assert name not in lexicon.SLANG
        assert not any(name in group for group in lexicon.SYNONYM_GROUPS)


def test_the_colloquial_lexicon_is_loaded() -> None:
    assert lexicon.COLLOQUIAL["gmn"] in {"gimana", "bagaimana"}
    assert len(lexicon.COLLOQUIAL) > 3000  # Kamus Alay


def test_an_edited_word_list_changes_the_index_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = Sources(Path("corpus"), (SourceFile.of("a.txt", b"Satu kalimat."),))
    before = cache_key(sources, Bm25Params())
    monkeypatch.setattr(lexicon, "data_digest", lambda: "another list")
    assert cache_key(sources, Bm25Params()) != before
