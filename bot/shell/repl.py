"""Read lines; post each as a channel message from a demo rep, or as /coach; print what Heartful does."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import secrets
import sys
import time
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode

from slack_bolt.request.async_request import AsyncBoltRequest

from bot.app import build_heartful, load_prompts
from bot.settings import load_settings
from bot.shell.local_slack import RESPONSE_PATH, TEAM_ID, LocalSlack
from bot.storage.session import upgrade_database

DEMO_REP = "UDEMOREP"
DEMO_CHANNEL = "CDEMO"

BANNER = (
    "Heartful shell: you are a rep in #deal-demo (no Slack, no network).\n"
    "Type a message as you would in a deal channel, or /coach help. Ctrl-D to leave."
)


def _signed(secret: str, body: str, content_type: str) -> AsyncBoltRequest:
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"content-type": content_type, "x-slack-request-timestamp": timestamp,
               "x-slack-signature": f"v0={digest}"}
    return AsyncBoltRequest(body=body, headers=headers)


class Shell:
    def __init__(self, *, database_path: Path, out: TextIO) -> None:
        self.database_path = database_path
        self.out = out
        self._last_ts = ""
        self.secret = secrets.token_hex(16)
        self.slack = LocalSlack(say=self.say)
        self._ids = itertools.count(1)

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def _event(self, text: str) -> str:
        n = next(self._ids)
        ts = self._last_ts = self.slack.next_ts()
        return json.dumps({
            "token": "shell", "team_id": TEAM_ID, "api_app_id": "ASHELL", "type": "event_callback",
            "event_id": f"EvSHELL{time.time_ns()}{n}", "event_time": int(time.time()),
            "event": {"type": "message", "user": DEMO_REP, "text": text, "ts": ts, "channel": DEMO_CHANNEL,
                      "channel_type": "channel", "event_ts": ts, "team": TEAM_ID},
        })

    def _command(self, text: str) -> str:
        n = next(self._ids)
        return urlencode({
            "token": "shell", "team_id": TEAM_ID, "team_domain": "demo", "channel_id": DEMO_CHANNEL,
            "channel_name": "deal-demo", "user_id": DEMO_REP, "user_name": "demo-rep", "command": "/coach",
            "text": text, "api_app_id": "ASHELL", "response_url": f"{self.slack.url}{RESPONSE_PATH}{n}",
            "trigger_id": f"{n}.shell",
        })

    async def run(self, lines: TextIO, *, interactive: bool) -> int:
        await self.slack.start()
        database_url = f"sqlite+aiosqlite:///{self.database_path}"
        await asyncio.to_thread(upgrade_database, database_url)
        settings = load_settings(slack_bot_token="xoxb-heartful-shell", slack_signing_secret=self.secret,
                                 slack_app_token="", slack_api_url=self.slack.api_url, database_url=database_url)
        # Same listeners, store and prompts as `serve`; listeners finish before dispatch returns, so what the bot
        # says is printed before the next prompt.
        heartful = build_heartful(settings, library=load_prompts(settings), process_before_response=True)
        await heartful.open()
        self.say(BANNER)
        try:
            while True:
                if interactive:
                    self.out.write("> ")
                    self.out.flush()
                line = await asyncio.to_thread(lines.readline)
                if not line:
                    break
                text = line.strip()
                if not text:
                    continue
                if not interactive:
                    self.say(f"> {text}")
                is_command = text.split()[0].casefold() == "/coach"  # as Slack reads /Coach: the command
                if is_command:
                    request = _signed(self.secret, self._command(text[len("/coach"):].strip()),
                                      "application/x-www-form-urlencoded")
                else:
                    request = _signed(self.secret, self._event(text), "application/json")
                response = await heartful.bolt_app.async_dispatch(request)
                if not is_command:  # the work queue answers a message after the ack
                    await heartful.work.completions.wait(self._last_ts)
                if response.status != 200:
                    self.say(f"  (Heartful answered HTTP {response.status}: {response.body})")
                elif is_command:
                    self.slack.print_ack(response.body)
        finally:
            await heartful.close()
            await self.slack.stop()
        return 0


def run_shell(database_path: Path) -> int:
    load_prompts(load_settings())  # a broken prompt file stops here with its one-line error
    shell = Shell(database_path=database_path, out=sys.stdout)
    return asyncio.run(shell.run(sys.stdin, interactive=sys.stdin.isatty()))
