"""Shared fixtures: a fake Slack Web API, a migrated SQLite file, and the real app serving HTTP on a free port."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import Heartful, build_heartful
from bot.settings import load_settings
from bot.storage.session import upgrade_database
from tests.fakes.slack_api import FakeSlackApi
from tests.slack_requests import SIGNING_SECRET, json_body, slack_signature_headers


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as api:
        yield api


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}"
    upgrade_database(url)
    return url


@dataclass
class RunningApp:
    heartful: Heartful
    url: str
    session: aiohttp.ClientSession

    async def post(self, body: bytes, *, content_type: str = "application/json", signed: bool = True,
                   timestamp: int | None = None, headers: dict[str, str] | None = None,
                   secret: str = SIGNING_SECRET) -> aiohttp.ClientResponse:
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            all_headers.update(slack_signature_headers(body, secret=secret, timestamp=timestamp))
        async with self.session.post(self.url + "/slack/events", data=body, headers=all_headers) as response:
            await response.read()
            return response

    async def post_event(self, payload: dict, **kwargs) -> aiohttp.ClientResponse:  # type: ignore[no-untyped-def]
        return await self.post(json_body(payload), **kwargs)

    async def handled(self, *payloads: dict) -> None:
        """Wait until the app has finished with these channel messages, answered or not: what a "nothing happened"
        check waits on instead of a sleep."""
        for payload in payloads:
            await self.heartful.work.completions.wait(payload["event"]["ts"])


@pytest.fixture
async def start_app(fake_slack: FakeSlackApi, database_url: str, monkeypatch: pytest.MonkeyPatch):
    """Start the real app over real HTTP on 127.0.0.1, talking to the fake Slack Web API; settings may be
    overridden (e.g. to point OPENAI_BASE_URL at the fake OpenAI server)."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "OPENAI_", "LLM_", "DAILY_")) or name in ("DATABASE_URL", "PROMPTS_DIR"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(Path(database_url.rsplit("/", 1)[0].removeprefix("sqlite+aiosqlite://")))
    started: list[tuple[web.AppRunner, Heartful, aiohttp.ClientSession]] = []

    async def start(**overrides: object) -> RunningApp:
        settings = load_settings(**{
            "slack_bot_token": "xoxb-test-token", "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake_slack.base_url, "database_url": database_url,
            # The embedding on a thread in the test's process: a process of its own (serve's default, tested in
            # test_passive_nudges.py and by every `serve` subprocess test) costs each app a model load.
            "reader_process": False, **overrides,
        })
        heartful = build_heartful(settings)
        runner = web.AppRunner(heartful.web_app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        session = aiohttp.ClientSession()
        started.append((runner, heartful, session))
        return RunningApp(heartful=heartful, url=f"http://127.0.0.1:{port}", session=session)

    yield start
    for runner, heartful, session in started:
        await session.close()
        await runner.cleanup()
        await asyncio.sleep(0)
        await heartful.close()


@pytest.fixture
async def running_app(start_app) -> RunningApp:  # type: ignore[no-untyped-def]
    """The real app, rules only (no OpenAI settings)."""
    return await start_app()
