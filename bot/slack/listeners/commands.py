"""/coach: parse, ack within Slack's three seconds, answer ephemerally (through response_url when it needs I/O)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.coach import Coach, CommandContext, UnknownDeal
from bot.coaching import commands as grammar
from bot.coaching.guidance import Nudge
from bot.slack import blocks
from bot.slack.blocks import RenderedMessage

log = logging.getLogger(__name__)


async def answer(coach: Coach, ctx: CommandContext, request: grammar.CoachRequest) -> RenderedMessage:
    """The reply to a parsed request. Everything here may touch the database, so it runs after the ack."""
    now = datetime.now(UTC)
    try:
        match request:
            case grammar.Situation(text=text):
                advice = await coach.coach_situation(ctx, text)
                return blocks.nudge_message(advice) if isinstance(advice, Nudge) else blocks.rhythm_message(advice)
            case grammar.Question(deal=deal_name):
                question, deal = await coach.care_question(ctx, deal_name)
                return blocks.question_message(question, deal)
            case grammar.ListDeals():
                return blocks.deals_message(await coach.deals(ctx), now)
            case grammar.ShowDeal(name=name):
                return blocks.deal_message(await coach.deal(ctx, name), coach.library, now)
            case grammar.SetMuted(muted=muted):
                settings = await coach.set_muted(ctx, muted)
                changed = "Muted: no passive nudges here until /coach unmute." if muted else "Unmuted."
                return blocks.settings_message(settings, changed)
            case grammar.SetMode(mode=mode):
                settings = await coach.set_reply_mode(ctx, mode)
                return blocks.settings_message(settings, f"Reply mode is now {mode}.")
            case _:
                return blocks.help_message()
    except UnknownDeal as error:
        return blocks.unknown_deal_message(error)


def register(app: AsyncApp, coach: Coach) -> None:
    @app.command("/coach")
    async def on_coach(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        try:
            request = grammar.parse_coach_command(command.get("text", ""))
        except grammar.UsageError as error:
            message = blocks.usage_error_message(error)
            await ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
            return
        if isinstance(request, grammar.Help):
            message = blocks.help_message()
            await ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
            return
        await ack()  # Slack has its 200 now; the answer follows through response_url
        ctx = CommandContext(team_id=command["team_id"], channel_id=command["channel_id"], user_id=command["user_id"])
        try:
            message = await answer(coach, ctx, request)
        except Exception:
            log.exception("/coach %s failed", type(request).__name__)
            message = RenderedMessage(
                text="Sorry, Heartful could not answer that just now; please try again.",
                blocks=[],
            )
        await respond(response_type="ephemeral", text=message.text, blocks=message.blocks or None,
                      replace_original=False)
