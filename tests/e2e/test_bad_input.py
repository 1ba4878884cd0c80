"""Bad input never reaches a 500: every request is checked before Bolt sees it, and refused with one log line that
never carries the body. Real HTTP into the app; the refusal is the response, so nothing is left to wait for."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest

from bot.storage import tables
from tests.e2e.guard_helpers import handled, our_team_is, sample, slack_checked
from tests.slack_requests import (
    SIGNING_SECRET, block_action_body, channel_message_event, form_body, json_body, slack_signature_headers,
    view_submission_body,
)

MARKER = "SECRET-BODY-MARKER"  # if this ever shows up in a log line, a body was logged
STALL = f"Spoke to Dana at Acme, she wants to think it over {MARKER}"


def app_lines(caplog) -> list[logging.LogRecord]:  # type: ignore[no-untyped-def]
    """What Heartful and Bolt logged (not the access log, nor the database driver's DEBUG chatter of the poller)."""
    return [r for r in caplog.records if r.name.split(".")[0] in ("bot", "slack_bolt", "slack_sdk", "aiohttp")
            and r.name != "aiohttp.access"]


def deep(levels: int) -> bytes:
    return ('{"a":' * levels + '"' + MARKER + '"' + "}" * levels).encode()


SIGNED_BAD_BODIES = {
    "not JSON": (b"{" + MARKER.encode() + b" oops", "application/json"),
    "a JSON array": (json_body([MARKER]), "application/json"),  # type: ignore[arg-type]
    "a JSON string": (json.dumps(MARKER).encode(), "application/json"),
    "nested 100 000 deep": (deep(100_000), "application/json"),
    "nested 100 deep": (deep(100), "application/json"),
    "not UTF-8": (b'{"text": "\xff\xfe' + MARKER.encode() + b'"}', "application/json"),
    "a payload that isn't JSON": (form_body({"payload": "{" + MARKER}), "application/x-www-form-urlencoded"),
    "a payload that is a list": (form_body({"payload": json.dumps([MARKER])}), "application/x-www-form-urlencoded"),
    "a payload nested deep": (form_body({"payload": deep(5_000).decode()}), "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("case", list(SIGNED_BAD_BODIES))
async def test_a_malformed_signed_body_gets_400_and_one_log_line_without_the_body(running_app, caplog, case):
    body, content_type = SIGNED_BAD_BODIES[case]
    caplog.set_level(logging.DEBUG)
    response = await running_app.post(body, content_type=content_type)
    assert response.status == 400
    [line] = app_lines(caplog)
    assert "malformed" in line.getMessage() and MARKER not in line.getMessage()
    assert await running_app.heartful.repository.count(tables.WorkItem) == 0


@pytest.mark.parametrize("case", list(SIGNED_BAD_BODIES))
async def test_the_same_bodies_unsigned_get_401_before_they_are_parsed(running_app, caplog, case):
    body, content_type = SIGNED_BAD_BODIES[case]
    caplog.set_level(logging.DEBUG)
    ts = str(int(time.time()))
    response = await running_app.post(body, content_type=content_type, signed=False,
                                      headers={"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + "0" * 64})
    assert response.status == (400 if case == "not UTF-8" else 401)
    [line] = app_lines(caplog)
    assert MARKER not in line.getMessage()


@pytest.mark.parametrize("timestamp", ["abc", "", "12.5", "-1", "1e9", "١٢٣", "9" * 40, "1_700_000_000", "+17"])
async def test_a_non_numeric_timestamp_gets_400_and_one_log_line(running_app, caplog, timestamp):
    caplog.set_level(logging.DEBUG)
    body = json_body(channel_message_event(STALL))
    response = await running_app.post(body, signed=False, headers={
        "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": slack_signature_headers(body)["X-Slack-Signature"]})
    assert response.status == 400
    [line] = app_lines(caplog)
    assert "bad_timestamp" in line.getMessage() and MARKER not in line.getMessage()


async def test_a_bad_signature_is_one_line_and_never_the_body(running_app, caplog):
    caplog.set_level(logging.DEBUG)  # Bolt logs a whole badly signed body at INFO; nothing of it may reach the log
    big = channel_message_event(STALL + " " + MARKER * 20_000)
    for _ in range(5):
        response = await running_app.post(json_body(big), secret="not-the-signing-secret")
        assert response.status == 401
    lines = app_lines(caplog)
    assert len(lines) == 5
    assert all(MARKER not in r.getMessage() and len(r.getMessage()) < 300 for r in lines)


async def test_odd_shapes_that_parse_never_get_a_500(running_app, caplog):
    shapes = [
        {"type": "event_callback", "team_id": "T111", "event": MARKER},
        {"type": "event_callback", "team_id": "T111", "event": {"type": "message", "channel": ["x"], "text": 3}},
        {"type": "event_callback", "team": MARKER, "event": None},
        {"type": "block_actions", "team": {"id": "T111"}, "user": MARKER, "actions": MARKER},
        {"type": "view_submission", "team": None, "user": {"id": "W111"}, "view": MARKER},
        {"type": "url_verification", "challenge": {"a": MARKER}},
        {"type": 7, "team_id": ["T111"]},
        {},
    ]
    caplog.set_level(logging.DEBUG)
    for shape in shapes:
        caplog.clear()
        response = await running_app.post_event(shape)
        assert response.status in (200, 400, 404), shape  # 404: Bolt has no listener for it
        if response.status == 400:
            [line] = app_lines(caplog)
            assert "not a Slack payload" in line.getMessage()
        assert all(MARKER not in r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)


async def test_a_body_over_1_mb_is_refused_before_it_is_read(running_app):
    host, port = running_app.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    # Only the headers go out: a server that read the body first would wait for it forever.
    writer.write((f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {2 * 1024 * 1024}\r\n\r\n").encode())
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status_line.split()[1] == b"413"
    assert sample(running_app, "heartful_requests_rejected_total", reason="too_large") == 1


async def test_a_chunked_body_over_1_mb_is_refused(running_app):
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 100_000

    async with running_app.session.post(running_app.url + "/slack/events", data=chunks(),
                                        headers={"Content-Type": "application/json"}) as response:
        assert response.status == 413


async def test_a_client_that_trickles_its_body_is_timed_out(start_app):
    app = await start_app(http_read_timeout_s=0.3)
    host, port = app.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write((f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                  "Content-Length: 1000\r\n\r\n{\"a\":").encode())  # ... and the rest never comes
    await writer.drain()
    started = time.monotonic()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status_line.split()[1] == b"408"
    assert 0.2 < time.monotonic() - started < 3


async def test_a_request_for_another_workspace_is_ignored_with_a_200_and_one_line(start_app, fake_slack, caplog):
    our_team_is(fake_slack, "T111")  # auth.test at start: we are T111
    app = await start_app()
    await slack_checked(app)
    caplog.set_level(logging.DEBUG)
    foreign = await app.post_event(channel_message_event(STALL, team_id="TFOREIGN"))
    assert foreign.status == 200  # so Slack doesn't retry it
    [line] = app_lines(caplog)
    assert "TFOREIGN" in line.getMessage() and MARKER not in line.getMessage()
    # It never reached Bolt: nothing received, nothing claimed, nothing posted.
    assert sample(app, "heartful_events_received_total", kind="event") == 0
    assert sample(app, "heartful_requests_rejected_total", reason="foreign_team") == 1
    assert await app.heartful.repository.count(tables.WorkItem) == 0
    button = block_action_body(action_id="exercise_skip", value="x", channel="D1", message_ts="1.2")
    payload = json.loads(dict(__import__("urllib.parse").parse.parse_qsl(button.decode()))["payload"])
    payload["team"] = {"id": "TFOREIGN"}
    assert (await app.post(form_body({"payload": json.dumps(payload)}),
                           content_type="application/x-www-form-urlencoded")).status == 200
    assert sample(app, "heartful_requests_rejected_total", reason="foreign_team") == 2
    # Our own workspace is answered as ever.
    await app.post_event(channel_message_event("Spoke to Dana at Acme, she wants to think it over"))
    [reply] = await fake_slack.await_for("chat.postMessage")
    assert reply.args["channel"] == "C111"
    assert [c for c in fake_slack.calls if c.method == "chat.postMessage"] == [reply]


async def test_a_request_for_another_app_is_ignored_when_our_app_id_is_set(start_app, fake_slack):
    our_team_is(fake_slack)
    app = await start_app(slack_app_id="AOURS01")
    await slack_checked(app)
    assert (await app.post_event(channel_message_event(STALL))).status == 200  # the fixture says api_app_id A111
    assert sample(app, "heartful_requests_rejected_total", reason="foreign_app") == 1
    assert sample(app, "heartful_events_received_total", kind="event") == 0


# -- exercise buttons and the reflection modal: only the rep's own delivery, in a state that allows it -----------

async def _delivered(running_app, fake_slack):  # type: ignore[no-untyped-def]
    from tests.e2e.test_daily_exercises import dms, opt_in, tick

    await opt_in(running_app, "W111", "UTC")
    await tick(running_app, "2026-11-23T09:00:00Z")
    [dm] = dms(fake_slack)
    return dm.args["channel"], fake_slack.calls_to("chat.postMessage")[0].response["ts"], \
        dm.args["blocks"][-1]["elements"][0]["value"]


async def _delivery(running_app):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    async with running_app.heartful.repository._sessions() as session:
        return (await session.scalars(select(tables.Delivery))).one()


FORM = "application/x-www-form-urlencoded"


async def test_another_user_cannot_press_a_reps_exercise_buttons(running_app, fake_slack):
    channel, ts, exercise_id = await _delivered(running_app, fake_slack)
    for n, action in enumerate(("exercise_skip", "exercise_another", "exercise_done"), start=1):
        response = await running_app.post(block_action_body(action_id=action, value=exercise_id, channel=channel,
                                                            message_ts=ts, user="WSOMEONE"), content_type=FORM)
        assert response.status == 200
        await handled(running_app, "action", count=n)
    assert fake_slack.calls_to("chat.update") == [] and fake_slack.calls_to("views.open") == []
    row = await _delivery(running_app)
    assert (row.outcome, row.exercise_id) == (None, exercise_id)


async def test_skip_never_undoes_a_done_and_another_never_replaces_it(running_app, fake_slack):
    channel, ts, exercise_id = await _delivered(running_app, fake_slack)
    await running_app.post(block_action_body(action_id="exercise_done", value=exercise_id, channel=channel,
                                             message_ts=ts), content_type=FORM)
    [opened] = await fake_slack.await_for("views.open")
    metadata = opened.args["view"]["private_metadata"]
    await running_app.post(view_submission_body(callback_id="exercise_reflection", private_metadata=metadata,
                                                values={"what_asked": "Asked Sam\x00 for help", "how_it_felt": "Good"}),
                           content_type=FORM)
    await handled(running_app, "view")
    assert (await _delivery(running_app)).outcome == "done"
    # An old copy of the DM still shows the buttons: Skip, Another one and Done again change nothing.
    for n, action in enumerate(("exercise_skip", "exercise_another", "exercise_done"), start=2):
        await running_app.post(block_action_body(action_id=action, value=exercise_id, channel=channel,
                                                 message_ts=ts), content_type=FORM)
        await handled(running_app, "action", count=n)
    row = await _delivery(running_app)
    assert (row.outcome, row.exercise_id, row.what_asked) == ("done", exercise_id, "Asked Sam for help")
    updates = fake_slack.calls_to("chat.update")
    assert "Done" in json.dumps(updates[-1].args["blocks"]) and "Skipped" not in json.dumps(updates[-1].args)
    assert len(fake_slack.calls_to("views.open")) == 1


async def test_a_reflection_for_someone_elses_delivery_is_ignored(running_app, fake_slack):
    channel, ts, exercise_id = await _delivered(running_app, fake_slack)
    metadata = json.dumps({"delivery_id": (await _delivery(running_app)).id, "channel": channel, "ts": ts,
                           "exercise_id": exercise_id})
    response = await running_app.post(view_submission_body(
        callback_id="exercise_reflection", private_metadata=metadata, user="WSOMEONE",
        values={"what_asked": "not mine", "how_it_felt": "sneaky"}), content_type=FORM)
    assert response.status == 200
    await handled(running_app, "view")
    bad_meta = await running_app.post(view_submission_body(
        callback_id="exercise_reflection", private_metadata="{not json", values={"what_asked": "a", "how_it_felt": "b"}),
        content_type=FORM)
    assert bad_meta.status == 200
    await handled(running_app, "view", count=2)
    row = await _delivery(running_app)
    assert (row.outcome, row.what_asked) == (None, None)
    assert fake_slack.calls_to("chat.update") == []
