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
from bot.storage.repository import clean_text
from bot.slack.exercise_blocks import (
    ANOTHER_ACTION, DONE_ACTION, HOW_IT_FELT, REFLECTION_VIEW, SKIP_ACTION, WHAT_ASKED, exercise_message,
    reflection_modal,
)

log = logging.getLogger(__name__)

REFLECTION_MAX = 2000  # the modal's inputs allow as much; a forged submission is clipped to it
DONE_STATE = ":white_check_mark: Done: you asked for help. Thank you for trying it."
SKIPPED_STATE = "Skipped for today. See you at the next one."


def _actor(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    return str(user.get("id")) if isinstance(user, dict) and user.get("id") else None


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
    outcome: str | None  # None while the rep hasn't answered; "done" or "skipped" after


def register(app: AsyncApp, daily: DailyExercises) -> None:
    library = daily.library

    async def outcome_of(delivery_id: int) -> str | None:
        row = await daily.repository.delivery_row(delivery_id)
        return row.outcome if row is not None else None

    async def pressed(body: dict[str, Any], action: dict[str, Any]) -> _Pressed | None:
        """None for a DM we have no record of, one that isn't the acting user's, or an exercise since removed from
        prompts/ (nothing to do)."""
        channel, ts = _where(body)
        try:
            exercise = library.exercise(str(action.get("value", "")))
        except KeyError:
            log.info("button for unknown exercise %.80r ignored", action.get("value"))
            return None
        found = await daily.find_delivery(dm_channel=channel, message_ts=ts)
        if found is None:
            return None
        delivery_id, rep, day = found
        if _actor(body) != rep.user_id:
            log.warning("%s pressed a button on delivery %d, which is %s's: ignored", _actor(body), delivery_id,
                        rep.user_id)
            return None
        return _Pressed(channel=channel, ts=ts, delivery_id=delivery_id, rep=rep, day=day, exercise=exercise,
                        outcome=await outcome_of(delivery_id))

    @app.action(DONE_ACTION)
    async def on_done(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if (button := await pressed(body, action)) is None:
            return
        if button.outcome == "done":  # an old copy of the DM: the reflection is already saved
            return
        await client.views_open(trigger_id=body["trigger_id"],
                                view=reflection_modal(delivery_id=button.delivery_id, channel=button.channel,
                                                      ts=button.ts, exercise=button.exercise))

    @app.view(REFLECTION_VIEW)
    async def on_reflection(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
                            ) -> None:
        values = view["state"]["values"]
        what = _answer(values, WHAT_ASKED)
        felt = _answer(values, HOW_IT_FELT)
        errors = {block: "Write a few words here." for block, text in ((WHAT_ASKED, what), (HOW_IT_FELT, felt))
                  if not text}
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            delivery_id, channel, ts = int(meta["delivery_id"]), str(meta["channel"]), str(meta["ts"])
            exercise = library.exercise(str(meta["exercise_id"]))
        except (ValueError, KeyError, TypeError):
            log.warning("reflection with unusable private_metadata ignored")
            return
        found = await daily.find_delivery(dm_channel=channel, message_ts=ts)
        if found is None or found[0] != delivery_id:
            log.warning("reflection for delivery %d, not the DM it names: ignored", delivery_id)
            return
        _id, rep, day = found
        if _actor(body) != rep.user_id:
            log.warning("%s submitted a reflection on delivery %d, which is %s's: ignored", _actor(body), delivery_id,
                        rep.user_id)
            return
        if await outcome_of(delivery_id) == "done":  # submitted twice: the first reflection stands
            return
        await daily.mark_done(delivery_id=delivery_id, now=datetime.now(UTC), what_asked=what, how_it_felt=felt)
        streak = await daily.streak_for(rep, day)
        message = exercise_message(exercise, streak=streak, state=DONE_STATE)
        await client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)

    @app.action(SKIP_ACTION)
    async def on_skip(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if (button := await pressed(body, action)) is None:
            return
        if button.outcome is not None:  # Skip never undoes a Done, and a second Skip changes nothing
            state = DONE_STATE if button.outcome == "done" else SKIPPED_STATE
        else:
            await daily.skip(delivery_id=button.delivery_id, now=datetime.now(UTC))
            state = SKIPPED_STATE
        message = exercise_message(button.exercise, streak=await daily.streak_for(button.rep, button.day),
                                   state=state)
        await client.chat_update(channel=button.channel, ts=button.ts, text=message.text, blocks=message.blocks)

    @app.action(ANOTHER_ACTION)
    async def on_another(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
                         ) -> None:
        await ack()
        if (button := await pressed(body, action)) is None or button.outcome is not None:
            return  # answered already: today's exercise stays the one done (or skipped)
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


def _answer(values: dict[str, Any], block: str) -> str:
    """One input of the modal: NUL bytes dropped, clipped to what the input allows, '' when missing."""
    try:
        value = values[block][block].get("value")
    except (KeyError, TypeError, AttributeError):
        return ""
    return (clean_text(value, REFLECTION_MAX) or "").strip() if isinstance(value, str) else ""
