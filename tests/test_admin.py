"""Admin commands through the real bot and the fake Bot API: ids only, refusals, audit, reload."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.telegram.admin import safe_target
from tests.fakeapi import TOKEN, FakeBotApi, parse_html
from tests.telegram_harness import ADMIN_ID, RunningBot, make_settings, running_bot

NEW_DOC = """---
title: Festival Durian Medan
source: https://example.test/durian
---
Festival Durian Medan tahun ini dihadiri dua puluh ribu pengunjung dari Sumatra Utara.
"""


def admin(api: FakeBotApi) -> dict[str, Any]:
    return api.user(ADMIN_ID, name="Admin")


def audit_rows(bot: RunningBot) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.settings.database_path) as db:
        return db.execute(
            "SELECT user_id, chat_type, command, allowed, result FROM admin_audit ORDER BY id"
        ).fetchall()


async def ask_text(bot: RunningBot, question: str) -> str:
    return parse_html((await bot.ask(bot.api.message(question)))["text"])


@pytest.mark.parametrize("command", ["/reload", "/stats", "/docs", "/remove putin-satgas-ai.txt"])
async def test_non_admin_in_private_chat_is_refused_and_audited(
    bot: RunningBot, command: str
) -> None:
    sent = await bot.ask(bot.api.message(command))
    assert "admin" in parse_html(sent["text"])
    await bot.storage.flush()
    assert audit_rows(bot)[-1][:4] == (42, "private", command.split()[0], 0)
    assert (bot.corpus_dir / "putin-satgas-ai.txt").exists()


@pytest.mark.parametrize("command", ["/reload", "/stats", "/docs", "/remove putin-satgas-ai.txt"])
async def test_non_admin_in_group_gets_silence_and_is_audited(
    bot: RunningBot, command: str
) -> None:
    await bot.silent(bot.api.message(command, chat_id=-100, chat_type="supergroup"))
    await bot.storage.flush()
    assert audit_rows(bot)[-1][:4] == (42, "supergroup", command.split()[0], 0)


async def test_admin_by_name_but_not_by_id_is_refused(bot: RunningBot) -> None:
    impostor = bot.api.user(4242, name="Admin")
    sent = await bot.ask(bot.api.message("/reload", user=impostor))
    assert "admin" in parse_html(sent["text"])


async def test_admin_docs_lists_documents_with_size_and_sentences(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("/docs", user=admin(bot.api)))
    text = parse_html(sent["text"])
    assert "putin-satgas-ai.txt" in text and "kalimat" in text and "byte" in text


async def test_admin_in_group_is_answered_too(bot: RunningBot) -> None:
    update = bot.api.message("/docs", chat_id=-100, chat_type="supergroup", user=admin(bot.api))
    assert "putin-satgas-ai.txt" in parse_html((await bot.ask(update))["text"])


async def test_admin_stats_shows_counts_and_unanswered(bot: RunningBot) -> None:
    await ask_text(bot, "Berapa triliun rubel?")
    await ask_text(bot, "Siapa juara Liga Inggris?")
    await bot.storage.flush()
    text = parse_html((await bot.ask(bot.api.message("/stats", user=admin(bot.api))))["text"])
    assert "hari ini: 2" in text
    assert "terjawab 50%" in text
    assert "siapa juara liga inggris?" in text


async def test_reload_picks_up_a_new_document_and_reports_the_change(bot: RunningBot) -> None:
    assert "tidak membahas" in await ask_text(bot, "Berapa pengunjung Festival Durian Medan?")
    (bot.corpus_dir / "durian.txt").write_text(NEW_DOC, encoding="utf-8")
    report = parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])
    assert "2 dokumen" in report and "Ditambah: durian.txt" in report
    answer = await ask_text(bot, "Berapa pengunjung Festival Durian Medan?")
    assert "dua puluh ribu pengunjung" in answer
    await bot.storage.flush()
    with sqlite3.connect(bot.settings.database_path) as db:
        versions = db.execute("SELECT documents, loaded_by FROM corpus_versions").fetchall()
    assert versions[-1] == (2, ADMIN_ID)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "Kalimat caf\xe9 berita.".encode("latin-1"), "bukan teks UTF-8"),
        ("gambar.md", b"\x89PNG\x00\x00\x01", "file biner"),
        ("notepad.txt", "Berita tentang AI.".encode("utf-16"), "UTF-16"),
        ("kosong.txt", b"   \n\n", "tidak ada teks"),
    ],
)
async def test_reload_skips_a_broken_file_names_it_and_keeps_answering(
    bot: RunningBot, name: str, content: bytes, reason: str
) -> None:
    (bot.corpus_dir / name).write_bytes(content)
    report = parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])
    assert name in report and reason in report
    assert "11 triliun rubel" in await ask_text(bot, "Berapa triliun rubel?")


async def test_reload_of_an_unusable_folder_keeps_the_last_good_index(bot: RunningBot) -> None:
    shutil.rmtree(bot.corpus_dir)
    report = parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])
    assert "gagal" in report and "lama" in report
    assert "11 triliun rubel" in await ask_text(bot, "Berapa triliun rubel?")
    bot.corpus_dir.mkdir()
    (bot.corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    report = parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])
    assert "gagal" in report
    assert "11 triliun rubel" in await ask_text(bot, "Berapa triliun rubel?")


async def reload_only(bot: RunningBot, name: str, text: str) -> str:
    """/reload by an admin after the corpus folder was left with one file: the report."""
    for path in bot.corpus_dir.iterdir():
        path.unlink()
    (bot.corpus_dir / name).write_text(text, encoding="utf-8")
    return parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])


async def test_reload_of_a_corpus_without_a_word_keeps_the_last_index_and_says_why(
    bot: RunningBot,
) -> None:
    report = await reload_only(bot, "tanda.txt", "Yang dan di itu. 🎉🎉\n")
    assert "gagal" in report and "internal" not in report
    assert "tanda.txt: kosong" in report
    assert "11 triliun rubel" in await ask_text(bot, "Berapa triliun rubel?")


async def test_unreadable_file_is_skipped_and_named(bot: RunningBot) -> None:
    (bot.corpus_dir / "hilang.txt").symlink_to(bot.corpus_dir / "does-not-exist.txt")
    report = parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])
    assert "hilang.txt" in report and "tidak bisa dibaca" in report
    assert "1 dokumen" in report


async def test_questions_during_a_reload_are_answered_from_the_old_index(
    bot: RunningBot,
) -> None:
    (bot.corpus_dir / "durian.txt").write_text(NEW_DOC, encoding="utf-8")
    live = bot.live
    old_kb = live.kb
    reload_task = asyncio.create_task(live.reload())
    during = []
    while not reload_task.done():
        # answered meanwhile, and from the old index: it knows nothing of the new document
        during.append((live.kb, live.answerer.ask("Festival Durian Medan pengunjung")))
        assert live.answerer.ask("Berapa triliun rubel?").found
        await asyncio.sleep(0.001)
    report = await reload_task
    assert report.ok and report.added == ("durian.txt",)
    assert during, "the reload finished before any question was asked"
    assert all(kb is old_kb and not answer.found for kb, answer in during)
    assert live.kb is not old_kb
    assert live.answerer.ask("Festival Durian Medan pengunjung").found


async def test_admin_upload_adds_a_document(bot: RunningBot) -> None:
    bot.api.files["f1"] = NEW_DOC.encode()
    document = {"document": {"file_id": "f1", "file_unique_id": "u1", "file_name": "durian.txt",
                             "file_size": len(NEW_DOC.encode())}}  # fmt: skip
    sent = await bot.ask(bot.api.message(None, user=admin(bot.api), extra=document))
    text = parse_html(sent["text"])
    assert "durian.txt" in text and "ditambahkan" in text
    assert (bot.corpus_dir / "durian.txt").read_text(encoding="utf-8") == NEW_DOC
    assert "dua puluh ribu" in await ask_text(bot, "Berapa pengunjung Festival Durian Medan?")


@pytest.mark.parametrize(
    "name", ["../evil.txt", "..\\evil.txt", "/etc/passwd.txt", "sub/dir.txt", ".hidden.txt",
             "evil.exe", "a\x00b.txt", ""],
)  # fmt: skip
async def test_upload_names_that_leave_the_corpus_are_refused(bot: RunningBot, name: str) -> None:
    bot.api.files["f2"] = b"Isi berita."
    document = {"document": {"file_id": "f2", "file_unique_id": "u2", "file_name": name,
                             "file_size": 11}}  # fmt: skip
    sent = await bot.ask(bot.api.message(None, user=admin(bot.api), extra=document))
    assert "tidak aman" in parse_html(sent["text"])
    assert sorted(p.name for p in bot.corpus_dir.iterdir()) == ["putin-satgas-ai.txt"]
    assert not (bot.corpus_dir.parent / "evil.txt").exists()


async def test_upload_too_large_or_binary_is_refused(bot: RunningBot) -> None:
    big = {"document": {"file_id": "big", "file_unique_id": "ub", "file_name": "big.txt",
                        "file_size": 50_000_000}}  # fmt: skip
    sent = await bot.ask(bot.api.message(None, user=admin(bot.api), extra=big))
    assert "terlalu besar" in parse_html(sent["text"])
    bot.api.files["bin"] = b"\x00\x01\x02binary"
    binary = {"document": {"file_id": "bin", "file_unique_id": "ux", "file_name": "bin.txt",
                           "file_size": 9}}  # fmt: skip
    sent = await bot.ask(bot.api.message(None, user=admin(bot.api), extra=binary))
    assert "ditolak" in parse_html(sent["text"])
    assert not (bot.corpus_dir / "bin.txt").exists()


async def test_upload_from_non_admin_gets_the_reader_hint(bot: RunningBot) -> None:
    bot.api.files["f3"] = NEW_DOC.encode()
    document = {"document": {"file_id": "f3", "file_unique_id": "u3", "file_name": "durian.txt",
                             "file_size": 10}}  # fmt: skip
    sent = await bot.ask(bot.api.message(None, extra=document))
    assert "teks" in parse_html(sent["text"])
    assert not (bot.corpus_dir / "durian.txt").exists()


async def test_remove_deletes_one_document_and_reloads(bot: RunningBot) -> None:
    (bot.corpus_dir / "durian.txt").write_text(NEW_DOC, encoding="utf-8")
    await bot.ask(bot.api.message("/reload", user=admin(bot.api)))
    sent = await bot.ask(bot.api.message("/remove durian.txt", user=admin(bot.api)))
    assert "dihapus" in parse_html(sent["text"])
    assert not (bot.corpus_dir / "durian.txt").exists()
    refused = await bot.ask(bot.api.message("/remove ../bot.sqlite3", user=admin(bot.api)))
    assert "Tidak ada dokumen" in parse_html(refused["text"])
    assert bot.settings.database_path.exists()


def test_safe_target_stays_inside_the_folder(tmp_path: Path) -> None:
    assert safe_target(tmp_path, "berita.md") == (tmp_path / "berita.md").resolve()
    for bad in ("../x.txt", "x/../../y.txt", "/abs.txt", "x.py", "..", ".env.txt"):
        assert safe_target(tmp_path, bad) is None


async def test_an_admin_command_gets_exactly_one_reply(bot: RunningBot) -> None:
    for command in ("/docs", "/reload"):
        before = len(bot.api.sent())
        await bot.ask(bot.api.message(command, user=admin(bot.api)))
        await bot.settled()
        assert len(bot.api.sent()) == before + 1
    before = len(bot.api.sent())
    await bot.ask(bot.api.message("/reload"))  # a reader: one refusal, no help text as well
    await bot.settled()
    assert len(bot.api.sent()) == before + 1


async def test_auto_reload_picks_up_changed_files(api: FakeBotApi, tmp_path: Path) -> None:
    settings = make_settings(api, tmp_path, auto_reload=True, auto_reload_seconds=0.2)
    async with running_bot(api, settings) as bot:
        (bot.corpus_dir / "durian.txt").write_text(NEW_DOC, encoding="utf-8")
        for _ in range(100):
            if len(bot.live.kb.corpus.documents) == 2:
                break
            await asyncio.sleep(0.05)
        assert "dua puluh ribu" in await ask_text(bot, "Berapa pengunjung Festival Durian Medan?")


async def test_english_admin_gets_english_reports(bot: RunningBot) -> None:
    english_admin = bot.api.user(ADMIN_ID, lang="en", name="Admin")
    (bot.corpus_dir / "kosong.txt").write_text("", encoding="utf-8")
    report = parse_html((await bot.ask(bot.api.message("/reload", user=english_admin)))["text"])
    assert "Reloaded" in report and "kosong.txt: empty" in report


async def test_a_link_to_a_system_file_is_never_quoted_and_is_named_in_the_report(
    bot: RunningBot,
) -> None:
    (bot.corpus_dir / "passwd.txt").symlink_to("/etc/passwd")
    report = parse_html((await bot.ask(bot.api.message("/reload", user=admin(bot.api))))["text"])
    assert "passwd.txt" in report and "luar folder" in report
    assert "root:" not in await ask_text(bot, "root bin bash nologin daemon")
    inline = {"inline_query": {"id": "q", "from": bot.api.user(), "query": "root", "offset": ""}}
    answered = await bot.ask(inline, "answerInlineQuery")
    assert "root:" not in str(answered["results"])


async def test_a_failed_download_tells_the_admin_in_our_words_never_the_file_url(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.files["loop"] = NEW_DOC.encode()
    bot.api.redirect_loops.add("loop")
    document = {"document": {"file_id": "loop", "file_unique_id": "ul", "file_name": "loop.txt",
                             "file_size": 100}}  # fmt: skip
    sent = await bot.ask(bot.api.message(None, user=admin(bot.api), extra=document))
    text = parse_html(sent["text"])
    assert "tidak bisa diunduh" in text
    assert TOKEN not in text and "http" not in text and TOKEN.split(":")[1] not in text
    assert any("download failed" in r.getMessage() for r in caplog.records)
    await bot.storage.flush()
    assert TOKEN not in str(audit_rows(bot))


async def test_a_failed_reload_reports_in_our_words_with_each_skipped_file(
    bot: RunningBot,
) -> None:
    report = await reload_only(bot, "kosong.txt", "")
    assert "tidak ada dokumen .txt atau .md yang bisa dibaca" in report
    assert "kosong.txt: kosong" in report
    assert str(bot.corpus_dir) not in report


async def test_two_removes_sent_together_never_leave_the_corpus_empty(bot: RunningBot) -> None:
    (bot.corpus_dir / "durian.txt").write_text(NEW_DOC, encoding="utf-8")
    await bot.ask(bot.api.message("/reload", user=admin(bot.api)))
    before = len(bot.api.sent())
    for name in ("durian.txt", "putin-satgas-ai.txt"):
        await bot.api.push(bot.api.message(f"/remove {name}", user=admin(bot.api)))
    replies = [parse_html(r["text"]) for r in (await bot.api.wait_for("sendMessage", before + 2))]
    left = [p.name for p in bot.corpus_dir.iterdir() if not p.name.startswith(".")]
    assert len(left) == 1
    assert len(bot.live.kb.corpus.documents) == 1
    assert bot.live.kb.corpus.documents[0].name == left[0]
    assert any("terakhir" in r for r in replies[before:])
    assert list(bot.corpus_dir.glob(".*")) == []  # nothing left set aside


@pytest.mark.parametrize("name", ["berita  dua.txt", "berita-ñandú.txt", "kabar_é.md"])
async def test_remove_takes_any_name_the_corpus_lists(bot: RunningBot, name: str) -> None:
    (bot.corpus_dir / name).write_text(NEW_DOC, encoding="utf-8")
    await bot.ask(bot.api.message("/reload", user=admin(bot.api)))
    sent = await bot.ask(bot.api.message(f"/remove {name}", user=admin(bot.api)))
    assert "dihapus" in parse_html(sent["text"])
    assert not (bot.corpus_dir / name).exists()
    assert [d.name for d in bot.live.kb.corpus.documents] == ["putin-satgas-ai.txt"]


async def test_an_upload_from_a_non_admin_is_audited(bot: RunningBot) -> None:
    bot.api.files["f4"] = NEW_DOC.encode()
    document = {"document": {"file_id": "f4", "file_unique_id": "u4", "file_name": "durian.txt",
                             "file_size": 10}}  # fmt: skip
    await bot.ask(bot.api.message(None, extra=document))
    await bot.storage.flush()
    assert audit_rows(bot)[-1] == (42, "private", "upload", 0, "refused")


@pytest.mark.parametrize("stated", [None, 100], ids=["no size stated", "a size that lies"])
async def test_an_upload_past_the_limit_is_not_downloaded_whole(
    api: FakeBotApi, tmp_path: Path, stated: int | None
) -> None:
    size = 64 * 2**20
    api.streamed_files["huge"] = size
    document: dict[str, Any] = {"file_id": "huge", "file_unique_id": "uh", "file_name": "huge.txt"}
    if stated is not None:
        document["file_size"] = stated
    settings = make_settings(api, tmp_path, max_upload_bytes=100_000)
    async with running_bot(api, settings) as bot:
        sent = await bot.ask(api.message(None, user=admin(api), extra={"document": document}))
        assert "terlalu besar" in parse_html(sent["text"])
        sent_bytes = await api.stream_ended("huge")
    assert sent_bytes < size // 4  # it stopped reading soon after the limit
    assert not (settings.corpus_dir / "huge.txt").exists()
