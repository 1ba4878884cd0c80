"""A channel message's reply as Slack calls (the outbox stored with the decision), and sending them so that none
is ever sent twice: a post whose outcome is unknown is looked for before it is repeated."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coaching.nudges import ChannelReply
from bot.delivery.retry import WorkFailed
from bot.slack.blocks import deal_update_recorded_message, nudge_message
from bot.slack.failures import SlackFailure, slack_failure

log = logging.getLogger(__name__)

DEAL_UPDATE_REACTION = "memo"
REPLY_EVENT_TYPE = "heartful_reply"  # message metadata on our thread posts: which event they answer
# Ephemeral messages can't be read back: after an unknown outcome they are not repeated (never doubled).
UNVERIFIABLE = {"chat.postEphemeral"}
_HARMLESS = {"already_reacted"}  # the reaction is there: that is what we wanted
EFFECTFUL = {"chat.postMessage", "chat.postEphemeral"}  # a second reactions.add is harmless: no need to look


def outbox_for(reply: ChannelReply, *, event_id: str) -> list[dict[str, Any]]:
    """The Slack calls a reply needs, in order, each `pending`: mark the update, tell its poster, then the nudge."""
    message = reply.message
    items: list[dict[str, Any]] = []
    if reply.recorded is not None:
        items.append(_item("reaction", "reactions.add", channel=message.channel_id, timestamp=message.ts,
                           name=DEAL_UPDATE_REACTION))
        if reply.tell_poster:
            rendered = deal_update_recorded_message(event_id=reply.recorded.event_id,
                                                    deal_name=reply.recorded.deal.name, update=reply.recorded.update)
            items.append(_item("recorded", "chat.postEphemeral", channel=message.channel_id, user=message.user_id,
                               thread_ts=message.reply_thread_ts, text=rendered.text, blocks=rendered.blocks))
    if reply.nudge is not None:
        rendered = nudge_message(reply.nudge.nudge)
        if reply.nudge.only_to:
            items.append(_item("nudge", "chat.postEphemeral", channel=message.channel_id, user=reply.nudge.only_to,
                               thread_ts=message.reply_thread_ts, text=rendered.text, blocks=rendered.blocks))
        else:
            items.append(_item("nudge", "chat.postMessage", channel=message.channel_id,
                               thread_ts=message.reply_thread_ts, text=rendered.text, blocks=rendered.blocks,
                               unfurl_links=False,
                               metadata={"event_type": REPLY_EVENT_TYPE, "event_payload": {"event_id": event_id}}))
    return items


def _item(part: str, method: str, **args: Any) -> dict[str, Any]:
    return {"part": part, "method": method, "args": args, "state": "pending"}


class SlackReplies:
    """Sends outbox items. An item whose earlier attempt may have gone out (`maybe_sent`) is first looked for in
    its thread (by the event id in its metadata); an ephemeral one, which can't be looked for, is not repeated."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(self, item: dict[str, Any], *, event_id: str, maybe_sent: bool) -> dict[str, Any]:
        """The item, sent (state `sent`, with the posted ts when there is one) or given up on (state `unknown`).
        Raises WorkFailed when it is not sent."""
        method, args = item["method"], item["args"]
        if maybe_sent and method in UNVERIFIABLE:
            log.warning("%s for event %s may have been sent already; not repeated", item["part"], event_id)
            return {**item, "state": "unknown"}
        if maybe_sent and method == "chat.postMessage":
            found = await self._posted_ts(args, event_id)
            if found is not None:
                return {**item, "state": "sent", "ts": found}
        try:
            answer = await self.client.api_call(method, json=args)
        except Exception as error:
            failure = slack_failure(error, effectful=method in EFFECTFUL)
            if failure is None:
                raise
            if failure.code in _HARMLESS:
                return {**item, "state": "sent"}
            raise work_failed(failure) from error
        return {**item, "state": "sent", "ts": answer.get("ts") or answer.get("message_ts")}

    async def _posted_ts(self, args: dict[str, Any], event_id: str) -> str | None:
        try:
            answer = await self.client.conversations_replies(channel=args["channel"], ts=args["thread_ts"],
                                                             include_all_metadata=True, limit=200)
        except Exception as error:
            failure = slack_failure(error, effectful=False)
            if failure is None:
                raise
            raise work_failed(failure) from error
        for message in answer.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == REPLY_EVENT_TYPE and \
                    (metadata.get("event_payload") or {}).get("event_id") == event_id:
                return str(message["ts"])
        return None

    async def channel_name(self, channel_id: str) -> str | None:
        """For a deal update that names no deal: #deal-acme's name. None when Slack won't say."""
        try:
            info = await self.client.conversations_info(channel=channel_id)
            return str(info["channel"]["name"])
        except (SlackApiError, KeyError, TypeError, asyncio.TimeoutError, aiohttp.ClientError) as exc:
            log.warning("could not read the name of %s: %s", channel_id, exc)
            return None


def work_failed(failure: SlackFailure) -> WorkFailed:
    return WorkFailed(failure.code, transient=not failure.permanent, outcome_unknown=failure.may_have_happened,
                      retry_after_s=failure.retry_after_s)
