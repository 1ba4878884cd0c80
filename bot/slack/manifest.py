"""The Slack app manifest: everything Slack needs to create Heartful in one step."""

from __future__ import annotations

from typing import Any

from bot.slack.bolt_app import EVENTS_PATH

# The least bot scopes that work, each for a feature that uses it.
BOT_SCOPES = [
    "channels:history",  # read messages in public deal channels the bot was invited to
    "groups:history",  # … and in private ones
    "channels:read",  # conversations.info: name a deal after its channel when an update names none
    "groups:read",  # … for private channels
    "chat:write",  # nudges in threads, ephemeral replies, DMs
    "reactions:write",  # acknowledge a recorded deal update
    "im:write",  # conversations.open for the daily exercise DM
    "im:history",  # conversations.history of that DM: was an exercise whose answer never came posted after all?
    "users:read",  # users.info: the rep's timezone
    "commands",  # /coach
]
# user_change: a rep's timezone moves; app_uninstalled and tokens_revoked: the workspace leaves.
BOT_EVENTS = ["message.channels", "message.groups", "app_home_opened", "user_change", "app_uninstalled",
              "tokens_revoked"]


def build_manifest(*, http_base_url: str | None = None) -> dict[str, Any]:
    """Socket Mode by default (no public URL needed); with `http_base_url`, request URLs point at it instead."""
    request_url = http_base_url.rstrip("/") + EVENTS_PATH if http_base_url else None
    command: dict[str, Any] = {
        "command": "/coach",
        "description": "Ask Heartful how to step back with care, see deals, change settings",
        "usage_hint": "help | <situation> | question | deals | deal <name> | mute | unmute | mode | daily",
        "should_escape": False,
    }
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        command["url"] = request_url
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Heartful",
            "description": "Coaches sales reps to sell with care instead of pressure.",
            "background_color": "#8a3b5c",
            "long_description": (
                "Heartful listens in the deal channels you invite it to. When a prospect steps away (\"she wants "
                "to think it over\"), it suggests how to step back with them instead of chasing, and offers one "
                "question that shows you care. It records deal updates, answers /coach, and can send a short "
                "daily exercise by DM."
            ),
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "Heartful", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }
