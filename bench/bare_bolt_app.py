"""The bare Bolt app for bench/bolt_compare.py: a Bolt AsyncApp served over aiohttp the way `heartful serve` serves
Heartful (POST /slack/events, GET /healthz, `web.run_app`, no access log), with the same signing secret, whose one
message listener does nothing but `await client.chat_postMessage(...)` in the thread of the messages the benchmark
marked as stalls or deal updates, and nothing for chatter. It reads nothing: the benchmark tells it which messages
those are by the last letter of the event id (S = stall, U = deal update, C = chatter; the same events go to
Heartful, which ignores that letter). Bolt acks before the listener runs (process_before_response off, as in
Heartful). The Web API client shares one pooled aiohttp session, as Heartful's does. Imports nothing from bot/.

    .venv/bin/python bench/bare_bolt_app.py --port P --api-url http://127.0.0.1:Q/api/
    (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

REPLY_MARKS = ("S", "U")  # the event id's last letter for the messages the bare app answers


def build(api_url: str) -> web.Application:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=api_url)
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"],
                   logger=logging.getLogger("bench.bare_bolt.bolt"))

    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if str(body.get("event_id", "")).endswith(REPLY_MARKS):
            await client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"],
                                          text="What would help them decide?")

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def open_session(_app: web.Application) -> None:
        client.session = aiohttp.ClientSession()

    async def close_session(_app: web.Application) -> None:
        if client.session is not None:
            await client.session.close()

    web_app = web.Application()
    web_app.add_routes([web.post("/slack/events", slack_events), web.get("/healthz", healthz)])
    web_app.on_startup.append(open_session)
    web_app.on_cleanup.append(close_session)
    return web_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/bare_bolt_app.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(build(args.api_url), host=args.host, port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
