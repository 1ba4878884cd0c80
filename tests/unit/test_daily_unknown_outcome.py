"""The unknown-outcome rule in pieces: how the Slack adapter classifies failures, how it looks a post up in the DM's
history, and what the tick does with each outcome (a scripted sender over a real SQLite file)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from unittest import mock

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse
from sqlalchemy import select

from bot.coaching.library import Exercise, default_prompts_dir, load_library
from bot.daily_exercises import DailyExercises, DailyTimings, DeliveryFailed, PostOutcome, SentMessage
from bot.slack.exercise_sender import EXERCISE_EVENT_TYPE, SlackExerciseSender, _call
from bot.storage import tables
from bot.storage.daily import DailyRepository
from bot.storage.session import create_engine, create_sessionmaker

DAY = date(2026, 11, 24)
DUE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """Minutes past the 09:00 delivery."""
    return DUE.replace(minute=minutes)


def slack_error(status: int, error: str) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data={"ok": False, "error": error}, headers={}, status_code=status)
    return SlackApiError(error, response)


# the adapter's classification -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "error", "posting", "permanent", "outcome"), [
    (429, "ratelimited", True, False, PostOutcome.NOT_POSTED),
    (200, "ratelimited", True, False, PostOutcome.NOT_POSTED),
    (500, "internal_error", True, False, PostOutcome.MAYBE_POSTED),
    (200, "internal_error", True, False, PostOutcome.MAYBE_POSTED),
    (503, "service_unavailable", True, False, PostOutcome.MAYBE_POSTED),
    (500, "internal_error", False, False, PostOutcome.NOT_POSTED),  # a read or conversations.open posts nothing
    (200, "request_timeout", True, False, PostOutcome.NOT_POSTED),
    (200, "channel_not_found", True, True, PostOutcome.NOT_POSTED),
    (200, "invalid_auth", True, True, PostOutcome.NOT_POSTED),
    (200, "user_not_found", False, True, PostOutcome.NOT_POSTED),
    (200, "account_inactive", False, True, PostOutcome.NOT_POSTED),
])
async def test_slack_answers_are_classified(status, error, posting, permanent, outcome):
    with pytest.raises(DeliveryFailed) as raised:
        await _call(_raising(slack_error(status, error)), posting=posting)
    failure = raised.value
    assert (failure.code, failure.permanent, failure.outcome) == (error, permanent, outcome)
    assert failure.channel_gone == (error == "channel_not_found")


async def _raising(error: BaseException) -> Any:
    raise error


@pytest.mark.parametrize(("error", "code", "when_posting"), [
    (asyncio.TimeoutError(), "slack_timeout", PostOutcome.UNANSWERED),
    (aiohttp.ServerTimeoutError("read"), "slack_timeout", PostOutcome.UNANSWERED),
    (aiohttp.ServerDisconnectedError(), "slack_disconnected", PostOutcome.UNANSWERED),
    (aiohttp.ClientPayloadError("cut"), "slack_disconnected", PostOutcome.UNANSWERED),
    (aiohttp.ClientConnectorError(mock.Mock(), OSError(111, "refused")), "slack_unreachable",
     PostOutcome.NOT_POSTED),  # never reached Slack
])
async def test_a_lost_answer_means_the_post_may_exist(error, code, when_posting):
    with pytest.raises(DeliveryFailed) as posting:
        await _call(_raising(error), posting=True)
    assert (posting.value.code, posting.value.permanent, posting.value.outcome) == (code, False, when_posting)
    with pytest.raises(DeliveryFailed) as reading:
        await _call(_raising(error))
    assert reading.value.outcome is PostOutcome.NOT_POSTED


# looking a post up ----------------------------------------------------------------------------------------------

def _message(ts: str, delivery_id: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "message", "ts": ts, "text": "hi"}
    if delivery_id is not None:
        message["metadata"] = {"event_type": EXERCISE_EVENT_TYPE, "event_payload": {"delivery_id": delivery_id}}
    return message


class _HistoryClient:
    """conversations.history over pages given newest first."""

    def __init__(self, pages: list[list[dict[str, Any]]], error: SlackApiError | None = None) -> None:
        self.pages = pages
        self.error = error
        self.calls: list[dict[str, Any]] = []

    async def conversations_history(self, **args: Any) -> dict[str, Any]:
        self.calls.append(args)
        if self.error is not None:
            raise self.error
        index = int(args["cursor"] or 0)
        more = index + 1 < len(self.pages)
        return {"ok": True, "messages": self.pages[index], "has_more": more,
                "response_metadata": {"next_cursor": str(index + 1) if more else ""}}


async def test_find_posted_pages_back_to_the_post():
    client = _HistoryClient([[_message("3.0"), _message("2.0", 99)], [_message("1.5"), _message("1.0", 7)]])
    assert await SlackExerciseSender(client).find_posted(channel="D1", delivery_id=7) == "1.0"  # type: ignore
    assert [c["cursor"] for c in client.calls] == [None, "1"]
    assert all(c["include_all_metadata"] is True for c in client.calls)


async def test_find_posted_stops_at_an_earlier_delivery():
    client = _HistoryClient([[_message("3.0"), _message("2.0", 6)], [_message("1.0", 7)]])
    assert await SlackExerciseSender(client).find_posted(channel="D1", delivery_id=7) is None  # type: ignore
    assert len(client.calls) == 1


async def test_find_posted_reads_a_gone_channel_as_not_posted_and_too_long_a_history_as_unknowable():
    gone = _HistoryClient([], error=slack_error(200, "channel_not_found"))
    assert await SlackExerciseSender(gone).find_posted(channel="D1", delivery_id=7) is None  # type: ignore
    endless = _HistoryClient([[_message(f"{n}.0")] for n in range(10)])
    with pytest.raises(DeliveryFailed) as failed:
        await SlackExerciseSender(endless).find_posted(channel="D1", delivery_id=7)  # type: ignore
    assert failed.value.permanent and failed.value.code == "history_too_long"


# the tick, with a scripted sender -------------------------------------------------------------------------------

@dataclass
class ScriptedSender:
    """Posts into `dms`; `fail_post` / `fail_look` are consumed in order. A failure whose outcome is not
    NOT_POSTED still posts first: that is the case under test."""

    dms: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # channel -> (delivery id, ts)
    fail_post: list[DeliveryFailed] = field(default_factory=list)
    fail_look: list[DeliveryFailed] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    looks: list[tuple[str, int]] = field(default_factory=list)
    channel: str = "D1"

    async def open_dm(self, *, team_id: str, user_id: str) -> str:
        self.opened.append(user_id)
        return self.channel

    async def post(self, *, channel: str, exercise: Exercise, streak: int, delivery_id: int) -> SentMessage:
        failure = self.fail_post.pop(0) if self.fail_post else None
        if failure is not None and failure.outcome is PostOutcome.NOT_POSTED:
            raise failure
        ts = f"{len(self.posts) + 1}.0"
        self.dms.setdefault(channel, []).append((delivery_id, ts))
        if failure is not None:
            raise failure
        return SentMessage(channel=channel, ts=ts)

    async def find_posted(self, *, channel: str, delivery_id: int) -> str | None:
        self.looks.append((channel, delivery_id))
        if self.fail_look:
            raise self.fail_look.pop(0)
        return next((ts for d, ts in self.dms.get(channel, []) if d == delivery_id), None)

    async def timezone_of(self, *, team_id: str, user_id: str) -> str | None:
        return "UTC"

    @property
    def posts(self) -> list[tuple[int, str]]:
        return [p for posted in self.dms.values() for p in posted]


@pytest.fixture
async def daily(database_url):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)  # a migrated SQLite file (tests/conftest.py)
    service = DailyExercises(repository=DailyRepository(create_sessionmaker(engine)),
                             library=load_library(default_prompts_dir()), sender=ScriptedSender(),
                             timings=DailyTimings(send_interval=0))
    await service.update(team_id="T1", user_id="U1", now=datetime(2026, 11, 24, tzinfo=UTC), tz="UTC",
                         enabled=True, at=time(9, 0))
    yield service
    await engine.dispose()


async def row(daily: DailyExercises, day: date = DAY) -> tables.Delivery:
    rep = await daily.settings(team_id="T1", user_id="U1")
    async with daily.repository._sessions() as session:
        return (await session.scalars(select(tables.Delivery).where(
            tables.Delivery.user_pk == rep.rep_pk, tables.Delivery.local_date == day))).one()


async def test_no_answer_keeps_the_claim_then_the_post_is_found_after_the_lease(daily):
    sender: ScriptedSender = daily.sender  # type: ignore[assignment]
    sender.fail_post.append(DeliveryFailed("slack_timeout", outcome=PostOutcome.UNANSWERED))
    assert (await daily.tick(at(0))).retried == [("T1", "U1", "slack_timeout")]
    assert ((await row(daily)).status, (await row(daily)).dm_channel) == ("claimed", "D1")
    assert (await daily.tick(at(4))).skipped_claimed == 1 and sender.looks == []
    report = await daily.tick(at(6))
    assert report.recovered == [("T1", "U1", DAY)] and len(sender.posts) == 1
    stored = await row(daily)
    assert (stored.status, stored.message_ts) == ("sent", "1.0")


async def test_an_answered_maybe_is_released_and_looked_for_first(daily):
    sender: ScriptedSender = daily.sender  # type: ignore[assignment]
    sender.fail_post.append(DeliveryFailed("internal_error", outcome=PostOutcome.MAYBE_POSTED))
    await daily.tick(at(0))
    assert ((await row(daily)).status, (await row(daily)).dm_channel) == ("retry", "D1")
    report = await daily.tick(at(1))
    assert report.recovered == [("T1", "U1", DAY)] and len(sender.posts) == 1


async def test_a_refusal_forgets_the_attempt_and_posts_without_looking(daily):
    sender: ScriptedSender = daily.sender  # type: ignore[assignment]
    sender.fail_post.append(DeliveryFailed("ratelimited"))
    await daily.tick(at(0))
    stored = await row(daily)
    assert (stored.status, stored.dm_channel, stored.exercise_id) == ("retry", None, None)
    assert len((await daily.tick(at(1))).sent) == 1
    assert sender.looks == [] and len(sender.posts) == 1


async def test_a_failed_look_retries_and_a_look_that_cannot_work_gives_the_day_up(daily):
    sender: ScriptedSender = daily.sender  # type: ignore[assignment]
    sender.fail_post.append(DeliveryFailed("slack_disconnected", outcome=PostOutcome.UNANSWERED))
    sender.fail_look += [DeliveryFailed("slack_timeout"), DeliveryFailed("missing_scope", permanent=True)]
    await daily.tick(at(0))
    assert (await daily.tick(at(6))).retried == [("T1", "U1", "slack_timeout")]
    assert ((await row(daily)).status, (await row(daily)).dm_channel) == ("retry", "D1")  # still maybe posted
    report = await daily.tick(at(7))
    assert report.gave_up == [("T1", "U1", "missing_scope")] and report.stopped == []
    assert ((await row(daily)).status, (await row(daily)).error) == ("failed", "missing_scope")
    rep = await daily.settings(team_id="T1", user_id="U1")
    assert rep.stopped_reason is None and rep.next_due_date == date(2026, 11, 25)  # tomorrow goes as usual
    assert len(sender.posts) == 1


async def test_a_claim_taken_over_fences_out_the_slow_claimant(daily):
    rep = await daily.settings(team_id="T1", user_id="U1")
    lease = daily.timings.lease
    slow = await daily.repository.claim(rep=rep, local_date=DAY, now=at(0), lease=lease)
    taker = await daily.repository.claim(rep=rep, local_date=DAY, now=at(6), lease=lease)
    assert slow is not None and taker is not None and slow.delivery_id == taker.delivery_id
    assert not await daily.repository.record_attempt(delivery_id=slow.delivery_id, claimed_at=at(0),
                                                     dm_channel="D1", exercise_id="x")
    assert await daily.repository.record_attempt(delivery_id=taker.delivery_id, claimed_at=at(6),
                                                 dm_channel="D1", exercise_id="x")
    await daily.repository.release(delivery_id=slow.delivery_id, claimed_at=at(0), error="late", maybe_posted=False)
    assert ((await row(daily)).status, (await row(daily)).dm_channel) == ("claimed", "D1")  # the late release: no-op


async def test_a_gone_dm_channel_is_reopened_and_the_attempt_noted_in_the_new_one(daily):
    sender: ScriptedSender = daily.sender  # type: ignore[assignment]
    await daily.tick(at(0))
    await daily.update(team_id="T1", user_id="U1", now=at(30), days=frozenset(range(7)))
    sender.fail_post.append(DeliveryFailed("channel_not_found", permanent=True, channel_gone=True))
    sender.channel = "D2"
    report = await daily.tick(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert len(report.sent) == 1 and report.stopped == []
    assert sender.opened == ["U1", "U1"] and len(sender.dms["D2"]) == 1
    assert (await row(daily, date(2026, 11, 25))).dm_channel == "D2"
