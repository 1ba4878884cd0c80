"""The daily exercise DM's buttons, the reflection modal, and timezone changes."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.coaching.library import Exercise
from bot.coaching.models import RepDaily
from bot.daily_exercises import DailyExercises
from bot.slack.exercise_blocks import (
    ANOTHER_ACTION, DONE_ACTION, HOW_IT_FELT, REFLECTION_VIEW, SKIP_ACTION, WHAT_ASKED, exercise_message,
    reflection_modal,
)

log = logging.getLogger(__name__)


def _where(body: dict[str, Any]) -> tuple[str, str]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return str(channel), str(ts)


@dataclass(frozen=True, slots=True)
class _Pressed:
    """A button on an exercise DM, resolved to its delivery and exercise."""

    channel: str
    ts: str
    delivery_id: int
    rep: RepDaily
    day: date
    exercise: Exercise


def register(app: AsyncApp, daily: DailyExercises) -> None:
    library = daily.library

    async def pressed(body: dict[str, Any], action: dict[str, Any]) -> _Pressed | None:
        """None for a DM we have no record of, or an exercise since removed from prompts/ (nothing to do)."""
        channel, ts = _where(body)
        found = await daily.find_delivery(dm_channel=channel, message_ts=ts)
        try:
            exercise = library.exercise(action.get("value", ""))
        except KeyError:
            log.info("button for unknown exercise %r ignored", action.get("value"))
            return None
        if found is None:
            return None
        delivery_id, rep, day = found
        return _Pressed(channel=channel, ts=ts, delivery_id=delivery_id, rep=rep, day=day, exercise=exercise)

    @app.action(DONE_ACTION)
    async def on_done(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if (button := await pressed(body, action)) is None:
            return
        await client.views_open(trigger_id=body["trigger_id"],
                                view=reflection_modal(delivery_id=button.delivery_id, channel=button.channel,
                                                      ts=button.ts, exercise=button.exercise))

    @app.view(REFLECTION_VIEW)
    async def on_reflection(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
                            ) -> None:
        values = view["state"]["values"]
        what = (values[WHAT_ASKED][WHAT_ASKED].get("value") or "").strip()
        felt = (values[HOW_IT_FELT][HOW_IT_FELT].get("value") or "").strip()
        errors = {block: "Write a few words here." for block, text in ((WHAT_ASKED, what), (HOW_IT_FELT, felt))
                  if not text}
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        now = datetime.now(UTC)
        await daily.mark_done(delivery_id=int(meta["delivery_id"]), now=now, what_asked=what, how_it_felt=felt)
        found = await daily.find_delivery(dm_channel=meta["channel"], message_ts=meta["ts"])
        if found is None:
            return
        _id, rep, day = found
        exercise = library.exercise(meta["exercise_id"])
        streak = await daily.streak_for(rep, day)
        message = exercise_message(exercise, streak=streak, state=":white_check_mark: Done: you asked for help. "
                                   "Thank you for trying it.")
        await client.chat_update(channel=meta["channel"], ts=meta["ts"], text=message.text, blocks=message.blocks)

    @app.action(SKIP_ACTION)
    async def on_skip(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if (button := await pressed(body, action)) is None:
            return
        await daily.skip(delivery_id=button.delivery_id, now=datetime.now(UTC))
        message = exercise_message(button.exercise, streak=await daily.streak_for(button.rep, button.day),
                                   state="Skipped for today. See you at the next one.")
        await client.chat_update(channel=button.channel, ts=button.ts, text=message.text, blocks=message.blocks)

    @app.action(ANOTHER_ACTION)
    async def on_another(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
                         ) -> None:
        await ack()
        if (button := await pressed(body, action)) is None:
            return
        exercise = await daily.another(delivery_id=button.delivery_id, rep=button.rep, current_id=button.exercise.id)
        message = exercise_message(exercise, streak=await daily.streak_for(button.rep, button.day))
        await client.chat_update(channel=button.channel, ts=button.ts, text=message.text, blocks=message.blocks)

    @app.event("user_change")
    async def on_user_change(event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user") or {}
        tz = user.get("tz")
        team_id = body.get("team_id") or user.get("team_id")
        if tz and user.get("id") and team_id:
            await daily.timezone_changed(team_id=str(team_id), user_id=str(user["id"]), tz=str(tz),
                                         now=datetime.now(UTC))
