"""Sends the daily exercise over the Web API: conversations.open, then chat.postMessage."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coaching.library import Exercise
from bot.daily_exercises import DeliveryFailed, SentMessage
from bot.slack.exercise_blocks import exercise_message


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


class SlackExerciseSender:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(self, *, team_id: str, user_id: str, exercise: Exercise, streak: int,
                   dm_channel: str | None = None) -> SentMessage:
        """Posts to the DM channel we already know; opens it (conversations.open is rate-limited) only the first
        time, or when Slack no longer knows the old one."""
        message = exercise_message(exercise, streak=streak)
        try:
            if dm_channel:
                try:
                    return await self._post(dm_channel, message.text, message.blocks)
                except SlackApiError as error:
                    if _code(error) not in ("channel_not_found", "is_archived", "not_in_channel"):
                        raise
            opened = await self.client.conversations_open(users=user_id)
            return await self._post(str(opened["channel"]["id"]), message.text, message.blocks)
        except SlackApiError as error:
            raise DeliveryFailed(_code(error)) from error

    async def _post(self, channel: str, text: str, blocks: list[dict]) -> SentMessage:
        posted = await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        return SentMessage(channel=channel, ts=str(posted["ts"]))

    async def timezone_of(self, *, team_id: str, user_id: str) -> str | None:
        try:
            answer = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            raise DeliveryFailed(_code(error)) from error
        user = answer.get("user") or {}
        return user.get("tz")
