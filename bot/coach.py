"""The coach service: domain decisions plus the storage they need. No Slack here: listeners call it with plain data."""

from __future__ import annotations

import logging
import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Protocol

from bot.coaching.guidance import Nudge, compose_nudge, next_care_question
from bot.coaching.library import CareQuestion, Guidance, PromptLibrary
from bot.coaching.second_opinion import Opinion, combine, guidance_is_acceptable, worth_a_second_opinion
from bot.coaching.models import MAX_AMOUNT, ChannelSettings, Deal, DealUpdate, ReplyMode, Reading, TimelineEntry
from bot.coaching.situations import RhythmAdvice, rhythm_advice
from bot.reading.batching import BatchingReader
from bot.storage.repository import RecordedUpdate, Repository

log = logging.getLogger(__name__)

ChannelNameLookup = Callable[[], Awaitable[str | None]]

# A nudge must reach the thread within three seconds of the message: the model gets two of them at most.
NUDGE_MODEL_DEADLINE_S = 2.0
MODEL_GUIDANCE_ID = "model"


class SecondOpinionSource(Protocol):
    async def second_opinion(self, *, team_id: str, text: str) -> Opinion: ...


@dataclass(frozen=True, slots=True)
class Consulted:
    reading: Reading
    guidance: str | None  # the model's tailored step-back guidance, when it passed the care check
    opinion: Opinion | None


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


@dataclass(frozen=True, slots=True)
class CoachDecision:
    reading: Reading
    channel: ChannelSettings | None = None
    deal: Deal | None = None  # the deal the update was recorded on
    nudge: Nudge | None = None
    rotation_key: str | None = None


@dataclass(frozen=True, slots=True)
class CommandContext:
    """Who asked /coach, and where."""

    team_id: str
    channel_id: str
    user_id: str


class UnknownDeal(Exception):
    """No deal by that name in this channel; carries the names there are."""

    def __init__(self, name: str, known: list[str], *, ambiguous: bool = False) -> None:
        super().__init__(name)
        self.name = name
        self.known = known
        self.ambiguous = ambiguous  # several deals match: the caller must be more specific


@dataclass(frozen=True, slots=True)
class DealAnswer:
    """`/coach deal <name>`: one deal and its timeline, or several that match."""

    matches: list[Deal]
    timeline: list[TimelineEntry]


class UnknownUpdate(Exception):
    """No such recorded update in this workspace and channel."""


class NotYourUpdate(Exception):
    """Only the person who posted an update may fix it."""

    def __init__(self, poster: str | None) -> None:
        super().__init__(poster)
        self.poster = poster


class InvalidFix(Exception):
    """What is wrong with a submitted fix, by field: name, stage, amount, currency, next_step, outcome."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


FIX_OUTCOMES = ("open", "won", "lost")
FIX_LENGTHS = {"name": 120, "stage": 80, "next_step": 300}


def parse_deal_fix(values: Mapping[str, str | None]) -> DealUpdate:
    """A fix as submitted (plain strings, any may be blank) to the fields it sets; InvalidFix says what to change.
    Outcome "open" means the update closes nothing."""
    text = {field: (values.get(field) or "").strip() for field in ("name", "stage", "next_step")}
    errors: dict[str, str] = {}
    if not text["name"]:
        errors["name"] = "Name the deal."
    for field, limit in FIX_LENGTHS.items():
        if len(text[field]) > limit:
            errors[field] = f"Keep this to {limit} characters (it has {len(text[field])})."
    amount = None
    if raw_amount := (values.get("amount") or "").strip().replace(",", ""):
        try:
            amount = Decimal(raw_amount)
        except InvalidOperation:
            errors["amount"] = "Write the amount as a number, e.g. 45000."
        else:
            if not amount.is_finite() or not 0 <= amount < MAX_AMOUNT:
                errors["amount"] = "The amount must be at least 0 and less than 1,000,000,000,000."
            elif amount != amount.quantize(Decimal("0.01")):
                errors["amount"] = "Use at most two decimal places."
    currency = (values.get("currency") or "").strip().upper()
    if currency and not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        errors["currency"] = "Use a three-letter currency code, e.g. USD."
    elif currency and not raw_amount:
        errors["currency"] = "Add an amount, or clear the currency."
    outcome = values.get("outcome") or "open"
    if outcome not in FIX_OUTCOMES:
        errors["outcome"] = "Choose open, won or lost."
    if errors:
        raise InvalidFix(errors)
    fields = DealUpdate(deal_name=text["name"], stage=text["stage"] or None, amount=amount,
                        currency=currency or None, next_step=text["next_step"] or None,
                        outcome=None if outcome == "open" else outcome)  # type: ignore[arg-type]
    if fields.stage is None and fields.amount is None and fields.next_step is None and fields.outcome is None:
        raise InvalidFix({"stage": "An update sets at least one of stage, amount, next step or a won/lost outcome."})
    return fields


def rotation_key(channel_id: str, deal_name: str | None) -> str:
    """Care questions rotate per deal, or per channel when no deal is named."""
    return f"deal:{channel_id}:{deal_name.casefold()}" if deal_name else f"channel:{channel_id}"


class Completions:
    """The channel messages whose handling has finished (answered, recorded, or decided against): the signal a
    "nothing happened" check waits on instead of a sleep. Bounded: only the latest ids are kept."""

    def __init__(self, keep: int = 10_000) -> None:
        self._done: dict[str, None] = {}
        self._keep = keep
        self._changed: asyncio.Event | None = None

    def mark(self, ts: str) -> None:
        self._done[ts] = None
        if len(self._done) > self._keep:
            del self._done[next(iter(self._done))]
        if self._changed is not None:
            self._changed.set()

    async def wait(self, ts: str, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while ts not in self._done:
                self._changed = self._changed or asyncio.Event()
                self._changed.clear()
                await self._changed.wait()


class Coach:
    def __init__(self, *, library: PromptLibrary, repository: Repository, reader: BatchingReader,
                 advisor: SecondOpinionSource | None = None, advisor_timeout_s: float = 8.0) -> None:
        self.completions = Completions()
        self.library = library
        self.reader = reader
        self.repository = repository
        self.advisor = advisor
        self.advisor_timeout_s = advisor_timeout_s

    def worth_more_than_reading(self, reading: Reading) -> bool:
        """Whether a message goes further than the reader: something found, or (with a model) a reading unsure
        enough to ask about. Ordinary chatter stops here and is never sent anywhere."""
        return not reading.is_empty or (self.advisor is not None and worth_a_second_opinion(reading))

    async def consult(self, *, team_id: str, text: str, rules: Reading, deadline_s: float) -> Consulted:
        """Rules plus, when configured, the model's second opinion. Never slower than `deadline_s`, never
        without an answer: on any failure the rules' reading stands."""
        if self.advisor is None or not worth_a_second_opinion(rules):
            return Consulted(reading=rules, guidance=None, opinion=None)
        try:
            opinion = await asyncio.wait_for(self.advisor.second_opinion(team_id=team_id, text=text), deadline_s)
        except TimeoutError:
            opinion = Opinion(None, "timeout")
        except Exception:  # the model layer must never cost the rep an answer
            log.exception("second opinion failed")
            opinion = Opinion(None, "invalid")
        if opinion.outcome != "ok":
            log.info("model gave no opinion (%s); using the rules", opinion.outcome)
        reading = combine(rules, opinion.reading)
        guidance = opinion.reading.guidance if opinion.reading and reading.stall else None
        return Consulted(reading=reading, guidance=guidance if guidance_is_acceptable(guidance) else None,
                         opinion=opinion)

    @staticmethod
    def tailored(nudge: Nudge, guidance: str | None) -> Nudge:
        """The model's guidance in place of the library's; the care question always comes from the library."""
        if not guidance:
            return nudge
        return replace(nudge, guidance=Guidance(id=MODEL_GUIDANCE_ID, stall_kind=nudge.stall_kind, text=guidance))

    async def first_delivery(self, *, event_id: str | None, team_id: str) -> bool:
        """False for a Slack retry (or another replica's copy) of an event already being handled."""
        return event_id is None or await self.repository.claim_event(event_id=event_id, team_id=team_id)

    async def read(self, message: ChannelMessage) -> Reading:
        """Before any I/O: most channel messages are chatter and stop here (the cheap gate skips the model)."""
        return await self.reader.read(message.text)

    async def on_channel_message(
        self, message: ChannelMessage, reading: Reading, *, channel_name: ChannelNameLookup | None = None,
        model_guidance: str | None = None,
    ) -> CoachDecision:
        """Record any deal update and decide on a nudge. Sending is the caller's job.

        `channel_name` is asked only when an update names no deal and the channel's name is not yet known:
        an update in #deal-acme that says "moved to Proposal" belongs to the channel's deal.
        """
        if reading.is_empty:
            return CoachDecision(reading=reading)
        known = await self.repository.deal_names(team_id=message.team_id, channel_id=message.channel_id)
        if known:  # a deal already recorded here is named as recorded ("acme" is the deal "Acme Corp")
            reading = self.reader.reader.name_deal(message.text, reading, known)
        channel = await self.repository.ensure_channel(team_id=message.team_id, channel_id=message.channel_id)

        deal = None
        if reading.deal_update is not None:
            deal_name = reading.deal_update.deal_name or reading.deal_name or channel.name
            if not deal_name and channel_name is not None:
                deal_name = await channel_name()
                if deal_name:
                    await self.repository.set_channel_name(
                        team_id=message.team_id, channel_id=message.channel_id, name=deal_name
                    )
            if deal_name:
                deal = await self.repository.record_deal_update(
                    team_id=message.team_id,
                    channel_id=message.channel_id,
                    deal_name=deal_name,
                    update_=reading.deal_update,
                    user_id=message.user_id,
                    source="crm" if message.from_integration else "person",
                    message_ts=message.ts,
                )
            else:
                log.info("deal update without a deal name in %s; not recorded", message.channel_id)

        nudge = None
        key = None
        if reading.stall is not None and not message.from_integration and not channel.muted:
            key = rotation_key(message.channel_id, reading.deal_name or (deal.name if deal else None))
            last = await self.repository.last_choice(rotation_key=key, channel_id=message.channel_id,
                                                     stall_kind=reading.stall.kind)
            nudge = self.tailored(compose_nudge(
                self.library,
                reading.stall.kind,
                last_question_id=last.question_id,
                last_guidance_id=last.guidance_id,
            ), model_guidance)
        return CoachDecision(reading=reading, channel=channel, deal=deal, nudge=nudge, rotation_key=key)

    # /coach ----------------------------------------------------------------------------------------------------

    async def coach_situation(self, ctx: CommandContext, text: str) -> Nudge | RhythmAdvice:
        """The same coaching as a nudge when a stall is described, else the rhythm step that fits."""
        known = await self.repository.deal_names(team_id=ctx.team_id, channel_id=ctx.channel_id)
        consulted = await self.consult(team_id=ctx.team_id, text=text,
                                       rules=await self.reader.read(text, known_deals=known),
                                       deadline_s=self.advisor_timeout_s)
        reading = consulted.reading
        if reading.stall is None:
            return rhythm_advice(self.library, text, reading, self.reader.reader.vocabulary)
        key = rotation_key(ctx.channel_id, reading.deal_name)
        last = await self.repository.last_choice(rotation_key=key, channel_id=ctx.channel_id,
                                                 stall_kind=reading.stall.kind)
        nudge = self.tailored(compose_nudge(self.library, reading.stall.kind, last_question_id=last.question_id,
                                            last_guidance_id=last.guidance_id), consulted.guidance)
        deal = await self._deal_named(ctx, reading.deal_name)
        await self.repository.record_nudge(
            team_id=ctx.team_id, channel_id=ctx.channel_id, deal_id=deal.id if deal else None, rotation_key=key,
            origin="command", user_id=ctx.user_id, reply_mode="command", stall_kind=nudge.stall_kind,
            question_id=nudge.question.id, guidance_id=nudge.guidance.id,
            prompts_version=prompts_version_label(self.library),
        )
        return nudge

    async def care_question(self, ctx: CommandContext, deal_name: str | None) -> tuple[CareQuestion, Deal | None]:
        """One care question, rotating with the nudges for that deal (or this channel)."""
        deal = None
        if deal_name is not None:
            deal = await self._one_deal(ctx, deal_name)
        key = rotation_key(ctx.channel_id, deal.name if deal else None)
        last = await self.repository.last_choice(rotation_key=key)
        question = next_care_question(self.library, last_question_id=last.question_id)
        await self.repository.record_nudge(
            team_id=ctx.team_id, channel_id=ctx.channel_id, deal_id=deal.id if deal else None, rotation_key=key,
            origin="command", user_id=ctx.user_id, reply_mode="command", question_id=question.id,
            prompts_version=prompts_version_label(self.library),
        )
        return question, deal

    async def deals(self, ctx: CommandContext) -> list[Deal]:
        return await self.repository.deals_in_channel(team_id=ctx.team_id, channel_id=ctx.channel_id)

    async def deal(self, ctx: CommandContext, name: str) -> DealAnswer:
        matches = await self.repository.match_deals(team_id=ctx.team_id, channel_id=ctx.channel_id, name=name)
        if not matches:
            raise UnknownDeal(name, await self.repository.deal_names(team_id=ctx.team_id, channel_id=ctx.channel_id))
        timeline = await self.repository.deal_timeline(deal_id=matches[0].id) if len(matches) == 1 else []
        return DealAnswer(matches=matches, timeline=timeline)

    async def set_muted(self, ctx: CommandContext, muted: bool) -> ChannelSettings:
        return await self.repository.update_channel_settings(
            team_id=ctx.team_id, channel_id=ctx.channel_id, changed_by=ctx.user_id, muted=muted
        )

    async def set_reply_mode(self, ctx: CommandContext, mode: ReplyMode) -> ChannelSettings:
        return await self.repository.update_channel_settings(
            team_id=ctx.team_id, channel_id=ctx.channel_id, changed_by=ctx.user_id, reply_mode=mode
        )

    async def _deal_named(self, ctx: CommandContext, name: str | None) -> Deal | None:
        if not name:
            return None
        return await self.repository.find_deal(team_id=ctx.team_id, channel_id=ctx.channel_id, name=name)

    async def _one_deal(self, ctx: CommandContext, name: str) -> Deal:
        matches = await self.repository.match_deals(team_id=ctx.team_id, channel_id=ctx.channel_id, name=name)
        if len(matches) > 1:
            raise UnknownDeal(name, [deal.name for deal in matches], ambiguous=True)
        if not matches:
            raise UnknownDeal(name, await self.repository.deal_names(team_id=ctx.team_id, channel_id=ctx.channel_id))
        return matches[0]

    # fixing a recorded update -----------------------------------------------------------------------------------

    async def recorded_update(self, message: ChannelMessage) -> RecordedUpdate | None:
        """The update just recorded from this message, to tell its poster. None for CRM and bot posts: there is no
        person to tell."""
        if message.from_integration or not message.user_id:
            return None
        return await self.repository.recorded_update_for_message(
            team_id=message.team_id, channel_id=message.channel_id, message_ts=message.ts
        )

    async def update_to_fix(self, ctx: CommandContext, event_id: int) -> RecordedUpdate:
        """The update as it stands (its latest fix, if fixed), for its poster to correct."""
        recorded = await self.repository.recorded_update(event_id=event_id)
        if recorded is None or (recorded.team_id, recorded.channel_id) != (ctx.team_id, ctx.channel_id):
            raise UnknownUpdate(event_id)
        if recorded.source != "person" or recorded.poster != ctx.user_id:
            raise NotYourUpdate(recorded.poster)
        return recorded

    async def fix_deal_update(self, ctx: CommandContext, event_id: int, fields: DealUpdate) -> Deal:
        """Correct a recorded update (see Repository.correct_deal_update); the deal it now stands on, as it is now."""
        current = await self.update_to_fix(ctx, event_id)
        if current.update == fields:
            return current.deal  # saved unchanged: nothing to record
        try:
            fixed = await self.repository.correct_deal_update(event_id=event_id, fields=fields, user_id=ctx.user_id)
        except LookupError:
            raise UnknownUpdate(event_id) from None
        return fixed.deal

    # passive nudges ----------------------------------------------------------------------------------------------

    async def nudge_sent(self, message: ChannelMessage, decision: CoachDecision) -> None:
        """Record a nudge once it is posted, so the next one rotates past it."""
        assert decision.nudge is not None and decision.channel is not None and decision.rotation_key is not None
        deal_id = decision.deal.id if decision.deal else None
        if deal_id is None and decision.reading.deal_name:
            known = await self.repository.find_deal(
                team_id=message.team_id, channel_id=message.channel_id, name=decision.reading.deal_name
            )
            deal_id = known.id if known else None
        await self.repository.record_nudge(
            team_id=message.team_id,
            channel_id=message.channel_id,
            deal_id=deal_id,
            rotation_key=decision.rotation_key,
            origin="message",
            user_id=message.user_id,
            message_ts=message.ts,
            thread_ts=message.reply_thread_ts,
            reply_mode=decision.channel.reply_mode,
            stall_kind=decision.nudge.stall_kind,
            question_id=decision.nudge.question.id,
            guidance_id=decision.nudge.guidance.id,
            prompts_version=prompts_version_label(self.library),
        )


def prompts_version_label(library: PromptLibrary) -> str:
    """Which edition of the prompt files produced a reply, e.g. 'care_questions@1,step_back@2'."""
    return ",".join(f"{name}@{version}" for name, version in sorted(library.versions.items()) if name in
                    ("care_questions", "step_back"))
