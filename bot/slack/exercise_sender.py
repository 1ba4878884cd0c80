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

    async def send(self, *, team_id: str, user_id: str, exercise: Exercise, streak: int) -> SentMessage:
        message = exercise_message(exercise, streak=streak)
        try:
            opened = await self.client.conversations_open(users=user_id)
            channel = str(opened["channel"]["id"])
            posted = await self.client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            raise DeliveryFailed(_code(error)) from error
        return SentMessage(channel=channel, ts=str(posted["ts"]))

    async def timezone_of(self, *, team_id: str, user_id: str) -> str | None:
        try:
            answer = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            raise DeliveryFailed(_code(error)) from error
        user = answer.get("user") or {}
        return user.get("tz")
