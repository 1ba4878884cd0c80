"""When a daily exercise is due: pure functions of a schedule and an instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.coaching.schedule import (
    DailySchedule, ScheduleError, Slot, decide, due_instant, next_slot, parse_days, parse_snooze, parse_time, streak,
)

NY = DailySchedule(tz="America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_due_instant_follows_dst_in_both_directions():
    assert due_instant(NY, date(2026, 10, 30)) == at("2026-10-30T13:00:00Z")  # EDT
    assert due_instant(NY, date(2026, 11, 2)) == at("2026-11-02T14:00:00Z")  # EST
    assert due_instant(NY, date(2027, 3, 15)) == at("2027-03-15T13:00:00Z")  # EDT again


def test_a_time_inside_the_spring_forward_gap_is_still_delivered_once_that_day():
    schedule = DailySchedule(tz="America/New_York", at=time(2, 30), days=frozenset(range(7)))
    due = due_instant(schedule, date(2027, 3, 14))  # 02:30 does not exist that night
    assert due.astimezone(schedule.zone).date() == date(2027, 3, 14)


def test_a_time_inside_the_fall_back_overlap_is_the_first_occurrence():
    schedule = DailySchedule(tz="America/New_York", at=time(1, 30), days=frozenset(range(7)))
    assert due_instant(schedule, date(2026, 11, 1)) == at("2026-11-01T05:30:00Z")


def test_next_slot_skips_weekends_and_snoozes():
    friday_evening = at("2026-11-27T23:00:00Z")
    assert next_slot(NY, now=friday_evening).local_date == date(2026, 11, 30)
    snoozed = DailySchedule(tz="America/New_York", snoozed_until=date(2026, 12, 1))
    assert next_slot(snoozed, now=friday_evening).local_date == date(2026, 12, 2)


def test_next_slot_with_grace_keeps_today_when_late_but_not_too_late():
    now = at("2026-11-24T15:30:00Z")  # 10:30 in New York, 1.5 h after 09:00
    assert next_slot(NY, now=now).local_date == date(2026, 11, 25)
    assert next_slot(NY, now=now, grace=timedelta(hours=3)).local_date == date(2026, 11, 24)


def test_decide_compares_passed_not_equal():
    slot = Slot(local_date=date(2026, 11, 24), due_at=at("2026-11-24T14:00:00Z"))
    grace = timedelta(hours=3)
    assert decide(slot, now=at("2026-11-24T13:59:59Z"), grace=grace) == "wait"
    assert decide(slot, now=at("2026-11-24T14:00:00Z"), grace=grace) == "send"
    assert decide(slot, now=at("2026-11-24T14:00:59Z"), grace=grace) == "send"
    assert decide(slot, now=at("2026-11-24T17:00:00Z"), grace=grace) == "send"
    assert decide(slot, now=at("2026-11-24T17:00:01Z"), grace=grace) == "missed"


def test_streak_counts_scheduled_days_only():
    done = [date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24)]  # Fri, Mon, Tue
    assert streak(NY, done_dates=done, today=date(2026, 11, 25)) == 3  # the weekend does not break it
    assert streak(NY, done_dates=done, today=date(2026, 11, 24)) == 3  # today done counts
    assert streak(NY, done_dates=done[1:], today=date(2026, 11, 25)) == 2
    assert streak(NY, done_dates=[], today=date(2026, 11, 25)) == 0


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("8:30", time(8, 30)), ("23:59", time(23, 59))])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "9am", "09:60", "", "09:5"])
def test_parse_time_rejects(text):
    with pytest.raises(ScheduleError):
        parse_time(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("mon-fri", {0, 1, 2, 3, 4}), ("mon,wed,fri", {0, 2, 4}), ("Sat Sun", {5, 6}), ("fri-mon", {4, 5, 6, 0}),
    ("every day", set(range(7))), ("weekdays", {0, 1, 2, 3, 4}), ("tuesday", {1}),
])
def test_parse_days(text, expected):
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["funday", "mon-xyz", ",", ""])
def test_parse_days_rejects(text):
    with pytest.raises(ScheduleError):
        parse_days(text)


def test_parse_snooze():
    assert parse_snooze("3d") == 3 and parse_snooze("10 days") == 10 and parse_snooze("1") == 1
    for bad in ("0d", "91d", "forever", "-2d", "3w"):
        with pytest.raises(ScheduleError):
            parse_snooze(bad)
