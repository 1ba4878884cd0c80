"""Domain replies rendered as Block Kit (slack_sdk's models) with a plain-text fallback. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.coaching.guidance import Nudge

STALL_LABELS = {
    "think_it_over": "wants to think it over",
    "consult_others": "wants to check with someone else",
    "send_info": "asked for information",
    "timing": "says the timing is not right",
    "budget": "has a budget constraint",
    "status_quo": "is happy with what they have",
    "no_interest": "is not interested right now",
}


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    text: str  # fallback for notifications and clients without Block Kit
    blocks: list[dict]


def _escape(text: str) -> str:
    # Slack mrkdwn needs only these three escaped.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nudge_message(nudge: Nudge) -> RenderedMessage:
    label = STALL_LABELS.get(nudge.stall_kind, nudge.stall_kind)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Step back with them.* {_escape(nudge.guidance.text)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*A question that shows you care:*\n>{_escape(nudge.question.text)}")),
        ContextBlock(elements=[MarkdownTextObject(text=f":seedling: Heartful noticed the prospect {label}.")]),
    ]
    text = f"Step back with them. {nudge.guidance.text}\nA question that shows you care: {nudge.question.text}"
    return RenderedMessage(text=text, blocks=[block.to_dict() for block in blocks])
