"""The settings of the corpus, its index and its answers, defined once: CORPUS_DIR,
DATABASE_PATH, CACHE_DIR, TOP_K and FOUND_THRESHOLD, their defaults (`CorpusSettings`) and the
rule each value is read by (`RULES`).

`bot.config.Settings` takes its defaults from here and checks these values with these
rules; `read_corpus_settings` reads them for the commands that need no Telegram (`ask`, `eval`,
`calibrate`, `bench`) without pydantic, whose import alone is a quarter of a one-question
process. It finds them as pydantic-settings does (names in any case, an environment variable
before `.env`, an empty value as unset).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_FILE = Path(".env")
TOP_K_RANGE = (1, 10)


class SettingsError(Exception):
    """Settings with bad values: one line per problem, each naming its variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def problem(name: str, message: str) -> str:
    """The line a bad value gets: the variable's name, then what is wrong with the value."""
    return f"invalid setting {name.upper()}: {message}"


@dataclass(frozen=True)
class CorpusSettings:
    """CORPUS_DIR, DATABASE_PATH, CACHE_DIR, TOP_K and FOUND_THRESHOLD; the defaults are the
    bot's too."""

    corpus_dir: Path = Path("corpus")
    database_path: Path = Path("data/bot.sqlite3")
    cache_dir: Path | None = None
    top_k: int = 3
    # the confidence (the probability that the first quote answers) a question needs to be
    # answered; None: the threshold fitted with the found model (`models/found.json`)
    found_threshold: float | None = None

    @property
    def index_cache_dir(self) -> Path:
        """Where built indexes are kept between runs (CACHE_DIR, else beside the database)."""
        return self.cache_dir or self.database_path.parent / "cache"


def _path(value: object) -> Path:
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise ValueError(f"{value!r} is not a path")


def _optional_path(value: object) -> Path | None:
    return None if value is None else _path(value)


def _top_k(value: object) -> int:
    low, high = TOP_K_RANGE
    number = _whole_number(value)
    if not low <= number <= high:
        raise ValueError(f"{number} is not between {low} and {high}")
    return number


def _probability(value: object) -> float | None:
    if value is None:
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and value.isascii():
        with contextlib.suppress(ValueError):
            number = float(value.strip())
    if number is None or number != number:  # NaN
        raise ValueError(f"{value!r} is not a number")
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{number:g} is not between 0 and 1 (a probability)")
    return number


def _whole_number(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # ASCII digits only: int() would also take other scripts' digits ("٥")
    if isinstance(value, str) and value.isascii():
        with contextlib.suppress(ValueError):
            return int(value.strip())
    raise ValueError(f"{value!r} is not a whole number")


# how each value is read, from the text of a variable or a value given in code; a ValueError
# says what is wrong, in words fit to follow the variable's name
RULES: Mapping[str, Callable[[object], object]] = {
    "corpus_dir": _path,
    "database_path": _path,
    "cache_dir": _optional_path,
    "top_k": _top_k,
    "found_threshold": _probability,
}


def read_corpus_settings() -> CorpusSettings:
    """The settings from the environment and `.env`; raises `SettingsError` for a bad value or
    an unreadable `.env`, one line per problem."""
    found = {**_env_file(ENV_FILE), **_lowered(os.environ)}
    values: dict[str, object] = {}
    problems = []
    for name, rule in RULES.items():
        if name not in found:
            continue
        try:
            values[name] = rule(found[name])
        except ValueError as exc:
            problems.append(problem(name, str(exc)))
    if problems:
        raise SettingsError(problems)
    return CorpusSettings(**values)  # type: ignore[arg-type]


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
