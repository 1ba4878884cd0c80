"""A local stand-in for Slack's Web API (and response_url) on 127.0.0.1 that prints what the bot says."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT_USER_ID = "UHEARTFUL"
BOT_ID = "BHEARTFUL"
TEAM_ID = "TDEMO"
RESPONSE_PATH = "/response/"


def _plain(text: str) -> str:
    """Slack mrkdwn to terminal text: drop bold markers and quote marks, unescape entities."""
    text = re.sub(r"(?m)^>", "    ", text)
    text = text.replace("*", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _body_text(args: dict[str, Any]) -> str:
    """What a person would read: the blocks' text when there are blocks, else the fallback text."""
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    parts: list[str] = []
    for block in blocks or []:
        if block.get("type") == "section" and block.get("text"):
            parts.append(block["text"]["text"])
        elif block.get("type") == "context":
            parts.extend(e.get("text", "") for e in block.get("elements", []))
    return _plain("\n".join(parts) if parts else str(args.get("text", "")))


class LocalSlack:
    """Answers the Web API methods Heartful calls, with the shapes Slack documents, and prints each message."""

    def __init__(self, *, say: Callable[[str], None], channel_name: str = "deal-demo") -> None:
        self.say = say
        self.channel_name = channel_name
        self._ts = 1_700_000_000
        self._runner: web.AppRunner | None = None
        self.url = ""

    def next_ts(self) -> str:
        self._ts += 1
        return f"{self._ts}.000100"

    def _print(self, who: str, text: str) -> None:
        lines = text.strip().splitlines() or [""]
        self.say(f"  {who}: {lines[0]}")
        for line in lines[1:]:
            self.say(f"    {line}")

    async def _args(self, request: web.Request) -> dict[str, Any]:
        # slack_sdk's async client puts form-style arguments in the query string and JSON ones in the body.
        args: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if request.content_type == "application/json" and raw:
            args.update(json.loads(raw))
        elif raw:
            args.update(parse_qsl(raw))
        return args

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        answer: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            answer |= {"url": "https://demo.slack.com/", "team": "Demo", "user": "heartful", "team_id": TEAM_ID,
                       "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}
        elif method == "chat.postMessage":
            where = "Heartful (in the thread)" if args.get("thread_ts") else "Heartful"
            self._print(where, _body_text(args))
            ts = self.next_ts()
            answer |= {"channel": args.get("channel"), "ts": ts,
                       "message": {"type": "message", "text": args.get("text"), "ts": ts, "bot_id": BOT_ID}}
        elif method == "chat.postEphemeral":
            self._print("Heartful (only you can see this)", _body_text(args))
            answer |= {"message_ts": self.next_ts()}
        elif method == "reactions.add":
            self.say(f"  Heartful reacted :{args.get('name')}:")
        elif method == "conversations.info":
            answer |= {"channel": {"id": args.get("channel"), "name": self.channel_name, "is_channel": True}}
        elif method == "users.info":
            answer |= {"user": {"id": args.get("user"), "name": "demo-rep", "tz": "UTC", "tz_offset": 0}}
        elif method == "conversations.open":
            answer |= {"channel": {"id": "D" + str(args.get("users", "DEMO")).split(",")[0]}}
        elif method in ("views.publish", "views.open", "chat.update"):
            pass
        else:
            answer = {"ok": False, "error": "unknown_method"}
        return web.json_response(answer)

    async def response_url(self, request: web.Request) -> web.Response:
        args = await self._args(request)
        self._print("Heartful (only you can see this)", _body_text(args))
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        # slack_sdk sends some methods (users.info) as GET: answer both, as Slack does.
        app.add_routes([web.post("/api/{method}", self.api), web.get("/api/{method}", self.api),
                        web.post(RESPONSE_PATH + "{n}", self.response_url)])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def print_ack(self, body: str) -> None:
        """A command answered in its ack (help, usage errors) rather than through response_url."""
        if body.startswith("{"):
            self._print("Heartful (only you can see this)", _body_text(json.loads(body)))
