"""The OpenAI layer end to end: the real app, the real openai client over HTTP to a fake OpenAI-compatible server.
Whatever the model does, the rep gets an answer within three seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from bot.app import load_prompts
from bot.settings import load_settings
from bot.storage import tables
from tests.e2e.test_coach_command import CoachCommand
from tests.fakes.openai_api import FakeOpenAI

# A message the reader alone does not call a stall but is unsure about (less than 85% sure it is chatter), so a
# configured model is asked: checked in the tests that use it.
UNSURE = "CFO is lukewarm on the price"
from tests.slack_requests import channel_message_event, eventually

STALL = "Spoke to Dana at Acme, she wants to think it over"
TAILORED = "Tell Dana to take all the time she needs. Offer a short summary she can reread. Then let her come back."


def answer(**fields) -> dict:  # type: ignore[no-untyped-def]
    base = {"kind": "none", "stall_kind": None, "deal": None, "stage": None, "amount": None, "currency": None,
            "next_step": None, "outcome": None, "confidence": 0.9, "guidance": None}
    return base | fields


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def llm_app(start_app, fake_openai):  # type: ignore[no-untyped-def]
    return await start_app(openai_base_url=fake_openai.base_url, openai_api_key="sk-test", llm_timeout_s=8)


def library_guidance() -> set[str]:
    library = load_prompts(load_settings())
    return {g.text for variants in library.step_back.values() for g in variants}


def questions() -> set[str]:
    return {q.text for q in load_prompts(load_settings()).care_questions}


async def post_and_time(app, fake_slack, text: str):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = await app.post_event(channel_message_event(text))
    acked = time.monotonic() - started
    [reply] = await fake_slack.await_for("chat.postMessage", timeout=10)
    return acked, reply, reply.at - started


async def test_happy_path_posts_the_models_tailored_guidance_and_a_library_question(llm_app, fake_slack, fake_openai):
    fake_openai.reply_json(answer(kind="stall", stall_kind="think_it_over", deal="Acme", guidance=TAILORED))
    acked, reply, _ = await post_and_time(llm_app, fake_slack, STALL)
    assert TAILORED in reply.args["text"]
    assert sum(q in reply.args["text"] for q in questions()) == 1  # verbatim from the library
    [request] = fake_openai.requests
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.body["response_format"]["json_schema"]["strict"] is True
    assert "Dana" in request.text
    assert await eventually(lambda: _tokens(llm_app)) == 180  # 120 prompt + 60 completion, recorded


async def _tokens(app) -> int:  # type: ignore[no-untyped-def]
    async with app.heartful.repository._sessions() as session:
        row = (await session.scalars(__import__("sqlalchemy").select(tables.LlmUsage))).first()
        return row.tokens if row else 0


async def test_the_model_decides_where_the_reader_is_unsure(llm_app, fake_slack, fake_openai):
    from bot.coaching.second_opinion import worth_a_second_opinion

    text = UNSURE
    alone = llm_app.heartful.coach.reader.read_now(text)
    assert alone.stall is None and worth_a_second_opinion(alone)  # the reader alone stays silent, but is unsure
    fake_openai.reply_json(answer(kind="stall", stall_kind="timing", guidance=TAILORED))
    await llm_app.post_event(channel_message_event(text))
    [reply] = await fake_slack.await_for("chat.postMessage")
    assert "timing is not right" in reply.args["blocks"][-1]["elements"][0]["text"]


@pytest.mark.parametrize("misbehaviour", [
    "timeout", "500", "429", "malformed_json", "schema_violation", "refusal", "pushy",
])
async def test_the_rules_reply_is_posted_within_three_seconds_whatever_the_model_does(
        llm_app, fake_slack, fake_openai, misbehaviour):
    if misbehaviour == "timeout":
        fake_openai.delay(10)
        fake_openai.reply_json(answer(kind="stall", stall_kind="think_it_over", guidance=TAILORED))
    elif misbehaviour == "500":
        fake_openai.fail(500, times=5)
    elif misbehaviour == "429":
        fake_openai.fail(429, retry_after=0.3, times=5)
    elif misbehaviour == "malformed_json":
        fake_openai.reply_text('{"kind": "stall", "stall_kind": ')
    elif misbehaviour == "schema_violation":
        fake_openai.reply_json({"kind": "stall", "stall_kind": "procrastination", "confidence": 3})
    elif misbehaviour == "refusal":
        fake_openai.refuse()
    else:
        fake_openai.reply_json(answer(kind="stall", stall_kind="think_it_over",
                                      guidance="Act now: offer her a 20% discount if she signs today."))
    acked, reply, replied_after = await post_and_time(llm_app, fake_slack, STALL)
    assert acked < 1.0  # the ack never waits for the model
    assert replied_after < 3.0
    text = reply.args["text"]
    assert any(g in text for g in library_guidance())  # the library's guidance, not the model's
    assert "discount" not in text
    assert sum(q in text for q in questions()) == 1


async def test_429_and_500_are_retried_a_bounded_number_of_times(llm_app, fake_slack, fake_openai):
    fake_openai.fail(429, retry_after=0.2)
    fake_openai.reply_json(answer(kind="stall", stall_kind="think_it_over", guidance=TAILORED))
    _, reply, _ = await post_and_time(llm_app, fake_slack, STALL)
    assert len(fake_openai.requests) == 2 and TAILORED in reply.args["text"]
    fake_slack.clear()
    fake_openai.clear()
    fake_openai.fail(500, times=10)
    await llm_app.post_event(channel_message_event("Dana at Initech needs to check with her boss"))
    await fake_slack.await_for("chat.postMessage")
    assert 1 < len(fake_openai.requests) <= 3  # the first try and at most two retries


async def test_an_exhausted_budget_means_rules_only_until_the_next_day(start_app, fake_slack, fake_openai):
    app = await start_app(openai_base_url=fake_openai.base_url, openai_api_key="sk-test",
                          llm_daily_token_budget=150)
    fake_openai.default = answer(kind="stall", stall_kind="think_it_over", guidance=TAILORED)
    await app.post_event(channel_message_event(STALL))
    await fake_slack.await_for("chat.postMessage")
    await eventually(lambda: _tokens(app))  # 180 tokens spent: over the 150 budget
    await app.post_event(channel_message_event("Dana at Hooli wants to sleep on it"))
    replies = await fake_slack.await_for("chat.postMessage", count=2)
    assert len(fake_openai.requests) == 1
    assert any(g in replies[1].args["text"] for g in library_guidance())


async def test_chatter_is_never_sent_to_the_model(llm_app, fake_slack, fake_openai):
    fake_openai.default = answer()
    for text in ("lunch at noon?", "great standup today :tada:", "who has the projector remote",
                 "<https://example.com/retro|retro notes> are up", "happy friday all"):
        event = channel_message_event(text)
        await llm_app.post_event(event)
        await llm_app.heartful.work.completions.wait(event["event"]["ts"])
    assert fake_openai.requests == []
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


async def test_emails_phones_and_urls_are_redacted_before_anything_is_sent(llm_app, fake_slack, fake_openai):
    fake_openai.reply_json(answer(kind="stall", stall_kind="send_info", guidance=TAILORED))
    text = ("Dana (dana.k@acme.io, +1 415 555 0134) said to just send some info to <mailto:cfo@acme.io|cfo@acme.io> "
            "and they will look at it, see <https://acme.io/rfp?id=42|the RFP>")
    await llm_app.post_event(channel_message_event(text))
    await fake_slack.await_for("chat.postMessage")
    [request] = fake_openai.requests
    sent = request.text
    for secret in ("dana.k@acme.io", "555 0134", "cfo@acme.io", "acme.io/rfp"):
        assert secret not in sent
    assert "[email]" in sent and "[phone]" in sent and "[link]" in sent


async def test_no_key_and_no_base_url_means_rules_only(running_app, fake_slack, fake_openai):
    assert running_app.heartful.coach.advisor is None
    await running_app.post_event(channel_message_event(STALL))
    [reply] = await fake_slack.await_for("chat.postMessage")
    assert any(g in reply.args["text"] for g in library_guidance())
    assert fake_openai.requests == []


async def test_coach_command_uses_the_model_too(llm_app, fake_slack, fake_openai):
    fake_openai.reply_json(answer(kind="stall", stall_kind="consult_others", guidance=TAILORED))
    reply = await CoachCommand(llm_app, fake_slack)("she needs to run it past her CFO")
    assert TAILORED in reply["text"]


def test_try_llm_shows_the_models_reading_beside_the_rules(tmp_path, fake_openai):
    import subprocess
    import sys

    from tests.e2e.test_cli import clean_env

    fake_openai.reply_json(answer(kind="stall", stall_kind="timing", confidence=0.85, guidance=TAILORED))
    text = UNSURE
    result = subprocess.run(
        [sys.executable, "-m", "bot", "try", "--llm", text], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, env=clean_env(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test"),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Reader:\n  Nothing" in out
    assert "stall timing, confidence 0.85" in out
    assert f"guidance (used): {TAILORED}" in out
    assert "Combined:\n  Stall: timing" in out
    assert TAILORED in out.split("Reply in the thread:")[1]
    assert len(fake_openai.requests) == 1


def test_try_llm_without_a_model_is_one_line_exit_2(tmp_path):
    import subprocess
    import sys

    from tests.e2e.test_cli import clean_env

    result = subprocess.run([sys.executable, "-m", "bot", "try", "--llm", "she wants to think it over"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60, env=clean_env())
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "OPENAI_API_KEY" in result.stderr


async def test_the_models_stall_stands_in_a_channel_with_known_deals(llm_app, fake_slack, fake_openai):
    fake_openai.reply_json(answer(kind="deal_update", deal="Acme", stage="Proposal", amount=45000, confidence=0.9))
    await llm_app.post_event(channel_message_event("Acme moved to Proposal, $45k"))
    await fake_slack.await_for("reactions.add")
    text = "acme would rather wait and see how Q3 shapes up before deciding anything"
    fake_openai.reply_json(answer(kind="stall", stall_kind="timing", deal="Acme", guidance=TAILORED))
    await llm_app.post_event(channel_message_event(text))
    [reply] = await fake_slack.await_for("chat.postMessage")
    assert TAILORED in reply.args["text"]

    async def nudge_rows():  # type: ignore[no-untyped-def]
        async with llm_app.heartful.repository._sessions() as session:
            return (await session.scalars(__import__("sqlalchemy").select(tables.Nudge))).all()

    [nudge] = await eventually(nudge_rows)
    assert nudge.rotation_key == "deal:C111:acme" and nudge.guidance_id == "model"


async def test_direct_messages_are_never_sent_to_the_model(llm_app, fake_slack, fake_openai):
    from tests.slack_requests import load_event

    fake_openai.default = answer(kind="stall", stall_kind="think_it_over", guidance=TAILORED)
    body = load_event("message_im")  # a real DM envelope
    body["event"]["text"] = "Spoke to Dana at Acme, she wants to think it over. My number is +1 415 555 0134"
    assert (await llm_app.post_event(body)).status == 200
    await asyncio.sleep(0.6)
    assert fake_openai.requests == []
    assert fake_slack.calls_to("chat.postMessage") == []
