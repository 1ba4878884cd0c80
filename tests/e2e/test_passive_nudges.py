"""Passive nudges end to end: signed events into the real app over HTTP, replies observed at the fake Slack API."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.app import load_prompts
from bot.settings import load_settings
from bot.storage import tables
from tests.fakes.slack_api import FakeSlackApi
from tests.slack_requests import channel_message_event, eventually, load_event

STALL = "Spoke to Dana at Acme, she wants to think it over"


def care_question_texts() -> set[str]:
    library = load_prompts(load_settings())
    return {question.text for question in library.care_questions}


def posted_question(call) -> str:  # type: ignore[no-untyped-def]
    """The care question in a posted nudge: the quoted line of the second section block."""
    text = call.args["blocks"][1]["text"]["text"]
    return text.split("\n>", 1)[1].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


async def test_stall_gets_step_back_guidance_and_one_verbatim_care_question_in_the_thread(running_app, fake_slack):
    event = channel_message_event(STALL, ts="1700000001.000100")
    response = await running_app.post_event(event)
    assert response.status == 200

    [call] = await fake_slack.await_for("chat.postMessage")
    assert call.args["channel"] == "C111"
    assert call.args["thread_ts"] == "1700000001.000100"
    assert "Step back" in call.args["text"]
    assert posted_question(call) in care_question_texts()
    assert sum(text in call.args["text"] for text in care_question_texts()) == 1  # exactly one question
    assert call.args["blocks"][0]["type"] == "section"

    async def recorded_nudges():  # type: ignore[no-untyped-def]
        async with running_app.heartful.repository._sessions() as session:
            return (await session.scalars(select(tables.Nudge))).all()

    [nudge] = await eventually(recorded_nudges)
    assert (nudge.stall_kind, nudge.message_ts, nudge.thread_ts) == ("think_it_over", "1700000001.000100",
                                                                    "1700000001.000100")
    assert nudge.rotation_key == "deal:C111:acme"


async def test_a_stall_inside_a_thread_is_answered_in_that_thread(running_app, fake_slack):
    body = load_event("message_thread_reply")  # a real thread reply envelope
    body["event"]["text"] = "update: the CFO said they need to run it past the board first"
    await running_app.post_event(body)
    [call] = await fake_slack.await_for("chat.postMessage")
    assert call.args["thread_ts"] == body["event"]["thread_ts"] != body["event"]["ts"]


async def test_never_the_same_care_question_twice_in_a_row_for_a_deal(running_app, fake_slack):
    await running_app.post_event(channel_message_event("Acme moved to Proposal, $45k"))  # the deal is known now
    await fake_slack.await_for("reactions.add")
    stalls = [
        "Acme: Dana wants to think it over",
        "Acme update - Dana has to check with her CFO",
        "acme said just send some info over and they will have a look",
        "Dana at Acme says budget is frozen till Q2",
        "acme: they want to sleep on it",
        "Acme - Dana needs to run it by legal",
    ]
    for number, text in enumerate(stalls):
        await running_app.post_event(channel_message_event(text, ts=f"170000010{number}.000100"))
        await fake_slack.await_for("chat.postMessage", count=number + 1)
    questions = [posted_question(call) for call in fake_slack.calls_to("chat.postMessage")]
    assert all(q in care_question_texts() for q in questions)
    assert all(a != b for a, b in zip(questions, questions[1:])), questions
    assert len(set(questions)) == 5  # the rotation covers all five


async def test_rotation_is_per_channel_when_no_deal_is_named(running_app, fake_slack):
    for number in range(3):
        await running_app.post_event(
            channel_message_event("she wants to think it over", ts=f"170000020{number}.000100", channel="C222")
        )
        await fake_slack.await_for("chat.postMessage", count=number + 1)
    questions = [posted_question(call) for call in fake_slack.calls_to("chat.postMessage")]
    assert questions[0] != questions[1] != questions[2]


async def test_ephemeral_mode_posts_only_to_the_rep_in_the_same_thread(running_app, fake_slack):
    await running_app.heartful.repository.update_channel_settings(
        team_id="T111", channel_id="C111", changed_by="W999", reply_mode="ephemeral"
    )
    await running_app.post_event(channel_message_event(STALL, ts="1700000301.000100", user="W111"))
    [call] = await fake_slack.await_for("chat.postEphemeral")
    assert call.args["user"] == "W111"
    assert call.args["channel"] == "C111"
    assert call.args["thread_ts"] == "1700000301.000100"
    assert posted_question(call) in care_question_texts()
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_muted_channel_gets_no_nudge_but_updates_are_still_recorded(running_app, fake_slack):
    await running_app.heartful.repository.update_channel_settings(
        team_id="T111", channel_id="C111", changed_by="W999", muted=True
    )
    event = channel_message_event("Acme moved to Proposal, $45k. Dana wants to think it over")
    await running_app.post_event(event)
    await fake_slack.await_for("reactions.add")
    await running_app.handled(event)
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_deal_update_is_recorded_with_its_event_and_acknowledged_with_a_reaction(running_app, fake_slack):
    event = channel_message_event(
        "Acme moved to Proposal, $45k, next step: demo with the CFO on Tuesday", ts="1700000401.000100", user="W111"
    )
    await running_app.post_event(event)
    [reaction] = await fake_slack.await_for("reactions.add")
    assert reaction.args["timestamp"] == "1700000401.000100"
    assert reaction.args["channel"] == "C111"
    await running_app.handled(event)
    assert fake_slack.calls_to("chat.postMessage") == []  # an update is not a stall

    deal = await running_app.heartful.repository.find_deal(team_id="T111", channel_id="C111", name="acme")
    assert deal is not None
    assert deal.stage and deal.stage.lower() == "proposal"
    assert deal.amount == 45000
    assert deal.next_step and "demo" in deal.next_step.lower()
    [deal_event] = await running_app.heartful.repository.deal_events(deal_id=deal.id)
    assert (deal_event.user_id, deal_event.channel_id, deal_event.message_ts, deal_event.source) == (
        "W111", "C111", "1700000401.000100", "person")
    assert deal_event.created_at is not None


async def test_crm_bot_message_is_recorded_but_never_nudged(running_app, fake_slack):
    body = load_event("message_subtype_bot_message")  # a real classic bot_message from an integration
    body["event"]["text"] = (
        "Opportunity *Globex - 200 seats* changed Stage from Qualification to Proposal/Price Quote. "
        "Amount: $50,000. Next Step: customer wants to think it over"
    )
    await running_app.post_event(body)
    await fake_slack.await_for("reactions.add")
    await running_app.handled(body)
    assert fake_slack.calls_to("chat.postMessage") == []
    assert fake_slack.calls_to("chat.postEphemeral") == []
    deals = await running_app.heartful.repository.deals_in_channel(team_id="T111", channel_id="C111")
    assert len(deals) == 1 and deals[0].amount == 50000
    [deal_event] = await running_app.heartful.repository.deal_events(deal_id=deals[0].id)
    assert deal_event.source == "crm" and deal_event.user_id == "B888"


async def test_update_naming_no_deal_is_recorded_on_the_channels_deal(running_app, fake_slack: FakeSlackApi):
    fake_slack.channel_names["C333"] = "deal-initech"
    await running_app.post_event(channel_message_event("moved to Negotiation, amount 120,000 USD", channel="C333"))
    await fake_slack.await_for("reactions.add")
    [info] = fake_slack.calls_to("conversations.info")
    assert info.args["channel"] == "C333"
    deals = await running_app.heartful.repository.deals_in_channel(team_id="T111", channel_id="C333")
    assert [d.name for d in deals] == ["deal-initech"]


async def test_chatter_gets_nothing(running_app, fake_slack):
    for text in ["can someone send me the info for the offsite?", "I need to think it over before I send the forecast",
                 "no need to think it over, they're signing Friday", "lunch?"]:
        event = channel_message_event(text)
        await running_app.post_event(event)
        await running_app.handled(event)
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


async def test_nudge_arrives_promptly(running_app, fake_slack):
    started = time.monotonic()
    await running_app.post_event(channel_message_event(STALL))
    [call] = await fake_slack.await_for("chat.postMessage")
    # Not a timing goal (those live in bench/); a sanity bound that catches a listener stuck on a timeout.
    assert call.at - started < 5


async def test_a_stall_is_read_in_the_readers_own_process_as_serve_does(start_app, fake_slack):
    app = await start_app(reader_process=True)
    assert app.heartful.coach.reader._process is not None
    event = channel_message_event("Spoke to Dana at Acme, she wants to think it over", ts="1700000900.000100")
    await app.post_event(event)
    [call] = await fake_slack.await_for("chat.postMessage", timeout=30)  # the first read starts the process
    assert call.args["thread_ts"] == "1700000900.000100"
    assert posted_question(call) in care_question_texts()
    # One that only the embedding can decide, read over there: the child's answer comes back whole.
    reading = await app.heartful.coach.reader.read("Acme: Dana needs a few days to mull it over with the team "
                                                   "before she commits")
    assert reading.decided_by == "classifier" and reading.stall is not None
    assert [p.is_alive() for p in app.heartful.coach.reader._process._processes.values()] == [True]
