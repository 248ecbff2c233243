"""Settings from the environment and `.env`, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "ADMIN_IDS", "CORPUS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.admin_ids == frozenset()
    assert settings.corpus_dir == Path("corpus")


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ,,56")
    assert load_settings().admin_ids == frozenset({12, 34, 56})


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123:abc\nTELEGRAM_BASE_URL=http://127.0.0.1:8081/bot\n"
    )
    settings = load_settings()
    assert settings.token == "123:abc"
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"


def test_token_is_hidden_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret")
    assert "very-secret" not in repr(load_settings())


@pytest.mark.parametrize(
    ("name", "value"),
    [("ADMIN_IDS", "12,abc"), ("TELEGRAM_BASE_URL", "ftp://x"), ("TOP_K", "zero")],
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
