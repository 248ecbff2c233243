"""The few settings of the commands that need no Telegram (`ask`, `eval`, `calibrate`, `bench`).

Where the corpus and its index cache are, and how many passages to quote: read from the
environment and `.env` by the rules of `bot.config.Settings` (names in any case, an environment
variable before `.env`, an empty value as unset), without pydantic, whose import alone is a
quarter of a one-question process. The bot itself (`run`, `health`, `backup`) reads and checks
every setting with `bot.config.Settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_FILE = Path(".env")
TOP_K_RANGE = (1, 10)  # as `Settings.top_k`


class SettingsError(Exception):
    """Settings with bad values: one line per problem, each naming its variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CorpusSettings:
    """CORPUS_DIR, DATABASE_PATH, CACHE_DIR and TOP_K, with `Settings`' defaults."""

    corpus_dir: Path = Path("corpus")
    database_path: Path = Path("data/bot.sqlite3")
    cache_dir: Path | None = None
    top_k: int = 3

    @property
    def index_cache_dir(self) -> Path:
        """Where built indexes are kept between runs (CACHE_DIR, else beside the database)."""
        return self.cache_dir or self.database_path.parent / "cache"


def read_corpus_settings() -> CorpusSettings:
    """The settings from the environment and `.env`; raises `SettingsError` for a bad TOP_K or
    an unreadable `.env`."""
    values = {**_env_file(ENV_FILE), **_lowered(os.environ)}
    settings = CorpusSettings()
    corpus_dir = values.get("corpus_dir")
    database_path = values.get("database_path")
    cache_dir = values.get("cache_dir")
    return CorpusSettings(
        corpus_dir=Path(corpus_dir) if corpus_dir else settings.corpus_dir,
        database_path=Path(database_path) if database_path else settings.database_path,
        cache_dir=Path(cache_dir) if cache_dir else None,
        top_k=_top_k(values.get("top_k")),
    )


def _lowered(values: Mapping[str, str | None]) -> dict[str, str]:
    return {k.lower(): v for k, v in values.items() if v}


def _env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # what pydantic-settings reads .env with

    try:
        return _lowered(dotenv_values(path, encoding="utf-8"))
    except (UnicodeDecodeError, OSError) as exc:
        raise unreadable_env(exc) from None


def unreadable_env(exc: UnicodeDecodeError | OSError) -> SettingsError:
    """The one line a `.env` that cannot be read gets."""
    if isinstance(exc, UnicodeDecodeError):
        return SettingsError(
            [f".env is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"]
        )
    return SettingsError([f".env cannot be read: {exc.strerror or exc}"])


def _top_k(value: str | None) -> int:
    if value is None:
        return CorpusSettings.top_k
    low, high = TOP_K_RANGE
    try:
        top_k = int(value.strip())
    except ValueError:
        raise SettingsError([f"invalid setting TOP_K: {value!r} is not a whole number"]) from None
    if not low <= top_k <= high:
        raise SettingsError([f"invalid setting TOP_K: {top_k} is not between {low} and {high}"])
    return top_k
