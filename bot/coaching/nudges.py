"""Passive nudges: one call per channel message decides everything it leads to, inside the caller's unit of work,
and returns what to send. Sending (and retrying the send) is the adapters' job."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.coaching.guidance import Nudge, compose_nudge
from bot.coaching.library import Guidance, PromptLibrary
from bot.coaching.models import ChannelSettings, Reading, RecordedUpdate
from bot.coaching.ports import DealNamer, DealStore

MODEL_GUIDANCE_ID = "model"


@dataclass(frozen=True, slots=True)
class ChannelMessage:
    """A message posted in a deal channel, as the coach needs it."""

    team_id: str
    channel_id: str
    user_id: str | None  # the rep, or the integration's bot id
    ts: str
    thread_ts: str | None
    text: str
    from_integration: bool  # CRM integrations and other bots: deal updates yes, nudges never

    @property
    def reply_thread_ts(self) -> str:
        return self.thread_ts or self.ts

    def as_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ChannelMessage:
        return cls(**{name: record.get(name) for name in cls.__slots__})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class NudgeReply:
    nudge: Nudge
    only_to: str | None  # the rep, when the channel wants nudges only the poster sees (ephemeral)


@dataclass(frozen=True, slots=True)
class ChannelReply:
    """What one channel message leads to. Empty (nothing recorded, nothing to send) for chatter."""

    message: ChannelMessage
    reading: Reading
    recorded: RecordedUpdate | None = None  # a deal update was recorded: mark the message, tell a person poster
    nudge: NudgeReply | None = None

    @property
    def tell_poster(self) -> bool:
        """People see what was recorded (with a Fix button); CRM cards and bots have no one to tell."""
        return self.recorded is not None and not self.message.from_integration and bool(self.message.user_id)


def rotation_key(channel_id: str, deal_name: str | None) -> str:
    """Care questions rotate per deal, or per channel when no deal is named."""
    return f"deal:{channel_id}:{deal_name.casefold()}" if deal_name else f"channel:{channel_id}"


def tailored(nudge: Nudge, guidance: str | None) -> Nudge:
    """The model's guidance in place of the library's; the care question always comes from the library."""
    if not guidance:
        return nudge
    return replace(nudge, guidance=Guidance(id=MODEL_GUIDANCE_ID, stall_kind=nudge.stall_kind, text=guidance))


def prompts_version_label(library: PromptLibrary) -> str:
    """Which edition of the prompt files produced a reply, e.g. 'care_questions@1,step_back@2'."""
    return ",".join(f"{name}@{version}" for name, version in sorted(library.versions.items()) if name in
                    ("care_questions", "step_back"))


def needs_channel_name(reading: Reading) -> bool:
    """A deal update that names no deal belongs to the channel's deal (#deal-acme): the caller looks the channel's
    name up first, outside the transaction, and passes it in."""
    update = reading.deal_update
    return update is not None and not (update.deal_name or reading.deal_name)


async def handle_channel_message(
    message: ChannelMessage, reading: Reading, *, store: DealStore, library: PromptLibrary, namer: DealNamer,
    channel_name: str | None = None, model_guidance: str | None = None,
) -> ChannelReply:
    """Record the deal update the message states, choose the nudge a stall deserves (recorded, so the next one
    rotates past it), and say what to send. `store` is one unit of work: all of it commits, or none."""
    if reading.is_empty:
        return ChannelReply(message=message, reading=reading)
    known = await store.deal_names(team_id=message.team_id, channel_id=message.channel_id)
    if known:
        reading = namer.name_deal(message.text, reading, known)
    channel = await store.ensure_channel(team_id=message.team_id, channel_id=message.channel_id)
    recorded = await _record_update(message, reading, channel, store=store, channel_name=channel_name)
    nudge = None
    if reading.stall is not None and not message.from_integration and not channel.muted and (
            not message.user_id or await store.rep_wants_nudges(team_id=message.team_id, user_id=message.user_id)):
        nudge = await _choose_nudge(message, reading, channel, recorded, store=store, library=library,
                                    model_guidance=model_guidance)
    return ChannelReply(message=message, reading=reading, recorded=recorded, nudge=nudge)


async def _record_update(message: ChannelMessage, reading: Reading, channel: ChannelSettings, *, store: DealStore,
                         channel_name: str | None) -> RecordedUpdate | None:
    if reading.deal_update is None:
        return None
    deal_name = reading.deal_update.deal_name or reading.deal_name or channel.name
    if not deal_name and channel_name:
        deal_name = channel_name
        await store.set_channel_name(team_id=message.team_id, channel_id=message.channel_id, name=channel_name)
    if not deal_name:
        return None  # no deal to put it on: the channel's name is unknown too
    return await store.record_deal_update(
        team_id=message.team_id, channel_id=message.channel_id, deal_name=deal_name, update_=reading.deal_update,
        user_id=message.user_id, source="crm" if message.from_integration else "person", message_ts=message.ts,
    )


async def _choose_nudge(message: ChannelMessage, reading: Reading, channel: ChannelSettings,
                        recorded: RecordedUpdate | None, *, store: DealStore, library: PromptLibrary,
                        model_guidance: str | None) -> NudgeReply:
    assert reading.stall is not None
    deal = recorded.deal if recorded else None
    if deal is None and reading.deal_name:
        deal = await store.find_deal(team_id=message.team_id, channel_id=message.channel_id, name=reading.deal_name)
    key = rotation_key(message.channel_id, reading.deal_name or (deal.name if deal else None))
    last = await store.last_choice(rotation_key=key, channel_id=message.channel_id, stall_kind=reading.stall.kind)
    nudge = tailored(compose_nudge(library, reading.stall.kind, last_question_id=last.question_id,
                                   last_guidance_id=last.guidance_id), model_guidance)
    await store.record_nudge(
        team_id=message.team_id, channel_id=message.channel_id, deal_id=deal.id if deal else None, rotation_key=key,
        origin="message", user_id=message.user_id, message_ts=message.ts, thread_ts=message.reply_thread_ts,
        reply_mode=channel.reply_mode, stall_kind=nudge.stall_kind, question_id=nudge.question.id,
        guidance_id=nudge.guidance.id, prompts_version=prompts_version_label(library),
    )
    ephemeral = channel.reply_mode == "ephemeral" and message.user_id
    return NudgeReply(nudge=nudge, only_to=message.user_id if ephemeral else None)
