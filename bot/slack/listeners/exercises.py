"""The daily exercise DM's buttons, the reflection modal, and timezone changes."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

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


def register(app: AsyncApp, daily: DailyExercises) -> None:
    library = daily.library

    async def _delivery(body: dict[str, Any]):  # type: ignore[no-untyped-def]
        channel, ts = _where(body)
        return channel, ts, await daily.find_delivery(dm_channel=channel, message_ts=ts)

    @app.action(DONE_ACTION)
    async def on_done(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        channel, ts, found = await _delivery(body)
        if found is None:
            return
        delivery_id, _rep, _day = found
        try:
            exercise = library.exercise(action.get("value", ""))
        except KeyError:
            return
        await client.views_open(trigger_id=body["trigger_id"],
                                view=reflection_modal(delivery_id=delivery_id, channel=channel, ts=ts,
                                                      exercise=exercise))

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
        channel, ts, found = await _delivery(body)
        if found is None:
            return
        delivery_id, rep, day = found
        await daily.skip(delivery_id=delivery_id, now=datetime.now(UTC))
        exercise = library.exercise(action.get("value", ""))
        message = exercise_message(exercise, streak=await daily.streak_for(rep, day),
                                   state="Skipped for today. See you at the next one.")
        await client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)

    @app.action(ANOTHER_ACTION)
    async def on_another(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
                         ) -> None:
        await ack()
        channel, ts, found = await _delivery(body)
        if found is None:
            return
        delivery_id, rep, day = found
        exercise = await daily.another(delivery_id=delivery_id, rep=rep, current_id=action.get("value"))
        message = exercise_message(exercise, streak=await daily.streak_for(rep, day))
        await client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)

    @app.event("user_change")
    async def on_user_change(event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user") or {}
        tz = user.get("tz")
        team_id = body.get("team_id") or user.get("team_id")
        if tz and user.get("id") and team_id:
            await daily.timezone_changed(team_id=str(team_id), user_id=str(user["id"]), tz=str(tz),
                                         now=datetime.now(UTC))
