"""Daily exercises end to end: opt-in through /coach, ticks at chosen instants, DMs observed at the fake Slack API."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.coaching.schedule import WORKDAYS
from bot.storage import tables
from tests.e2e.test_coach_command import CoachCommand
from tests.slack_requests import block_action_body, eventually, view_submission_body

TEAM = "T111"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


async def opt_in(running_app, user: str, tz: str, at: time = time(9, 0), now: str = "2026-11-23T00:00:00Z",
                 days: frozenset[int] = WORKDAYS):  # type: ignore[no-untyped-def]
    return await running_app.heartful.daily.update(team_id=TEAM, user_id=user, now=utc(now), tz=tz, enabled=True,
                                                   at=at, days=days)


def dms(fake_slack, user: str | None = None) -> list:  # type: ignore[no-untyped-def]
    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    return [c for c in posts if user is None or c.args["channel"] == "D" + user]


async def tick(running_app, when: str):  # type: ignore[no-untyped-def]
    return await running_app.heartful.daily.tick(utc(when))


async def test_opt_in_through_coach_reads_the_slack_timezone_and_shows_the_next_delivery(running_app, fake_slack):
    fake_slack.users["W111"] = {"tz": "Europe/Paris", "tz_offset": 3600}
    coach = CoachCommand(running_app, fake_slack)
    answer = await coach("daily on 08:30")
    assert "Daily exercises are on" in answer["text"]
    assert "08:30 (Europe/Paris)" in answer["text"] and "mon-fri" in answer["text"]
    assert "Next one:" in answer["text"] and "at 08:30 your time" in answer["text"]
    [info] = fake_slack.calls_to("users.info")
    assert info.args["user"] == "W111"
    shown = await coach("daily")
    assert "at 08:30 (Europe/Paris)" in shown["text"]
    assert "Stopped" in (await coach("daily off"))["text"]
    assert "off" in (await coach("daily"))["text"]


@pytest.mark.parametrize(("text", "says"), [
    ("daily on 25:00", "not a time of day"), ("daily time 9am", "not a time"), ("daily days funday", "not a day"),
    ("daily snooze forever", "not a duration"), ("daily snooze 0d", "1 to 90 days"), ("daily sometimes", "not a daily setting"),
])
async def test_bad_daily_settings_get_a_clear_ephemeral_error_and_change_nothing(running_app, fake_slack, text, says):
    answer = await CoachCommand(running_app, fake_slack)(text)
    assert answer["response_type"] == "ephemeral" and says in answer["text"] and "Usage:" in answer["text"]
    assert await running_app.heartful.daily.settings(team_id=TEAM, user_id="W111") is None


async def test_each_rep_gets_the_exercise_at_their_own_local_time_exactly_once(running_app, fake_slack):
    await opt_in(running_app, "UTOKYO", "Asia/Tokyo")  # 09:00 JST = 00:00 UTC
    await opt_in(running_app, "ULONDON", "Europe/London")  # 09:00 GMT = 09:00 UTC
    await opt_in(running_app, "UNEWYORK", "America/New_York")  # 09:00 EST = 14:00 UTC

    await tick(running_app, "2026-11-24T00:00:30Z")  # Tuesday
    assert [c.args["channel"] for c in dms(fake_slack)] == ["DUTOKYO"]
    await tick(running_app, "2026-11-24T08:59:00Z")
    assert len(dms(fake_slack)) == 1
    await tick(running_app, "2026-11-24T09:00:00Z")  # exactly on time counts as passed
    await tick(running_app, "2026-11-24T09:01:00Z")
    assert [c.args["channel"] for c in dms(fake_slack)] == ["DUTOKYO", "DULONDON"]
    await tick(running_app, "2026-11-24T14:03:00Z")  # a late tick still delivers
    assert [c.args["channel"] for c in dms(fake_slack)] == ["DUTOKYO", "DULONDON", "DUNEWYORK"]
    for minute in range(15, 59, 7):  # more ticks the same day: nothing doubles
        await tick(running_app, f"2026-11-24T15:{minute:02d}:00Z")
    assert len(dms(fake_slack)) == 3
    [opened] = fake_slack.calls_to("conversations.open")[:1]
    assert opened.args["users"] == "UTOKYO"
    first = dms(fake_slack)[0]
    assert "Today's exercise" in first.args["text"]
    assert [e["action_id"] for e in first.args["blocks"][-1]["elements"]] == [
        "exercise_done", "exercise_skip", "exercise_another"]


async def test_no_weekend_delivery_by_default(running_app, fake_slack):
    await opt_in(running_app, "U1", "Europe/Berlin", now="2026-11-27T12:00:00Z")  # Friday afternoon
    await tick(running_app, "2026-11-28T09:30:00Z")  # Saturday
    await tick(running_app, "2026-11-29T09:30:00Z")  # Sunday
    assert dms(fake_slack) == []
    await tick(running_app, "2026-11-30T08:05:00Z")  # Monday 09:05 Berlin
    assert len(dms(fake_slack)) == 1


async def test_days_setting_allows_weekends(running_app, fake_slack):
    await opt_in(running_app, "U1", "UTC", now="2026-11-27T12:00:00Z", days=frozenset({5}))
    await tick(running_app, "2026-11-28T09:30:00Z")
    assert len(dms(fake_slack)) == 1


async def test_dst_spring_forward_and_fall_back_keep_the_local_time(running_app, fake_slack):
    # New York: EDT (UTC-4) until 2026-11-01, EST (UTC-5) after. 09:00 local is 13:00 UTC, then 14:00 UTC.
    await opt_in(running_app, "UNY", "America/New_York", now="2026-10-29T00:00:00Z")
    await tick(running_app, "2026-10-30T13:00:00Z")  # Friday, EDT
    await tick(running_app, "2026-11-02T13:30:00Z")  # Monday 08:30 EST: not yet
    assert len(dms(fake_slack)) == 1
    await tick(running_app, "2026-11-02T14:00:00Z")  # Monday 09:00 EST
    assert len(dms(fake_slack)) == 2
    # Spring forward 2027-03-14: 09:00 EDT is 13:00 UTC again.
    await running_app.heartful.daily.update(team_id=TEAM, user_id="UNY", now=utc("2027-03-12T20:00:00Z"))
    await tick(running_app, "2027-03-15T12:59:00Z")
    assert len(dms(fake_slack)) == 2
    await tick(running_app, "2027-03-15T13:00:00Z")
    assert len(dms(fake_slack)) == 3


async def test_catch_up_after_downtime_within_the_grace_window_never_later(running_app, fake_slack):
    await opt_in(running_app, "ULATE", "UTC", now="2026-11-24T00:00:00Z")
    await opt_in(running_app, "UMISSED", "UTC", at=time(5, 0), now="2026-11-24T00:00:00Z")
    # The app was down from 04:00 to 10:30: ULATE (09:00) is 1.5 h late, UMISSED (05:00) 5.5 h late.
    report = await tick(running_app, "2026-11-24T10:30:00Z")
    assert [c.args["channel"] for c in dms(fake_slack)] == ["DULATE"]
    assert [(user, day) for _team, user, day in report.missed] == [("UMISSED", date(2026, 11, 24))]
    await tick(running_app, "2026-11-25T05:01:00Z")  # and the next day goes as usual
    assert [c.args["channel"] for c in dms(fake_slack)] == ["DULATE", "DUMISSED"]


async def test_concurrent_ticks_and_a_restart_never_double(running_app, fake_slack, database_url):
    for n in range(20):
        await opt_in(running_app, f"U{n:03d}", "UTC")
    # Two replicas' ticks at once (separate engines, so separate connections), then a restarted process.
    from bot.app import build_heartful

    other = build_heartful(running_app.heartful.settings)
    try:
        await asyncio.gather(running_app.heartful.daily.tick(utc("2026-11-24T09:00:10Z")),
                             other.daily.tick(utc("2026-11-24T09:00:20Z")))
        restarted = build_heartful(running_app.heartful.settings)
        await restarted.daily.tick(utc("2026-11-24T09:01:00Z"))
        # After the 5-minute lease too: a replica that lost a write to the other's lock (SQLite: one file, two
        # writers) left its claim open; it is finished now, once.
        await restarted.daily.tick(utc("2026-11-24T09:06:30Z"))
        await restarted.close()
    finally:
        await other.close()
    channels = [c.args["channel"] for c in dms(fake_slack)]
    assert sorted(channels) == sorted(f"DU{n:03d}" for n in range(20))


async def test_a_crash_between_claim_and_send_is_recovered_once(running_app, fake_slack):
    rep = await opt_in(running_app, "UCRASH", "UTC")
    daily = running_app.heartful.daily
    # A process claimed today's delivery at 09:00 and died before sending.
    claim = await daily.repository.claim(rep=rep, local_date=date(2026, 11, 24), now=utc("2026-11-24T09:00:00Z"),
                                         lease=daily.timings.lease)
    assert claim is not None
    await tick(running_app, "2026-11-24T09:01:00Z")  # the claim could still be a slow sender: leave it
    assert dms(fake_slack) == []
    await asyncio.gather(tick(running_app, "2026-11-24T09:06:00Z"), tick(running_app, "2026-11-24T09:06:00Z"))
    assert len(dms(fake_slack, "UCRASH")) == 1
    await tick(running_app, "2026-11-24T09:12:00Z")
    assert len(dms(fake_slack, "UCRASH")) == 1


async def test_a_429_is_retried_after_retry_after(running_app, fake_slack):
    await opt_in(running_app, "U429", "UTC")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    await tick(running_app, "2026-11-24T09:00:00Z")
    posts = fake_slack.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 1.0


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive", "cannot_dm_bot"])
async def test_permanent_slack_errors_stop_deliveries_and_record_why(running_app, fake_slack, error):
    await opt_in(running_app, "UGONE", "UTC")
    fake_slack.fail_next("conversations.open" if error != "cannot_dm_bot" else "chat.postMessage",
                         status=200, error=error)
    report = await tick(running_app, "2026-11-24T09:00:00Z")
    assert report.stopped == [(TEAM, "UGONE", error)]
    rep = await running_app.heartful.daily.settings(team_id=TEAM, user_id="UGONE")
    assert rep.stopped_reason == error
    await tick(running_app, "2026-11-25T09:00:00Z")
    assert dms(fake_slack) == []
    answer = await CoachCommand(running_app, fake_slack)("daily", user="UGONE")
    assert f"Slack said {error}" in answer["text"]


async def test_a_transient_failure_refreshes_the_timezone_and_retries_next_tick(running_app, fake_slack):
    await opt_in(running_app, "UMOVED", "UTC")
    fake_slack.users["UMOVED"] = {"tz": "Europe/Lisbon"}
    fake_slack.fail_next("chat.postMessage", status=200, error="internal_error")
    report = await tick(running_app, "2026-11-24T09:00:00Z")
    assert report.retried == [(TEAM, "UMOVED", "internal_error")]
    assert [c.args["user"] for c in fake_slack.calls_to("users.info")] == ["UMOVED"]
    assert (await running_app.heartful.daily.settings(team_id=TEAM, user_id="UMOVED")).tz == "Europe/Lisbon"
    await tick(running_app, "2026-11-24T09:01:00Z")
    assert len(dms(fake_slack, "UMOVED")) == 1


async def test_a_timezone_change_event_moves_the_delivery(running_app, fake_slack):
    await opt_in(running_app, "W111", "America/Los_Angeles")  # 09:00 PST = 17:00 UTC
    body = {"token": "x", "team_id": TEAM, "api_app_id": "A111", "type": "event_callback", "event_id": "EvTZ1",
            "event_time": 1, "event": {"type": "user_change", "user": {"id": "W111", "team_id": TEAM,
                                                                         "tz": "Asia/Kolkata", "tz_offset": 19800}}}
    assert (await running_app.post_event(body)).status == 200
    rep = await eventually(lambda: _rep_if_tz(running_app, "W111", "Asia/Kolkata"))
    local = rep.next_due_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert (local.hour, local.minute) == (9, 0)  # 09:00 IST (UTC+5:30) from now on, not 09:00 in Los Angeles
    assert rep.next_due_at - datetime.now(UTC) < timedelta(days=4)
    await running_app.heartful.daily.tick(rep.next_due_at + timedelta(minutes=1))
    assert len(dms(fake_slack, "W111")) == 1


async def _rep_if_tz(running_app, user, tz):  # type: ignore[no-untyped-def]
    rep = await running_app.heartful.daily.settings(team_id=TEAM, user_id=user)
    return rep if rep and rep.tz == tz else None


async def test_buttons_modal_and_streak(running_app, fake_slack):
    await opt_in(running_app, "W111", "UTC")
    await tick(running_app, "2026-11-23T09:00:00Z")  # Monday
    [dm] = dms(fake_slack)
    channel, ts = dm.args["channel"], fake_slack.calls_to("chat.postMessage")[0].response["ts"]
    exercise_id = dm.args["blocks"][-1]["elements"][0]["value"]

    # "I asked for help" opens the modal ...
    response = await running_app.post(block_action_body(action_id="exercise_done", value=exercise_id,
                                                        channel=channel, message_ts=ts),
                                      content_type="application/x-www-form-urlencoded")
    assert response.status == 200
    [opened] = await fake_slack.await_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "exercise_reflection"
    # ... an empty answer is refused inline, nothing stored ...
    empty = await running_app.post(view_submission_body(callback_id="exercise_reflection",
                                                        private_metadata=view["private_metadata"],
                                                        values={"what_asked": "Asked Sam", "how_it_felt": " "}),
                                   content_type="application/x-www-form-urlencoded")
    assert (await empty.json())["response_action"] == "errors"
    # ... and a full one is stored, and the DM shows it is done.
    done = await running_app.post(view_submission_body(
        callback_id="exercise_reflection", private_metadata=view["private_metadata"],
        values={"what_asked": "Asked Sam to review my discovery questions", "how_it_felt": "Awkward, then good"}),
        content_type="application/x-www-form-urlencoded")
    assert done.status == 200
    [update] = await fake_slack.await_for("chat.update")
    assert update.args["ts"] == ts and "Done" in json.dumps(update.args["blocks"])

    async def stored():  # type: ignore[no-untyped-def]
        async with running_app.heartful.repository._sessions() as session:
            row = (await session.scalars(select(tables.Delivery))).one()
            return row if row.outcome == "done" else None

    row = await eventually(stored)
    assert (row.what_asked, row.how_it_felt) == ("Asked Sam to review my discovery questions", "Awkward, then good")

    # The streak shows on the next DM.
    await tick(running_app, "2026-11-24T09:00:00Z")
    second = dms(fake_slack)[-1]
    assert "Streak: 1 scheduled day in a row" in json.dumps(second.args["blocks"])

    # "Another one" swaps the exercise; "Skip today" records the skip.
    second_ts = fake_slack.calls_to("chat.postMessage")[-1].response["ts"]
    second_id = second.args["blocks"][-1]["elements"][0]["value"]
    await running_app.post(block_action_body(action_id="exercise_another", value=second_id, channel=channel,
                                             message_ts=second_ts), content_type="application/x-www-form-urlencoded")
    updates = await fake_slack.await_for("chat.update", count=2)
    new_id = updates[-1].args["blocks"][-1]["elements"][0]["value"]
    assert new_id != second_id
    await running_app.post(block_action_body(action_id="exercise_skip", value=new_id, channel=channel,
                                             message_ts=second_ts), content_type="application/x-www-form-urlencoded")
    updates = await fake_slack.await_for("chat.update", count=3)
    assert "Skipped for today" in json.dumps(updates[-1].args["blocks"])


async def test_exercises_do_not_repeat_within_ten_deliveries(running_app, fake_slack):
    await opt_in(running_app, "UREP", "UTC", days=frozenset(range(7)))
    start = date(2026, 11, 24)
    for n in range(12):
        await tick(running_app, f"{start + timedelta(days=n)}T09:00:00+00:00")
    ids = [c.args["blocks"][-1]["elements"][0]["value"] for c in dms(fake_slack)]
    assert len(ids) == 12
    for i in range(len(ids)):
        assert ids[i] not in ids[max(0, i - 10):i]


async def test_the_dm_channel_is_opened_once_and_reopened_only_when_slack_lost_it(running_app, fake_slack):
    await opt_in(running_app, "UONCE", "UTC", days=frozenset(range(7)))
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):
        await tick(running_app, f"{day}T09:00:00+00:00")
    assert len(fake_slack.calls_to("conversations.open")) == 1
    assert len(dms(fake_slack, "UONCE")) == 3
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    await tick(running_app, "2026-11-27T09:00:00+00:00")
    assert len(fake_slack.calls_to("conversations.open")) == 2
    assert len(dms(fake_slack, "UONCE")) == 4


async def test_snoozing_says_what_happens_whether_exercises_are_on_or_off(running_app, fake_slack):
    coach = CoachCommand(running_app, fake_slack)
    off = (await coach("daily snooze 3d"))["text"]
    assert "Nothing to snooze" in off and "Snoozed for" not in off and "/coach daily on" in off
    await coach("daily on 09:00")
    on = (await coach("daily snooze 3d"))["text"]
    assert on.startswith("Snoozed for 3 days.") and "Snoozed until" in on
