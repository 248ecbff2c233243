"""Downloading a file someone sent the bot, never more of it than a limit.

`file_size` is optional in the Bot API, and a size that is stated can be wrong; a local Bot API
server takes files of up to 2 GB. PTB's `File.download_as_bytearray` reads a file whole before
anyone can look at its size (400 MB took the bot from 87 to 814 MB of memory). Here a stated size
over the limit refuses the file at once, and the file itself is read in chunks and dropped as
soon as it passes the limit, whatever was stated.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from pathlib import Path

import aiohttp
from telegram import Bot
from telegram.error import NetworkError

CHUNK_BYTES = 65_536
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0  # between two chunks, not for the whole file


class TooLarge(Exception):
    """The file is larger than the limit; `size` is its size when it was stated."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"larger than the limit ({size if size is not None else 'unstated'})")
        self.size = size


async def download_at_most(bot: Bot, file_id: str, limit: int) -> bytes:
    """The file's bytes; raises `TooLarge` past `limit` bytes, and `TelegramError` when it cannot
    be fetched (its text never holds the file URL, which holds the token)."""
    file = await bot.get_file(file_id)
    if file.file_size is not None and file.file_size > limit:
        raise TooLarge(file.file_size)
    if not file.file_path:
        raise NetworkError("the Bot API gave no file path")
    # PTB leaves a path as it is only when it names a file on this machine (a local Bot API
    # server, started with --local); anything else it made a URL
    if Path(file.file_path).is_absolute():
        data = await asyncio.to_thread(_read_at_most, Path(file.file_path), limit)
    else:
        data = await _fetch_at_most(_encoded(file.file_path), limit)
    if len(data) > limit:
        raise TooLarge(None)
    return data


def _read_at_most(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise NetworkError(f"the file could not be read ({type(exc).__name__})") from None


async def _fetch_at_most(url: str, limit: int) -> bytes:
    """At most `limit` + 1 bytes from `url`: one more than allowed says the file is too large."""
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=CONNECT_TIMEOUT, sock_read=READ_TIMEOUT
    )
    data = bytearray()
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise NetworkError(f"the file download answered {response.status}")
            async for chunk in response.content.iter_chunked(CHUNK_BYTES):
                data += chunk
                if len(data) > limit:
                    break  # leaving the block closes the connection: the rest is never read
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise NetworkError(f"the file download failed ({type(exc).__name__})") from None
    return bytes(data[: limit + 1])


def _encoded(url: str) -> str:
    """The URL with the path percent-encoded, as PTB does for file paths."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=urllib.parse.quote(parts.path)))
