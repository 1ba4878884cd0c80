"""The daily DM exactly once when Slack's answer is lost: a post whose outcome is unknown is looked for in the DM
(by the delivery id in its metadata) before it is ever repeated. Real app, real SQLite file, real HTTP to the fake."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.storage import tables
from bot.storage.session import upgrade_database
from tests.e2e.test_run_due import opt_in_reps, run_due

TEAM = "T111"
DAY = date(2026, 11, 24)  # a Tuesday; reps opt in for 09:00 UTC


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass
class Tally:
    tried: int  # chat.postMessage requests that reached the fake
    sent: int  # messages in the reps' DMs
    doubled: int  # reps with more than one
    lost: int  # reps with none

    def __str__(self) -> str:
        return f"tried {self.tried} / sent {self.sent} / doubled {self.doubled} / lost {self.lost}"


def tally(fake_slack, users: list[str]) -> Tally:  # type: ignore[no-untyped-def]
    counts = [len(fake_slack.posted("D" + user)) for user in users]
    return Tally(tried=len(fake_slack.calls_to("chat.postMessage")), sent=sum(counts),
                 doubled=sum(1 for c in counts if c > 1), lost=sum(1 for c in counts if c == 0))


async def opt_in(app, fake_slack, user: str):  # type: ignore[no-untyped-def]
    fake_slack.users[user] = {"tz": "UTC"}  # in Slack too, so a timezone refresh after a failure moves nothing
    return await app.heartful.daily.update(team_id=TEAM, user_id=user, now=utc("2026-11-24T00:00:00Z"), tz="UTC",
                                           enabled=True, at=time(9, 0))


async def delivery(app, user: str) -> tables.Delivery:  # type: ignore[no-untyped-def]
    async with app.heartful.daily.repository._sessions() as session:
        return (await session.execute(
            select(tables.Delivery).join(tables.User, tables.User.id == tables.Delivery.user_pk)
            .where(tables.User.user_id == user, tables.Delivery.local_date == DAY)
        )).scalar_one()


def ours(message: dict) -> int:
    """The delivery id in a posted DM's metadata."""
    assert message["metadata"]["event_type"] == "heartful_exercise"
    return int(message["metadata"]["event_payload"]["delivery_id"])


async def test_an_answer_after_the_client_timeout_is_found_and_not_posted_again(start_app, fake_slack):
    app = await start_app(slack_timeout_s=1)
    await opt_in(app, fake_slack, "U1")
    fake_slack.delay["chat.postMessage"] = 3.0  # Slack posts it, then answers after the client gave up
    first = await app.heartful.daily.tick(utc("2026-11-24T09:00:00Z"))
    assert first.retried == [(TEAM, "U1", "slack_timeout")] and first.sent == []
    row = await delivery(app, "U1")
    assert (row.status, row.dm_channel) == ("claimed", "DU1")  # kept: the post may still land
    del fake_slack.delay["chat.postMessage"]

    within_lease = await app.heartful.daily.tick(utc("2026-11-24T09:02:00Z"))
    assert within_lease.skipped_claimed == 1 and fake_slack.calls_to("conversations.history") == []
    later = await app.heartful.daily.tick(utc("2026-11-24T09:06:00Z"))
    assert later.recovered == [(TEAM, "U1", DAY)] and [s[1] for s in later.sent] == ["U1"]

    [dm] = fake_slack.posted("DU1")
    row = await delivery(app, "U1")
    assert (row.status, row.message_ts, ours(dm)) == ("sent", dm["ts"], row.id)
    [looked] = fake_slack.calls_to("conversations.history")
    assert looked.args["channel"] == "DU1" and looked.args["include_all_metadata"] in ("1", "true", True)
    result = tally(fake_slack, ["U1"])
    print(f"timeout after posting: {result}")
    assert (result.tried, result.doubled, result.lost) == (1, 0, 0)
    await app.heartful.daily.tick(utc("2026-11-24T10:00:00Z"))
    assert len(fake_slack.posted("DU1")) == 1


async def test_a_disconnect_after_posting_is_found_and_not_posted_again(running_app, fake_slack):
    await opt_in(running_app, fake_slack, "U1")
    fake_slack.drop_next("chat.postMessage")
    first = await running_app.heartful.daily.tick(utc("2026-11-24T09:00:00Z"))
    assert first.retried == [(TEAM, "U1", "slack_disconnected")]
    later = await running_app.heartful.daily.tick(utc("2026-11-24T09:06:00Z"))
    assert later.recovered == [(TEAM, "U1", DAY)]
    [dm] = fake_slack.posted("DU1")
    assert (await delivery(running_app, "U1")).message_ts == dm["ts"]
    result = tally(fake_slack, ["U1"])
    print(f"disconnect after posting: {result}")
    assert (result.tried, result.sent, result.doubled, result.lost) == (1, 1, 0, 0)


async def test_a_500_is_looked_for_then_retried_once(running_app, fake_slack):
    await opt_in(running_app, fake_slack, "U1")
    fake_slack.fail_next("chat.postMessage", status=500, error="internal_error")
    first = await running_app.heartful.daily.tick(utc("2026-11-24T09:00:00Z"))
    assert first.retried == [(TEAM, "U1", "internal_error")]
    row = await delivery(running_app, "U1")
    assert (row.status, row.dm_channel, row.error) == ("retry", "DU1", "internal_error")
    second = await running_app.heartful.daily.tick(utc("2026-11-24T09:01:00Z"))  # released: no lease to wait out
    assert [s[1] for s in second.sent] == ["U1"] and second.recovered == []
    assert len(fake_slack.calls_to("conversations.history")) == 1  # it may have posted: looked first
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [500, 200]
    result = tally(fake_slack, ["U1"])
    print(f"500 then success: {result}")
    assert (result.tried, result.sent, result.doubled, result.lost) == (2, 1, 0, 0)


async def test_a_refusal_that_posted_nothing_is_retried_without_looking(running_app, fake_slack):
    await opt_in(running_app, fake_slack, "U1")
    fake_slack.fail_next("chat.postMessage", status=200, error="ratelimited")
    first = await running_app.heartful.daily.tick(utc("2026-11-24T09:00:00Z"))
    assert first.retried == [(TEAM, "U1", "ratelimited")]
    assert (await delivery(running_app, "U1")).dm_channel is None
    await running_app.heartful.daily.tick(utc("2026-11-24T09:01:00Z"))
    assert fake_slack.calls_to("conversations.history") == []
    assert len(fake_slack.posted("DU1")) == 1


@pytest.mark.parametrize(("method", "error"), [
    ("chat.postMessage", "channel_not_found"), ("chat.postMessage", "is_archived"),
    ("chat.postMessage", "not_in_channel"), ("chat.postMessage", "invalid_auth"),
    ("conversations.open", "user_not_found"), ("conversations.open", "account_inactive"),
])
async def test_a_permanent_error_is_not_retried_and_the_reason_recorded(running_app, fake_slack, method, error):
    await opt_in(running_app, fake_slack, "U1")
    fake_slack.fail_next(method, status=200, error=error)
    report = await running_app.heartful.daily.tick(utc("2026-11-24T09:00:00Z"))
    assert report.stopped == [(TEAM, "U1", error)] and report.retried == []
    row = await delivery(running_app, "U1")
    assert (row.status, row.error) == ("failed", error)
    assert (await running_app.heartful.daily.settings(team_id=TEAM, user_id="U1")).stopped_reason == error
    after = await running_app.heartful.daily.tick(utc("2026-11-24T09:10:00Z"))
    assert after.sent == [] and after.retried == []
    assert len(fake_slack.calls_to(method)) == 1 and fake_slack.posted("DU1") == []


async def crashed_claim(app, fake_slack, user: str, *, posted: bool,  # type: ignore[no-untyped-def]
                        attempted: bool = True) -> int:
    """What a process killed mid-send leaves: a claim at 09:00, maybe the attempt noted, maybe the post made."""
    daily = app.heartful.daily
    rep = await opt_in(app, fake_slack, user)
    claimed_at = utc("2026-11-24T09:00:00Z")
    claim = await daily.repository.claim(rep=rep, local_date=DAY, now=claimed_at, lease=daily.timings.lease)
    exercise = daily.library.exercises[0]
    if attempted:
        assert await daily.repository.record_attempt(delivery_id=claim.delivery_id, claimed_at=claimed_at,
                                                     dm_channel="D" + user, exercise_id=exercise.id)
    if posted:
        await daily.sender.post(channel="D" + user, exercise=exercise, streak=0, delivery_id=claim.delivery_id)
    return claim.delivery_id


async def test_a_crash_after_posting_is_recorded_sent_without_posting_again(running_app, fake_slack):
    delivery_id = await crashed_claim(running_app, fake_slack, "UPOSTED", posted=True)
    assert (await running_app.heartful.daily.tick(utc("2026-11-24T09:01:00Z"))).skipped_claimed == 1
    reports = await asyncio.gather(*(running_app.heartful.daily.tick(utc("2026-11-24T09:06:00Z")) for _ in range(2)))
    assert sum(len(r.recovered) for r in reports) == 1
    [dm] = fake_slack.posted("DUPOSTED")
    row = await delivery(running_app, "UPOSTED")
    assert (row.id, row.status, row.message_ts, row.exercise_id) == (
        delivery_id, "sent", dm["ts"], running_app.heartful.daily.library.exercises[0].id)
    result = tally(fake_slack, ["UPOSTED"])
    print(f"crash after posting: {result}")
    assert (result.tried, result.sent, result.doubled, result.lost) == (1, 1, 0, 0)


@pytest.mark.parametrize("attempted", [True, False], ids=["died-before-the-post", "died-before-noting-it"])
async def test_a_crash_before_posting_is_posted_once(running_app, fake_slack, attempted):
    await crashed_claim(running_app, fake_slack, "UNOPOST", posted=False, attempted=attempted)
    reports = await asyncio.gather(*(running_app.heartful.daily.tick(utc("2026-11-24T09:06:00Z")) for _ in range(2)))
    assert sum(len(r.sent) for r in reports) == 1 and all(r.recovered == [] for r in reports)
    assert len(fake_slack.calls_to("conversations.history")) == (1 if attempted else 0)
    [dm] = fake_slack.posted("DUNOPOST")
    assert (await delivery(running_app, "UNOPOST")).message_ts == dm["ts"]
    await running_app.heartful.daily.tick(utc("2026-11-24T09:30:00Z"))
    result = tally(fake_slack, ["UNOPOST"])
    print(f"crash before posting ({'noted' if attempted else 'not noted'}): {result}")
    assert (result.tried, result.sent, result.doubled, result.lost) == (1, 1, 0, 0)


async def test_two_replicas_with_lost_answers_give_every_rep_exactly_one_dm(start_app, fake_slack):
    from bot.app import build_heartful

    app = await start_app(daily_send_interval_ms=0)
    users = [f"U{n:03d}" for n in range(50)]
    for user in users:
        await opt_in(app, fake_slack, user)
    other = build_heartful(app.heartful.settings)  # its own engine and Slack client: a second replica
    try:
        fake_slack.drop_next("chat.postMessage", times=4)  # four posts made whose answers never arrive
        first = await asyncio.gather(app.heartful.daily.tick(utc("2026-11-24T09:00:10Z")),
                                     other.daily.tick(utc("2026-11-24T09:00:10Z")))
        assert sum(len(r.retried) for r in first) == 4
        # Two connections to one SQLite file can time out on its lock under load; that rep waits for the lease.
        assert sum(len(r.sent) for r in first) <= 46
        later = await asyncio.gather(app.heartful.daily.tick(utc("2026-11-24T09:06:00Z")),
                                     other.daily.tick(utc("2026-11-24T09:06:00Z")))
        assert sum(len(r.recovered) for r in later) >= 4
    finally:
        await other.close()
    result = tally(fake_slack, users)
    print(f"two replicas, 50 reps, 4 answers lost: {result}")
    assert (result.tried, result.sent, result.doubled, result.lost) == (50, 50, 0, 0)


def test_kill_9_mid_fan_out_then_the_next_run_doubles_nothing(tmp_path, fake_slack):
    url = f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}"
    upgrade_database(url)
    users = [f"U{n:03d}" for n in range(120)]
    opt_in_reps(url, users)
    fake_slack.delay["chat.postMessage"] = 0.05  # posted at once, answered 50 ms later: time to die in between
    first = run_due(url, fake_slack, "2026-11-24T09:00:00Z", tmp_path)
    try:
        fake_slack.wait_for("chat.postMessage", count=40, timeout=60)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=30)
    killed_after = len(fake_slack.calls_to("chat.postMessage"))
    del fake_slack.delay["chat.postMessage"]
    second = run_due(url, fake_slack, "2026-11-24T09:06:00Z", tmp_path)  # after the dead run's lease
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    result = tally(fake_slack, users)
    summary = out.strip().splitlines()[-1]
    # The second run reports as sent the posts it made plus those it found the dead run had made.
    found = int(summary.split()[0]) - (result.tried - killed_after)
    print(f"kill -9 after {killed_after} posts, then run-due again: {result}; {found} found posted; {summary}")
    assert (result.tried, result.sent, result.doubled, result.lost) == (120, 120, 0, 0)
    assert found >= 1 and fake_slack.calls_to("conversations.history")  # the dead run's last post was looked for
