"""A fake Telegram Bot API server on 127.0.0.1, for driving the real PTB `Application` end to end.

It checks requests the way Telegram does (known methods, text length after entity parsing,
well-formed HTML with Telegram's tags only, inline-result limits), records every call, serves
`getUpdates` by long polling from a queue the test fills, and can inject faults (429 with
retry_after, 5xx, slow answers) per method.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 777000111
BOT_USERNAME = "TanyaArtikelBot"
TOKEN = "123456789:AAH-test-token-0123456789abcdefXYZ"

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_PART = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);"
)


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def parse_html(text: str) -> str:
    """Telegram's HTML check: returns the plain text, or raises ApiError 400 like Telegram."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    for match in _PART.finditer(text):
        chunk = text[pos : match.start()]
        if any(c in chunk for c in "<>&"):
            raise ApiError(
                400, f"Bad Request: can't parse entities: unescaped character in {chunk[:40]!r}"
            )
        plain.append(chunk)
        pos = match.end()
        token = match.group(0)
        if token.startswith("&"):
            plain.append(html.unescape(token))
            continue
        closing, tag = match.group(1), match.group(2).lower()
        if tag not in ALLOWED_TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"'
            )
        if closing:
            if not stack or stack[-1] != tag:
                raise ApiError(400, f"Bad Request: can't parse entities: unexpected end tag {tag}")
            stack.pop()
        else:
            stack.append(tag)
    rest = text[pos:]
    if any(c in rest for c in "<>&"):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped character")
    plain.append(rest)
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed tag {stack[-1]}")
    return "".join(plain)


def check_text(text: Any, parse_mode: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    plain = parse_html(text) if str(parse_mode).upper() == "HTML" else text
    if not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    return plain


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    delay: float = 0.0
    description: str | None = None  # Telegram's words; "fault {status}" if None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    ok: bool = True
    result: Any = None  # what the server answered (the sent message, for sendMessage)


class FakeBotApi:
    """The server: `async with FakeBotApi() as api:`; `api.base_url` is the TELEGRAM_BASE_URL."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.errors: list[tuple[str, str]] = []
        self.files: dict[str, bytes] = {}
        self.redirect_loops: set[str] = set()  # file ids whose download redirects forever
        # file ids served as this many bytes of text, made as they are sent, with no size stated
        # anywhere (getFile leaves file_size out, the download has no Content-Length)
        self.streamed_files: dict[str, int] = {}
        self.bytes_sent: dict[str, int] = {}  # of each streamed file, so far
        self._streams_ended: dict[str, asyncio.Event] = {}
        self.deleted: set[int] = set()  # message ids the user deleted
        self.strict_server = False  # reject replies and HTML, as an older or odd server might
        self.replies: dict[int, int] = {}  # message id -> replies sent to it
        # (kind, language code or "") -> text, as setMyDescription / setMyShortDescription left it
        self.descriptions: dict[tuple[str, str], str] = {}
        self.left_chats: list[int] = []
        self._reply_waiters: dict[int, asyncio.Future[float]] = {}
        # (the id the server gave it, the update as served): an update a test pushes with an
        # `update_id` of its own is served with it, in the place of the id the server gave it,
        # unless it names an id given before (a redelivery of that update)
        self._updates: list[tuple[int, dict[str, Any]]] = []
        self._update_ids = itertools.count(1)
        self.last_update_id = 0
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Condition()
        self._faults: dict[str, list[Fault]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        async with self._new_update:
            self._new_update.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ test controls

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        delay: float = 0.0,
        description: str | None = None,
    ) -> None:
        self._faults.setdefault(method, []).extend(
            Fault(status, retry_after, delay, description) for _ in range(times)
        )

    async def push(self, update: dict[str, Any]) -> int:
        update_id = self.last_update_id = next(self._update_ids)
        served = {"update_id": update_id, **update}
        own = served["update_id"]
        again = isinstance(own, int) and not isinstance(own, bool) and 0 < own < update_id
        place = own if again else update_id
        async with self._new_update:
            self._updates.append((place, served))
            self._new_update.notify_all()
        return update_id

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet acknowledged by the bot (with the offset of a later getUpdates)."""
        return [update for _, update in self._updates]

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Successful calls of `method`, oldest first."""
        return [c.params for c in self.calls if c.method == method and c.ok]

    async def reply_for(self, message_id: int, within: float = 30.0) -> float:
        """Wait for the bot's reply to `message_id`; returns when it arrived (monotonic)."""
        future = self._reply_waiters.setdefault(
            message_id, asyncio.get_running_loop().create_future()
        )
        return await asyncio.wait_for(future, within)

    async def wait_for_attempt(self, method: str, within: float = 10.0) -> None:
        """Until the bot has called `method` at all (answered yet or not)."""
        deadline = time.monotonic() + within
        while not self.attempts(method):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {method} call within {within}s")
            await asyncio.sleep(0.01)

    def attempts(self, method: str) -> int:
        """Calls of `method`, failed ones included."""
        return sum(c.method == method for c in self.calls)

    async def wait_for(
        self, method: str, count: int = 1, within: float = 10.0
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = self.sent(method)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(
            f"expected {count} {method} calls, got {len(self.sent(method))}: {self.errors}"
        )

    # ------------------------------------------------------------------ update builders

    def user(self, user_id: int = 42, lang: str = "id", name: str = "Budi") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": lang}

    def message(
        self,
        text: str | None = None,
        *,
        chat_id: int = 42,
        chat_type: str = "private",
        user: dict[str, Any] | None = None,
        reply_to_bot: bool = False,
        extra: dict[str, Any] | None = None,
        edited: bool = False,
        entities: bool = True,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": chat_type,
                **({"title": "Grup"} if chat_type != "private" else {"first_name": "Budi"}),
            },
            "from": user or self.user(),
        }
        if text is not None:
            msg["text"] = text
            found = _entities(text) if entities else []
            if found:
                msg["entities"] = found
        if reply_to_bot:
            msg["reply_to_message"] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": msg["chat"],
                "from": self._me(),
                "text": "jawaban sebelumnya",
            }
        if extra:
            msg.update(extra)
        if edited:
            msg["edit_date"] = int(time.time())
            return {"edited_message": msg}
        return {"message": msg}

    # ------------------------------------------------------------------ the API

    def _me(self) -> dict[str, Any]:
        return {
            "id": BOT_ID, "is_bot": True, "first_name": "Tanya Artikel", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }  # fmt: skip

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body or {})
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    try:
                        params[key] = json.loads(value)
                    except ValueError:
                        params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            self.calls.append(Call(method, {}, ok=False))  # it reached the server all the same
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params = await self._params(request)
        call = Call(method, params)
        if method != "getUpdates":
            self.calls.append(call)
        faults = self._faults.get(method)
        if faults:
            fault = faults.pop(0)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status >= 400:
                call.ok = False
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": fault.status,
                    "description": fault.description or f"fault {fault.status}",
                }
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                    body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
                return web.json_response(body, status=fault.status)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.ok = False
            self.errors.append((method, "unknown method"))
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                status=404,
            )
        try:
            result = call.result = await handler(params)
        except ApiError as exc:
            call.ok = False
            self.errors.append((method, exc.description))
            return web.json_response(
                {"ok": False, "error_code": exc.code, "description": exc.description},
                status=exc.code,
            )
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["path"] in self.redirect_loops:
            raise web.HTTPFound(str(request.url))
        if request.match_info["path"] in self.streamed_files:
            return await self._stream(request, request.match_info["path"])
        data = self.files.get(request.match_info["path"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    async def _stream(self, request: web.Request, file_id: str) -> web.StreamResponse:
        size = self.streamed_files[file_id]
        ended = self._streams_ended.setdefault(file_id, asyncio.Event())
        ended.clear()
        self.bytes_sent[file_id] = 0
        response = web.StreamResponse()
        await response.prepare(request)
        chunk = b"Isi berita yang panjang sekali. " * 2048  # 64 KiB
        try:
            while self.bytes_sent[file_id] < size:
                part = chunk[: size - self.bytes_sent[file_id]]
                await response.write(part)
                self.bytes_sent[file_id] += len(part)
            await response.write_eof()
        except ConnectionError:  # the client stopped reading and hung up
            pass
        finally:
            ended.set()
        return response

    async def stream_ended(self, file_id: str, within: float = 30.0) -> int:
        """Until the download of a streamed file has ended (whole, or the client hung up);
        returns the bytes sent."""
        ended = self._streams_ended.setdefault(file_id, asyncio.Event())
        await asyncio.wait_for(ended.wait(), within)
        return self.bytes_sent[file_id]

    async def _m_getMe(self, p: dict[str, Any]) -> Any:
        return self._me()

    async def _m_getUpdates(self, p: dict[str, Any]) -> Any:
        try:
            offset = int(p.get("offset") or 0)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong parameter offset") from None
        timeout = min(float(p.get("timeout") or 0), 2.0)
        self._updates = [(n, u) for n, u in self._updates if n >= offset]
        if not self._updates and timeout:
            async with self._new_update:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout)
        return self.pending_updates()

    async def _m_deleteWebhook(self, p: dict[str, Any]) -> Any:
        return True

    async def _m_setWebhook(self, p: dict[str, Any]) -> Any:
        if not str(p.get("url", "")).startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook url")
        return True

    async def _m_setMyCommands(self, p: dict[str, Any]) -> Any:
        for command in p.get("commands", []):
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: bad command name")
        return True

    async def _m_setMyDescription(self, p: dict[str, Any]) -> Any:
        return self._set_description("description", p, 512)

    async def _m_setMyShortDescription(self, p: dict[str, Any]) -> Any:
        return self._set_description("short_description", p, 120)

    def _set_description(self, kind: str, p: dict[str, Any], limit: int) -> bool:
        text = str(p.get(kind) or "")
        if len(text) > limit:
            raise ApiError(400, f"Bad Request: {kind} is too long")
        self.descriptions[(kind, str(p.get("language_code") or ""))] = text
        return True

    async def _m_getMyDescription(self, p: dict[str, Any]) -> Any:
        lang = str(p.get("language_code") or "")
        return {"description": self.descriptions.get(("description", lang), "")}

    async def _m_getMyShortDescription(self, p: dict[str, Any]) -> Any:
        lang = str(p.get("language_code") or "")
        return {"short_description": self.descriptions.get(("short_description", lang), "")}

    async def _m_leaveChat(self, p: dict[str, Any]) -> Any:
        self.left_chats.append(int(p["chat_id"]))
        return True

    async def _m_sendChatAction(self, p: dict[str, Any]) -> Any:
        return True

    async def _m_answerCallbackQuery(self, p: dict[str, Any]) -> Any:
        if len(str(p.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: callback answer text is too long")
        return True

    def _reply_markup(self, p: dict[str, Any]) -> None:
        markup = p.get("reply_markup")
        if not markup:
            return
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(data.encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    async def _m_sendMessage(self, p: dict[str, Any]) -> Any:
        if self.strict_server and p.get("parse_mode"):
            raise ApiError(400, "Bad Request: can't parse entities: unsupported")
        if self.strict_server and p.get("reply_parameters"):
            raise ApiError(400, "Bad Request: unknown parameter reply_parameters")
        plain = check_text(p.get("text"), p.get("parse_mode"))
        self._reply_markup(p)
        reply = p.get("reply_parameters") or {}
        if reply.get("message_id") in self.deleted and not reply.get("allow_sending_without_reply"):
            raise ApiError(400, "Bad Request: message to be replied not found")
        chat_id = int(p["chat_id"])
        replied = reply.get("message_id")
        if replied is not None:
            self.replies[replied] = self.replies.get(replied, 0) + 1
            waiter = self._reply_waiters.get(replied)
            if waiter is None:
                waiter = self._reply_waiters[replied] = asyncio.get_running_loop().create_future()
            if not waiter.done():
                waiter.set_result(time.monotonic())
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": self._me(),
            "text": plain,
        }

    async def _m_editMessageText(self, p: dict[str, Any]) -> Any:
        plain = check_text(p.get("text"), p.get("parse_mode"))
        self._reply_markup(p)
        if "inline_message_id" in p:
            return True
        chat_id = int(p["chat_id"])
        return {
            "message_id": int(p["message_id"]),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": self._me(),
            "text": plain,
        }

    async def _m_answerInlineQuery(self, p: dict[str, Any]) -> Any:
        results = p.get("results") or []
        if isinstance(results, str):
            results = json.loads(results)
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = set()
        for result in results:
            rid = str(result.get("id", ""))
            if not rid or len(rid.encode()) > 64 or rid in ids:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            ids.add(rid)
            if not result.get("title"):
                raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            check_text(content.get("message_text"), content.get("parse_mode"))
        p["results"] = results
        return True

    async def _m_getFile(self, p: dict[str, Any]) -> Any:
        file_id = str(p["file_id"])
        if file_id in self.streamed_files:
            return {"file_id": file_id, "file_unique_id": file_id, "file_path": file_id}
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": file_id,
        }


def _entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram would attach: bot commands at the start, @mentions anywhere."""
    out = []
    command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if command:
        out.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for match in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
        if command and match.start() < command.end():
            continue
        offset = utf16_len(text[: match.start()])
        out.append({"type": "mention", "offset": offset, "length": utf16_len(match.group())})
    return out
