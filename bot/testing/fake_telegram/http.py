"""The HTTP front: an aiohttp server on 127.0.0.1 speaking ``/bot<token>/<method>`` and file downloads."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.testing.fake_telegram.errors import ApiError
from bot.testing.fake_telegram.methods import BotApi, canonical_method
from bot.testing.fake_telegram.records import Call, JSONDict, UploadedFile
from bot.testing.fake_telegram.state import INT_RE, ApiRequest, Failure, Garble

#: Pseudo method name recorded in ``calls`` for file downloads.
DOWNLOAD_METHOD = "downloadFile"

# Form values of these parameters are kept as strings, never decoded.
_STRING_PARAMS: frozenset[str] = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "document",
        "photo",
        "video",
        "audio",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "url",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "action",
        "business_connection_id",
        "message_effect_id",
        "custom_emoji_id",
        "query",
        "start_parameter",
        "payload",
        "emoji",
        "question",
        "explanation",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "secret_token",
        "ip_address",
        "certificate",
        "game_short_name",
        "currency",
        "provider_token",
        "invite_link",
        "inline_query_id",
        "shipping_query_id",
        "pre_checkout_query_id",
        "web_app_query_id",
        "gift_id",
        "owned_gift_id",
        "telegram_payment_charge_id",
    }
)
# Form values of these parameters (and of any other ``*_id``) become ints.
_INT_PARAMS: frozenset[str] = frozenset(
    {"offset", "limit", "timeout", "cache_time", "until_date", "duration", "width", "height"}
)


def _decode_param(key: str, value: Any) -> Any:
    """Decode one form/JSON-body value the way the real Bot API interprets it."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str) or key in _STRING_PARAMS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    if (key in _INT_PARAMS or key.endswith("_id")) and INT_RE.fullmatch(stripped):
        return int(stripped)
    if stripped in ("true", "false"):
        return stripped == "true"
    return value


def _error_payload(status: int, description: str, retry_after: int | None) -> JSONDict:
    payload: JSONDict = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        payload["parameters"] = {"retry_after": retry_after}
    return payload


def _client_connected(request: web.Request) -> bool:
    return request.transport is not None and not request.transport.is_closing()


class HttpFront(BotApi):
    """Serves the Bot API over real HTTP, so the bot runs unchanged with only ``base_url`` changed."""

    _runner: web.AppRunner | None = None
    _port: int | None = None

    async def start(self) -> None:
        """Start serving on ``127.0.0.1`` on a free port."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = site.port

    async def stop(self) -> None:
        """Wake pending long polls and hung requests, then shut the server down."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._stopping.set()
        self._signal.notify_all()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (only valid after ``start()``)."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base_url(self) -> str:
        """Value for PTB's ``base_url``."""
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        """Value for PTB's ``base_file_url``."""
        return f"{self.base_url}/file/bot"

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but return early when the server is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
        raw: JSONDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError:
                    raise ApiError(400, "Bad Request: invalid JSON in request body") from None
                if not isinstance(data, dict):
                    raise ApiError(400, "Bad Request: request body must be a JSON object")
                raw.update(data)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content=value.file.read(),
                        content_type=value.content_type,
                    )
                else:
                    raw[key] = value
        return {key: _decode_param(key, value) for key, value in raw.items()}, files

    def _respond(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        status: int,
        payload: JSONDict,
    ) -> web.Response:
        error = None if payload.get("ok") else str(payload.get("description"))
        self.calls.append(Call(method, params, time.monotonic(), status, files, error))
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            self.rejected_429 += 1
        self._signal.notify_all()
        return web.json_response(payload, status=status)

    async def _handle_api(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        method = canonical_method(raw_method)
        try:
            params, files = await self._read_params(request)
        except ConnectionResetError:
            # The client went away mid-request (a bot shutting down): nobody to answer.
            return web.Response(status=499)
        except ApiError as exc:
            return self._respond(
                method, {}, {}, exc.status, _error_payload(exc.status, exc.description, None)
            )
        if request.match_info["token"] != self.token:
            return self._respond(method, params, files, 401, _error_payload(401, "Unauthorized", None))
        if self._unreachable():
            return self._outage_answer(request, method, params, files)
        if self.latency > 0:
            await self._sleep(self.latency)
        hangs = self._hangs.get(method)
        if hangs:
            delay = hangs.popleft()
            self._signal.notify_all()
            await self._sleep(delay)
        failures = self._failures.get(method)
        if failures:
            failure = failures.popleft()
            description = failure.description or self._default_description(failure)
            return self._respond(
                method,
                params,
                files,
                failure.status,
                _error_payload(failure.status, description, failure.retry_after),
            )
        try:
            api_request = ApiRequest(params, files, lambda: _client_connected(request))
            result = await self._call_api(method, api_request)
        except ApiError as exc:
            return self._respond(
                method,
                params,
                files,
                exc.status,
                _error_payload(exc.status, exc.description, exc.retry_after),
            )
        if method == "getUpdates" and self._unreachable():  # a long poll outlived by an outage
            return self._outage_answer(request, method, params, files)
        garbles = self._garbles.get(method)
        if garbles:
            return self._garbled(method, params, files, garbles.popleft(), result)
        return self._respond(method, params, files, 200, {"ok": True, "result": result})

    def _unreachable(self) -> bool:
        return time.monotonic() < self._outage_until

    def _outage_answer(
        self, request: web.Request, method: str, params: JSONDict, files: dict[str, UploadedFile]
    ) -> web.Response:
        """502 from the proxy in front of Telegram, or the connection closed, no answer."""
        if not self._outage_drops:
            return self._respond(method, params, files, 502, _error_payload(502, "Bad Gateway", None))
        self.calls.append(Call(method, params, time.monotonic(), 0, files, "connection dropped"))
        self._signal.notify_all()
        if request.transport is not None:
            request.transport.abort()
        # Nobody reads it: the connection is gone.
        return web.Response(status=499)

    def _garbled(
        self, method: str, params: JSONDict, files: dict[str, UploadedFile], how: Garble,
        result: Any,
    ) -> web.Response:
        """The call was carried out; its answer is spoiled as ``how`` says."""
        error = f"garbled: {how}"
        self.calls.append(Call(method, params, time.monotonic(), 200, files, error))
        self._signal.notify_all()
        if how == "invalid_json":
            return web.Response(status=200, text="<html><body>502 Bad Gateway</body></html>",
                                content_type="text/html")
        if how == "missing_fields" and isinstance(result, dict):
            result = {key: value for key, value in result.items() if key not in ("date", "chat")}
        elif how == "not_a_list":
            result = {"updates": result}
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _default_description(failure: Failure) -> str:
        if failure.status == HTTPStatus.TOO_MANY_REQUESTS:
            return f"Too Many Requests: retry after {failure.retry_after}"
        try:
            return HTTPStatus(failure.status).phrase
        except ValueError:
            return f"Error {failure.status}"

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        params: JSONDict = {"file_path": path}
        if request.match_info["token"] != self.token:
            return self._respond(DOWNLOAD_METHOD, params, {}, 401, _error_payload(401, "Unauthorized", None))
        if self._unreachable():
            return self._outage_answer(request, DOWNLOAD_METHOD, params, {})
        stored = self._files_by_path.get(path)
        if stored is None:
            return self._respond(DOWNLOAD_METHOD, params, {}, 404, _error_payload(404, "Not Found", None))
        self.calls.append(Call(DOWNLOAD_METHOD, params, time.monotonic(), 200))
        self._signal.notify_all()
        mime = stored.mime_type or "application/octet-stream"
        if ";" in mime or "/" not in mime:
            mime = "application/octet-stream"
        return web.Response(body=stored.content, content_type=mime)
