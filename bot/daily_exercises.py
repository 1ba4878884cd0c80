"""The daily "ask someone for help" exercise: opt-in, the every-minute tick, and the rep's answers.
No Slack here: sending is behind ExerciseSender, implemented in bot/slack/exercise_sender.py."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol

from bot.coaching.exercises_choice import choose_exercise
from bot.coaching.library import Exercise, PromptLibrary
from bot.coaching.models import DeliveryClaim, RepDaily
from bot.coaching.schedule import DEFAULT_TIME, WORKDAYS, DailySchedule, Slot, decide, local_date, next_slot, streak
from bot.storage.daily import DailyRepository

log = logging.getLogger(__name__)

# Slack errors after which another try can never succeed: stop this rep's deliveries and say why.
PERMANENT_ERRORS = frozenset({"user_not_found", "account_inactive", "cannot_dm_bot", "user_disabled",
                              "is_bot", "not_allowed_token_type", "restricted_action"})


class DeliveryFailed(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.code in PERMANENT_ERRORS


@dataclass(frozen=True, slots=True)
class SentMessage:
    channel: str
    ts: str


class ExerciseSender(Protocol):
    async def send(self, *, team_id: str, user_id: str, exercise: Exercise, streak: int,
                   dm_channel: str | None = None) -> SentMessage: ...

    async def timezone_of(self, *, team_id: str, user_id: str) -> str | None: ...


DUE_PAGE = 500  # reps read per query; pacing makes a page take about two minutes per workspace anyway


@dataclass
class TickReport:
    sent: list[tuple[str, str, date, str]] = field(default_factory=list)  # (team, user, local date, exercise id)
    missed: list[tuple[str, str, date]] = field(default_factory=list)
    stopped: list[tuple[str, str, str]] = field(default_factory=list)  # (team, user, error)
    retried: list[tuple[str, str, str]] = field(default_factory=list)
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
        while due := await self.repository.due_reps(now=now, limit=DUE_PAGE, after=after):
            by_team: dict[str, list[RepDaily]] = defaultdict(list)
            for rep in due:
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
            if status != "claimed":  # finished elsewhere; make sure the schedule moved on
                await self.repository.advance(rep_pk=rep.rep_pk, slot=upcoming, only_from=slot.local_date)
            report.skipped_claimed += 1
            return
        await self._send_claimed(claim, schedule, now, report, pacer, upcoming)

    async def _send_claimed(self, claim: DeliveryClaim, schedule: DailySchedule, now: datetime, report: TickReport,
                            pacer: _Pacer, upcoming: Slot | None) -> None:
        rep = claim.rep
        recent = await self.repository.recent_exercise_ids(rep_pk=rep.rep_pk)
        exercise = choose_exercise(self.library, recent_ids=recent, seed=hash((rep.rep_pk, claim.local_date)))
        done = await self.repository.done_dates(rep_pk=rep.rep_pk, since=claim.local_date - timedelta(days=400))
        current_streak = streak(schedule, done_dates=done, today=claim.local_date)
        dm_channel = await self.repository.known_dm_channel(rep_pk=rep.rep_pk)
        await pacer.wait()
        try:
            sent = await self.sender.send(team_id=rep.team_id, user_id=rep.user_id, exercise=exercise,
                                          streak=current_streak, dm_channel=dm_channel)
        except DeliveryFailed as failure:
            if failure.permanent:
                await self.repository.mark_failed(delivery_id=claim.delivery_id, error=failure.code)
                await self.repository.stop(rep_pk=rep.rep_pk, reason=failure.code)
                report.stopped.append((rep.team_id, rep.user_id, failure.code))
                log.warning("daily exercises stopped for %s: %s", rep.user_id, failure.code)
            else:
                # Worth another try on a later tick (within the grace window); the rep may have moved zone.
                await self.repository.release(claim.delivery_id)
                await self._refresh_tz(rep, now)
                report.retried.append((rep.team_id, rep.user_id, failure.code))
            return
        await self.repository.mark_sent(delivery_id=claim.delivery_id, exercise_id=exercise.id,
                                        dm_channel=sent.channel, message_ts=sent.ts, now=now)
        await self.repository.advance(rep_pk=rep.rep_pk, slot=upcoming, only_from=claim.local_date)
        report.sent.append((rep.team_id, rep.user_id, claim.local_date, exercise.id))

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
