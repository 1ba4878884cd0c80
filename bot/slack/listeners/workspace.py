"""The workspace leaving: uninstalled (everything Heartful stored for it is deleted), or its tokens revoked."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.coach import Coach

log = logging.getLogger(__name__)


def register(app: AsyncApp, coach: Coach) -> None:
    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        team_id = str(body.get("team_id") or "")
        if not team_id:
            return
        removed = await coach.forget_workspace(team_id)
        log.warning("Heartful was uninstalled from %s: deleted %s", team_id,
                    ", ".join(f"{count} {table}" for table, count in removed.items() if count) or "nothing (none stored)")

    @app.event("tokens_revoked")
    async def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        # One workspace, one bot token: once it is revoked every Slack call fails until SLACK_BOT_TOKEN is replaced.
        bots = (event.get("tokens") or {}).get("bot") or []
        if bots:
            log.error("Slack revoked the bot token of %s; set a new SLACK_BOT_TOKEN (README.md, section 'Settings')",
                      body.get("team_id"))
