"""The daily "ask someone for help" exercise: opt-in, the every-minute tick, and the rep's answers.
No Slack here: sending is behind ExerciseSender, implemented in bot/slack/exercise_sender.py.

A post whose outcome is unknown is never blindly repeated: the DM channel is noted on the claim before posting,
and a later attempt (a claim taken over after its lease, or released after an answer that may hide a post) first
looks for the delivery's message in that channel and, if it is there, records it as sent."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Protocol

from bot.coaching.exercises_choice import choose_exercise
from bot.coaching.library import Exercise, PromptLibrary
from bot.coaching.models import DeliveryClaim, RepDaily
from bot.coaching.schedule import DEFAULT_TIME, WORKDAYS, DailySchedule, Slot, decide, local_date, next_slot, streak
from bot.storage.daily import DailyRepository

log = logging.getLogger(__name__)


class PostOutcome(Enum):
    """After a failed call, whether the DM may exist anyway."""

    NOT_POSTED = "not_posted"  # Slack answered, and nothing went out
    MAYBE_POSTED = "maybe_posted"  # Slack answered an error after which the post may exist
    UNANSWERED = "unanswered"  # a timeout or disconnect: the post may exist, or still land


class DeliveryFailed(Exception):
    """A failed Slack call, as the sender saw it. `permanent`: no later try can work. `channel_gone`: Slack no
    longer knows the DM channel, so open it again."""

    def __init__(self, code: str, *, permanent: bool = False, outcome: PostOutcome = PostOutcome.NOT_POSTED,
                 channel_gone: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent
        self.outcome = outcome
        self.channel_gone = channel_gone


@dataclass(frozen=True, slots=True)
class SentMessage:
    channel: str
    ts: str


class ExerciseSender(Protocol):
    async def open_dm(self, *, team_id: str, user_id: str) -> str: ...

    async def post(self, *, channel: str, exercise: Exercise, streak: int, delivery_id: int) -> SentMessage:
        """Post the DM, marked with the delivery id so find_posted can find it."""
        ...

    async def find_posted(self, *, channel: str, delivery_id: int) -> str | None:
        """The ts of this delivery's DM in the channel, None when it is not there."""
        ...

    async def timezone_of(self, *, team_id: str, user_id: str) -> str | None: ...


FINISHED = frozenset({"sent", "failed", "missed"})  # delivery statuses no later tick changes
DUE_PAGE = 500  # reps read per query; pacing makes a page take about two minutes per workspace anyway


@dataclass
class TickReport:
    sent: list[tuple[str, str, date, str]] = field(default_factory=list)  # (team, user, local date, exercise id)
    missed: list[tuple[str, str, date]] = field(default_factory=list)
    stopped: list[tuple[str, str, str]] = field(default_factory=list)  # (team, user, error)
    retried: list[tuple[str, str, str]] = field(default_factory=list)  # (team, user, error): a later tick tries
    # Of `sent`: found already posted by an earlier attempt (in the DM's history), so not posted again.
    recovered: list[tuple[str, str, date]] = field(default_factory=list)
    # Whether an earlier attempt posted could not be found out: the day is given up rather than maybe doubled.
    gave_up: list[tuple[str, str, str]] = field(default_factory=list)
    skipped_claimed: int = 0


@dataclass(frozen=True, slots=True)
class DailyTimings:
    grace: timedelta = timedelta(hours=3)
    lease: timedelta = timedelta(minutes=5)
    send_interval: float = 0.25  # seconds between DMs in one workspace: 240 a minute, under Slack's limits
    jitter: float = 0.2  # ± share of the interval, so replicas do not send in lockstep


def schedule_of(rep: RepDaily) -> DailySchedule:
    return DailySchedule(tz=rep.tz, at=rep.at, days=rep.days, snoozed_until=rep.snoozed_until)


class _Pacer:
    """Spaces sends within one workspace; workspaces run side by side."""

    def __init__(self, interval: float, jitter: float) -> None:
        self.interval = interval
        self.jitter = jitter
        self._next = 0.0

    async def wait(self) -> None:
        if self.interval <= 0:
            return
        loop = asyncio.get_running_loop()
        delay = self._next - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        spread = self.interval * self.jitter
        self._next = loop.time() + self.interval + random.uniform(-spread, spread)


class DailyExercises:
    def __init__(self, *, repository: DailyRepository, library: PromptLibrary, sender: ExerciseSender,
                 timings: DailyTimings = DailyTimings()) -> None:
        self.repository = repository
        self.library = library
        self.sender = sender
        self.timings = timings

    # settings ---------------------------------------------------------------------------------------------------

    async def settings(self, *, team_id: str, user_id: str) -> RepDaily | None:
        return await self.repository.rep(team_id=team_id, user_id=user_id)

    async def update(self, *, team_id: str, user_id: str, now: datetime, tz: str | None = None,
                     enabled: bool | None = None, at: time | None = None, days: frozenset[int] | None = None,
                     snooze_days: int | None = None) -> RepDaily:
        """Change any of the settings and recompute the next delivery. The first one is never in the past:
        opting in at 09:30 for 09:00 starts tomorrow."""
        current = await self.repository.rep(team_id=team_id, user_id=user_id)
        schedule = DailySchedule(
            tz=tz or (current.tz if current else "UTC"),
            at=at or (current.at if current else DEFAULT_TIME),
            days=days or (current.days if current else WORKDAYS),
            snoozed_until=current.snoozed_until if current else None,
        )
        if snooze_days is not None:
            schedule = replace(schedule, snoozed_until=local_date(now, schedule.tz) + timedelta(days=snooze_days - 1))
        is_on = enabled if enabled is not None else (current.enabled if current else False)
        slot = next_slot(schedule, now=now) if is_on else None
        return await self.repository.save_settings(
            team_id=team_id, user_id=user_id, enabled=is_on, at=schedule.at, days=schedule.days,
            snoozed_until=schedule.snoozed_until, tz=tz, slot=slot, now=now,
        )

    async def timezone_changed(self, *, team_id: str, user_id: str, tz: str, now: datetime) -> RepDaily | None:
        """The rep moved: deliver at their chosen time in the new zone. A date already delivered stays claimed."""
        rep = await self.repository.rep(team_id=team_id, user_id=user_id)
        if rep is None or rep.tz == tz:
            return rep
        return await self.update(team_id=team_id, user_id=user_id, now=now, tz=tz)

    # the tick ---------------------------------------------------------------------------------------------------

    async def tick(self, now: datetime) -> TickReport:
        """Send every due exercise once. Safe to run on several replicas at once: the claim decides."""
        report = TickReport()
        pacers: dict[str, _Pacer] = defaultdict(lambda: _Pacer(self.timings.send_interval, self.timings.jitter))

        async def run_team(team_id: str, reps: list[RepDaily]) -> None:
            for rep in reps:
                try:
                    await self._deliver(rep, now, report, pacers[team_id])
                except Exception:  # one rep's trouble must not stop the others
                    log.exception("daily exercise for %s failed", rep.user_id)

        after: tuple[datetime, int] | None = None
        seen: set[int] = set()  # a rep whose schedule moved on can show up on a later page: once a tick
        while due := await self.repository.due_reps(now=now, limit=DUE_PAGE, after=after):
            by_team: dict[str, list[RepDaily]] = defaultdict(list)
            for rep in due:
                if rep.rep_pk not in seen:
                    seen.add(rep.rep_pk)
                    by_team[rep.team_id].append(rep)
            await asyncio.gather(*(run_team(team, reps) for team, reps in by_team.items()))
            last = due[-1]
            assert last.next_due_at is not None
            after = (last.next_due_at, last.rep_pk)
        return report

    async def _deliver(self, rep: RepDaily, now: datetime, report: TickReport, pacer: _Pacer) -> None:
        assert rep.next_due_at is not None and rep.next_due_date is not None
        schedule = schedule_of(rep)
        slot = Slot(local_date=rep.next_due_date, due_at=rep.next_due_at)
        while decide(slot, now=now, grace=self.timings.grace) == "missed":
            # The app was down past the grace window: skip that day (never send at 3 a.m.) and look at the next,
            # which may be due right now.
            await self.repository.mark_missed(rep=rep, local_date=slot.local_date, now=now)
            following = next_slot(schedule, now=now, after=slot.local_date, grace=self.timings.grace)
            await self.repository.advance(rep_pk=rep.rep_pk, slot=following, only_from=slot.local_date)
            report.missed.append((rep.team_id, rep.user_id, slot.local_date))
            if following is None:
                return
            slot = following
        if decide(slot, now=now, grace=self.timings.grace) == "wait":
            return
        upcoming = next_slot(schedule, now=now, after=slot.local_date)
        claim = await self.repository.claim(rep=rep, local_date=slot.local_date, now=now, lease=self.timings.lease)
        if claim is None:
            status = await self.repository.delivery_status(rep_pk=rep.rep_pk, local_date=slot.local_date)
            if status in FINISHED:  # finished elsewhere; make sure the schedule moved on
                await self.repository.advance(rep_pk=rep.rep_pk, slot=upcoming, only_from=slot.local_date)
            report.skipped_claimed += 1
            return
        await self._send_claimed(claim, schedule, now, report, pacer, upcoming)

    async def _send_claimed(self, claim: DeliveryClaim, schedule: DailySchedule, now: datetime, report: TickReport,
                            pacer: _Pacer, upcoming: Slot | None) -> None:
        rep = claim.rep
        earlier = await self.repository.unfinished_attempt(claim.delivery_id)
        recent = await self.repository.recent_exercise_ids(rep_pk=rep.rep_pk)
        exercise = choose_exercise(self.library, recent_ids=recent, seed=hash((rep.rep_pk, claim.local_date)))
        done = await self.repository.done_dates(rep_pk=rep.rep_pk, since=claim.local_date - timedelta(days=400))
        current_streak = streak(schedule, done_dates=done, today=claim.local_date)
        dm_channel = await self.repository.known_dm_channel(rep_pk=rep.rep_pk)
        await pacer.wait()
        if earlier is not None:
            # An earlier attempt may have posted (its process died, or Slack never answered): look before posting.
            try:
                found_ts = await self.sender.find_posted(channel=earlier.dm_channel, delivery_id=claim.delivery_id)
            except DeliveryFailed as failure:
                await self._unverified(claim, failure, now, report, upcoming)
                return
            if found_ts is not None:
                await self._record_sent(claim, earlier.exercise_id, SentMessage(earlier.dm_channel, found_ts), now,
                                        report, upcoming)
                report.recovered.append((rep.team_id, rep.user_id, claim.local_date))
                return
        try:
            sent = await self._post(claim, exercise, current_streak, dm_channel, now)
        except DeliveryFailed as failure:
            await self._post_failed(claim, failure, now, report)
            return
        if sent is None:  # another replica took the claim over after its lease
            report.skipped_claimed += 1
            return
        await self._record_sent(claim, exercise.id, sent, now, report, upcoming)

    async def _post(self, claim: DeliveryClaim, exercise: Exercise, current_streak: int, known_channel: str | None,
                    now: datetime) -> SentMessage | None:
        rep = claim.rep
        channel = known_channel or await self.sender.open_dm(team_id=rep.team_id, user_id=rep.user_id)
        try:
            return await self._post_in(channel, claim, exercise, current_streak, now)
        except DeliveryFailed as failure:
            if known_channel is None or not failure.channel_gone:
                raise
        # Slack no longer knows the DM we used: open it again (conversations.open is rate-limited, so only now).
        channel = await self.sender.open_dm(team_id=rep.team_id, user_id=rep.user_id)
        return await self._post_in(channel, claim, exercise, current_streak, now)

    async def _post_in(self, channel: str, claim: DeliveryClaim, exercise: Exercise, current_streak: int,
                       now: datetime) -> SentMessage | None:
        # Recorded before posting, under our claim, so whoever tries next knows where to look for this post.
        if not await self.repository.record_attempt(delivery_id=claim.delivery_id, claimed_at=now,
                                                    dm_channel=channel, exercise_id=exercise.id):
            return None
        return await self.sender.post(channel=channel, exercise=exercise, streak=current_streak,
                                      delivery_id=claim.delivery_id)

    async def _record_sent(self, claim: DeliveryClaim, exercise_id: str, sent: SentMessage, now: datetime,
                           report: TickReport, upcoming: Slot | None) -> None:
        rep = claim.rep
        await self.repository.mark_sent(delivery_id=claim.delivery_id, exercise_id=exercise_id,
                                        dm_channel=sent.channel, message_ts=sent.ts, now=now)
        await self.repository.advance(rep_pk=rep.rep_pk, slot=upcoming, only_from=claim.local_date)
        report.sent.append((rep.team_id, rep.user_id, claim.local_date, exercise_id))

    async def _post_failed(self, claim: DeliveryClaim, failure: DeliveryFailed, now: datetime,
                           report: TickReport) -> None:
        rep = claim.rep
        if failure.permanent:
            await self.repository.mark_failed(delivery_id=claim.delivery_id, error=failure.code)
            await self.repository.stop(rep_pk=rep.rep_pk, reason=failure.code)
            report.stopped.append((rep.team_id, rep.user_id, failure.code))
            log.warning("daily exercises stopped for %s: %s", rep.user_id, failure.code)
            return
        report.retried.append((rep.team_id, rep.user_id, failure.code))
        if failure.outcome is PostOutcome.UNANSWERED:
            # The post may still land: keep the claim. After its lease a tick takes it over and looks first.
            log.warning("daily exercise for %s: %s, outcome unknown", rep.user_id, failure.code)
            return
        # Worth another try on a later tick (within the grace window), which looks first if the post may exist.
        await self.repository.release(delivery_id=claim.delivery_id, claimed_at=now, error=failure.code,
                                      maybe_posted=failure.outcome is PostOutcome.MAYBE_POSTED)
        await self._refresh_tz(rep, now)  # the rep may have moved zone

    async def _unverified(self, claim: DeliveryClaim, failure: DeliveryFailed, now: datetime, report: TickReport,
                          upcoming: Slot | None) -> None:
        """Looking for the earlier post failed."""
        rep = claim.rep
        if not failure.permanent:
            await self.repository.release(delivery_id=claim.delivery_id, claimed_at=now, error=failure.code,
                                          maybe_posted=True)
            report.retried.append((rep.team_id, rep.user_id, failure.code))
            return
        # It can't be known whether it went out, and a blind repeat could double it: give this day up.
        await self.repository.mark_failed(delivery_id=claim.delivery_id, error=failure.code)
        await self.repository.advance(rep_pk=rep.rep_pk, slot=upcoming, only_from=claim.local_date)
        report.gave_up.append((rep.team_id, rep.user_id, failure.code))
        log.warning("daily exercise for %s on %s given up: %s", rep.user_id, claim.local_date, failure.code)

    async def _refresh_tz(self, rep: RepDaily, now: datetime) -> None:
        try:
            tz = await self.sender.timezone_of(team_id=rep.team_id, user_id=rep.user_id)
        except DeliveryFailed:
            return
        if tz and tz != rep.tz:
            await self.timezone_changed(team_id=rep.team_id, user_id=rep.user_id, tz=tz, now=now)

    # the rep's answers ------------------------------------------------------------------------------------------

    async def find_delivery(self, *, dm_channel: str, message_ts: str) -> tuple[int, RepDaily, date] | None:
        return await self.repository.delivery_for_message(dm_channel=dm_channel, message_ts=message_ts)

    async def mark_done(self, *, delivery_id: int, now: datetime, what_asked: str, how_it_felt: str) -> None:
        await self.repository.record_outcome(delivery_id=delivery_id, outcome="done", now=now,
                                             what_asked=what_asked, how_it_felt=how_it_felt)

    async def skip(self, *, delivery_id: int, now: datetime) -> None:
        await self.repository.record_outcome(delivery_id=delivery_id, outcome="skipped", now=now)

    async def another(self, *, delivery_id: int, rep: RepDaily, current_id: str | None) -> Exercise:
        recent = await self.repository.recent_exercise_ids(rep_pk=rep.rep_pk)
        exclude = [current_id, *recent] if current_id else recent
        exercise = choose_exercise(self.library, recent_ids=exclude, seed=random.randrange(1 << 30))
        await self.repository.set_exercise(delivery_id=delivery_id, exercise_id=exercise.id)
        return exercise

    async def streak_for(self, rep: RepDaily, today: date) -> int:
        done = await self.repository.done_dates(rep_pk=rep.rep_pk, since=today - timedelta(days=400))
        return streak(schedule_of(rep), done_dates=done, today=today)
