"""The fake Slack Web API works with the real slack_sdk clients."""

from __future__ import annotations

import time

import pytest

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import Call, FakeSlackApi


@pytest.fixture
def fake():
    with FakeSlackApi() as api:
        yield api


@pytest.fixture
def client(fake):
    return AsyncWebClient(token="xoxb-test", base_url=fake.base_url)


def test_base_url_has_trailing_slash_and_free_port(fake):
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/api/")
    assert fake.port > 0


async def test_auth_test_returns_bolt_bot_identity(fake, client):
    resp = await client.auth_test()
    assert resp["ok"] is True
    assert resp["user_id"] == "W23456789"
    assert resp["bot_id"] == "BZYBOTHED"
    assert resp["team_id"] == "T0G9PQBBK"
    assert (fake.bot_id, fake.bot_user_id, fake.team_id) == ("BZYBOTHED", "W23456789", "T0G9PQBBK")

    [call] = fake.calls_to("auth.test")
    assert isinstance(call, Call)
    assert call.status == 200
    assert call.headers["authorization"] == "Bearer xoxb-test"
    assert call.token == "xoxb-test"


async def test_post_message_with_blocks_is_recorded(fake, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]
    first = await client.chat_postMessage(channel="C123", text="hello", blocks=blocks, thread_ts="1699999999.000001")
    second = await client.chat_postMessage(channel="C123", text="again")

    assert first["ok"] is True
    assert first["channel"] == "C123"
    assert first["message"]["text"] == "hello"
    assert first["message"]["blocks"] == blocks
    assert first["message"]["thread_ts"] == "1699999999.000001"
    assert first["message"]["bot_id"] == "BZYBOTHED"
    assert first["ts"] == first["message"]["ts"]
    assert first["ts"] != second["ts"]
    assert float(second["ts"]) > float(first["ts"])

    calls = fake.calls_to("chat.postMessage")
    assert len(calls) == 2
    assert calls[0].args["channel"] == "C123"
    assert calls[0].args["blocks"] == blocks  # parsed as a list, not a JSON string
    assert calls[0].args["thread_ts"] == "1699999999.000001"
    assert calls[0].response["ts"] == first["ts"]
    assert "application/json" in calls[0].headers["content-type"]
    assert calls[0].at <= calls[1].at


async def test_form_encoded_methods_and_other_answers(fake, client):
    fake.channel_names["C777"] = "deal-acme"
    info = await client.conversations_info(channel="C777")
    assert info["channel"]["id"] == "C777"
    assert info["channel"]["name"] == "deal-acme"
    assert (await client.conversations_info(channel="C888"))["channel"]["name"] == "deal-room"

    opened = await client.conversations_open(users=["U42"])
    assert opened["channel"]["id"] == "DU42"

    assert (await client.reactions_add(channel="C777", timestamp="1.2", name="heart")).data == {"ok": True}
    eph = await client.chat_postEphemeral(channel="C777", user="U42", text="psst")
    assert eph["message_ts"]
    upd = await client.chat_update(channel="C777", ts="1700000000.000100", text="edited")
    assert (upd["channel"], upd["ts"], upd["text"]) == ("C777", "1700000000.000100", "edited")

    home = await client.views_publish(user_id="U42", view={"type": "home", "blocks": []})
    assert home["view"]["type"] == "home"
    modal = await client.views_open(trigger_id="t1", view={"type": "modal", "title": {"type": "plain_text", "text": "x"}})
    assert modal["view"]["type"] == "modal" and modal["view"]["id"] != home["view"]["id"]
    assert (await client.conversations_replies(channel="D1", ts="1.0"))["messages"] == []

    [form_call] = fake.calls_to("conversations.open")
    assert form_call.args == {"users": "U42"}
    assert "x-www-form-urlencoded" in form_call.headers["content-type"]
    assert fake.calls_to("views.publish")[0].args["view"] == {"type": "home", "blocks": []}
    assert fake.calls_to("reactions.add")[0].args["name"] == "heart"


async def test_unknown_method_answers_ok_false_with_http_200(fake, client):
    with pytest.raises(SlackApiError) as ei:
        await client.api_call("no.such.method")
    assert ei.value.response.status_code == 200
    assert ei.value.response["error"] == "unknown_method"
    assert fake.calls_to("no.such.method")[0].status == 200


async def test_users_info_default_and_override(fake, client):
    default = (await client.users_info(user="U1"))["user"]
    assert default["id"] == "U1"
    assert default["tz"] == "America/New_York"
    assert isinstance(default["tz_offset"], int)
    assert default["name"] and default["real_name"]

    fake.users["U2"] = {"real_name": "Ada Lovelace", "tz": "Europe/London", "tz_offset": 0}
    user = (await client.users_info(user="U2"))["user"]
    assert user["id"] == "U2"
    assert user["real_name"] == "Ada Lovelace"
    assert user["profile"]["real_name"] == "Ada Lovelace"
    assert (user["tz"], user["tz_offset"]) == ("Europe/London", 0)
    assert "name" in user  # defaults are kept for fields not overridden


async def test_429_is_retried_by_rate_limit_handler(fake):
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    client = AsyncWebClient(
        token="xoxb-test",
        base_url=fake.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    resp = await client.chat_postMessage(channel="C1", text="hi")
    assert resp["ok"] is True

    calls = fake.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}
    assert calls[1].args == calls[0].args


async def test_429_without_retry_handler_raises(fake, client):
    fake.fail_next("chat.postMessage", retry_after=1)
    with pytest.raises(SlackApiError) as ei:
        await client.chat_postMessage(channel="C1", text="hi")
    assert ei.value.response.status_code == 429
    assert ei.value.response["error"] == "ratelimited"
    assert ei.value.response.headers["Retry-After"] == "1"
    # only the next call fails
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"] is True
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


async def test_error_injection_with_status_200(fake, client):
    fake.fail_next("users.info", status=200, error="user_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as ei:
            await client.users_info(user="U404")
        assert ei.value.response.status_code == 200
        assert ei.value.response["error"] == "user_not_found"
    assert (await client.users_info(user="U404"))["ok"] is True
    assert [c.status for c in fake.calls_to("users.info")] == [200, 200, 200]
    assert [c.response["ok"] for c in fake.calls_to("users.info")] == [False, False, True]


async def test_delay_and_await_for(fake, client):
    import asyncio

    fake.delay["chat.postMessage"] = 0.3
    started = time.monotonic()
    task = asyncio.create_task(client.chat_postMessage(channel="C1", text="slow"))
    [call] = await fake.await_for("chat.postMessage", timeout=2)  # recorded on arrival, before the delay
    assert not task.done()
    await task
    assert time.monotonic() - started >= 0.3
    assert call.at >= started


def test_sync_client_and_wait_for(fake):
    WebClient(token="xoxb-sync", base_url=fake.base_url).chat_postMessage(channel="C9", text="sync")
    [call] = fake.wait_for("chat.postMessage", timeout=1)
    assert call.args == {"channel": "C9", "text": "sync"}
    assert call.token == "xoxb-sync"


def test_wait_for_times_out_with_readable_message(fake):
    WebClient(token="xoxb-test", base_url=fake.base_url).auth_test()
    started = time.monotonic()
    with pytest.raises(AssertionError) as ei:
        fake.wait_for("chat.postMessage", count=1, timeout=0.2)
    assert time.monotonic() - started < 2
    msg = str(ei.value)
    assert "'chat.postMessage'" in msg
    assert "got 0" in msg
    assert "auth.test -> HTTP 200" in msg


async def test_await_for_times_out(fake):
    with pytest.raises(AssertionError, match="no calls received"):
        await fake.await_for("views.publish", timeout=0.1)


def test_clear_and_calls_copy(fake):
    fake.fail_next("auth.test", status=200, error="invalid_auth", times=2)
    client = WebClient(token="xoxb-test", base_url=fake.base_url)
    with pytest.raises(SlackApiError):
        client.auth_test()
    snapshot = fake.calls
    snapshot.clear()
    assert len(fake.calls) == 1  # .calls is a copy
    fake.clear()
    assert fake.calls == []
    assert client.auth_test()["ok"] is True  # the second pending injection was cleared too


def test_restart_gives_clean_stop(fake):
    other = FakeSlackApi()
    other.start()
    try:
        assert other.port != fake.port
        WebClient(token="xoxb-test", base_url=other.base_url).auth_test()
        assert len(other.calls) == 1 and fake.calls == []
    finally:
        other.stop()
    other.stop()  # idempotent
