"""`kill -9` of `heartful serve` in the middle of a burst, then a restart: every stall answered exactly once. Work
the dead process had taken is finished by the next one after its lease; a post it may have made is looked for
before it is repeated; deliveries while nothing listened are Slack's to repeat."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.storage.session import create_engine, create_sessionmaker
from bot.storage.work import WorkRepository
from tests.e2e.faults import SlackEvents, stall_events, tally
from tests.e2e.test_cli import clean_env, free_port
from tests.postgres import needs_postgres, throwaway_postgres_database
from tests.slack_requests import SIGNING_SECRET


def start_serve(port: int, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


async def until_ready(session: aiohttp.ClientSession, url: str, process: subprocess.Popen[str]) -> None:
    for _ in range(300):
        assert process.poll() is None, process.stderr.read() if process.stderr else "serve exited"
        try:
            async with session.get(url + "/readyz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("serve never became ready")


async def kill_mid_burst_then_restart(tmp_path: Path, fake_slack, database_url: str, n: int = 60) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.base_url, DATABASE_URL=database_url, LOG_LEVEL="WARNING",
                    WORK_LEASE_S="5", WORK_POLL_S="0.05", WORK_RETRY_FIRST_S="0.05", WORK_CONCURRENCY="4")
    fake_slack.delay["chat.postMessage"] = 0.05  # a burst that takes a while to answer: time to die in it
    events = stall_events(n, team_id=fake_slack.team_id)
    slack = SlackEvents([url], retries=60, retry_after_s=0.25)
    first = start_serve(port, tmp_path, env)
    second = None
    try:
        async with aiohttp.ClientSession() as session:
            await until_ready(session, url, first)
            early, late = events[: n * 2 // 3], events[n * 2 // 3:]
            deliveries = [asyncio.ensure_future(slack.deliver(session, event)) for event in early]
            await fake_slack.await_for("chat.postMessage", count=n // 4, timeout=30)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            # Slack goes on delivering while nothing listens: refused, and delivered again later.
            deliveries += [asyncio.ensure_future(slack.deliver(session, event)) for event in late]
            await asyncio.sleep(0.5)
            posted_before_restart = len(fake_slack.calls_to("chat.postMessage"))
            second = start_serve(port, tmp_path, env)
            await until_ready(session, url, second)
            assert all(await asyncio.gather(*deliveries))
            engine = create_engine(database_url)
            work = WorkRepository(create_sessionmaker(engine))
            try:
                for _ in range(600):  # until every recorded item is finished (the dead one's after their lease)
                    if (await work.backlog()).depth == 0 and tally(fake_slack, events).lost == 0:
                        break
                    await asyncio.sleep(0.05)
            finally:
                await engine.dispose()
        result = tally(fake_slack, events)
        print(f"kill -9 mid-burst ({posted_before_restart} posted before the restart): {result}; "
              f"HTTP answers {dict(slack.statuses)}")
        assert 0 < posted_before_restart < n
        assert slack.statuses["ClientConnectorError"] >= len(events) - len(events) * 2 // 3  # refused while down
        assert (result.answered, result.doubled, result.lost) == (n, 0, 0), result
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


def test_kill_9_mid_burst_on_sqlite_then_restart_answers_every_stall_exactly_once(tmp_path, fake_slack):
    asyncio.run(kill_mid_burst_then_restart(tmp_path, fake_slack, f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"))


@needs_postgres
def test_kill_9_mid_burst_on_postgres_then_restart_answers_every_stall_exactly_once(tmp_path, fake_slack):
    with throwaway_postgres_database() as url:
        asyncio.run(kill_mid_burst_then_restart(tmp_path, fake_slack, url))
