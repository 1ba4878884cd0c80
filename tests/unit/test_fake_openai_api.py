"""The fake OpenAI Chat Completions server works with the real openai client."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import openai
import pytest

from tests.fakes.openai_api import ChatRequest, FakeOpenAI

MODEL = "gpt-4o-mini"
SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "detection",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"kind": {"type": "string"}, "confidence": {"type": "number"}},
            "required": ["kind", "confidence"],
            "additionalProperties": False,
        },
    },
}


@pytest.fixture
def fake():
    with FakeOpenAI() as api:
        yield api


def make_client(fake: FakeOpenAI, *, max_retries: int = 0, timeout: float = 2) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=fake.base_url, api_key="sk-test", max_retries=max_retries, timeout=timeout)


@pytest.fixture
async def client(fake):
    c = make_client(fake)
    yield c
    await c.close()


async def ask(client: openai.AsyncOpenAI, text: str = "hello", **kwargs):
    return await client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": "You are a classifier."}, {"role": "user", "content": text}],
        **kwargs,
    )


def test_base_url_and_free_port(fake):
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/v1")
    assert fake.port > 0


async def test_reply_json_round_trip_records_request(fake, client):
    fake.reply_json({"kind": "praise", "confidence": 0.9}, prompt_tokens=100, completion_tokens=20)

    completion = await ask(client, "Great job on the demo!", response_format=SCHEMA_FORMAT, max_completion_tokens=300)

    assert completion.id.startswith("chatcmpl-")
    assert completion.object == "chat.completion"
    assert completion.model == MODEL
    [choice] = completion.choices
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.refusal is None
    assert json.loads(choice.message.content) == {"kind": "praise", "confidence": 0.9}
    assert completion.usage.prompt_tokens == 100
    assert completion.usage.completion_tokens == 20
    assert completion.usage.total_tokens == 120

    [request] = fake.requests
    assert isinstance(request, ChatRequest)
    assert request.status == 200
    assert request.body["model"] == MODEL
    assert request.body["response_format"] == SCHEMA_FORMAT
    assert request.body["max_completion_tokens"] == 300
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.api_key == "sk-test"
    assert request.messages[1] == {"role": "user", "content": "Great job on the demo!"}
    assert fake.pending == 0


async def test_answers_are_consumed_in_order_then_default(fake, client):
    fake.reply_json({"n": 1})
    fake.reply_json({"n": 2}, times=2)
    fake.default = lambda body: {"echo": body["messages"][-1]["content"]}

    got = [json.loads((await ask(client, f"m{i}")).choices[0].message.content) for i in range(4)]

    assert got == [{"n": 1}, {"n": 2}, {"n": 2}, {"echo": "m3"}]
    fake.default = {"fixed": True}
    assert json.loads((await ask(client)).choices[0].message.content) == {"fixed": True}


async def test_no_answer_and_no_default_is_a_500(fake, client):
    with pytest.raises(openai.InternalServerError):
        await ask(client)
    assert [r.status for r in fake.requests] == [500]


async def test_reply_text_is_sent_verbatim(fake, client):
    fake.reply_text("{kind: ")
    completion = await ask(client)
    assert completion.choices[0].message.content == "{kind: "


async def test_refusal(fake, client):
    fake.refuse("I can't help with that.")
    completion = await ask(client, response_format=SCHEMA_FORMAT)
    message = completion.choices[0].message
    assert message.refusal == "I can't help with that."
    assert message.content is None


async def test_fail_500_raises_internal_server_error(fake, client):
    fake.fail(500)
    with pytest.raises(openai.InternalServerError) as info:
        await ask(client)
    assert info.value.status_code == 500
    assert info.value.type == "server_error"
    assert [r.status for r in fake.requests] == [500]


async def test_fail_429_without_retries_raises_rate_limit_error(fake, client):
    fake.fail(429, retry_after=0.2)
    with pytest.raises(openai.RateLimitError) as info:
        await ask(client)
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.response.headers["retry-after"] == "0.2"
    assert len(fake.requests) == 1


async def test_fail_429_with_retry_honours_retry_after(fake):
    fake.fail(429, retry_after=0.2)
    fake.reply_json({"kind": "ok"})
    client = make_client(fake, max_retries=1)
    try:
        completion = await ask(client)
    finally:
        await client.close()

    assert json.loads(completion.choices[0].message.content) == {"kind": "ok"}
    first, second = fake.requests
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.18


async def test_delay_causes_client_timeout_and_stop_is_prompt():
    fake = FakeOpenAI().start()
    try:
        fake.delay(3)
        fake.reply_json({"late": True})
        client = make_client(fake, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            await ask(client)
        assert time.monotonic() - started < 2
        await client.close()
        assert len(fake.requests) == 1
    finally:
        stop_started = time.monotonic()
        await asyncio.to_thread(fake.stop)
        assert time.monotonic() - stop_started < 1.5


async def test_delayed_request_does_not_block_others(fake):
    fake.delay(1.0)
    fake.reply_json({"slow": True})
    fake.reply_json({"fast": True})
    client = make_client(fake, timeout=5)
    try:
        slow = asyncio.create_task(ask(client, "slow"))
        await fake.await_for(1)
        started = time.monotonic()
        fast = await ask(client, "fast")
        assert time.monotonic() - started < 0.5
        assert json.loads(fast.choices[0].message.content) == {"fast": True}
        assert json.loads((await slow).choices[0].message.content) == {"slow": True}
    finally:
        await client.close()


async def test_text_joins_message_contents(fake, client):
    fake.reply_json({})
    await client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "sys prompt"},
            {"role": "user", "content": [{"type": "text", "text": "part one"}]},
            {"role": "user", "content": "Ping [EMAIL] please"},
        ],
    )
    [request] = fake.requests
    assert request.text == "sys prompt\npart one\nPing [EMAIL] please"
    assert "@" not in request.text


async def test_other_routes_are_404_and_clear_resets(fake, client):
    async with httpx.AsyncClient() as http:
        resp = await http.get(fake.base_url + "/models")
    assert resp.status_code == 404
    assert resp.json()["error"]["type"] == "invalid_request_error"

    fake.reply_json({"a": 1})
    fake.delay(5)
    fake.clear()
    assert fake.requests == [] and fake.pending == 0
    fake.default = {"after": "clear"}
    completion = await ask(client)  # no leftover delay or answer
    assert json.loads(completion.choices[0].message.content) == {"after": "clear"}


async def test_path_without_v1_is_accepted(fake):
    fake.reply_json({"ok": True})
    client = openai.AsyncOpenAI(base_url=fake.url, api_key="sk-test", max_retries=0, timeout=2)
    try:
        completion = await ask(client)
    finally:
        await client.close()
    assert json.loads(completion.choices[0].message.content) == {"ok": True}
    assert fake.requests[0].path == "/chat/completions"


def test_wait_for_reports_received_requests_on_timeout(fake):
    with pytest.raises(AssertionError, match="no requests received"):
        fake.wait_for(1, timeout=0.05)
