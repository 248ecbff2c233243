"""Corpus loading and the Indonesian sentence splitter."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from bot.messages import problem_reason
from bot.search.corpus import (
    MAX_CHUNK_CHARS,
    CorpusError,
    DocumentError,
    build_corpus,
    decode_document,
    load_corpus,
    parse_document,
    split_sentences,
)
from tests.paths import CORPUS_DIR


def sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b] for a, b in split_sentences(paragraph)]


def test_as_abbreviation_keeps_the_sentence_whole() -> None:
    text = (
        "Rusia jauh tertinggal dari kekuatan AI seperti A.S. dan Tiongkok dalam hal pengembangan "
        "teknologi. Pada konferensi yang sama, Sberbank mendemonstrasikan versinya."
    )
    assert sentences(text) == [
        "Rusia jauh tertinggal dari kekuatan AI seperti A.S. dan Tiongkok dalam hal pengembangan "
        "teknologi.",
        "Pada konferensi yang sama, Sberbank mendemonstrasikan versinya.",
    ]


def test_as_abbreviation_before_a_capital_does_not_split() -> None:
    assert len(sentences("Hubungan dengan A.S. Presiden Rusia menolak.")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Dia bertemu dr. Andi di rumah sakit.",
        "Kantornya di Jl. Sudirman No. 5 Jakarta.",
        "Harganya Rp. 5.000 per lembar.",
        "Ada buku, pena, dll. yang dibawa.",
        "Surat ditandatangani oleh J. Smith kemarin.",
        "Ekonomi tumbuh 11,5 persen tahun ini.",
        "Nilainya 3.14 dan sekitar $136 miliar.",
        "Ia berkata (lihat hlm. 4. Bagian Dua) dengan tegas.",
        'Ia berkata, "Kami siap. Kami menang." kepada wartawan.',
        "Prof. Budi menjelaskan hasilnya.",
    ],
)
def test_abbreviations_numbers_quotes_and_brackets_never_split(text: str) -> None:
    assert sentences(text) == [text]


def test_sentence_ends_with_closing_quote() -> None:
    text = 'Ia berkata, "Kami siap." Lalu dia pergi.'
    assert sentences(text) == ['Ia berkata, "Kami siap."', "Lalu dia pergi."]


def test_question_and_exclamation_marks_split() -> None:
    assert sentences("Ingin bergabung? Gabunglah dengan mereka! Terima kasih.") == [
        "Ingin bergabung?",
        "Gabunglah dengan mereka!",
        "Terima kasih.",
    ]


def test_front_matter_gives_title_and_source() -> None:
    doc = parse_document(
        "a.txt",
        "---\ntitle: Judul\nsource: https://x.test/a\n---\nParagraf satu.\n",
        markdown=False,
    )
    assert (doc.title, doc.source, doc.paragraphs) == (
        "Judul",
        "https://x.test/a",
        ("Paragraf satu.",),
    )


def test_markdown_heading_is_the_title_and_blank_lines_separate_paragraphs() -> None:
    doc = parse_document(
        "b.md", "# Judul Besar\n\nBaris satu\nbaris dua.\n\nParagraf dua.", markdown=True
    )
    assert doc.title == "Judul Besar"
    assert doc.paragraphs == ("Baris satu baris dua.", "Paragraf dua.")


def test_newsletter_invitation_is_not_article_text() -> None:
    raw = "Berita utama.\nPara ahli kripto terpintar sudah membaca buletin kami. Ingin bergabung?"
    assert parse_document("c.txt", raw, markdown=False).paragraphs == ("Berita utama.",)


def test_chunks_know_document_paragraph_and_position() -> None:
    doc = parse_document("d.txt", "Satu. Dua.\nTiga.", markdown=False)
    chunks = build_corpus([doc]).sentences
    assert [(c.id, c.doc, c.paragraph, c.position, c.text) for c in chunks] == [
        (0, "d.txt", 1, 0, "Satu."),
        (1, "d.txt", 1, 1, "Dua."),
        (2, "d.txt", 2, 0, "Tiga."),
    ]


def test_bundled_article_never_quotes_the_newsletter(tmp_path: Path) -> None:
    corpus = load_corpus(Path(__file__).resolve().parent.parent / "corpus")
    assert not any("buletin" in c.text for c in corpus.sentences)
    assert any("A.S. dan Tiongkok" in c.text for c in corpus.sentences)


def test_bad_files_are_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Kalimat yang baik.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Kalimat caf\xe9.".encode("latin-1"))
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    corpus = load_corpus(tmp_path)
    assert [d.name for d in corpus.documents] == ["good.txt"]
    reasons = {p.name: problem_reason(p.code, p.detail) for p in corpus.problems}
    assert set(reasons) == {"latin1.txt", "binary.md", "empty.txt"}
    assert "UTF-8" in reasons["latin1.txt"]
    assert "binary" in reasons["binary.md"]
    assert "empty" in reasons["empty.txt"]


def test_missing_or_empty_folder_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no readable"):
        load_corpus(tmp_path)


def test_closing_bracket_after_a_period_ends_the_bracket() -> None:
    assert sentences("Dia pergi (lihat hlm. 4.) Lalu pulang.") == [
        "Dia pergi (lihat hlm. 4.)",
        "Lalu pulang.",
    ]


def test_pretokenized_numbers_and_abbreviations_do_not_split() -> None:
    text = "Tingginya 700-1 . 000 meter . Karyawan PT . Pupuk Iskandar Muda pulang ."
    assert sentences(text) == [
        "Tingginya 700-1 . 000 meter .",
        "Karyawan PT . Pupuk Iskandar Muda pulang .",
    ]


def test_news_about_copyright_is_not_mistaken_for_boilerplate() -> None:
    raw = "DPR mengesahkan RUU Hak Cipta yang baru.\nBaca juga: Berita lain hari ini"
    assert parse_document("e.txt", raw, markdown=False).paragraphs == (
        "DPR mengesahkan RUU Hak Cipta yang baru.",
    )


def test_a_link_out_of_the_corpus_folder_is_skipped_and_named(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "good.txt").write_text("Kalimat yang baik.", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    (corpus_dir / "passwd.txt").symlink_to(secret)
    (corpus_dir / "etc.txt").symlink_to("/etc/passwd")
    corpus = load_corpus(corpus_dir)
    assert [d.name for d in corpus.documents] == ["good.txt"]
    assert not any("root:x" in c.text for c in corpus.sentences)
    assert {p.name: p.code for p in corpus.problems} == {
        "passwd.txt": "outside",
        "etc.txt": "outside",
    }


def test_a_link_inside_the_corpus_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "asli.txt").write_text("Kalimat asli.", encoding="utf-8")
    (tmp_path / "salinan.txt").symlink_to(tmp_path / "asli.txt")
    assert [d.name for d in load_corpus(tmp_path).documents] == ["asli.txt", "salinan.txt"]


def test_a_pipe_named_like_a_document_is_skipped_and_named(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Kalimat yang baik.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    corpus = load_corpus(tmp_path)  # must not block reading the pipe
    assert {p.name: p.code for p in corpus.problems} == {"pipe.txt": "not_regular"}


@pytest.mark.parametrize("raw", ["---\n---\nIsi berita.", "---\n---\n\nIsi berita.\n"])
def test_an_empty_front_matter_block_is_not_article_text(raw: str) -> None:
    doc = parse_document("f.txt", raw, markdown=False)
    assert doc.paragraphs == ("Isi berita.",)


def test_a_file_of_only_an_empty_front_matter_block_is_empty(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Kalimat yang baik.", encoding="utf-8")
    (tmp_path / "kosong.md").write_text("---\n---\n", encoding="utf-8")
    assert {p.name: p.code for p in load_corpus(tmp_path).problems} == {"kosong.md": "empty"}


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_named_as_such_not_binary(codec: str) -> None:
    with pytest.raises(DocumentError) as info:
        decode_document("berita.txt", "Berita tentang AI di Rusia.".encode(codec))
    assert info.value.code == "utf16"
    assert "UTF-8" in problem_reason(info.value.code, info.value.detail)


def test_a_huge_sentence_is_indexed_as_bounded_pieces_that_keep_every_word() -> None:
    words = [f"kata{i % 977}" for i in range(40_000)]
    raw = " ".join(words)  # one line, no full stop: one "sentence" of ~300 KB
    chunks = build_corpus([parse_document("besar.txt", raw, markdown=False)]).sentences
    assert max(len(c.text) for c in chunks) <= MAX_CHUNK_CHARS
    assert " ".join(c.text for c in chunks).split() == words
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_a_matching_question_on_a_1_9_mb_one_sentence_document_is_answered(
    tmp_path: Path,
) -> None:
    # how long it takes is measured by `python -m bot bench`, not here
    from bot.search.answer import Answerer
    from bot.search.snapshot import load_snapshot

    article = (CORPUS_DIR / "putin-satgas-ai.txt").read_text(encoding="utf-8")
    vocabulary = article.replace(".", " ").replace(",", " ").split()
    rng = random.Random(1)
    line = " ".join(rng.choice(vocabulary) for _ in range(300_000))[:1_900_000]
    (tmp_path / "huge.txt").write_text(line + "\n", encoding="utf-8")
    answerer = Answerer(load_snapshot(tmp_path), top_k=3)
    answer = answerer.ask("Siapa yang meluncurkan satuan tugas AI nasional?")
    assert answer.found
    assert all(len(p.text) <= 2 * 1000 + 1 for p in answer.passages)


def test_a_unit_abbreviation_before_a_number_does_not_end_a_sentence() -> None:
    paragraph = (
        "Longsor terjadi di Jalan Trans Sulawesi Km. 7 arah Palu. "
        "Warga berlari sejauh 3 km. Polisi datang."
    )
    sentences = [paragraph[a:b] for a, b in split_sentences(paragraph)]
    assert sentences == [
        "Longsor terjadi di Jalan Trans Sulawesi Km. 7 arah Palu.",
        "Warga berlari sejauh 3 km.",
        "Polisi datang.",
    ]
