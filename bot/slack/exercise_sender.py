"""The daily exercise over the Web API: conversations.open, chat.postMessage (carrying the delivery id in message
metadata) and conversations.history to find such a post again. Slack's and aiohttp's failures become DeliveryFailed,
saying whether the post may exist anyway."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.coaching.library import Exercise
from bot.daily_exercises import DeliveryFailed, PostOutcome, SentMessage
from bot.slack.exercise_blocks import exercise_message
from bot.slack.failures import slack_failure

EXERCISE_EVENT_TYPE = "heartful_exercise"  # message metadata on the DM: which delivery it is
CHANNEL_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel"})
HISTORY_PAGE = 100  # Slack may answer fewer (15 for some apps); has_more pages on
HISTORY_PAGES = 3


async def _call(call: Awaitable[Any], *, posting: bool = False) -> Any:
    """Await one Web API call; `posting` when it may post, so a lost answer means the post may exist."""
    try:
        return await call
    except Exception as error:
        failure = slack_failure(error, effectful=posting)
        if failure is None:
            raise
        outcome = (PostOutcome.NOT_POSTED if not failure.may_have_happened
                   else PostOutcome.MAYBE_POSTED if failure.answered else PostOutcome.UNANSWERED)
        raise DeliveryFailed(failure.code, permanent=failure.permanent, outcome=outcome,
                             channel_gone=failure.code in CHANNEL_GONE) from error


def _delivery_of(message: dict[str, Any]) -> int | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != EXERCISE_EVENT_TYPE:
        return None
    try:
        return int((metadata.get("event_payload") or {}).get("delivery_id"))
    except (TypeError, ValueError):
        return None


class SlackExerciseSender:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def open_dm(self, *, team_id: str, user_id: str) -> str:
        opened = await _call(self.client.conversations_open(users=user_id))
        return str(opened["channel"]["id"])

    async def post(self, *, channel: str, exercise: Exercise, streak: int, delivery_id: int) -> SentMessage:
        message = exercise_message(exercise, streak=streak)
        posted = await _call(self.client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks,
            metadata={"event_type": EXERCISE_EVENT_TYPE, "event_payload": {"delivery_id": delivery_id}},
        ), posting=True)
        return SentMessage(channel=channel, ts=str(posted["ts"]))

    async def find_posted(self, *, channel: str, delivery_id: int) -> str | None:
        """Newest first, until this delivery's message or an earlier delivery's (ours can't be older than that)."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                page = await _call(self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=HISTORY_PAGE, cursor=cursor))
            except DeliveryFailed as failure:
                if failure.channel_gone:  # a post in a channel Slack no longer has is one the rep can't see
                    return None
                raise
            for message in page.get("messages") or []:
                found = _delivery_of(message)
                if found == delivery_id:
                    return str(message["ts"])
                if found is not None and found < delivery_id:
                    return None
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        # Neither found nor ruled out: a repeat could double it.
        raise DeliveryFailed("history_too_long", permanent=True)

    async def timezone_of(self, *, team_id: str, user_id: str) -> str | None:
        answer = await _call(self.client.users_info(user=user_id))
        user = answer.get("user") or {}
        return user.get("tz")
