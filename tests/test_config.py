"""Settings from the environment and `.env`, and their errors."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import telegram
import telegram.ext

from bot.config import Settings, SettingsError, load_settings
from bot.corpus_settings import CorpusSettings, read_corpus_settings
from bot.telegram.webhook import with_webhook_secret
from tests.fakeapi import TOKEN
from tests.paths import ROOT

EXAMPLE = ROOT / ".env.example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "ADMIN_IDS",
        "CORPUS_DIR",
        "DATABASE_PATH",
        "CACHE_DIR",
        "TOP_K",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.admin_ids == frozenset()
    assert settings.corpus_dir == Path("corpus")


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ;56")
    assert load_settings().admin_ids == frozenset({12, 34, 56})


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nTELEGRAM_BASE_URL=http://127.0.0.1:8081/bot\n"
    )
    settings = load_settings()
    assert settings.token == TOKEN
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"


def test_token_is_hidden_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert TOKEN.split(":")[1] not in repr(load_settings())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("ADMIN_IDS", "1,,2"),
        ("ADMIN_IDS", "-5"),
        ("ADMIN_IDS", "0"),
        ("TELEGRAM_BASE_URL", "ftp://x"),
        ("TELEGRAM_BASE_URL", "https://"),
        ("TOP_K", "zero"),
        ("LOG_LEVEL", "verbose"),
        ("WEBHOOK_URL", "not-a-url"),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert name in message
    assert "\n" not in message


def test_env_example_as_dotenv_gives_working_defaults(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings()
    assert settings.token is None
    assert settings.cache_dir is None
    assert settings.webhook_url is None
    assert settings.admin_ids == frozenset()
    assert settings.index_cache_dir == Path("data/cache")


def example_comments() -> dict[str, str]:
    """Each setting of .env.example, with the comment lines above it."""
    comments: dict[str, str] = {}
    above: list[str] = []
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            above.append(line.lstrip("# "))
        elif "=" in line:
            comments[line.split("=", 1)[0]] = " ".join(above)
            above = []
        else:
            above = []
    return comments


def imported_by_the_bot() -> set[str]:
    """Every name the bot's modules import."""
    names: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names.update(alias.name.rsplit(".", 1)[-1] for alias in node.names)
    return names


def test_env_example_names_only_library_parts_and_files_the_bot_uses() -> None:
    used = imported_by_the_bot()
    for name, comment in example_comments().items():
        for word in re.findall(
            r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b|\b[A-Z]{2,}[a-z][A-Za-z]*\b", comment
        ):
            if hasattr(telegram, word) or hasattr(telegram.ext, word):
                assert word in used, f"{name}: the bot does not use {word}"
        for path in re.findall(r"\bbot/[\w/]+\.py\b", comment):
            assert (ROOT / path).is_file(), f"{name}: {path} does not exist"


def test_env_example_says_what_an_empty_webhook_secret_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("WEBHOOK_URL", "https://example.com/hook")
    settings = load_settings()
    assert settings.webhook_secret is None
    made = with_webhook_secret(settings).webhook_secret  # what the bot registers
    assert made is not None and len(made.get_secret_value()) >= 32
    comment = example_comments()["WEBHOOK_SECRET"]
    assert "random" in comment and "Optional" in comment and "recommended" not in comment


def test_log_level_is_accepted_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"


def test_database_path_that_is_a_folder_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path))
    with pytest.raises(SettingsError, match=r"DATABASE_PATH.*folder"):
        load_settings()


def test_a_dotenv_that_is_not_utf8_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("ADMIN_IDS=1\nLOG_LEVEL=INFO # caf\xe9\n".encode("latin-1"))
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith(".env is not UTF-8")
    assert "\n" not in str(info.value)


def test_every_problem_gets_its_own_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    monkeypatch.setenv("ADMIN_IDS", "1,,2")
    with pytest.raises(SettingsError) as info:
        load_settings()
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert any("LOG_LEVEL" in line for line in lines) and any("ADMIN_IDS" in line for line in lines)


def test_allowed_chats_and_users_are_comma_separated_and_empty_means_any(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().allowed_chat_ids == frozenset()
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "-1001234567890, -42")
    monkeypatch.setenv("ALLOWED_USER_IDS", "7")
    settings = load_settings()
    assert settings.allowed_chat_ids == frozenset({-1001234567890, -42})
    assert settings.allowed_user_ids == frozenset({7})


def test_a_bad_allowed_chat_id_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "-100, mygroup")
    with pytest.raises(SettingsError, match="ALLOWED_CHAT_IDS"):
        load_settings()


CORPUS_SETTINGS = {
    "defaults": ({}, ""),
    "environment": ({"CORPUS_DIR": "artikel", "TOP_K": "5"}, ""),
    ".env, any case, quoted": ({}, 'corpus_dir="berita lama"\nCache_Dir=/tmp/c\nTOP_K=2\n'),
    "environment before .env": ({"CORPUS_DIR": "a"}, "CORPUS_DIR=b\nDATABASE_PATH=d/x.db\n"),
    "empty is unset": ({"CORPUS_DIR": "", "CACHE_DIR": ""}, "CORPUS_DIR=\nCACHE_DIR=c\n"),
    "export and comments": ({}, "# corpus\nexport CORPUS_DIR=x # here\nTOP_K = 4\n"),
}


@pytest.mark.parametrize(("env", "dotenv"), CORPUS_SETTINGS.values(), ids=CORPUS_SETTINGS.keys())
def test_the_reader_without_pydantic_finds_the_corpus_settings_where_pydantic_settings_does(
    env: dict[str, str], dotenv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the one part of the corpus settings read twice: where the values are found (names in any
    # case, the environment before .env, an empty value as unset) is pydantic-settings' for the
    # bot and `read_corpus_settings`' own for `ask`
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if dotenv:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    bot, light = load_settings(), read_corpus_settings()
    assert light.corpus_dir == bot.corpus_dir
    assert light.database_path == bot.database_path
    assert light.index_cache_dir == bot.index_cache_dir
    assert light.top_k == bot.top_k


def _outcome(reader: Callable[[], Settings | CorpusSettings]) -> int | str:
    try:
        return reader().top_k
    except SettingsError as exc:
        return str(exc)


@pytest.mark.parametrize(
    "value", ["3", " 5 ", "+2", "1_0", "5.0", "\u0665", "zero", "0", "11", "2.5", " ", "0x5"]
)
def test_the_bot_and_ask_take_or_refuse_a_top_k_alike_in_the_same_words(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP_K", value)
    assert _outcome(load_settings) == _outcome(read_corpus_settings)


@pytest.mark.parametrize("value", ["zero", "0", "11", "2.5", "5.0", "\u0665"])
def test_a_bad_top_k_is_one_line_naming_the_variable(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP_K", value)
    with pytest.raises(SettingsError, match=r"^invalid setting TOP_K: [^\n]+$"):
        read_corpus_settings()


def test_a_top_k_given_in_code_is_checked_as_one_from_the_environment() -> None:
    with pytest.raises(SettingsError, match="TOP_K: 11 is not between 1 and 10"):
        load_settings(top_k=11)
