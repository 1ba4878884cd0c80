"""What a well-behaved Slack app must do, each shown end to end over HTTP with signed requests."""

from __future__ import annotations

import asyncio
import copy
import time

from bot.storage import tables
from tests.slack_requests import channel_message_event, eventually, load_event

STALL = "Spoke to Dana at Acme, she wants to think it over"


async def nothing_to_do(running_app) -> None:  # type: ignore[no-untyped-def]
    """Every reply goes through a work item recorded before Slack's 200: with none recorded once the request is
    answered, nothing can be posted later. (An exact check: no waiting for something not to happen.)"""
    assert await running_app.heartful.repository.count(tables.WorkItem) == 0


def replies(fake_slack) -> list:  # type: ignore[no-untyped-def]
    return [c for c in fake_slack.calls if c.method in ("chat.postMessage", "chat.postEphemeral", "reactions.add")]


async def test_the_ack_goes_back_before_the_slow_reply(running_app, fake_slack):
    fake_slack.delay["chat.postMessage"] = 2.0  # Slack's Web API is slow today
    started = time.monotonic()
    response = await running_app.post_event(channel_message_event(STALL))
    acked = time.monotonic()
    assert response.status == 200
    [call] = await fake_slack.await_for("chat.postMessage", timeout=10)
    # Slack had its 200 long before the slow Web API call (answered 2 s after it arrived) finished.
    assert acked - started < 1.0
    assert acked < call.at + fake_slack.delay["chat.postMessage"]


async def test_a_slack_retry_of_the_same_event_never_causes_a_second_reply(running_app, fake_slack):
    event = channel_message_event(STALL, event_id="EvRETRY0001")
    first = await running_app.post_event(event)
    await fake_slack.await_for("chat.postMessage")
    retry = await running_app.post_event(
        copy.deepcopy(event), headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert (first.status, retry.status) == (200, 200)
    assert running_app.heartful.metrics.duplicates._value.get() == 1  # recorded already: ignored before the 200
    await running_app.handled(event)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert await eventually(lambda: running_app.heartful.repository.count(tables.Nudge)) == 1
    assert await running_app.heartful.repository.count(tables.WorkItem) == 1


async def test_a_retry_arriving_while_the_first_is_in_flight_is_still_answered_once(running_app, fake_slack):
    fake_slack.delay["chat.postMessage"] = 0.5
    event = channel_message_event("Acme moved to Proposal, $45k. Dana wants to think it over", event_id="EvRACE01")
    await asyncio.gather(
        running_app.post_event(event),
        running_app.post_event(copy.deepcopy(event), headers={"X-Slack-Retry-Num": "1"}),
        running_app.post_event(copy.deepcopy(event), headers={"X-Slack-Retry-Num": "2"}),
    )
    await running_app.handled(event)
    assert running_app.heartful.metrics.duplicates._value.get() == 2
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert len(fake_slack.calls_to("reactions.add")) == 1
    deals = await running_app.heartful.repository.deals_in_channel(team_id="T111", channel_id="C111")
    assert len(await running_app.heartful.repository.deal_events(deal_id=deals[0].id)) == 1


async def test_a_429_is_retried_after_retry_after(running_app, fake_slack):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    await running_app.post_event(channel_message_event(STALL))
    calls = await fake_slack.await_for("chat.postMessage", count=2, timeout=10)
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0  # it waited as Slack asked
    assert calls[1].args["text"] == calls[0].args["text"]


async def test_the_bot_never_answers_itself(running_app, fake_slack):
    body = load_event("message_from_own_bot")  # bot_id/user are the fake auth.test's own ids
    body["event"]["text"] = STALL
    assert (await running_app.post_event(body)).status == 200
    await nothing_to_do(running_app)
    assert replies(fake_slack) == []


async def test_the_bot_never_nudges_another_bot(running_app, fake_slack):
    body = load_event("message_from_other_app_bot")
    body["event"]["text"] = STALL
    await running_app.post_event(body)
    await running_app.handled(body)
    assert [c for c in replies(fake_slack) if c.method != "reactions.add"] == []


async def test_housekeeping_subtypes_never_cause_a_reply(running_app, fake_slack):
    changed = load_event("message_changed")
    changed["event"]["message"]["text"] = STALL
    deleted = load_event("message_deleted")
    join = load_event("message_channel_join")
    join["event"]["text"] = f"<@W111> joined. {STALL}"
    topic = channel_message_event(STALL)
    topic["event"]["subtype"] = "channel_topic"
    for body in (changed, deleted, join, topic):
        response = await running_app.post_event(body)
        assert response.status == 200
    await nothing_to_do(running_app)
    assert replies(fake_slack) == []


async def test_a_bad_signature_gets_401_and_changes_nothing(running_app, fake_slack):
    response = await running_app.post_event(channel_message_event(STALL), secret="not-the-signing-secret")
    assert response.status == 401
    unsigned = await running_app.post_event(channel_message_event(STALL), signed=False)
    assert unsigned.status == 401
    await nothing_to_do(running_app)
    assert replies(fake_slack) == []
    assert await running_app.heartful.repository.count(tables.WorkItem) == 0


async def test_a_timestamp_older_than_five_minutes_gets_401(running_app, fake_slack):
    response = await running_app.post_event(channel_message_event(STALL), timestamp=int(time.time()) - 301)
    assert response.status == 401
    await nothing_to_do(running_app)
    assert replies(fake_slack) == []


async def test_url_verification_is_answered(running_app):
    body = load_event("url_verification")
    response = await running_app.post_event(body)
    assert response.status == 200
    assert await response.json() == {"challenge": body["challenge"]}


async def test_healthz(running_app):
    async with running_app.session.get(running_app.url + "/healthz") as response:
        assert response.status == 200
        assert (await response.json()) == {"ok": True}


async def test_app_home_shows_what_heartful_does(running_app, fake_slack):
    body = load_event("app_home_opened")  # a real app_home_opened envelope
    assert (await running_app.post_event(body)).status == 200
    [publish] = await fake_slack.await_for("views.publish")
    assert publish.args["user_id"] == body["event"]["user"]
    assert publish.args["view"]["type"] == "home"
    text = str(publish.args["view"]["blocks"])
    assert "/invite @Heartful" in text and "Be patient" in text
