"""`heartful exercises run-due`: one tick as a process, as cron runs it; two of them racing over one PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

from bot.settings import load_settings
from bot.storage.daily import DailyRepository
from bot.storage.session import create_engine, create_sessionmaker, upgrade_database
from bot.daily_exercises import DailyExercises
from bot.coaching.library import default_prompts_dir, load_library
from tests.e2e.test_cli import clean_env
from tests.postgres import needs_postgres, throwaway_postgres_database


def opt_in_reps(database_url: str, users: list[str], tz: str = "UTC") -> None:
    async def run() -> None:
        engine = create_engine(database_url)
        daily = DailyExercises(repository=DailyRepository(create_sessionmaker(engine)),
                               library=load_library(default_prompts_dir()), sender=None)  # type: ignore[arg-type]
        for user in users:
            await daily.update(team_id="T111", user_id=user, now=datetime(2026, 11, 24, tzinfo=UTC), tz=tz,
                               enabled=True)
        await engine.dispose()

    asyncio.run(run())


def run_due(database_url: str, fake_slack, now: str, cwd) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake_slack.base_url, DATABASE_URL=database_url,
                    DAILY_SEND_INTERVAL_MS="0")
    return subprocess.Popen([sys.executable, "-m", "bot", "exercises", "run-due", "--now", now], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_run_due_prints_what_it_sent_and_sends_nothing_twice(tmp_path, fake_slack):
    url = f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}"
    upgrade_database(url)
    opt_in_reps(url, ["UA", "UB"])
    first = run_due(url, fake_slack, "2026-11-24T09:00:00Z", tmp_path)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "to UA (T111) for 2026-11-24" in out and "to UB (T111) for 2026-11-24" in out
    assert "2 sent, 0 missed" in out
    again = run_due(url, fake_slack, "2026-11-24T09:05:00Z", tmp_path)
    out, _ = again.communicate(timeout=60)
    assert "0 sent" in out
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.ok]) == 2


def test_run_due_rejects_a_bad_now(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "exercises", "run-due", "--now", "tomorrow"], cwd=tmp_path,
                            env=clean_env(SLACK_BOT_TOKEN="xoxb-1"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "ISO-8601" in result.stderr


@needs_postgres
def test_two_replicas_racing_over_postgres_send_exactly_one_dm_per_rep(tmp_path, fake_slack):
    users = [f"U{n:04d}" for n in range(200)]
    with throwaway_postgres_database() as url:
        upgrade_database(url)
        opt_in_reps(url, users, tz="Europe/Madrid")  # 09:00 CET = 08:00 UTC
        racers = [run_due(url, fake_slack, "2026-11-24T08:00:05Z", tmp_path) for _ in range(2)]
        outputs = [racer.communicate(timeout=300) for racer in racers]
        assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
        dms = [c.args["channel"] for c in fake_slack.calls_to("chat.postMessage") if c.ok]
        assert len(dms) == 200
        assert sorted(dms) == sorted("D" + user for user in users)
        sent_counts = [int(out.strip().splitlines()[-1].split()[0]) for out, _ in outputs]
        assert sum(sent_counts) == 200  # each DM was sent by exactly one of the two
