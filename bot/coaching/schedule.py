"""When a rep's daily exercise is due: a pure function of their schedule and an instant. No clock, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
WORKDAYS = frozenset(range(5))
DEFAULT_TIME = time(9, 0)
MAX_SNOOZE_DAYS = 90
LOOKAHEAD_DAYS = 400  # long enough to get past any snooze and any day set


class ScheduleError(ValueError):
    """A time, day list or duration a rep typed that we cannot use; str() says what is wrong."""


@dataclass(frozen=True, slots=True)
class DailySchedule:
    tz: str
    at: time = DEFAULT_TIME
    days: frozenset[int] = WORKDAYS
    snoozed_until: date | None = None  # local date; no deliveries up to and including it

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)


@dataclass(frozen=True, slots=True)
class Slot:
    """One scheduled delivery: the rep's local date and the UTC instant it becomes due."""

    local_date: date
    due_at: datetime


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_time(text: str) -> time:
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[1]) != 2:
        raise ScheduleError(f"'{text}' is not a time; use 24-hour HH:MM, e.g. 09:00 or 16:30.")
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ScheduleError(f"'{text}' is not a time of day; hours go 00-23 and minutes 00-59.")
    return time(hour, minute)


def parse_days(text: str) -> frozenset[int]:
    """'mon-fri', 'mon,wed,fri', 'weekdays', 'every day', 'sat sun'."""
    cleaned = text.strip().casefold()
    if cleaned in ("weekdays", "workdays"):
        return WORKDAYS
    if cleaned in ("every day", "everyday", "daily", "all"):
        return frozenset(range(7))
    if cleaned == "weekends":
        return frozenset({5, 6})
    days: set[int] = set()
    for part in cleaned.replace(" ", ",").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if any(p[:3] not in WEEKDAYS for p in ([first, last] if dash else [first])):
            raise ScheduleError(f"'{part}' is not a day; use mon, tue, wed, thu, fri, sat, sun or a range like mon-fri.")
        start = WEEKDAYS.index(first[:3])
        end = WEEKDAYS.index(last[:3]) if dash else start
        index = start
        while True:  # a range may wrap: fri-mon
            days.add(index)
            if index == end:
                break
            index = (index + 1) % 7
    if not days:
        raise ScheduleError("Give at least one day, e.g. mon-fri or mon,wed,fri.")
    return frozenset(days)


def format_days(days: frozenset[int]) -> str:
    if days == WORKDAYS:
        return "mon-fri"
    if len(days) == 7:
        return "every day"
    return ",".join(WEEKDAYS[d] for d in sorted(days))


def parse_snooze(text: str) -> int:
    match = re.fullmatch(r"(\d{1,4})\s*(d|day|days)?", text.strip().casefold())
    if not match:
        raise ScheduleError(f"'{text}' is not a duration; use a number of days like 3d.")
    days = int(match.group(1))
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise ScheduleError(f"Snooze for 1 to {MAX_SNOOZE_DAYS} days, not {days}.")
    return days


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(zone(tz)).date()


def due_instant(schedule: DailySchedule, day: date) -> datetime:
    """The UTC instant of `day` at the rep's chosen local time. In a DST gap the wall time does not exist and
    zoneinfo reads it with the offset from before the gap (02:30 becomes 03:30); in an overlap the first one."""
    return datetime.combine(day, schedule.at, tzinfo=schedule.zone).astimezone(UTC)


def is_scheduled(schedule: DailySchedule, day: date) -> bool:
    if day.weekday() not in schedule.days:
        return False
    return schedule.snoozed_until is None or day > schedule.snoozed_until


def next_slot(schedule: DailySchedule, *, now: datetime, after: date | None = None,
              grace: timedelta = timedelta(0)) -> Slot | None:
    """The first scheduled local date later than `after` whose delivery can still happen: its due instant is in
    the future, or passed less than `grace` ago (the app was down; it sends late the same day)."""
    day = local_date(now, schedule.tz)
    if after is not None and after >= day:
        day = after + timedelta(days=1)
    for _ in range(LOOKAHEAD_DAYS):
        if is_scheduled(schedule, day):
            due = due_instant(schedule, day)
            if now - due <= grace:
                return Slot(local_date=day, due_at=due)
        day += timedelta(days=1)
    return None  # only when no day is scheduled at all


Decision = Literal["send", "wait", "missed"]


def decide(slot: Slot, *, now: datetime, grace: timedelta) -> Decision:
    """Compare 'local time has passed the chosen time', never 'equals it': a tick can come late."""
    if now < slot.due_at:
        return "wait"
    return "send" if now - slot.due_at <= grace else "missed"


def streak(schedule: DailySchedule, *, done_dates: Iterable[date], today: date) -> int:
    """Consecutive scheduled days done, counting back from the last scheduled day before `today` (today counts
    when already done). Days off (weekends by default) and snoozed days neither break nor extend it."""
    done = set(done_dates)
    count = 0
    day = today if today in done else today - timedelta(days=1)
    for _ in range(LOOKAHEAD_DAYS):
        if day.weekday() in schedule.days:
            if day not in done:
                break
            count += 1
        day -= timedelta(days=1)
    return count
