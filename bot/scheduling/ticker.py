"""APScheduler runs the daily-exercise tick every minute inside `heartful serve`.

APScheduler's job stores cannot be shared between processes, so the scheduler only keeps time; the database
decides who is due and claims each delivery. Several replicas may each run this ticker safely."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.daily_exercises import DailyExercises

log = logging.getLogger(__name__)

TICK_JOB_ID = "daily-exercise-tick"


class ExerciseTicker:
    def __init__(self, daily: DailyExercises, *, interval_s: int = 60) -> None:
        self.daily = daily
        self.interval_s = interval_s
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def tick(self) -> None:
        report = await self.daily.tick(datetime.now(UTC))
        if report.sent or report.missed or report.stopped or report.retried:
            log.info("daily exercises: %d sent, %d missed, %d stopped, %d to retry", len(report.sent),
                     len(report.missed), len(report.stopped), len(report.retried))

    def start(self) -> None:
        """Must be called with the event loop running. A stable job id makes a second start a replacement."""
        self.scheduler.add_job(
            self.tick, "interval", seconds=self.interval_s, id=TICK_JOB_ID, replace_existing=True,
            max_instances=1, coalesce=True, misfire_grace_time=self.interval_s, next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
