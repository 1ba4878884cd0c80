"""Telling the poster what an update recorded, and the Fix button: signed events and interactivity payloads into
the real app over HTTP, replies observed at the fake Slack API."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.storage import tables
from tests.e2e.test_coach_command import CoachCommand
from tests.slack_requests import channel_message_event, fixtures_dir, form_body, load_event

UPDATE = "Acme moved to Proposal, $45k, next step: demo with the CFO on Tuesday"
FORM = "application/x-www-form-urlencoded"
_hooks = itertools.count(1)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((fixtures_dir() / "interactivity" / f"{name}.json").read_text())


async def quiet(seconds: float = 0.6) -> None:
    """Give a listener time to (wrongly) act, before asserting it did not."""
    await asyncio.sleep(seconds)


class Slack:
    """Drives the app as Slack would: a message, a press of Fix on the ephemeral, a save of the modal."""

    def __init__(self, running_app, fake_slack) -> None:  # type: ignore[no-untyped-def]
        self.app = running_app
        self.fake = fake_slack
        self.repository = running_app.heartful.repository

    async def post_update(self, text: str = UPDATE, *, ts: str, user: str = "W111") -> Any:
        """Post a deal update; return the ephemeral it got."""
        told = len(self.fake.calls_to("chat.postEphemeral"))
        await self.app.post_event(channel_message_event(text, ts=ts, user=user))
        return (await self.fake.await_for("chat.postEphemeral", count=told + 1))[told]

    async def press_fix(self, ephemeral: Any, *, user: str = "W111", channel: str = "C111") -> str:
        """Press the Fix button on an ephemeral; return the response_url path Slack gave the press."""
        button = ephemeral.args["blocks"][0]["accessory"]
        hook = f"actions/T111/{next(_hooks)}/secret"
        payload = fixture("block_actions_message_button_ephemeral")
        payload["user"]["id"] = user
        payload["container"].update({"channel_id": channel, "message_ts": self.fake.next_ts()})
        payload["channel"]["id"] = channel
        payload["response_url"] = f"{self.fake.url}/{hook}"
        payload["actions"][0].update({"action_id": button["action_id"], "value": button["value"],
                                      "block_id": ephemeral.args["blocks"][0].get("block_id", "b")})
        response = await self.app.post(form_body({"payload": json.dumps(payload)}), content_type=FORM)
        assert response.status == 200
        return hook

    async def opened_modal(self, count: int = 1) -> dict[str, Any]:
        return (await self.fake.await_for("views.open", count=count))[count - 1].args["view"]

    async def save(self, modal: dict[str, Any], changes: dict[str, str | None], *, user: str = "W111"
                   ) -> dict[str, Any] | None:
        """Submit the modal with its pre-filled values changed; the ack's body (inline errors), or None."""
        shapes = fixture("view_submission_multi_inputs_java")["view"]["state"]["values"]
        values: dict[str, dict] = {}
        for block in modal["blocks"]:
            element, field = block["element"], block["block_id"]
            if element["type"] == "static_select":
                chosen = changes.get(field, element["initial_option"]["value"])
                state = copy.deepcopy(shapes["rating"]["single_action"])
                state["selected_option"] = next(o for o in element["options"] if o["value"] == chosen)
            else:
                state = copy.deepcopy(shapes["comment"]["single_action"])
                state["value"] = changes.get(field, element.get("initial_value"))  # Slack sends null when empty
            values[field] = {element["action_id"]: state}
        payload = fixture("view_submission")
        payload["user"]["id"] = user
        payload["view"].update({"callback_id": modal["callback_id"], "private_metadata": modal["private_metadata"],
                                "blocks": modal["blocks"], "state": {"values": values}})
        response = await self.app.post(form_body({"payload": json.dumps(payload)}), content_type=FORM)
        assert response.status == 200
        body = await response.text()
        return json.loads(body) if body else None

    async def acme(self):  # type: ignore[no-untyped-def]
        return await self.repository.find_deal(team_id="T111", channel_id="C111", name="acme")


@pytest.fixture
def slack(running_app, fake_slack) -> Slack:
    return Slack(running_app, fake_slack)


def initial_values(modal: dict[str, Any]) -> dict[str, str | None]:
    return {block["block_id"]: (block["element"].get("initial_option") or {}).get("value")
            if block["element"]["type"] == "static_select" else block["element"].get("initial_value")
            for block in modal["blocks"]}


async def test_a_persons_update_is_told_to_them_alone_with_what_was_recorded_and_a_fix_button(slack, fake_slack):
    settings = await slack.repository.ensure_channel(team_id="T111", channel_id="C111")
    assert settings.reply_mode == "thread"  # ephemeral all the same: typo fixes are nobody else's business
    told = await slack.post_update(ts="1700000501.000100")
    [reaction] = await fake_slack.await_for("reactions.add")
    assert (reaction.args["name"], reaction.args["timestamp"]) == ("memo", "1700000501.000100")
    assert (told.args["channel"], told.args["user"], told.args["thread_ts"]) == ("C111", "W111", "1700000501.000100")
    [section] = told.args["blocks"]
    assert section["text"]["text"] == (
        "Recorded on *Acme*: stage Proposal · $45,000 USD · next step: demo with the CFO on Tuesday")
    assert told.args["text"].startswith("Recorded on Acme: stage Proposal")
    [event] = await slack.repository.deal_events(deal_id=(await slack.acme()).id)
    assert section["accessory"]["type"] == "button" and section["accessory"]["text"]["text"] == "Fix"
    assert (section["accessory"]["action_id"], section["accessory"]["value"]) == ("deal_update_fix", str(event.id))
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_only_the_fields_the_update_set_are_told(slack):
    await slack.post_update(ts="1700000511.000100")
    told = await slack.post_update("Update: Acme moved to Negotiation stage", ts="1700000512.000100")
    assert told.args["blocks"][0]["text"]["text"] == "Recorded on *Acme*: stage Negotiation"


async def test_a_crm_update_is_recorded_with_a_memo_but_told_to_nobody(running_app, fake_slack):
    body = load_event("message_subtype_bot_message")
    body["event"]["text"] = "Opportunity *Globex - 200 seats* changed Stage from Qualification to Proposal. Amount: $50,000."
    await running_app.post_event(body)
    await running_app.handled(body)
    assert len(fake_slack.calls_to("reactions.add")) == 1
    assert fake_slack.calls_to("chat.postEphemeral") == []
    assert len(await running_app.heartful.repository.deals_in_channel(team_id="T111", channel_id="C111")) == 1


async def test_when_slack_refuses_the_ephemeral_the_update_stays_recorded_and_one_line_is_logged(
        slack, fake_slack, caplog):
    fake_slack.fail_next("chat.postEphemeral", status=200, error="not_in_channel")
    event = channel_message_event(UPDATE, ts="1700000521.000100")
    with caplog.at_level(logging.WARNING, logger="bot.delivery.channel_messages"):
        await slack.app.post_event(event)
        await slack.app.handled(event)
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1  # refused for good: not tried again
    deal = await slack.acme()
    assert deal is not None and deal.stage == "Proposal" and deal.amount == 45000
    [line] = [r for r in caplog.records if r.name == "bot.delivery.channel_messages"]
    assert "not_in_channel" in line.getMessage()
    assert await slack.repository.count(tables.DealEvent) == 1


async def test_fix_opens_a_modal_prefilled_with_the_update_as_recorded(slack, fake_slack):
    told = await slack.post_update(ts="1700000531.000100")
    await slack.press_fix(told)
    [opened] = await fake_slack.await_for("views.open")
    assert opened.args["trigger_id"] == fixture("block_actions_message_button_ephemeral")["trigger_id"]
    modal = opened.args["view"]
    assert modal["type"] == "modal" and modal["callback_id"] == "deal_update_fix"
    assert initial_values(modal) == {"name": "Acme", "stage": "Proposal", "amount": "45000", "currency": "USD",
                                     "next_step": "demo with the CFO on Tuesday", "outcome": "open"}
    outcome = modal["blocks"][-1]["element"]
    assert outcome["type"] == "static_select"
    assert [o["value"] for o in outcome["options"]] == ["open", "won", "lost"]


async def test_a_saved_fix_corrects_the_deal_and_replaces_the_ephemeral(slack, fake_slack, running_app):
    told = await slack.post_update(ts="1700000541.000100")
    hook = await slack.press_fix(told)
    assert await slack.save(await slack.opened_modal(), {"stage": "Negotiation", "amount": "50,000"}) is None
    [answer] = await fake_slack.await_for(hook)
    assert answer.args["replace_original"] is True and answer.args["response_type"] == "ephemeral"
    assert answer.args["blocks"][0]["text"]["text"] == (
        "Corrected on *Acme*: stage Negotiation · $50,000 USD · next step: demo with the CFO on Tuesday")

    shown = await CoachCommand(running_app, fake_slack)("deal acme")
    header = shown["text"].splitlines()[0]
    assert "Negotiation" in header and "$50,000" in header and "Proposal" not in header
    # The timeline keeps what was said and shows the fix after it.
    assert "stage Proposal" in shown["text"] and "stage Negotiation" in shown["text"]

    original, fix = await slack.repository.deal_events(deal_id=(await slack.acme()).id)
    assert (original.source, original.corrected_by, original.stage) == ("person", "W111", "Proposal")
    assert original.corrected_at is not None
    assert (fix.source, fix.corrects_id, fix.user_id, fix.stage, fix.amount) == (
        "fix", original.id, "W111", "Negotiation", 50000)

    await slack.press_fix(answer)  # the corrected line has its own Fix, pre-filled with the correction
    assert initial_values(await slack.opened_modal(count=2))["stage"] == "Negotiation"


async def test_fixing_an_older_update_does_not_undo_a_newer_one(slack):
    first = await slack.post_update(ts="1700000551.000100")
    await slack.post_update("Update: Acme moved to Negotiation stage", ts="1700000552.000100")
    hook = await slack.press_fix(first)
    await slack.save(await slack.opened_modal(), {"amount": "40000"})
    await slack.fake.await_for(hook)  # the save is acked first, then recorded, then answered
    deal = await slack.acme()
    assert (deal.stage, deal.amount) == ("Negotiation", 40000)


async def test_renaming_to_a_deal_already_in_the_channel_moves_the_update_there(slack, fake_slack):
    await slack.post_update(ts="1700000561.000100")
    misread = await slack.post_update("Globex moved to Discovery, $10k", ts="1700000562.000100")
    assert "*Globex*" in misread.args["blocks"][0]["text"]["text"]
    hook = await slack.press_fix(misread)
    await slack.save(await slack.opened_modal(), {"name": "ACME"})
    await fake_slack.await_for(hook)
    deals = await slack.repository.deals_in_channel(team_id="T111", channel_id="C111")
    assert [(d.name, d.stage, d.amount) for d in deals] == [("Acme", "Discovery", 10000)]
    assert len(await slack.repository.deal_events(deal_id=deals[0].id)) == 3  # two updates and the fix


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"amount": "45k"}, "amount", "number"),
    ({"amount": "-5"}, "amount", "at least 0"),
    ({"amount": "1000000000000"}, "amount", "less than"),
    ({"name": ""}, "name", "Name the deal"),
    ({"name": "A" * 121}, "name", "120 characters"),
    ({"stage": "S" * 81}, "stage", "80 characters"),
    ({"next_step": "n" * 301}, "next_step", "300 characters"),
])
async def test_a_bad_fix_is_answered_inline_and_changes_nothing(slack, fake_slack, changes, field, says):
    told = await slack.post_update(ts="1700000571.000100")
    hook = await slack.press_fix(told)
    acked = await slack.save(await slack.opened_modal(), changes)
    assert acked is not None and acked["response_action"] == "errors"
    assert list(acked["errors"]) == [field] and says in acked["errors"][field]
    await quiet(0.3)
    deal = await slack.acme()
    assert (deal.stage, deal.amount) == ("Proposal", 45000)
    assert await slack.repository.count(tables.DealEvent) == 1
    assert fake_slack.calls_to(hook) == []


async def test_only_the_poster_can_fix_their_update(slack, fake_slack):
    told = await slack.post_update(ts="1700000581.000100")
    hook = await slack.press_fix(told, user="W222")
    [refused] = await fake_slack.await_for(hook)
    assert refused.args["text"] == "Only <@W111> can fix this update."
    assert refused.args["response_type"] == "ephemeral" and refused.args["replace_original"] is False
    await quiet(0.3)
    assert fake_slack.calls_to("views.open") == []

    own_hook = await slack.press_fix(told)  # the poster opens the modal; someone else submits it
    assert await slack.save(await slack.opened_modal(), {"stage": "Closed"}, user="W222") is None
    refusal = (await fake_slack.await_for("chat.postEphemeral", count=2))[1]
    assert (refusal.args["user"], refusal.args["channel"]) == ("W222", "C111")
    assert refusal.args["text"] == "Only <@W111> can fix this update."
    await quiet(0.3)
    deal = await slack.acme()
    assert (deal.stage, deal.amount) == ("Proposal", 45000)
    assert await slack.repository.count(tables.DealEvent) == 1
    assert fake_slack.calls_to(own_hook) == []
