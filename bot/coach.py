"""The coach for /coach and the reader's helpers (reading, the model's second opinion). Channel messages are
handled by bot/coaching/nudges.py through bot/delivery/channel_messages.py. No Slack here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.coaching.guidance import Nudge, compose_nudge, next_care_question
from bot.coaching.library import CareQuestion, PromptLibrary
from bot.coaching.second_opinion import Opinion, combine, guidance_is_acceptable, worth_a_second_opinion
from bot.coaching.models import (MAX_AMOUNT, ChannelSettings, Deal, DealUpdate, RecordedUpdate, ReplyMode, Reading,
                                 TimelineEntry)
from bot.coaching.nudges import prompts_version_label, rotation_key, tailored
from bot.coaching.ports import SecondOpinion
from bot.coaching.situations import RhythmAdvice, rhythm_advice
from bot.reading.batching import BatchingReader
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

# A nudge must reach the thread within three seconds of the message: the model gets two of them at most.
NUDGE_MODEL_DEADLINE_S = 2.0


@dataclass(frozen=True, slots=True)
class Consulted:
    reading: Reading
    guidance: str | None  # the model's tailored step-back guidance, when it passed the care check
    opinion: Opinion | None


@dataclass(frozen=True, slots=True)
class CommandContext:
    """Who asked /coach, and where."""

    team_id: str
    channel_id: str
    user_id: str


class UnknownDeal(Exception):
    """No deal by that name in this channel; carries the names there are."""

    def __init__(self, name: str, known: list[str], *, ambiguous: bool = False,
                 usage: str = "/coach deal <name>") -> None:
        super().__init__(name)
        self.name = name
        self.known = known
        self.ambiguous = ambiguous  # several deals match: the caller must be more specific
        self.usage = usage  # of the command that named it


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


class Coach:
    def __init__(self, *, library: PromptLibrary, repository: Repository, reader: BatchingReader,
                 advisor: SecondOpinion | None = None, advisor_timeout_s: float = 8.0) -> None:
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
        nudge = tailored(compose_nudge(self.library, reading.stall.kind, last_question_id=last.question_id,
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
            deal = await self._one_deal(ctx, deal_name, usage="/coach question [deal]")
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

    async def forget_workspace(self, team_id: str) -> dict[str, int]:
        return await self.repository.forget_workspace(team_id=team_id)

    async def set_my_nudges(self, ctx: CommandContext, enabled: bool) -> None:
        await self.repository.set_rep_nudges(team_id=ctx.team_id, user_id=ctx.user_id, enabled=enabled)

    async def set_reply_mode(self, ctx: CommandContext, mode: ReplyMode) -> ChannelSettings:
        return await self.repository.update_channel_settings(
            team_id=ctx.team_id, channel_id=ctx.channel_id, changed_by=ctx.user_id, reply_mode=mode
        )

    async def _deal_named(self, ctx: CommandContext, name: str | None) -> Deal | None:
        if not name:
            return None
        return await self.repository.find_deal(team_id=ctx.team_id, channel_id=ctx.channel_id, name=name)

    async def _one_deal(self, ctx: CommandContext, name: str, *, usage: str) -> Deal:
        matches = await self.repository.match_deals(team_id=ctx.team_id, channel_id=ctx.channel_id, name=name)
        if len(matches) > 1:
            raise UnknownDeal(name, [deal.name for deal in matches], ambiguous=True, usage=usage)
        if not matches:
            raise UnknownDeal(name, await self.repository.deal_names(team_id=ctx.team_id, channel_id=ctx.channel_id),
                              usage=usage)
        return matches[0]

    # fixing a recorded update -----------------------------------------------------------------------------------

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
