"""Webhook mode: a small aiohttp server in front of the application, in the shape of PTB's
`customwebhookbot.py` example.

PTB's own `run_webhook` is not used, for three reasons: it registers the webhook before its
server listens (Telegram's first POST can find the port closed); it reads an update as a whole
and answers one it cannot read with a 400 (logging the update, user data and all), so Telegram
sends it again and again; and it runs without a secret when none is set, so anyone who finds the
URL can post updates in any user's name (an admin's /remove included). Here:

- the server listens first, then the webhook is registered;
- the webhook always has a secret: `WEBHOOK_SECRET`, or else a strong random one made at start
  and registered with `setWebhook` (Telegram sends it back with every update, so there is nothing
  to configure, and a restart makes a new one). A POST without it gets 403 and runs nothing;
- an update that cannot be used is set aside by its id (`bot/telegram/updates.py`) and answered
  200, so Telegram moves on; one that can is queued (and so written to the inbox) before the 200.

SIGINT and SIGTERM stop it as they stop polling: no new POST is taken, the updates in hand are
finished, and what is queued for the database is written.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
from urllib.parse import urlparse

from aiohttp import web
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.telegram.logs import protect_secret
from bot.telegram.updates import read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


def with_webhook_secret(settings: Settings) -> Settings:
    """`settings`, with a strong random `webhook_secret` when none is set."""
    if settings.webhook_secret is not None:
        return settings
    log.info("WEBHOOK_SECRET is not set: a random one is registered with Telegram for this run")
    return settings.model_copy(update={"webhook_secret": SecretStr(secrets.token_urlsafe(32))})


def webhook_app(application: Application, path: str, secret: str) -> web.Application:  # type: ignore[type-arg]
    """The aiohttp application that takes Telegram's POSTs at `path`."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400)
        update = read_update(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
        return web.Response()

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive)
    return app


async def serve_webhook(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Serve the webhook until SIGINT or SIGTERM (`python -m bot run` with WEBHOOK_URL)."""
    if not settings.webhook_url or settings.webhook_secret is None:
        raise ValueError("serve_webhook needs WEBHOOK_URL and a secret (with_webhook_secret)")
    secret = settings.webhook_secret.get_secret_value()
    protect_secret(secret)  # the library logs setWebhook's secret_token at DEBUG
    path = "/" + urlparse(settings.webhook_url).path.lstrip("/")
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    runner = web.AppRunner(webhook_app(application, path, secret), access_log=None)
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port)
        await site.start()
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info(
            "webhook: listening on %s:%d%s", settings.webhook_listen, settings.webhook_port, path
        )
        await stopping.wait()
    finally:
        await runner.cleanup()  # no new POST; the updates in hand are finished below
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
