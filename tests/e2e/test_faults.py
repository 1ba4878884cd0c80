"""Faults as a team's deployment meets them, end to end over real HTTP on real databases: Slack's retry storms,
Slack failing or timing out, the database going away. Every stall is answered exactly once."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.storage import tables
from bot.storage.session import upgrade_database
from tests.e2e.faults import FAST, SlackEvents, all_finished, stall_events, tally
from tests.fakes.tcp_proxy import TcpProxy
from tests.postgres import needs_postgres, throwaway_postgres_database


@pytest.fixture
def postgres_url():  # type: ignore[no-untyped-def]
    with throwaway_postgres_database() as url:
        upgrade_database(url)
        yield url


async def retry_storm(apps, fake_slack, n: int = 100) -> None:  # type: ignore[no-untyped-def]
    """Each stall delivered three times (Slack retrying an ack it thinks was late), 30 deliveries in flight."""
    events = stall_events(n)
    slack = SlackEvents([app.url for app in apps])
    gate = asyncio.Semaphore(30)

    async def one(payload: dict, retry_num: int) -> None:
        async with gate:
            assert await slack.deliver(session, payload, retry_num=retry_num)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(one(event, copy) for event in events for copy in range(3)))
    await all_finished(apps)
    result = tally(fake_slack, events)
    print(f"retry storm on {len(apps)} replica(s): {result}; HTTP answers {dict(slack.statuses)}")
    assert (result.answered, result.doubled, result.lost) == (n, 0, 0), result


async def test_a_retry_storm_on_sqlite_answers_every_stall_exactly_once(start_app, fake_slack):
    await retry_storm([await start_app(**FAST)], fake_slack)


@needs_postgres
async def test_a_retry_storm_on_postgres_with_two_replicas_answers_every_stall_exactly_once(
        start_app, fake_slack, postgres_url):
    apps = [await start_app(database_url=postgres_url, **FAST) for _ in range(2)]
    await retry_storm(apps, fake_slack)


async def slack_outage(app, fake_slack) -> None:  # type: ignore[no-untyped-def]
    """25 posts fail (500, then 502/503 and a refused rate limit) before Slack is back."""
    fake_slack.fail_next("chat.postMessage", status=500, error="internal_error", times=15)
    fake_slack.fail_next("chat.postMessage", status=503, error="service_unavailable", times=9)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=0, error="ratelimited", times=1)
    events = stall_events(25)
    async with aiohttp.ClientSession() as session:
        slack = SlackEvents([app.url])
        assert all(await asyncio.gather(*(slack.deliver(session, event) for event in events)))
    await all_finished([app])
    result = tally(fake_slack, events)
    print(f"Slack outage: {result}")
    assert (result.answered, result.doubled, result.lost) == (25, 0, 0), result
    failed = [call for call in fake_slack.calls_to("chat.postMessage") if not call.ok]
    assert len(failed) >= 25  # the rate-limit handler in the client may add its own retry of the 429
    assert app.heartful.metrics.recovered._value.get() >= 1


async def test_a_slack_outage_of_25_failed_posts_loses_no_nudge_on_sqlite(start_app, fake_slack):
    await slack_outage(await start_app(**FAST), fake_slack)


@needs_postgres
async def test_a_slack_outage_of_25_failed_posts_loses_no_nudge_on_postgres(start_app, fake_slack, postgres_url):
    await slack_outage(await start_app(database_url=postgres_url, **FAST), fake_slack)


@pytest.mark.parametrize("fault", ["timeout", "disconnect"])
async def test_a_post_whose_answer_never_came_is_looked_for_not_repeated(start_app, fake_slack, fault):
    """Slack got the post, but its answer timed out (or the connection dropped): the retry finds the nudge in the
    thread by the event id in its metadata and does not post it again."""
    app = await start_app(**{**FAST, "slack_timeout_s": 1})
    if fault == "timeout":
        fake_slack.delay["chat.postMessage"] = 1.5  # answered after the client's 1 s timeout
    else:
        fake_slack.drop_next("chat.postMessage")
    [event] = stall_events(1)
    await app.post_event(event)
    await fake_slack.await_for("chat.postMessage")
    fake_slack.delay.pop("chat.postMessage", None)
    await app.handled(event)
    result = tally(fake_slack, [event])
    assert (result.answered, result.doubled) == (1, 0), result
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    [looked] = fake_slack.calls_to("conversations.replies")
    assert looked.args["ts"] == event["event"]["ts"]
    assert await app.heartful.work.work.state_of(event["event_id"]) == ("done", None)


async def test_a_permanent_slack_error_stops_with_its_reason_and_is_not_retried(start_app, fake_slack):
    app = await start_app(**FAST)
    fake_slack.fail_next("chat.postMessage", status=200, error="not_in_channel")
    [event] = stall_events(1)
    await app.post_event(event)
    await app.handled(event)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert await app.heartful.work.work.state_of(event["event_id"]) == ("failed", "nudge: not_in_channel")


@needs_postgres
async def test_a_database_outage_answers_503_until_it_is_back_then_every_stall_exactly_once(
        start_app, fake_slack, postgres_url):
    target = make_url(postgres_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    app = await start_app(database_url=target.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False), readyz_db_timeout_s=1, **FAST)
    app.heartful.start_slack_check(first_delay_s=0)
    await app.heartful.readiness.slack_checked.wait()
    try:
        async with app.session.get(app.url + "/readyz") as response:
            assert response.status == 200
        before = stall_events(5, team_id=fake_slack.team_id)  # the team auth.test named: ours
        slack = SlackEvents([app.url], retries=40, retry_after_s=0.25)
        async with aiohttp.ClientSession() as session:
            assert all(await asyncio.gather(*(slack.deliver(session, e) for e in before)))
            await fake_slack.await_for("chat.postMessage", count=5)
            await proxy.cut()
            async with app.session.get(app.url + "/readyz") as response:
                assert response.status == 503
                assert (await response.json())["checks"]["database"]["ok"] is False
            during = stall_events(10, team_id=fake_slack.team_id, start=100)
            deliveries = asyncio.gather(*(slack.deliver(session, e) for e in during))
            await asyncio.sleep(1.0)  # the outage lasts a while: Slack's deliveries get 503s meanwhile
            assert slack.statuses[503] >= 1
            await proxy.restore()
            assert all(await deliveries)
        async with app.session.get(app.url + "/readyz") as response:
            assert response.status == 200
        await all_finished([app])
        result = tally(fake_slack, before + during)
        print(f"database outage: {result}; HTTP answers {dict(slack.statuses)}")
        assert (result.answered, result.doubled, result.lost) == (15, 0, 0), result
        assert await app.heartful.repository.count(tables.WorkItem) == 15
    finally:
        await proxy.close()


async def test_past_the_in_flight_limit_new_work_waits_in_the_database_and_is_all_answered(start_app, fake_slack):
    """Backpressure: 3 items in flight at most; a burst of 40 is recorded at once and answered as capacity frees."""
    app = await start_app(**{**FAST, "work_queue_size": 3, "work_concurrency": 2})
    fake_slack.delay["chat.postMessage"] = 0.02
    events = stall_events(40)
    async with aiohttp.ClientSession() as session:
        slack = SlackEvents([app.url])
        assert all(await asyncio.gather(*(slack.deliver(session, event) for event in events)))
    assert app.heartful.metrics.deferred._value.get() > 0  # some had to wait in the database
    await all_finished([app])
    result = tally(fake_slack, events)
    assert (result.answered, result.doubled, result.lost) == (40, 0, 0), result


async def test_readyz_and_metrics_report_the_backlog(start_app, fake_slack):
    app = await start_app(**{**FAST, "work_concurrency": 1})
    fake_slack.delay["chat.postMessage"] = 0.3
    events = stall_events(3)
    for event in events:
        await app.post_event(event)
    async with app.session.get(app.url + "/readyz") as response:
        work = (await response.json())["checks"]["work"]
    assert work["ok"] is True and work["depth"] >= 2 and work["oldest_pending_s"] >= 0  # still working on them
    for event in events:
        await app.handled(event)
    async with app.session.get(app.url + "/readyz") as response:
        assert (await response.json())["checks"]["work"]["depth"] == 0
    await app.heartful.work.poll()  # the poller's round sets the gauges
    async with app.session.get(app.url + "/metrics") as response:
        exposition = await response.text()
    assert "heartful_work_backlog 0.0" in exposition
    assert "heartful_work_oldest_pending_seconds 0.0" in exposition
