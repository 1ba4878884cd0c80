"""Signed requests into the bot's HTTP endpoint, built from the real Slack payloads in tests/fixtures/slack."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import fixtures_dir

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # the test vector secret from Slack's docs


def load_event(name: str) -> dict[str, Any]:
    return json.loads((fixtures_dir() / "events" / f"{name}.json").read_text())


def slack_signature_headers(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack attaches (see tests/fixtures/slack/signing.md)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}


def channel_message_event(
    text: str,
    *,
    channel: str = "C111",
    user: str = "W111",
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
    team_id: str = "T111",
) -> dict[str, Any]:
    """events/message_channels.json (a real envelope from Bolt's tests) with our text, ids and threading."""
    body = copy.deepcopy(load_event("message_channels"))
    body["event_id"] = event_id or f"Ev{uuid.uuid4().hex[:10].upper()}"
    body["team_id"] = team_id
    event = body["event"]
    event.update({"text": text, "channel": channel, "user": user, "team": team_id})
    event["ts"] = event["event_ts"] = ts or f"{time.time():.6f}"
    if thread_ts:
        event["thread_ts"] = thread_ts
    event["blocks"][0]["elements"][0]["elements"][0]["text"] = text  # rich_text mirrors text, as Slack sends it
    return body


def json_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def form_body(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def coach_command_body(text: str, *, response_url: str, channel: str = "C111", user: str = "W111",
                       team_id: str = "T111") -> bytes:
    """commands/hello_real_modified_java.txt (a real slash-command body) as /coach with our text."""
    from urllib.parse import parse_qsl

    raw = (fixtures_dir() / "commands" / "hello_real_modified_java.txt").read_text().strip()
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    fields.update({"command": "/coach", "text": text, "response_url": response_url, "channel_id": channel,
                   "user_id": user, "team_id": team_id})
    return form_body(fields)


async def eventually(check, *, timeout: float = 5.0, interval: float = 0.02):  # type: ignore[no-untyped-def]
    """Poll an async check until it returns something truthy: the app records after it replies."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {result!r} after {timeout}s")
        await asyncio.sleep(interval)


def block_action_body(*, action_id: str, value: str, channel: str, message_ts: str, user: str = "W111") -> bytes:
    """interactivity/block_actions_message_button.json (a real payload) pointed at our button and message."""
    payload = json.loads((fixtures_dir() / "interactivity" / "block_actions_message_button.json").read_text())
    payload["container"].update({"channel_id": channel, "message_ts": message_ts})
    payload["channel"]["id"] = channel
    payload["message"]["ts"] = message_ts
    payload["actions"][0].update({"action_id": action_id, "value": value})
    payload["user"]["id"] = user
    return form_body({"payload": json.dumps(payload)})


def view_submission_body(*, callback_id: str, private_metadata: str, values: dict[str, str], user: str = "W111"
                         ) -> bytes:
    """interactivity/view_submission.json (a real payload) with our callback, metadata and input values."""
    payload = json.loads((fixtures_dir() / "interactivity" / "view_submission.json").read_text())
    payload["view"]["callback_id"] = callback_id
    payload["view"]["private_metadata"] = private_metadata
    payload["view"]["state"]["values"] = {
        block: {block: {"type": "plain_text_input", "value": value}} for block, value in values.items()
    }
    payload["user"]["id"] = user
    return form_body({"payload": json.dumps(payload)})
