"""The HTTP server in front of Bolt: every request from Slack is checked here before Bolt sees it.

In order, each step cheap and before the next: the declared size (413 before reading a byte), the body read under a
timeout (408 for a client that trickles), the timestamp (400 unless digits), the signature (401; slack_sdk's
SignatureVerifier, over the raw body, before anything is parsed), the body parsed the way Bolt parses it (400 for
what isn't JSON or a form, or is nested absurdly deep), the workspace and app (a request for another is ignored
with a 200, so Slack doesn't retry it). Each refusal is one log line that never includes the body.

Also here: GET /healthz (liveness), /readyz (readiness, 503 when not ready) and /metrics (Prometheus)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.observability import Metrics, Readiness, request_kind

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: Slack's own payloads stay far below
MAX_DEPTH = 64  # Slack's deepest payloads (rich text in blocks) nest about 12 levels
MAX_TIMESTAMP_DIGITS = 12
READ_TIMEOUT_S = 10.0
# Set by the guard on Bolt's request context; read by the listener hooks in bolt_app.py.
RECEIVED_AT = "heartful_received_at"
KIND = "heartful_kind"


class BadRequest(Exception):
    """A body we won't hand to Bolt; str() is a short reason, never the body."""


def parse_like_bolt(text: str, content_type: str | None) -> dict[str, Any]:
    """slack_bolt.request.internals.parse_body, raising BadRequest instead of whatever json or the shape raises."""
    if not text:
        return {}
    try:
        if content_type == "application/json" or text.startswith("{"):
            body: Any = json.loads(text)
        elif "payload" in text:
            payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
            body = json.loads(payload) if payload is not None else {}
        else:
            body = dict(parse_qsl(text, keep_blank_values=True))
    except RecursionError:
        raise BadRequest("nested too deeply") from None
    except ValueError as error:
        raise BadRequest(f"not JSON or a form ({type(error).__name__})") from None
    if not isinstance(body, dict):
        raise BadRequest(f"a JSON {type(body).__name__}, not an object")
    if _deeper_than(body, MAX_DEPTH):
        raise BadRequest(f"nested deeper than {MAX_DEPTH}")
    if problem := shape_problem(body):
        raise BadRequest(f"not a Slack payload: {problem}")
    return body


def _deeper_than(value: Any, limit: int) -> bool:
    """Iterative, so a deep body can't exhaust the stack; only containers are visited."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


_STR, _DICT, _LIST, _NONE = (str,), (dict,), (list,), (type(None),)
_NUM = (int, float)
# The fields Bolt reads before any listener runs (context, matching, authorization), with the types it can read.
# A field of another type makes Bolt raise inside its middleware: a 500 for the sender's mistake.
_TOP = {
    "type": _STR, "token": _STR, "team_id": _STR + _NONE, "api_app_id": _STR, "enterprise_id": _STR + _NONE,
    "user_id": _STR, "channel_id": _STR, "command": _STR, "text": _STR, "trigger_id": _STR, "response_url": _STR,
    "callback_id": _STR, "event_id": _STR, "event_time": _NUM, "challenge": _STR,
    "is_enterprise_install": (bool, str), "event": _DICT, "user": _DICT, "channel": _DICT + _NONE,
    "container": _DICT, "view": _DICT, "message": _DICT, "team": _DICT + _NONE, "enterprise": _DICT + _NONE,
    "actions": _LIST, "authorizations": _LIST, "function_data": _DICT, "bot_access_token": _STR,
}
_EVENT = {
    "type": _STR, "subtype": _STR + _NONE, "text": _STR + _NONE, "user": _STR + _DICT, "channel": _STR + _DICT,
    "team": _STR, "bot_id": _STR + _NONE, "ts": _STR, "thread_ts": _STR, "event_ts": _STR, "channel_type": _STR,
    "message": _DICT, "previous_message": _DICT, "item": _DICT, "view": _DICT, "tab": _STR, "hidden": (bool,),
}
_ACTION = {"type": _STR, "action_id": _STR, "block_id": _STR, "value": _STR}
_VIEW = {"type": _STR, "callback_id": _STR, "private_metadata": _STR, "id": _STR, "state": _DICT}
_HAS_ID = {"user": "id", "team": "id", "channel": "id", "enterprise": "id"}


def _wrong_field(mapping: dict[str, Any], schema: dict[str, tuple[type, ...]], where: str) -> str | None:
    for key, allowed in schema.items():
        if key in mapping and not isinstance(mapping[key], allowed):
            return f"{where}{key} is a {type(mapping[key]).__name__}"
    return None


def shape_problem(body: dict[str, Any]) -> str | None:
    """Why Bolt could not read this body, or None. Field names and types only: never a value."""
    if problem := _wrong_field(body, _TOP, ""):
        return problem
    for key, id_key in _HAS_ID.items():
        value = body.get(key)
        if isinstance(value, dict) and id_key in value and not isinstance(value[id_key], str):
            return f"{key}.{id_key} is a {type(value[id_key]).__name__}"
    event = body.get("event")
    if isinstance(event, dict) and (problem := _wrong_field(event, _EVENT, "event.")):
        return problem
    for key in ("actions", "authorizations"):
        if any(not isinstance(item, dict) for item in body.get(key) or ()):
            return f"{key} holds a non-object"
    for action in body.get("actions") or ():
        if problem := _wrong_field(action, _ACTION, "actions[]."):
            return problem
    view = body.get("view")
    if isinstance(view, dict) and (problem := _wrong_field(view, _VIEW, "view.")):
        return problem
    return None


def _team_and_app(body: dict[str, Any]) -> tuple[str | None, str | None]:
    team = body.get("team_id")
    if team is None:
        team_field = body.get("team")
        team = team_field.get("id") if isinstance(team_field, dict) else team_field
    app = body.get("api_app_id")
    return (team if isinstance(team, str) else None), (app if isinstance(app, str) else None)


def _refuse(metrics: Metrics, reason: str, status: int, detail: str, request: web.Request) -> web.Response:
    metrics.rejected[reason].inc()
    log.warning("refused a request from %s: %s (%s), HTTP %d", request.remote, reason, detail, status)
    return web.json_response({"error": reason}, status=status)


def build_web_app(bolt_app: AsyncApp, *, signing_secret: str, metrics: Metrics, readiness: Readiness,
                  read_timeout_s: float = READ_TIMEOUT_S, slack_routes: bool = True) -> web.Application:
    """POST /slack/events for events, commands and interactivity; GET /healthz, /readyz, /metrics."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    async def slack_events(request: web.Request) -> web.Response:
        received_at = time.perf_counter()
        length = request.content_length
        if length is not None and length > MAX_BODY_BYTES:
            return _refuse(metrics, "too_large", 413, f"{length} bytes declared", request)
        try:
            async with asyncio.timeout(read_timeout_s):
                raw = await request.read()
        except TimeoutError:
            return _refuse(metrics, "timeout", 408, f"body not received within {read_timeout_s:g} s", request)
        except web.HTTPRequestEntityTooLarge:  # no Content-Length (chunked): aiohttp counts as it reads
            return _refuse(metrics, "too_large", 413, f"over {MAX_BODY_BYTES} bytes", request)

        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if timestamp is None or signature is None or verifier is None:
            return _refuse(metrics, "bad_signature", 401, "unsigned", request)
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= MAX_TIMESTAMP_DIGITS):
            return _refuse(metrics, "bad_timestamp", 400, "X-Slack-Request-Timestamp is not a number", request)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(metrics, "malformed", 400, "body is not UTF-8", request)
        if not verifier.is_valid(text, timestamp, signature):
            return _refuse(metrics, "bad_signature", 401, "signature does not match or is older than 5 minutes",
                           request)

        headers = request.headers
        content_type = headers.get("Content-Type", "").split(";")[0] or None
        try:
            body = parse_like_bolt(text, content_type)
        except BadRequest as error:
            return _refuse(metrics, "malformed", 400, str(error), request)
        kind = request_kind(body)

        identity = readiness.identity
        if identity is not None:
            team, app = _team_and_app(body)
            if team is not None and identity.team_id and team != identity.team_id:
                metrics.rejected["foreign_team"].inc()
                log.warning("ignored a %s for team %.32s: this app serves %s", kind, team, identity.team_id)
                return web.Response(status=200)
            if app is not None and identity.app_id and app != identity.app_id:
                metrics.rejected["foreign_app"].inc()
                log.warning("ignored a %s for app %.32s: this app is %s", kind, app, identity.app_id)
                return web.Response(status=200)

        metrics.received[kind].inc()
        if "X-Slack-Retry-Num" in headers:
            metrics.retries_seen.inc()
        try:
            bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=headers,  # type: ignore
                                            context={RECEIVED_AT: received_at, KIND: kind})
            bolt_response = await bolt_app.async_dispatch(bolt_request)
            response = await to_aiohttp_response(bolt_response)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a body of a shape Bolt can't read (e.g. "event": "x"): the sender's fault
            return _refuse(metrics, "malformed", 400, f"Bolt could not read it: {type(error).__name__}", request)
        metrics.ack[kind].observe(time.perf_counter() - received_at)
        return response

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(_request: web.Request) -> web.Response:
        ready, report = await readiness.report()
        return web.json_response(report, status=200 if ready else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        payload, content_type = metrics.exposition()
        return web.Response(body=payload, headers={"Content-Type": content_type})

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    routes = [web.get("/healthz", healthz), web.get("/readyz", readyz), web.get("/metrics", metrics_page)]
    if slack_routes:
        routes.append(web.post(EVENTS_PATH, slack_events))
    web_app.add_routes(routes)
    return web_app
