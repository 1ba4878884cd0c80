"""The fake Slack Web API for bench.bolt_compare: a small aiohttp server in its own process, and its client side."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import aiohttp

from bench.ack_latency import free_port, stop
from tests.fakes.slack_api import load_webapi_response

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "bolt_compare.py"  # `bolt_compare.py --serve-fake-slack PORT` runs serve_fake_slack
REPLY_METHODS = ("chat.postMessage", "chat.postEphemeral", "reactions.add")


def serve_fake_slack(port: int) -> None:
    from aiohttp import web

    auth = load_webapi_response("auth.test.bot_token")
    channel_fixture = load_webapi_response("conversations.info")["channel"]
    calls: list[tuple[str, str | None, str | None, str | None, float]] = []
    threads: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
    counter = itertools.count(1)

    def next_ts() -> str:
        n = next(counter)
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    async def api(request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                args.update(json.loads(raw or b"{}"))
            else:
                args.update(parse_qsl(raw.decode()))
        channel, thread_ts = args.get("channel"), args.get("thread_ts")
        calls.append((method, channel, thread_ts, args.get("timestamp"), at))
        headers = {}
        if method == "auth.test":
            body: dict[str, Any] = auth
            headers["x-oauth-scopes"] = "chat:write,reactions:write,channels:read,commands"
        elif method == "chat.postMessage":
            ts = next_ts()
            message = {"type": "message", "user": auth["user_id"], "bot_id": auth["bot_id"], "team": auth["team_id"],
                       "text": args.get("text", ""), "ts": ts}
            if thread_ts:
                message["thread_ts"] = thread_ts
            metadata = args.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            if metadata:
                message["metadata"] = metadata
            threads.setdefault((channel, thread_ts or ts), []).append(message)
            body = {"ok": True, "channel": channel, "ts": ts, "message": message}
        elif method == "chat.postEphemeral":
            body = {"ok": True, "message_ts": next_ts()}
        elif method == "reactions.add":
            body = {"ok": True}
        elif method == "conversations.info":
            body = {"ok": True, "channel": {**channel_fixture, "id": channel, "name": "deal-room",
                                            "name_normalized": "deal-room"}}
        elif method == "conversations.replies":
            body = {"ok": True, "messages": threads.get((channel, args.get("ts")), []), "has_more": False}
        elif method == "conversations.open":
            body = {"ok": True, "channel": {"id": f"D{str(args.get('users', '')).split(',')[0]}"}}
        else:
            body = {"ok": True}
        return web.json_response(body, headers=headers)

    async def get_calls(request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        return web.json_response({"calls": calls[since:]})

    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.add_routes([web.post("/api/{method}", api), web.get("/api/{method}", api),
                    web.get("/_bench/calls", get_calls)])
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


@dataclass
class Reply:
    method: str
    at: float


class FakeSlack:
    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/api/"
        self.process: subprocess.Popen | None = None
        self.seen = 0
        self.by_ts: dict[str, list[Reply]] = {}  # the event ts a reply is for -> its calls
        self.last_call_at = 0.0

    def start(self, log: Path) -> None:
        self._log = open(log, "w")
        self.process = subprocess.Popen([sys.executable, str(SCRIPT), "--serve-fake-slack", str(self.port)],
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONPATH": str(REPO)})

    async def wait_ready(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                await self.refresh(session)
                return
            except (aiohttp.ClientError, OSError):
                await asyncio.sleep(0.05)
        raise RuntimeError("the fake Slack Web API did not start")

    async def refresh(self, session: aiohttp.ClientSession) -> int:
        """Fetch the calls since the last refresh; how many were new."""
        async with session.get(self.base_url.removesuffix("api/") + f"_bench/calls?since={self.seen}") as response:
            calls = (await response.json())["calls"]
        self.seen += len(calls)
        for method, _channel, thread_ts, stamp, at in calls:
            self.last_call_at = max(self.last_call_at, at)
            if method in REPLY_METHODS:
                key = stamp if method == "reactions.add" else thread_ts
                if key:
                    self.by_ts.setdefault(key, []).append(Reply(method, at))
        return len(calls)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self._log.close()
