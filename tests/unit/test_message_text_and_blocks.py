"""Reading Slack message payloads, and rendering replies as Block Kit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.coaching.guidance import compose_nudge
from bot.coaching.library import default_prompts_dir, load_library
from bot.coaching.models import Deal
from bot.slack.blocks import deals_message, format_amount, nudge_message
from bot.slack.listeners.messages import channel_message
from bot.slack.message_text import message_text
from tests.slack_requests import load_event

LIBRARY = load_library(default_prompts_dir())


def test_crm_attachments_and_section_blocks_are_read():
    event = {
        "text": "",
        "attachments": [{"pretext": "Deal update", "title": "Acme renewal", "fields": [
            {"title": "Stage", "value": "Contract sent"}, {"title": "Amount", "value": "$12,000"}]}],
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Acme renewal* moved"}}],
    }
    text = message_text(event)
    assert "Stage: Contract sent" in text and "Amount: $12,000" in text and "*Acme renewal* moved" in text


def test_rich_text_blocks_that_mirror_text_are_not_doubled():
    event = load_event("message_channels")["event"]
    assert message_text(event) == event["text"]


def test_channel_message_from_real_fixtures():
    person = load_event("message_channels")
    message = channel_message(person, person["event"])
    assert message and not message.from_integration and message.reply_thread_ts == person["event"]["ts"]
    crm = load_event("message_subtype_bot_message")
    assert channel_message(crm, crm["event"]).from_integration  # type: ignore[union-attr]
    other_bot = load_event("message_from_other_app_bot")
    assert channel_message(other_bot, other_bot["event"]).from_integration  # type: ignore[union-attr]
    thread = load_event("message_thread_reply")
    assert channel_message(thread, thread["event"]).reply_thread_ts == thread["event"]["thread_ts"]  # type: ignore
    for name in ("message_changed", "message_deleted", "message_channel_join"):
        body = load_event(name)
        assert channel_message(body, body["event"]) is None, name
    dm = load_event("message_im")
    assert channel_message(dm, dm["event"]) is None


def test_nudge_blocks_carry_the_question_verbatim_and_a_fallback():
    nudge = compose_nudge(LIBRARY, "budget")
    rendered = nudge_message(nudge)
    assert nudge.question.text in rendered.text and nudge.guidance.text in rendered.text
    assert [b["type"] for b in rendered.blocks] == ["section", "section", "context"]
    assert rendered.blocks[1]["text"]["text"].endswith(nudge.question.text.replace("&", "&amp;"))


def test_deals_list_shows_days_since():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    deals = [Deal(id=1, name="Acme", channel_id="C1", stage="Proposal", amount=Decimal("45000"), currency="USD",
                  next_step=None, status="open", updated_at=now - timedelta(days=3))]
    assert "Acme*: Proposal, $45,000; last update 2026-11-22 (3 days ago)" in deals_message(deals, now).blocks[0][
        "text"]["text"]


def test_amounts():
    assert format_amount(Decimal("1200000"), "EUR") == "€1,200,000"
    assert format_amount(Decimal("99.5"), None) == "99.50"
    assert format_amount(None, None) == "no amount"


def _deals(n: int, now: datetime) -> list[Deal]:
    return [Deal(id=i, name=f"Customer number {i} - Enterprise rollout", channel_id="C1", stage="Negotiation",
                 amount=Decimal("120000"), currency="USD", next_step=None, status="open",
                 updated_at=now - timedelta(minutes=i)) for i in range(n)]


def _within_block_kit_limits(rendered) -> None:  # type: ignore[no-untyped-def]
    assert len(rendered.blocks) <= 50
    for block in rendered.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_ten_thousand_deals_fit_newest_first_with_how_many_more() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    rendered = deals_message(_deals(10_000, now), now)
    _within_block_kit_limits(rendered)
    body = rendered.blocks[0]["text"]["text"]
    assert "Customer number 0 - Enterprise rollout" in body.splitlines()[1]  # the newest first
    assert body.splitlines()[-1].startswith("…and ") and body.splitlines()[-1].endswith(" more")
    assert all(line.startswith(("•", "…", "*")) for line in body.splitlines())  # whole lines only


def test_a_long_timeline_shows_the_newest_updates_whole() -> None:
    from bot.coach import DealAnswer
    from bot.coaching.models import TimelineEntry
    from bot.slack.blocks import deal_message

    now = datetime(2026, 11, 25, tzinfo=UTC)
    [deal] = _deals(1, now)
    timeline = [TimelineEntry(at=now - timedelta(hours=500 - i), kind="update", who="W1", stage="Negotiation",
                              next_step=f"step {i}") for i in range(500)]  # oldest first, as the repository gives it
    rendered = deal_message(DealAnswer(matches=[deal], timeline=timeline), LIBRARY, now)
    _within_block_kit_limits(rendered)
    lines = rendered.blocks[1]["text"]["text"].splitlines()
    assert lines[0].endswith("next step: step 499")  # newest first
    assert lines[-1].startswith("…and ") and all("next step: step " in line for line in lines[:-1])


def test_user_text_echoed_in_an_error_is_escaped_and_bounded() -> None:
    from bot.coach import UnknownDeal
    from bot.slack.blocks import unknown_deal_message

    rendered = unknown_deal_message(UnknownDeal("<!channel> <@U123> <https://evil.example|click>",
                                                [f"Deal {i}" for i in range(10_000)]))
    _within_block_kit_limits(rendered)
    for where in (rendered.text, rendered.blocks[0]["text"]["text"]):
        assert "<!channel>" not in where and "<@U123>" not in where and "<https://" not in where
        assert "&lt;!channel&gt;" in where
    assert "and 9980 more" in rendered.text
