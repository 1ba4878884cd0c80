"""The Fix button on "Recorded on …" and its modal: translate, ack, call the coach, render, send."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.coach import Coach, CommandContext, InvalidFix, NotYourUpdate, UnknownUpdate, parse_deal_fix
from bot.slack.blocks import (
    DEAL_FIX_ACTION, DEAL_FIX_FIELDS, DEAL_FIX_VIEW, RenderedMessage, deal_fix_modal, deal_update_recorded_message,
    not_your_update_message,
)

log = logging.getLogger(__name__)

GONE = RenderedMessage(text="That update is no longer recorded, so there is nothing to fix.", blocks=[])


def _team(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")


def _event_id(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _submitted(view: dict[str, Any]) -> dict[str, str | None]:
    """The modal's inputs by field name: a text input's value, a select's chosen option."""
    values = (view.get("state") or {}).get("values") or {}
    out: dict[str, str | None] = {}
    for field in DEAL_FIX_FIELDS:
        state = (values.get(field) or {}).get(field) or {}
        out[field] = (state.get("selected_option") or {}).get("value") if "selected_option" in state \
            else state.get("value")
    return out


def register(app: AsyncApp, coach: Coach) -> None:
    @app.action(DEAL_FIX_ACTION)
    async def on_fix(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                     client: AsyncWebClient) -> None:
        await ack()
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        ctx = CommandContext(team_id=_team(body), channel_id=channel, user_id=str(body["user"]["id"]))
        event_id = _event_id(action.get("value"))
        try:
            if event_id is None:
                raise UnknownUpdate(action.get("value"))
            recorded = await coach.update_to_fix(ctx, event_id)
        except (UnknownUpdate, NotYourUpdate) as refused:
            message = not_your_update_message(refused.poster) if isinstance(refused, NotYourUpdate) else GONE
            await respond(response_type="ephemeral", replace_original=False, text=message.text,
                          blocks=message.blocks or None)
            return
        # Where to answer once the modal is saved: the response_url replaces this ephemeral in place.
        meta = {"event_id": event_id, "channel_id": channel, "response_url": body.get("response_url"),
                "thread_ts": container.get("thread_ts") or recorded.message_ts}
        await client.views_open(trigger_id=body["trigger_id"],
                                view=deal_fix_modal(recorded, private_metadata=json.dumps(meta)))

    @app.view(DEAL_FIX_VIEW)
    async def on_fix_saved(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
                           ) -> None:
        try:
            fields = parse_deal_fix(_submitted(view))
        except InvalidFix as invalid:
            await ack(response_action="errors", errors=invalid.errors)
            return
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        user = str(body["user"]["id"])
        ctx = CommandContext(team_id=_team(body), channel_id=str(meta.get("channel_id") or ""), user_id=user)
        event_id = _event_id(meta.get("event_id"))

        async def tell(message: RenderedMessage, *, in_place: bool) -> None:
            if in_place and meta.get("response_url"):  # the poster's own "Recorded on …" line, replaced
                try:
                    sent = await AsyncWebhookClient(str(meta["response_url"])).send(
                        response_type="ephemeral", replace_original=True, text=message.text, blocks=message.blocks)
                    if sent.status_code == 200:
                        return
                    log.info("response_url refused the fix answer (%s); posting it instead", sent.status_code)
                except Exception as exc:  # an expired or unreachable response_url: post it instead
                    log.info("response_url failed for the fix answer (%r); posting it instead", exc)
            try:
                await client.chat_postEphemeral(channel=ctx.channel_id, user=user, thread_ts=meta.get("thread_ts"),
                                                text=message.text, blocks=message.blocks or None)
            except SlackApiError as exc:
                log.warning("could not answer %s's fix in %s: %s", user, ctx.channel_id, exc.response.get("error"))

        try:
            if event_id is None:
                raise UnknownUpdate(meta.get("event_id"))
            deal = await coach.fix_deal_update(ctx, event_id, fields)
        except NotYourUpdate as refused:
            await tell(not_your_update_message(refused.poster), in_place=False)
            return
        except UnknownUpdate:
            await tell(GONE, in_place=False)
            return
        await tell(deal_update_recorded_message(event_id=event_id, deal_name=deal.name, update=fields, corrected=True),
                   in_place=True)
