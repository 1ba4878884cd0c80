"""Passive nudges: messages in deal channels (channels the bot was invited to)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coach import NUDGE_MODEL_DEADLINE_S, ChannelMessage, Coach
from bot.slack.blocks import deal_update_recorded_message, nudge_message
from bot.slack.message_text import message_text

log = logging.getLogger(__name__)

# Subtypes that are someone saying something. Everything else (message_changed, message_deleted, channel_join,
# channel_topic, …) is housekeeping and never answered.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}
INTEGRATION_SUBTYPES = {"bot_message"}
DEAL_CHANNEL_TYPES = {"channel", "group"}
DEAL_UPDATE_REACTION = "memo"


def channel_message(body: dict[str, Any], event: dict[str, Any]) -> ChannelMessage | None:
    """The message as the coach sees it, or None when it is not a deal-channel message worth reading."""
    subtype = event.get("subtype")
    if subtype not in PERSON_SUBTYPES | INTEGRATION_SUBTYPES:
        return None
    if event.get("channel_type", "channel") not in DEAL_CHANNEL_TYPES:
        return None
    from_integration = subtype in INTEGRATION_SUBTYPES or bool(event.get("bot_id")) or bool(event.get("bot_profile"))
    text = message_text(event)
    if not text.strip() or not event.get("channel") or not event.get("ts"):
        return None
    return ChannelMessage(
        team_id=str(body.get("team_id") or event.get("team") or ""),
        channel_id=str(event["channel"]),
        user_id=event.get("user") or event.get("bot_id"),
        ts=str(event["ts"]),
        thread_ts=event.get("thread_ts"),
        text=text,
        from_integration=from_integration,
    )


def register(app: AsyncApp, coach: Coach) -> None:
    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        # Bolt has already acked: everything here happens after Slack got its 200.
        message = channel_message(body, event)
        if message is None:
            return
        try:
            await handle(message, body, client)
        finally:
            coach.completions.mark(message.ts)

    async def handle(message: ChannelMessage, body: dict[str, Any], client: AsyncWebClient) -> None:
        rules = await coach.read(message)
        if not coach.worth_more_than_reading(rules):
            return
        # Slack retries an event it thinks we missed; claiming its id first makes the second delivery a no-op,
        # on any replica. Chatter is never claimed: reading it again is harmless and costs no write.
        event_id = str(body["event_id"]) if body.get("event_id") else None
        if not await coach.first_delivery(event_id=event_id, team_id=message.team_id):
            log.info("event %s already handled; ignoring the retry", event_id)
            return

        async def channel_name() -> str | None:
            try:
                info = await client.conversations_info(channel=message.channel_id)
                return str(info["channel"]["name"])
            except (SlackApiError, KeyError, TypeError) as exc:
                log.warning("could not read the name of %s: %s", message.channel_id, exc)
                return None

        consulted = await coach.consult(team_id=message.team_id, text=message.text, rules=rules,
                                        deadline_s=NUDGE_MODEL_DEADLINE_S)
        if consulted.reading.is_empty:
            return
        decision = await coach.on_channel_message(message, consulted.reading, channel_name=channel_name,
                                                  model_guidance=consulted.guidance)
        if decision.deal is not None:
            await _react(client, message)
            await _tell_poster(client, coach, message)
        if decision.nudge is not None and decision.channel is not None:
            rendered = nudge_message(decision.nudge)
            if decision.channel.reply_mode == "ephemeral" and message.user_id:
                await client.chat_postEphemeral(
                    channel=message.channel_id, user=message.user_id, thread_ts=message.reply_thread_ts,
                    text=rendered.text, blocks=rendered.blocks,
                )
            else:
                await client.chat_postMessage(
                    channel=message.channel_id, thread_ts=message.reply_thread_ts,
                    text=rendered.text, blocks=rendered.blocks, unfurl_links=False,
                )
            await coach.nudge_sent(message, decision)


async def _react(client: AsyncWebClient, message: ChannelMessage) -> None:
    try:
        await client.reactions_add(channel=message.channel_id, timestamp=message.ts, name=DEAL_UPDATE_REACTION)
    except SlackApiError as exc:
        if exc.response.get("error") != "already_reacted":
            raise


async def _tell_poster(client: AsyncWebClient, coach: Coach, message: ChannelMessage) -> None:
    """What the update recorded, with a Fix button, to its poster only: ephemeral even when the channel's reply mode
    is thread, because nobody wants their typo fixes in public. The update is recorded either way."""
    recorded = await coach.recorded_update(message)
    if recorded is None or message.user_id is None:
        return
    rendered = deal_update_recorded_message(event_id=recorded.event_id, deal_name=recorded.deal.name,
                                            update=recorded.update)
    try:
        await client.chat_postEphemeral(channel=message.channel_id, user=message.user_id,
                                        thread_ts=message.reply_thread_ts, text=rendered.text, blocks=rendered.blocks)
    except SlackApiError as exc:
        log.warning("could not tell %s what was recorded in %s: %s", message.user_id, message.channel_id,
                    exc.response.get("error"))
