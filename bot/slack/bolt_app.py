"""The Bolt AsyncApp with Heartful's listeners; the HTTP server in front of it is bot/slack/http_server.py."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_listener_completion_handler import AsyncListenerCompletionHandler
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coach import Coach
from bot.daily_exercises import DailyExercises
from bot.delivery.channel_messages import ChannelMessageWork
from bot.observability import PERMANENT_SLACK_ERRORS, Metrics, Readiness, request_kind
from bot.slack import http_server
from bot.slack.listeners import commands, deal_fix, exercises, home, messages, workspace

log = logging.getLogger(__name__)

EVENTS_PATH = http_server.EVENTS_PATH


class _DropTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment and warns that the client's token wins; it is the same one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        # The guard in front of Bolt checks signatures; should Bolt ever check one, it logs the whole body at INFO.
        return message != warning_client_prioritized_and_token_skipped() and not message.startswith(
            "Invalid request signature detected")


def _started_at(request: AsyncBoltRequest) -> float:
    return request.context.get(http_server.RECEIVED_AT) or time.perf_counter()


def _kind(request: AsyncBoltRequest) -> str:
    return request.context.get(http_server.KIND) or request_kind(request.body)


class _MarkStart(AsyncListenerStartHandler):
    """Socket Mode requests don't pass the HTTP guard: their handling time starts with the listener."""

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        if http_server.RECEIVED_AT not in request.context:
            request.context[http_server.RECEIVED_AT] = time.perf_counter()


class _ObserveHandling(AsyncListenerCompletionHandler):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self.metrics.handling[_kind(request)].observe(time.perf_counter() - _started_at(request))


def build_bolt_app(
    *, coach: Coach, work: ChannelMessageWork, daily: DailyExercises, client: AsyncWebClient, signing_secret: str,
    process_before_response: bool = False, metrics: Metrics | None = None,
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
        # The HTTP guard (http_server.py) verifies the signature before the body is parsed; Socket Mode needs none.
        request_verification_enabled=False,
    )
    metrics = metrics or Metrics()
    app.listener_runner.listener_start_handler = _MarkStart()
    app.listener_runner.listener_completion_handler = _ObserveHandling(metrics)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any], request: AsyncBoltRequest) -> None:
        metrics.listener_errors.labels(_kind(request)).inc()
        if isinstance(error, SlackApiError) and (code := str(error.response.get("error") or "")) \
                in PERMANENT_SLACK_ERRORS:
            metrics.permanent_failure(code)
        log.exception("listener failed for %s: %s", body.get("event_id") or body.get("type"), error)

    messages.register(app, work)
    home.register(app, coach.library)
    commands.register(app, coach, daily)
    exercises.register(app, daily)
    deal_fix.register(app, coach)
    workspace.register(app, coach)
    return app


def build_web_app(bolt_app: AsyncApp, *, signing_secret: str, metrics: Metrics, readiness: Readiness,
                  read_timeout_s: float = http_server.READ_TIMEOUT_S, slack_routes: bool = True) -> web.Application:
    """POST /slack/events behind the guard; GET /healthz, /readyz, /metrics. See bot/slack/http_server.py."""
    return http_server.build_web_app(bolt_app, signing_secret=signing_secret, metrics=metrics, readiness=readiness,
                                     read_timeout_s=read_timeout_s, slack_routes=slack_routes)
