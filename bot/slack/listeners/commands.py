"""/coach: parse, ack within Slack's three seconds, answer ephemerally (through response_url when it needs I/O)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coach import Coach, CommandContext, UnknownDeal
from bot.coaching import commands as grammar
from bot.coaching.guidance import Nudge
from bot.daily_exercises import DailyExercises
from bot.slack import blocks
from bot.slack.blocks import RenderedMessage

log = logging.getLogger(__name__)


async def answer(coach: Coach, daily: DailyExercises, ctx: CommandContext, request: grammar.CoachRequest,
                 client: AsyncWebClient) -> RenderedMessage:
    """The reply to a parsed request. Everything here may touch the database, so it runs after the ack."""
    now = datetime.now(UTC)
    try:
        match request:
            case grammar.Daily():
                return await answer_daily(daily, ctx, request, client, now)
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
            case grammar.SetMyNudges(enabled=enabled):
                await coach.set_my_nudges(ctx, enabled)
                return blocks.plain_message(
                    "Your passive nudges are back on, in every channel." if enabled else
                    "Your passive nudges are off, in every channel; others' are not. /coach nudges on brings "
                    "them back, and /coach <situation> still coaches you when you ask.")
            case grammar.SetMode(mode=mode):
                settings = await coach.set_reply_mode(ctx, mode)
                return blocks.settings_message(settings, f"Reply mode is now {mode}.")
            case _:
                return blocks.help_message()
    except UnknownDeal as error:
        return blocks.unknown_deal_message(error)


async def _slack_timezone(client: AsyncWebClient, user_id: str) -> str | None:
    """The rep's timezone from their Slack profile; None when Slack cannot tell us right now."""
    try:
        answer_ = await client.users_info(user=user_id)
    except SlackApiError as error:
        data = error.response.data  # not JSON when a proxy or a stand-in answers: a string
        log.warning("users.info for %s failed: %s", user_id,
                    data.get("error") if isinstance(data, dict) else f"HTTP {error.response.status_code}")
        return None
    return (answer_.get("user") or {}).get("tz")


async def answer_daily(daily: DailyExercises, ctx: CommandContext, request: grammar.Daily, client: AsyncWebClient,
                       now: datetime) -> RenderedMessage:
    who = {"team_id": ctx.team_id, "user_id": ctx.user_id, "now": now}
    match request.action:
        case "show":
            return blocks.daily_settings_message(await daily.settings(team_id=ctx.team_id, user_id=ctx.user_id), now)
        case "on":
            tz = await _slack_timezone(client, ctx.user_id)  # refreshed at every opt-in
            rep = await daily.update(**who, enabled=True, at=request.at, tz=tz)
            return blocks.daily_settings_message(rep, now, "Daily exercises are on.")
        case "off":
            rep = await daily.update(**who, enabled=False)
            return blocks.daily_settings_message(rep, now, "Stopped.")
        case "time":
            rep = await daily.update(**who, at=request.at)
            return blocks.daily_settings_message(rep, now, f"Time set to {request.at:%H:%M}.")
        case "days":
            rep = await daily.update(**who, days=request.days)
            return blocks.daily_settings_message(rep, now, "Days updated.")
        case _:
            rep = await daily.update(**who, snooze_days=request.snooze_days)
            if rep is None or not rep.enabled:  # saying "Snoozed" about exercises that are off leaves them guessing
                return blocks.daily_settings_message(rep, now, "Nothing to snooze: no exercise is coming.")
            return blocks.daily_settings_message(rep, now, f"Snoozed for {request.snooze_days} days.")


def register(app: AsyncApp, coach: Coach, daily: DailyExercises) -> None:
    @app.command("/coach")
    async def on_coach(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
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
            message = await answer(coach, daily, ctx, request, client)
        except Exception:
            log.exception("/coach %s failed", type(request).__name__)
            message = RenderedMessage(
                text="Sorry, Heartful could not answer that just now; please try again.",
                blocks=[],
            )
        await respond(response_type="ephemeral", text=message.text, blocks=message.blocks or None,
                      replace_original=False)
