"""The daily exercise DM, its buttons and the reflection modal, as Block Kit. Pure."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement, SectionBlock,
)
from slack_sdk.models.views import View

from bot.coaching.library import Exercise
from bot.slack.blocks import RenderedMessage, _escape

DONE_ACTION = "exercise_done"
SKIP_ACTION = "exercise_skip"
ANOTHER_ACTION = "exercise_another"
REFLECTION_VIEW = "exercise_reflection"
WHAT_ASKED = "what_asked"
HOW_IT_FELT = "how_it_felt"


def streak_line(streak: int) -> str:
    if streak <= 0:
        return "A new start today."
    return f":fire: Streak: {streak} scheduled day{'s' if streak != 1 else ''} in a row."


def exercise_message(exercise: Exercise, *, streak: int, state: str | None = None) -> RenderedMessage:
    """`state` replaces the buttons once the rep answered ('done', 'skipped')."""
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(
            text=f"*Today's exercise: {_escape(exercise.title)}*\n{_escape(exercise.text)}")),
        ContextBlock(elements=[MarkdownTextObject(text=f"Afterwards, ask yourself: {_escape(exercise.reflection)}")]),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"{streak_line(streak)} To give help, you have to be willing to receive it.")]),
    ]
    if state is None:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text="I asked for help", action_id=DONE_ACTION, value=exercise.id, style="primary"),
            ButtonElement(text="Skip today", action_id=SKIP_ACTION, value=exercise.id),
            ButtonElement(text="Another one", action_id=ANOTHER_ACTION, value=exercise.id),
        ]))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=state)]))
    text = f"Today's exercise: {exercise.title}. {exercise.text}"
    return RenderedMessage(text=text, blocks=[block.to_dict() for block in blocks])


def reflection_modal(*, delivery_id: int, channel: str, ts: str, exercise: Exercise) -> dict:
    return View(
        type="modal",
        callback_id=REFLECTION_VIEW,
        title="You asked for help",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"delivery_id": delivery_id, "channel": channel, "ts": ts,
                                     "exercise_id": exercise.id}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{_escape(exercise.title)}*\n{_escape(exercise.reflection)}")),
            InputBlock(block_id=WHAT_ASKED, label="What did you ask, and whom?",
                       element=PlainTextInputElement(action_id=WHAT_ASKED, multiline=True, max_length=2000)),
            InputBlock(block_id=HOW_IT_FELT, label="How did it feel?",
                       element=PlainTextInputElement(action_id=HOW_IT_FELT, multiline=True, max_length=2000)),
        ],
    ).to_dict()
