"""Settings: one pydantic-settings class, read from the environment and `.env`.

The corpus and answer settings (CORPUS_DIR, DATABASE_PATH, CACHE_DIR, TOP_K, FOUND_THRESHOLD)
take their defaults and rules from `bot.corpus_settings`, which `ask` and the other commands
without Telegram read them with.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.corpus_settings import (
    ENV_FILE,
    RULES,
    CorpusSettings,
    SettingsError,
    problem,
    unreadable_env,
)

__all__ = ["LOG_LEVELS", "Settings", "SettingsError", "load_settings"]


_CORPUS = CorpusSettings()  # the defaults


class Settings(BaseSettings):
    """Every setting of the bot. Field names are the env names, case-insensitively."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # groups and supergroups the bot may stay in (empty = any); users who may use it in private
    # chats and inline (empty = everyone); admins always pass (bot/telegram/access.py)
    allowed_chat_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    allowed_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # read by `RULES` (`_check_corpus_setting`)
    corpus_dir: Path = _CORPUS.corpus_dir
    database_path: Path = _CORPUS.database_path
    cache_dir: Path | None = _CORPUS.cache_dir
    top_k: int = _CORPUS.top_k
    found_threshold: float | None = _CORPUS.found_threshold

    # Telegram behaviour
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    rate_limiter: bool = True
    flood_limit_per_minute: int = Field(default=20, ge=1)
    group_cooldown_seconds: float = Field(default=3.0, ge=0)
    edited_messages: Literal["answer", "ignore"] = "answer"
    # keep fetched updates on disk until answered (bot/telegram/inbox.py); false only to compare
    durable_inbox: bool = True
    # how long a user's previous question gives context to a short follow-up (0: never)
    followup_seconds: float = Field(default=300.0, ge=0)

    # Storage and privacy
    retention_days: int = Field(default=90, ge=0)
    store_question_text: bool = True
    # who to ask for deletion, shown by /privacy (an @username, an e-mail address, a URL)
    privacy_contact: str = ""

    # Admin
    max_upload_bytes: int = Field(default=2_000_000, ge=1)
    auto_reload: bool = False
    auto_reload_seconds: float = Field(default=30.0, gt=0)

    log_level: str = "INFO"

    @field_validator("admin_ids", "allowed_chat_ids", "allowed_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            if any(not p for p in parts):
                raise ValueError(f"{value!r} has an empty entry; use ids separated by commas")
            for part in parts:
                if not part.removeprefix("-").isdigit():
                    raise ValueError(f"{part!r} is not a Telegram id (a number)")
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator(*RULES, mode="before")
    @classmethod
    def _check_corpus_setting(cls, value: Any, info: ValidationInfo) -> Any:
        return RULES[str(info.field_name)](value)

    @field_validator("admin_ids", "allowed_user_ids")
    @classmethod
    def _check_user_ids(cls, value: frozenset[int]) -> frozenset[int]:
        bad = sorted(v for v in value if v <= 0)
        if bad:
            raise ValueError(f"{bad[0]} is not a Telegram user id (a positive number)")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        # the message never repeats the value: it is a secret
        token = value.get_secret_value().strip() if value is not None else ""
        if not token or _TOKEN.fullmatch(token):
            return value
        if token.lower().startswith("bot") and _TOKEN.fullmatch(token[3:]):
            raise ValueError("drop the 'bot' in front: the token starts with the bot's number")
        raise ValueError(
            "is not shaped like a bot token (the bot's number, a colon, then 35 letters, digits,"
            " '-' or '_'); copy it again from @BotFather"
        )

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters, each a letter, a digit, '-' or '_'")
        return value

    @field_validator("telegram_base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not _is_http_url(value):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not _is_http_url(value):
            raise ValueError(f"{value!r} is not a URL such as https://bot.example.com/telegram")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("database_path")
    @classmethod
    def _check_database_path(cls, value: Path) -> Path:
        # the bot's own check, at start: it opens the database (`ask` only keeps its cache
        # beside it)
        if value.is_dir():
            raise ValueError(f"{str(value)!r} is a folder; give a file such as data/bot.sqlite3")
        return value

    @property
    def index_cache_dir(self) -> Path:
        """Where built indexes are kept between runs (CACHE_DIR, else beside the database)."""
        return self.cache_dir or self.database_path.parent / "cache"

    @property
    def token(self) -> str | None:
        """The bot token as plain text, or None when it is not set."""
        if self.telegram_bot_token is None:
            return None
        token = self.telegram_bot_token.get_secret_value().strip()
        return token or None


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# what @BotFather gives: the bot's id, a colon and (today) 35 URL-safe characters
_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,100}")
# what setWebhook accepts as secret_token
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _is_http_url(value: str) -> bool:
    parts = urlparse(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def load_settings(**overrides: Any) -> Settings:
    """Read and check every setting (no network is touched): `SettingsError` lists what is wrong.

    Every check lives in `Settings`; this turns pydantic's report, and an unreadable `.env`,
    into one plain line per problem.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            problems.append(problem(name, str(error["msg"]).removeprefix("Value error, ")))
        raise SettingsError(problems) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise unreadable_env(exc) from None
