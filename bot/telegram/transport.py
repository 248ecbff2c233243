"""A PTB request class on aiohttp's client.

PTB's default (httpx) costs about a millisecond of CPU per request under load, most of it in
httpcore's connection pool; aiohttp's client does the same work for a fraction of that, which
is what lets one core answer hundreds of questions a second. Behaviour follows `HTTPXRequest`:
form-encoded parameters, multipart when files are sent, timeouts as `TimedOut`, other transport
errors as `NetworkError`. Two kinds of failure are told apart for the retry policy
(`bot/telegram/pacing.py`), as only they say for sure that the request was not carried out: one
that was never sent (`NotSent`: no connection could be made, or none of the pool's was free in
time) and a server error status (`ServerFailed`). A timeout or a connection dropped once the
request was on its way may have been carried out.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_NONE = BaseRequest.DEFAULT_NONE


class NotSent(NetworkError):
    """The connection could not be made: the request never reached the server."""


class PoolTimeout(NotSent):
    """No connection of the pool was free within the pool timeout: nothing was sent. (PTB's
    HTTPXRequest raises `TimedOut` here, which would keep a send from being tried again.)"""


class ServerFailed(NetworkError):
    """The server answered with a 5xx status: it says the request failed."""


class AiohttpRequest(BaseRequest):
    """`BaseRequest` over one `aiohttp.ClientSession`, opened in `initialize()`."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = None,  # wait for a free connection as long as it takes
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = DEFAULT_NONE,
        write_timeout: object = DEFAULT_NONE,
        connect_timeout: object = DEFAULT_NONE,
        pool_timeout: object = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._pick(read_timeout, self._read_timeout)
        write = self._pick(write_timeout, self._write_timeout)
        connect = self._pick(connect_timeout, self._connect_timeout)
        pool = self._pick(pool_timeout, self._pool_timeout)
        files = request_data.multipart_data if request_data is not None else None
        # aiohttp has no write timeout: a request that uploads a file gets write + read (+
        # connect) as its total instead
        total = None
        if files and write is not None and read is not None:
            total = write + read + (connect or 0.0)
        timeout = aiohttp.ClientTimeout(
            total=total, sock_connect=connect, sock_read=read, connect=None
        )
        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            if files:
                form = aiohttp.FormData()
                for key, value in request_data.json_parameters.items():
                    form.add_field(key, value)
                for key, (filename, content, mime) in files.items():
                    form.add_field(key, content, filename=filename, content_type=mime)
                data = form
            else:
                data = request_data.json_parameters
        # the pool timeout is the wait for a free connection (a slot), as in PTB's HTTPXRequest
        try:
            await asyncio.wait_for(self._slots.acquire(), pool)
        except TimeoutError:
            raise PoolTimeout("Pool timeout: all connections are in use") from None
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as resp:
                status, payload = resp.status, await resp.read()
        except aiohttp.ConnectionTimeoutError as exc:
            raise NotSent(f"aiohttp.{type(exc).__name__}: connect timeout") from exc
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut from exc
        except aiohttp.ClientConnectorError as exc:
            raise NotSent(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            self._slots.release()
        if status >= 500:
            raise ServerFailed(f"{_phrase(status)} ({status})")
        return status, payload

    @staticmethod
    def _pick(value: object, default: float | None) -> float | None:
        if value is DEFAULT_NONE:
            return default
        return value if isinstance(value, (int, float)) else None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Server error"
