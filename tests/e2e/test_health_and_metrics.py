"""/healthz, /readyz and /metrics tell the truth: over real HTTP, with a real database going away and coming back."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.storage.session import upgrade_database
from tests.e2e.guard_helpers import handled, our_team_is, sample, slack_checked
from tests.postgres import needs_postgres, throwaway_postgres_database, _admin
from tests.slack_requests import channel_message_event

STALL = "Spoke to Dana at Acme, she wants to think it over"


async def get(app, path: str):  # type: ignore[no-untyped-def]
    async with app.session.get(app.url + path) as response:
        return response.status, (await response.json() if path != "/metrics" else await response.text())


async def test_healthz_is_liveness_and_readyz_waits_for_slack_auth(start_app, fake_slack):
    our_team_is(fake_slack)
    app = await start_app()
    assert await get(app, "/healthz") == (200, {"ok": True})
    status, report = await get(app, "/readyz")
    assert status == 503  # auth.test not asked yet: not ready, and says why
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["slack_auth"] == {"ok": False, "detail": "not checked yet"}
    await slack_checked(app)
    status, report = await get(app, "/readyz")
    assert status == 200 and report["ready"] is True
    assert report["checks"]["slack_auth"] == {"ok": True, "team_id": "T111", "user_id": fake_slack.bot_user_id}
    assert "socket_mode" not in report["checks"]  # HTTP mode


async def test_slack_unreachable_at_start_is_retried_with_backoff_never_a_crash(start_app, fake_slack):
    our_team_is(fake_slack)
    fake_slack.fail_next("auth.test", status=503, error="service_unavailable", times=3)
    app = await start_app()
    await slack_checked(app)  # answered on the fourth try
    calls = fake_slack.calls_to("auth.test")
    assert [c.status for c in calls] == [503, 503, 503, 200]
    gaps = [b.at - a.at for a, b in zip(calls, calls[1:])]
    assert gaps[2] > gaps[0]  # backing off (0.01 s doubling, with jitter of ±50%: 0.04·0.5 > 0.01·1.5)
    assert (await get(app, "/readyz"))[0] == 200


async def test_slack_connection_refused_keeps_readyz_503_and_the_process_serving(start_app, fake_slack):
    app = await start_app(slack_api_url="http://127.0.0.1:9/api/")  # nothing listens on the discard port
    task = app.heartful.start_slack_check(first_delay_s=0.01)
    deadline = asyncio.get_running_loop().time() + 10
    while (app.heartful.readiness.slack.get("attempts") or 0) < 2:  # it failed twice and goes on trying
        assert asyncio.get_running_loop().time() < deadline
        assert not task.done()
        await asyncio.sleep(0.01)
    status, report = await get(app, "/readyz")
    assert status == 503 and "unreachable" in report["checks"]["slack_auth"]["detail"]
    assert await get(app, "/healthz") == (200, {"ok": True})


async def test_a_token_slack_refuses_is_recorded_and_not_retried(start_app, fake_slack):
    fake_slack.responses["auth.test"] = {"ok": False, "error": "invalid_auth"}
    app = await start_app()
    await slack_checked(app)
    assert len(fake_slack.calls_to("auth.test")) == 1
    status, report = await get(app, "/readyz")
    assert status == 503 and "invalid_auth" in report["checks"]["slack_auth"]["detail"]


@pytest.fixture
def database_in_a_folder(tmp_path: Path) -> tuple[str, Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite+aiosqlite:///{folder / 'heartful.db'}"
    upgrade_database(url)
    return url, folder


async def test_readyz_goes_503_when_the_sqlite_database_is_gone_and_back_when_it_returns(
        start_app, fake_slack, database_in_a_folder):
    url, folder = database_in_a_folder
    our_team_is(fake_slack)
    app = await start_app(database_url=url)
    await slack_checked(app)
    assert (await get(app, "/readyz"))[0] == 200
    # The volume goes away: the file can no longer be opened; the open connection is dropped.
    away = folder.with_name("data-away")
    os.rename(folder, away)
    await app.heartful.engine.dispose()
    status, report = await get(app, "/readyz")
    assert status == 503 and report["checks"]["database"]["ok"] is False
    assert "unable to open database file" in report["checks"]["database"]["detail"]
    assert report["checks"]["slack_auth"]["ok"] is True  # one check failing is told apart from the others
    assert await get(app, "/healthz") == (200, {"ok": True})  # alive all along: don't restart it
    os.rename(away, folder)
    assert (await get(app, "/readyz"))[0] == 200


@pytest.fixture
def postgres_url():  # type: ignore[no-untyped-def]
    with throwaway_postgres_database() as url:
        upgrade_database(url)
        yield url


@needs_postgres
async def test_readyz_goes_503_when_postgresql_refuses_connections_and_back(start_app, fake_slack, postgres_url):
    name = postgres_url.rsplit("/", 1)[1]
    our_team_is(fake_slack)
    app = await start_app(database_url=postgres_url)
    await slack_checked(app)
    assert (await get(app, "/readyz"))[0] == 200
    # The database stops taking connections and drops the ones it has (as in a failover or a restart).
    await asyncio.to_thread(_admin, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    await asyncio.to_thread(_admin, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    status, report = await get(app, "/readyz")
    assert status == 503 and report["checks"]["database"]["ok"] is False
    assert await get(app, "/healthz") == (200, {"ok": True})
    await asyncio.to_thread(_admin, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert (await get(app, "/readyz"))[0] == 200
    await app.heartful.engine.dispose()


async def test_readyz_reports_socket_mode_when_used(start_app, fake_slack):
    class Socket:
        connected = False

        async def is_connected(self) -> bool:
            return self.connected

    our_team_is(fake_slack)
    app = await start_app()
    await slack_checked(app)
    socket = Socket()
    app.heartful.readiness.socket_client = socket
    status, report = await get(app, "/readyz")
    assert status == 503 and report["checks"]["socket_mode"] == {"ok": False, "detail": "not connected"}
    socket.connected = True
    assert (await get(app, "/readyz"))[0] == 200


async def test_metrics_count_events_retries_and_time_ack_and_handling(running_app, fake_slack):
    app = running_app
    event = channel_message_event(STALL, event_id="EvMETRICS1")
    assert (await app.post_event(event)).status == 200
    await fake_slack.await_for("chat.postMessage")
    assert (await app.post_event(event, headers={"X-Slack-Retry-Num": "1"})).status == 200
    await handled(app, "event", count=2)
    status, text = await get(app, "/metrics")
    assert status == 200
    assert 'heartful_events_received_total{kind="event"} 2.0' in text
    assert "heartful_retries_seen_total 1.0" in text
    assert sample(app, "heartful_ack_seconds_count", kind="event") == 2
    assert sample(app, "heartful_ack_seconds_bucket", kind="event", le="3.0") == 2  # inside Bolt's 3 s
    assert sample(app, "heartful_handling_seconds_count", kind="event") == 2


async def test_metrics_count_permanent_failures(running_app, fake_slack):
    from tests.e2e.test_daily_exercises import dms, opt_in, tick
    from tests.slack_requests import block_action_body

    await opt_in(running_app, "W111", "UTC")
    await tick(running_app, "2026-11-23T09:00:00Z")
    [dm] = dms(fake_slack)
    ts = fake_slack.calls_to("chat.postMessage")[0].response["ts"]
    fake_slack.fail_next("chat.update", status=200, error="channel_not_found")
    await running_app.post(block_action_body(action_id="exercise_skip", value=dm.args["blocks"][-1]["elements"][0]
                                             ["value"], channel=dm.args["channel"], message_ts=ts),
                           content_type="application/x-www-form-urlencoded")
    await handled(running_app, "action")
    assert sample(running_app, "heartful_permanent_failures_total", reason="channel_not_found") == 1
    assert sample(running_app, "heartful_listener_errors_total", kind="action") == 1
