"""/coach end to end: signed form-encoded bodies, answers through response_url at the fake Slack server."""

from __future__ import annotations

import itertools

import pytest

from bot.app import load_prompts
from bot.settings import load_settings
from bot.storage import tables
from tests.slack_requests import channel_message_event, coach_command_body

_numbers = itertools.count(1)


class CoachCommand:
    def __init__(self, running_app, fake_slack) -> None:  # type: ignore[no-untyped-def]
        self.app = running_app
        self.fake = fake_slack

    async def __call__(self, text: str, *, channel: str = "C111", user: str = "W111") -> dict:
        """Send `/coach text`; return the ephemeral answer, from the ack body or from response_url."""
        hook = f"commands/T111/{next(_numbers)}/secret"
        body = coach_command_body(text, response_url=f"{self.fake.url}/{hook}", channel=channel, user=user)
        response = await self.app.post(body, content_type="application/x-www-form-urlencoded")
        assert response.status == 200
        acked = await response.text()
        if acked:
            return __import__("json").loads(acked)
        [call] = await self.fake.await_for(hook)
        return call.args


@pytest.fixture
def coach(running_app, fake_slack) -> CoachCommand:
    return CoachCommand(running_app, fake_slack)


def questions() -> set[str]:
    return {q.text for q in load_prompts(load_settings()).care_questions}


async def test_help_lists_every_subcommand_with_an_example(coach):
    for text in ("", "help", "HELP"):
        answer = await coach(text)
        assert answer["response_type"] == "ephemeral"
        for sub in ("question", "deals", "deal <name>", "mute", "unmute", "mode thread|ephemeral"):
            assert f"/coach {sub}" in answer["text"]


async def test_a_described_stall_gets_step_back_guidance_and_one_care_question(coach):
    answer = await coach("she needs to run it past her CFO")
    assert answer["response_type"] == "ephemeral"
    assert "Step back" in answer["text"]
    assert sum(q in answer["text"] for q in questions()) == 1
    assert "wants to check with someone else" in answer["blocks"][-1]["elements"][0]["text"]


async def test_a_situation_without_a_stall_is_coached_from_the_rhythm_steps(coach):
    library = load_prompts(load_settings())
    steps = {step.name for step in library.rhythm}
    for text in ("the prospect has gone quiet for two weeks", "he raised an objection about onboarding",
                 "we have a first call with a new lead tomorrow"):
        answer = await coach(text)
        assert any(answer["text"].startswith(name) for name in steps), answer["text"]
        assert "understand" not in answer["text"].lower()
    assert (await coach("the prospect has gone quiet for two weeks"))["text"].startswith("Be patient")


async def test_question_rotates_like_the_nudges(coach, running_app, fake_slack):
    asked = [(await coach("question"))["text"] for _ in range(6)]
    texts = [next(q for q in questions() if q in a) for a in asked]
    assert all(a != b for a, b in zip(texts, texts[1:]))
    assert len(set(texts)) == 5


async def test_question_for_a_deal_continues_that_deals_rotation(coach, running_app, fake_slack):
    await running_app.post_event(channel_message_event("Acme moved to Proposal, $45k"))
    await fake_slack.await_for("reactions.add")
    await running_app.post_event(channel_message_event("Dana at Acme wants to think it over"))
    [nudge] = await fake_slack.await_for("chat.postMessage")
    nudged = next(q for q in questions() if q in nudge.args["text"])
    answer = await coach("question acme")
    assert "for Acme" in answer["text"]
    assert nudged not in answer["text"]
    assert sum(q in answer["text"] for q in questions()) == 1


async def test_deals_lists_name_stage_amount_last_update_and_days_since(coach, running_app, fake_slack):
    assert "No deals recorded" in (await coach("deals"))["text"]
    await running_app.post_event(channel_message_event("Acme moved to Proposal, $45k, next step: demo"))
    await running_app.post_event(channel_message_event("Globex: stage -> Negotiation, amt 120,000 USD"))
    await fake_slack.await_for("reactions.add", count=2)
    answer = await coach("deals")
    assert "Acme" in answer["text"] and "Globex" in answer["text"]
    assert "$45,000" in answer["text"] and "$120,000" in answer["text"]
    assert "today" in answer["text"]
    other_channel = await coach("deals", channel="C999")
    assert "No deals recorded" in other_channel["text"]


async def test_deal_shows_the_timeline_case_insensitively(coach, running_app, fake_slack):
    await running_app.post_event(channel_message_event("Acme moved to Proposal, $45k, next step: demo"))
    await fake_slack.await_for("reactions.add")
    stall = channel_message_event("Acme: Dana wants to think it over")
    await running_app.post_event(stall)
    await running_app.heartful.work.completions.wait(stall["event"]["ts"])  # posted and recorded
    answer = await coach("deal ACME")
    assert "Acme" in answer["text"]
    assert "stage Proposal" in answer["text"] or "Proposal" in answer["text"]
    assert "coached" in answer["text"]  # the nudge is on the timeline
    assert "next step: demo" in answer["text"].lower()


async def test_deal_with_several_matches_lists_them(coach, running_app, fake_slack):
    await running_app.post_event(channel_message_event("Acme East moved to Proposal, $10k"))
    await running_app.post_event(channel_message_event("Acme West moved to Discovery, $20k"))
    await fake_slack.await_for("reactions.add", count=2)
    answer = await coach("deal acme")
    assert "Several deals match" in answer["text"]
    assert "Acme East" in answer["text"] and "Acme West" in answer["text"]


async def test_mute_unmute_and_mode_are_recorded_with_who_and_when(coach, running_app, fake_slack):
    assert "Muted" in (await coach("mute", user="W222"))["text"]
    while_muted = channel_message_event("she wants to think it over")
    await running_app.post_event(while_muted)
    await running_app.heartful.work.completions.wait(while_muted["event"]["ts"])  # handled, and not answered
    assert "Unmuted" in (await coach("unmute"))["text"]
    assert "ephemeral" in (await coach("mode ephemeral", user="W333"))["text"]
    async with running_app.heartful.repository._sessions() as session:
        channel = (await session.scalars(__import__("sqlalchemy").select(tables.Channel))).one()
    assert (channel.muted, channel.reply_mode, channel.changed_by) == (False, "ephemeral", "W333")
    assert channel.changed_at is not None
    assert fake_slack.calls_to("chat.postMessage") == []  # the stall came while muted
    await running_app.post_event(channel_message_event("she wants to think it over"))
    await fake_slack.await_for("chat.postEphemeral")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("dealz", "not a /coach subcommand"),
        ("frobnicate", "not a /coach subcommand"),
        ("deal", "Which deal?"),
        ("deal Nonexistent", "No deal named 'Nonexistent'"),
        ("question Nonexistent", "No deal named 'Nonexistent'"),
        ("mode loud", "'loud' is not a mode"),
        ("mode", "Which mode?"),
        ("mute now", "takes no arguments"),
        ("x" * 3001, "at most 3,000"),
    ],
)
async def test_bad_input_gets_an_ephemeral_message_with_the_right_usage(coach, text, says):
    answer = await coach(text)
    assert answer["response_type"] == "ephemeral"
    assert says in answer["text"]
    assert "Usage:" in answer["text"]
    assert "Traceback" not in answer["text"]


async def test_bad_input_changes_nothing(coach, running_app):
    await coach("mode loud")
    await coach("deal Nonexistent")
    assert await running_app.heartful.repository.count(tables.Channel) == 0
    assert await running_app.heartful.repository.count(tables.Nudge) == 0


async def test_an_unsigned_command_gets_401(running_app, fake_slack):
    body = coach_command_body("deals", response_url=f"{fake_slack.url}/commands/x")
    response = await running_app.post(body, content_type="application/x-www-form-urlencoded", signed=False)
    assert response.status == 401


async def test_an_unknown_deal_is_answered_with_the_usage_of_the_command_that_named_it(coach):
    asked = await coach("question nosuchdeal")
    assert "No deal named 'nosuchdeal'" in asked["text"]
    assert "/coach question [deal]" in asked["text"] and "/coach deal &lt;name&gt;" not in asked["text"]
    shown = await coach("deal nosuchdeal")
    assert "/coach deal &lt;name&gt;" in shown["text"]  # escaped, as Slack markup needs


async def test_nudges_off_is_one_reps_own_choice_in_every_channel(coach, running_app, fake_slack):
    off = await coach("nudges off")
    assert "Your passive nudges are off" in off["text"]
    mine = [channel_message_event("Dana at Acme wants to think it over", channel=channel, user="W111",
                                  ts=f"170000120{n}.000100") for n, channel in enumerate(("C111", "C222"))]
    theirs = channel_message_event("Globex wants to think it over", user="W222", ts="1700001210.000100")
    for event in (*mine, theirs):
        await running_app.post_event(event)
        await running_app.handled(event)
    posted = fake_slack.calls_to("chat.postMessage")
    assert [call.args["thread_ts"] for call in posted] == ["1700001210.000100"]  # only the other rep's
    assert "back on" in (await coach("nudges on"))["text"]
    again = channel_message_event("Dana at Acme wants to sleep on it", user="W111", ts="1700001220.000100")
    await running_app.post_event(again)
    await running_app.handled(again)
    assert fake_slack.calls_to("chat.postMessage")[-1].args["thread_ts"] == "1700001220.000100"
    assert "On or off?" in (await coach("nudges"))["text"]
