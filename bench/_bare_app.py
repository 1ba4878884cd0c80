"""The baseline for bench.ack_latency: a bare Bolt AsyncApp whose message listener does nothing (Bolt acks every
event), served over aiohttp the way `heartful serve` serves the real app (the same three-line handler as
bot.slack.bolt_app.build_web_app, the same run_app options), against the same Slack Web API URL for auth.test.
It imports nothing from bot/, so its memory is Bolt + slack_sdk + aiohttp alone.

    .venv/bin/python -m bench._bare_app --host 127.0.0.1 --port P --api-url http://127.0.0.1:Q/api/
    (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench._bare_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=args.api_url)
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"],
                   logger=logging.getLogger("bench.bare.bolt"))

    @app.event("message")
    async def on_message() -> None:  # acked by Bolt before this runs; nothing else to do
        return None

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.add_routes([web.post("/slack/events", slack_events), web.get("/healthz", healthz)])
    web.run_app(web_app, host=args.host, port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
