"""Passive nudges: messages in deal channels (channels the bot was invited to). Translate, record, ack: the work
itself (read, decide, send, retry) is bot/delivery/channel_messages.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.coaching.nudges import ChannelMessage
from bot.delivery.channel_messages import ChannelMessageWork
from bot.slack.message_text import message_text

log = logging.getLogger(__name__)

# Subtypes that are someone saying something. Everything else (message_changed, message_deleted, channel_join,
# channel_topic, …) is housekeeping and never answered.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}
INTEGRATION_SUBTYPES = {"bot_message"}
DEAL_CHANNEL_TYPES = {"channel", "group"}
MAX_TEXT = 40_000  # Slack's own limit on a message's text


def channel_message(body: dict[str, Any], event: dict[str, Any]) -> ChannelMessage | None:
    """The message as the coach sees it, or None when it is not a deal-channel message worth reading."""
    subtype = event.get("subtype")
    if subtype not in PERSON_SUBTYPES | INTEGRATION_SUBTYPES:
        return None
    if event.get("channel_type", "channel") not in DEAL_CHANNEL_TYPES:
        return None
    from_integration = subtype in INTEGRATION_SUBTYPES or bool(event.get("bot_id")) or bool(event.get("bot_profile"))
    text = message_text(event).replace("\x00", "")[:MAX_TEXT]  # NUL: PostgreSQL refuses it in text and JSON
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


def register(app: AsyncApp, work: ChannelMessageWork) -> None:
    async def record_before_ack(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        # Listener middleware runs before Bolt answers Slack: the work is in the database before Slack has its 200,
        # or Slack gets a 503 and delivers the event again.
        event = body.get("event") or {}
        message = channel_message(body, event)
        if message is not None:
            worth, reading = work.worth_recording(message)
            if not worth:
                work.completions.mark(message.ts)  # chatter: nothing to record, nothing to send
            else:
                event_id = str(body.get("event_id") or f"{message.channel_id}:{message.ts}")
                try:
                    await work.accept(event_id=event_id, message=message, reading=reading)
                except Exception as error:
                    log.error("could not record event %s (%s); asking Slack to deliver it again", event_id,
                              str(error).splitlines()[0][:200] if str(error) else type(error).__name__)
                    return BoltResponse(status=503, body="")
        await next()
        return None

    @app.event("message", middleware=[record_before_ack])
    async def on_message() -> None:
        """Recorded already (or chatter): the work queue does the rest."""
