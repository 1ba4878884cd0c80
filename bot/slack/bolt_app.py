"""The Bolt AsyncApp with Heartful's listeners, and the HTTP server around it."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.web.async_client import AsyncWebClient

from bot.coach import Coach
from bot.daily_exercises import DailyExercises
from bot.slack.listeners import commands, exercises, home, messages

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _DropTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment and warns that the client's token wins; it is the same one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def build_bolt_app(
    *, coach: Coach, daily: DailyExercises, client: AsyncWebClient, signing_secret: str,
    process_before_response: bool = False,
) -> AsyncApp:
    bolt_logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, _DropTokenSkippedWarning) for f in bolt_logger.filters):
        bolt_logger.addFilter(_DropTokenSkippedWarning())
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        # Ack first, work after: listeners run once Slack has its 200 (Bolt's default for HTTP). Only the
        # terminal shell waits for them, so its output stays in order.
        process_before_response=process_before_response,
        logger=bolt_logger,
    )

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.exception("listener failed for %s: %s", body.get("event_id") or body.get("type"), error)

    messages.register(app, coach)
    home.register(app, coach.library)
    commands.register(app, coach, daily)
    exercises.register(app, daily)
    return app


def build_web_app(bolt_app: AsyncApp) -> web.Application:
    """POST /slack/events for events, commands and interactivity; GET /healthz for load balancers."""

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await bolt_app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.add_routes([web.post(EVENTS_PATH, slack_events), web.get("/healthz", healthz)])
    return web_app
