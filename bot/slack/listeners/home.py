"""App Home: what Heartful does and how to use it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.coaching.library import PromptLibrary


def home_view(library: PromptLibrary) -> View:
    steps = "\n".join(f"• *{step.name}*: {step.summary}" for step in library.rhythm)
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Heartful: sell with care, not pressure"),
            SectionBlock(text=MarkdownTextObject(text=(
                "Invite me to a deal channel (`/invite @Heartful`). When a prospect steps away (\"she wants to "
                "think it over\"), I reply in the thread with how to step back with them, and one question that "
                "shows you care. Deal updates get a :memo: when I record them."
            ))),
            SectionBlock(text=MarkdownTextObject(text="*The rhythm of a good sale*\n" + steps)),
            ContextBlock(elements=[MarkdownTextObject(text="Type `/coach help` in any channel for commands.")]),
        ],
    )


def register(app: AsyncApp, library: PromptLibrary) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        await client.views_publish(user_id=event["user"], view=home_view(library))
