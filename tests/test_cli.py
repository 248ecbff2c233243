"""`python -m bot ask` and `eval` in a subprocess, exactly as a user or a script runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.messages import Lang, t
from tests.conftest import CORPUS_DIR, DEV_QUESTIONS, EXTRA_QUESTIONS, ROOT
from tests.paths import corpus_with


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    full_env.update({"CORPUS_DIR": str(CORPUS_DIR), "PYTHONPATH": str(ROOT)})
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def test_ask_json_prints_one_object_per_stdin_line_in_order() -> None:
    questions = ["Berapa triliun rubel?", "Resep kue bolu", "  LLMs  "]
    result = run_bot("ask", "--json", stdin="\n".join(questions) + "\n\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 3
    objects = [json.loads(line) for line in lines]
    assert [o["question"] for o in objects] == questions
    assert [o["found"] for o in objects] == [True, False, True]
    first = objects[0]["passages"][0]
    assert set(first) == {"text", "sentence", "doc", "score"}
    assert "11 triliun rubel" in first["sentence"]
    assert first["doc"] == "putin-satgas-ai.txt"
    assert objects[1]["passages"] == []


def test_ask_with_an_argument_answers_in_plain_terminal_text() -> None:
    result = run_bot("ask", "Siapa yang meluncurkan satuan tugas AI nasional?")
    assert result.returncode == 0, result.stderr
    assert "Vladimir Putin" in result.stdout
    assert "paragraf 1" in result.stdout
    assert "\033[" not in result.stdout  # no colour codes when not a terminal


def test_ask_does_not_import_telegram() -> None:
    code = (
        "import sys, runpy; sys.argv=['bot','ask','LLMs'];"
        "\ntry: runpy.run_module('bot', run_name='__main__')"
        "\nexcept SystemExit: pass"
        "\nassert 'telegram' not in sys.modules, 'telegram imported'"
    )
    env = {**os.environ, "CORPUS_DIR": str(CORPUS_DIR), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_ask_does_not_import_pydantic(tmp_path: Path) -> None:
    # its import alone is a quarter of a one-question process; a .env is read all the same
    (tmp_path / ".env").write_text("TOP_K=1\n", encoding="utf-8")
    code = (
        "import sys, runpy; sys.argv=['bot','ask','--json','LLMs'];"
        "\ntry: runpy.run_module('bot', run_name='__main__')"
        "\nexcept SystemExit: pass"
        "\nassert not [m for m in sys.modules if m.startswith('pydantic')], 'pydantic imported'"
    )
    env = {**os.environ, "CORPUS_DIR": str(CORPUS_DIR), "PYTHONPATH": str(ROOT)}
    env["CACHE_DIR"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["passages"]) == 1


def test_missing_corpus_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    result = run_bot("ask", "apa?", env={"CORPUS_DIR": str(tmp_path / "none")})
    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_corpus_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    result = run_bot("ask", "--json", stdin="apa?\n", env={"CORPUS_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "no readable" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("command", "name", "value"),
    [("health", "ADMIN_IDS", "12,abc"), ("ask", "TOP_K", "tiga"), ("ask", "TOP_K", "11")],
)
def test_bad_setting_is_one_line_naming_the_variable(
    command: str, name: str, value: str, tmp_path: Path
) -> None:
    env = {name: value, "DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    result = run_bot(command, *(["apa?"] if command == "ask" else []), env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_reads_only_the_settings_it_uses() -> None:
    result = run_bot("ask", "--json", "apa?", env={"ADMIN_IDS": "12,abc", "WEBHOOK_URL": "x"})
    assert result.returncode == 0, result.stderr


def test_eval_prints_project_and_baseline_side_by_side() -> None:
    questions = DEV_QUESTIONS if DEV_QUESTIONS.exists() else EXTRA_QUESTIONS
    result = run_bot("eval", str(questions))
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "project" in line)
    assert "naive bm25" in header
    for row in ("top-1", "top-3", "off-topic refused", "false refusals"):
        assert row in result.stdout


CONVERSATION = "Apa hambatan terbesar ambisi AI Rusia?\nkenapa itu jadi masalah?\n"


def test_ask_conversation_reads_a_short_followup_with_the_question_before() -> None:
    result = run_bot("ask", "--conversation", "--json", stdin=CONVERSATION)
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.strip().split("\n"))
    assert set(first) == {
        "question",
        "found",
        "passages",
        "answer",
        "tentative",
        "confidence",
        "understood",
    }
    assert first["understood"] is None
    assert second["question"] == "kenapa itu jadi masalah?"
    assert second["found"] is True
    assert "microchip" in second["passages"][0]["sentence"]
    assert second["understood"] == "kenapa itu jadi masalah? hambatan terbesar ambisi AI Rusia"


def test_ask_conversation_in_plain_text_shows_the_topic() -> None:
    result = run_bot("ask", "--conversation", stdin=CONVERSATION)
    assert result.returncode == 0, result.stderr
    assert "(tentang: hambatan terbesar ambisi AI Rusia)" in result.stdout
    assert "microchip" in result.stdout.split("kenapa itu jadi masalah?")[1]


def test_ask_conversation_refuses_a_follow_up_about_what_the_article_never_says() -> None:
    stdin = "Siapa yang mengembangkan Gigachat?\nberapa harganya?\n"
    result = run_bot("ask", "--conversation", "--json", stdin=stdin)
    assert result.returncode == 0, result.stderr
    second = json.loads(result.stdout.strip().split("\n")[1])
    assert second["understood"] is None  # not read with the topic
    assert second["found"] is False and second["passages"] == [] and second["answer"] is None


def test_ask_without_conversation_reads_each_line_alone() -> None:
    result = run_bot("ask", "--json", stdin=CONVERSATION)
    second = json.loads(result.stdout.strip().split("\n")[1])
    assert set(second) == {"question", "found", "passages", "answer", "tentative", "confidence"}
    assert not any("microchip" in p["sentence"] for p in second["passages"])


def test_eval_scores_a_followup_file_beside_each_message_alone() -> None:
    result = run_bot("eval", str(Path(__file__).parent / "data" / "followups.json"))
    assert result.returncode == 0, result.stderr
    assert "follow-ups answered right (top-1)" in result.stdout
    assert "new questions unchanged" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("follow-ups"))
    ours, alone = row.split()[-2:]
    assert int(ours.split("/")[0]) > int(alone.split("/")[0])


def test_ask_json_marks_chit_chat_and_quotes_nothing() -> None:
    result = run_bot("ask", "--json", "makasih ya kak")
    data = json.loads(result.stdout)
    assert data == {
        "question": "makasih ya kak",
        "found": False,
        "passages": [],
        "answer": None,
        "tentative": False,
        "confidence": 0.0,
        "chat": "thanks",
    }


def run_measured(*args: str, env: dict[str, str], out: Path) -> tuple[int, str, str, float]:
    """`python -m bot ARGS` in a process of its own: exit code, stdout, stderr and its peak
    resident memory in MB (from wait4, so the figure is that process's alone)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    full_env.update({"PYTHONPATH": str(ROOT), **env})
    stdout, stderr = out / "stdout", out / "stderr"
    with stdout.open("wb") as o, stderr.open("wb") as e:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], stdout=o, stderr=e, env=full_env, cwd=out
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return proc.returncode, stdout.read_text(), stderr.read_text(), peak_mb


def test_a_3_gb_corpus_file_is_skipped_by_its_size_and_never_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    with (corpus / "besar.txt").open("wb") as huge:
        huge.truncate(3 * 1024**3)  # sparse: 3 GB to whoever reads it, no disk used
    code, stdout, stderr, peak_mb = run_measured(
        "ask",
        "Berapa triliun rubel?",
        env={"CORPUS_DIR": str(corpus), "DATABASE_PATH": str(tmp_path / "bot.sqlite3")},
        out=tmp_path,
    )
    assert code == 0, stderr
    assert "putin-satgas-ai.txt" in stdout
    assert "warning: skipped besar.txt: too large (3,221,225,472 bytes)" in stderr
    assert peak_mb < 200  # the bundled article alone takes about 70 MB; reading it, 3,100


WORDLESS = {
    "punctuation and emoji": "!!! ??? … 🎉🎉🎉\n— *** 😀 ***\n",
    "common words only": "Yang dan di itu.\nIni dan itu.\n",
}


@pytest.mark.parametrize("text", WORDLESS.values(), ids=WORDLESS.keys())
def test_a_corpus_without_a_word_to_index_is_a_clear_error_without_traceback(
    tmp_path: Path, text: str
) -> None:
    corpus = corpus_with(tmp_path, tanda_txt=text)
    env = {"CORPUS_DIR": str(corpus), "DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    result = run_bot("ask", "apa?", env=env)
    assert result.returncode == 2
    first, *rest = result.stderr.splitlines()
    assert first.startswith("error: ") and "Traceback" not in result.stderr
    assert rest == ["  skipped tanda.txt: empty: no article text"]


def test_run_health_and_backup_explain_themselves() -> None:
    for command, words in (
        ("run", ["TELEGRAM_BOT_TOKEN", "SIGTERM", "WEBHOOK_URL", "Exit status"]),
        ("health", ["DATABASE_PATH", "Exit status"]),
        ("backup", ["FILE", "integrity_check", "Exit status"]),
    ):
        result = run_bot(command, "--help")
        assert result.returncode == 0, result.stderr
        for word in words:
            assert word in result.stdout, (command, word)


# --------------------------------------------------------------------------- the replies' language

# questions the article answers only loosely: found with little to spare (the hedge line)
LOOSE = [
    "What is the population of Russia?",
    "Who funds the task force?",
    "How much money does Russia spend on AI?",
    "How fast is Russia growing in AI?",
]
ENGLISH = ["What is the capital of France?", *LOOSE, "Who launched the national AI task force?"]
INDONESIAN = ["Siapa yang meluncurkan satuan tugas AI nasional?", "Resep kue bolu"]


def replies(stdout: str) -> dict[str, str]:
    """The terminal's output, one reply per question (the block under its `? question` line)."""
    blocks = [b for b in stdout.split("\n? ") if b.strip()]
    return {b.removeprefix("? ").split("\n", 1)[0]: b.split("\n", 1)[1] for b in blocks}


def wording(key: str, lang: Lang) -> str:
    """The first line of one of the bot's texts, as the terminal shows it."""
    return t(key, lang, examples="", paragraph=1).split("\n")[0]


def test_ask_answers_each_question_in_the_language_it_is_written_in() -> None:
    stdin = "\n".join(ENGLISH + INDONESIAN) + "\n"
    result = run_bot("ask", stdin=stdin)
    assert result.returncode == 0, result.stderr
    data = run_bot("ask", "--json", stdin=stdin)
    tentative = {o["question"] for o in map(json.loads, data.stdout.splitlines()) if o["tentative"]}
    assert tentative & set(LOOSE), "none of LOOSE is found with little to spare any more"
    said = replies(result.stdout)
    assert wording("not_found", "en") in said["What is the capital of France?"]
    for question in ENGLISH:
        assert wording("not_found", "id") not in said[question], question
        assert wording("tentative", "id") not in said[question], question
        assert "paragraf " not in said[question] and "skor " not in said[question], question
        if question in tentative:
            assert wording("tentative", "en") in said[question], question
    assert "paragraph 1" in said["Who launched the national AI task force?"]
    assert "paragraf 1" in said["Siapa yang meluncurkan satuan tugas AI nasional?"]
    assert wording("not_found", "id") in said["Resep kue bolu"]


def test_ask_thanks_in_english_is_answered_in_english() -> None:
    said = replies(run_bot("ask", "thanks").stdout)
    assert said["thanks"].strip().startswith("💬 You're welcome!")


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_ask_lang_words_every_reply_in_one_language(lang: Lang, other: Lang) -> None:
    stdin = "\n".join([*ENGLISH, *INDONESIAN, "thank you", "makasih"]) + "\n"
    result = run_bot("ask", "--lang", lang, stdin=stdin)
    assert result.returncode == 0, result.stderr
    said = replies(result.stdout)
    assert wording("not_found", lang) in said["What is the capital of France?"]
    assert wording("not_found", lang) in said["Resep kue bolu"]
    for thanks in ("thank you", "makasih"):
        assert wording("chat_thanks", lang) in said[thanks]
    for question in ENGLISH + INDONESIAN:
        assert wording("not_found", other) not in said[question], question
        assert wording("quote_from", other).lower() not in said[question], question


# --------------------------------------------------------------------------- exit codes


def exit_codes(command: str) -> dict[int, str]:
    """The exit codes `python -m bot COMMAND --help` documents, each with what it says."""
    text = " ".join(run_bot(command, "--help").stdout.split())
    status = text.split("Exit status: ", 1)[1].split(". ", 1)[0]
    codes = {}
    for part in status.split("; "):
        code, _, meaning = part.partition(" ")
        codes[int(code)] = meaning
    return codes


@pytest.mark.parametrize("command", ["health", "backup"])
def test_a_bad_setting_exits_with_the_code_help_documents_for_it(
    command: str, tmp_path: Path
) -> None:
    env = {"ADMIN_IDS": "12,abc", "DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    args = [str(tmp_path / "copy.sqlite3")] if command == "backup" else []
    result = run_bot(command, *args, env=env)
    codes = exit_codes(command)
    assert result.returncode in codes, (result.returncode, codes)
    assert "setting" in codes[result.returncode]
    assert "ADMIN_IDS" in result.stderr


def test_health_exits_with_the_documented_codes_for_healthy_and_not(tmp_path: Path) -> None:
    codes = exit_codes("health")
    database = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    healthy = run_bot("health", env=database)
    assert healthy.returncode == 0 and "healthy" in codes[0]
    missing = run_bot("health", env={**database, "CORPUS_DIR": str(tmp_path / "none")})
    assert missing.returncode == 1 and "not" in codes[1]


def test_found_threshold_decides_how_sure_an_answer_must_be() -> None:
    question = "Siapa yang meluncurkan satuan tugas AI nasional?"
    usual = json.loads(run_bot("ask", "--json", question).stdout)
    strict = run_bot("ask", "--json", question, env={"FOUND_THRESHOLD": "1"})
    lenient = run_bot("ask", "--json", "Apa makanan favorit Putin?", env={"FOUND_THRESHOLD": "0"})
    assert usual["found"] and usual["confidence"] < 1
    assert strict.returncode == 0, strict.stderr
    assert json.loads(strict.stdout)["found"] is False
    assert json.loads(lenient.stdout)["found"] is True


def test_a_found_threshold_that_is_not_a_probability_is_one_line_and_exit_2() -> None:
    for value in ("1.5", "banyak", "-0.1"):
        result = run_bot("ask", "x", env={"FOUND_THRESHOLD": value})
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert lines == [lines[0]] and "FOUND_THRESHOLD" in lines[0], result.stderr
