"""Daily exercise fan-out at 10,000 opted-in reps.

    .venv/bin/python -m bench.daily_fanout [--reps 10000] [--teams 5] [--paced-reps 600] [--paced-teams 2]
                                          [--fanout-db sqlite|postgres|both] [--skip-query] [--skip-fanout] [--skip-paced]

(a) The due query: DailyRepository.due_reps(now=..., limit=100000) over 10,000 reps spread over 60 timezones, on SQLite
    (temp file, migrated with upgrade_database) and PostgreSQL (a throwaway database; skipped with a note when
    TEST_DATABASE_URL is unset). Median and p95 of 20 runs at several instants (from "one minute after the opt-in"
    to "everyone is due"), the number due, and the plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) of the exact SQL that
    due_reps sends. Goal: < 200 ms.
(b) The fan-out: DailyExercises.tick (built by build_heartful, real Slack client and sender) against the fake Slack
    Web API in its own process, with HTTP 429 + Retry-After: 1 on every 50th chat.postMessage. 10,000 reps in several
    workspaces with DAILY_SEND_INTERVAL_MS=0 (our own overhead and correctness), then 600 reps at the default 250 ms
    (the pacing). Counted at the fake: duplicates, misses, posts per 60 s window per workspace, the wait after each
    429, the smallest gap between two posts to one DM channel.

The 10,000 rows are inserted with SQLAlchemy core, computed exactly as DailyExercises.update + DailyRepository.
save_settings write them (same next_slot, same columns, same types); a sample is written both ways and compared.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time as dtime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

from bench._fake_slack import CallRecord, FakeSlackProcess
from bench._util import machine_line, median, ms, percentile, table
from bot.coaching.library import default_prompts_dir, load_library
from bot.coaching.schedule import DailySchedule, decide, local_date, next_slot
from bot.daily_exercises import DailyExercises, DailyTimings
from bot.storage import tables
from bot.storage.daily import DailyRepository
from bot.storage.session import create_engine, create_sessionmaker, upgrade_database

GOAL_QUERY_MS = 200
QUERY_RUNS = 20
RETRY_AFTER_S = 1
FAIL_EVERY = 50
FANOUT_TIMEOUT_S = 900

TIMEZONES = (
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Vancouver", "America/Denver",
    "America/Phoenix", "America/Chicago", "America/Mexico_City", "America/New_York", "America/Toronto",
    "America/Bogota", "America/Lima", "America/Caracas", "America/Halifax", "America/Santiago", "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires", "America/St_Johns", "Atlantic/Azores", "Atlantic/Reykjavik", "UTC",
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Madrid", "Europe/Berlin",
    "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Rome", "Africa/Lagos", "Africa/Johannesburg",
    "Africa/Cairo", "Africa/Nairobi", "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow",
    "Asia/Dubai", "Asia/Tehran", "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok",
    "Asia/Jakarta", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Manila", "Asia/Tokyo", "Asia/Seoul",
    "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
    "Pacific/Fiji", "Pacific/Tongatapu",
)
WORKDAYS_ONLY = frozenset(range(5))
EVERY_DAY = frozenset(range(7))

# (a): everyone opts in at this instant (a Tuesday); the query runs this long after it.
QUERY_OPT_IN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
QUERY_OFFSETS = (("+1 min", timedelta(minutes=1)), ("+15 min", timedelta(minutes=15)), ("+1 h", timedelta(hours=1)),
                 ("+3 h", timedelta(hours=3)), ("+24 h", timedelta(hours=24)), ("+8 days (all)", timedelta(days=8)))
HEADLINE = "+1 h"
# (b): the tick instant; reps opted in 3 h before, each at a local time that fell in the 150 minutes before the tick.
FANOUT_TICK = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RepSpec:
    team_id: str
    user_id: str
    tz: str
    at: dtime
    days: frozenset[int]
    enabled: bool = True
    snooze_days: int | None = None
    stopped: str | None = None


# ---------------------------------------------------------------------------------------------------------------------
# Rows exactly as the app writes them
# ---------------------------------------------------------------------------------------------------------------------

def app_row(spec: RepSpec, now: datetime) -> dict[str, Any]:
    """The `users` row DailyExercises.update(team, user, now=now, tz=, enabled=, at=, days=, snooze_days=) writes for a
    new rep through DailyRepository.save_settings (then DailyRepository.stop for a stopped rep)."""
    schedule = DailySchedule(tz=spec.tz, at=spec.at, days=spec.days, snoozed_until=None)
    if spec.snooze_days is not None:
        schedule = replace(schedule,
                           snoozed_until=local_date(now, schedule.tz) + timedelta(days=spec.snooze_days - 1))
    slot = next_slot(schedule, now=now) if spec.enabled else None
    return {
        "team_id": spec.team_id, "user_id": spec.user_id, "created_at": now,
        "daily_enabled": spec.enabled, "daily_time": f"{schedule.at:%H:%M}",
        "daily_days": ",".join(str(d) for d in sorted(schedule.days)), "snoozed_until": schedule.snoozed_until,
        "next_due_at": slot.due_at if slot else None, "next_due_date": slot.local_date if slot else None,
        "tz": spec.tz, "tz_checked_at": now, "stopped_reason": spec.stopped if spec.enabled else None,
    }


async def bulk_insert(url: str, specs: list[RepSpec], now: datetime) -> float:
    engine = create_engine(url)
    started = time.perf_counter()
    rows = [app_row(s, now) for s in specs]
    teams = sorted({s.team_id for s in specs})
    async with engine.begin() as connection:
        await connection.execute(insert(tables.Workspace), [{"team_id": t, "created_at": now} for t in teams])
        for i in range(0, len(rows), 2000):
            await connection.execute(insert(tables.User), rows[i:i + 2000])
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed


async def insert_through_app(url: str, specs: list[RepSpec], now: datetime) -> None:
    engine = create_engine(url)
    repository = DailyRepository(create_sessionmaker(engine))
    daily = DailyExercises(repository=repository, library=load_library(default_prompts_dir()), sender=None)  # type: ignore[arg-type]
    for s in specs:
        rep = await daily.update(team_id=s.team_id, user_id=s.user_id, now=now, tz=s.tz, enabled=s.enabled, at=s.at,
                                 days=s.days, snooze_days=s.snooze_days)
        if s.stopped and s.enabled:
            await repository.stop(rep_pk=rep.rep_pk, reason=s.stopped)
    await engine.dispose()


async def user_rows(url: str) -> list[tuple]:
    engine = create_engine(url)
    columns = [c for c in tables.User.__table__.columns if c.name != "id"]
    async with engine.connect() as connection:
        rows = (await connection.execute(
            select(*columns).order_by(tables.User.team_id, tables.User.user_id))).all()
    await engine.dispose()
    return [tuple(r) for r in rows]


def check_rows(specs: list[RepSpec], now: datetime, workdir: Path) -> str:
    """Write a sample through DailyExercises.update and through bulk_insert; compare every users column but id."""
    sample = specs[:: max(1, len(specs) // 150)][:150]
    a = f"sqlite+aiosqlite:///{workdir / 'rows_app.db'}"
    b = f"sqlite+aiosqlite:///{workdir / 'rows_bulk.db'}"
    upgrade_database(a)
    upgrade_database(b)
    asyncio.run(insert_through_app(a, sample, now))
    asyncio.run(bulk_insert(b, sample, now))
    via_app, via_bulk = asyncio.run(user_rows(a)), asyncio.run(user_rows(b))
    same = sum(x == y for x, y in zip(via_app, via_bulk))
    kinds = Counter("stopped" if s.stopped else "off" if not s.enabled else "snoozed" if s.snooze_days else "on"
                    for s in sample)
    verdict = "identical" if same == len(sample) == len(via_app) == len(via_bulk) else "DIFFERENT"
    if verdict != "identical":
        for x, y in zip(via_app, via_bulk):
            if x != y:
                print(f"  app : {x}\n  bulk: {y}", file=sys.stderr)
                break
    return (f"row check: {len(sample)} reps ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}) written by "
            f"DailyExercises.update and by the bulk insert: {same}/{len(sample)} rows {verdict} (all columns but id)")


# ---------------------------------------------------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------------------------------------------------

def team_ids(n: int) -> list[str]:
    return [f"T{chr(ord('A') + i)}BENCH{i:02d}" for i in range(n)]


def query_dataset(n: int, teams: int, seed: int = 7) -> list[RepSpec]:
    """Reps across 60 zones; half at the default 09:00, the rest 07:00-11:45; mostly mon-fri; a few off, snoozed or
    stopped (those must not come back from the due query)."""
    rng = random.Random(seed)
    team_list = team_ids(teams)
    specs = []
    for i in range(n):
        at = dtime(9, 0) if rng.random() < 0.5 else dtime(rng.randrange(7, 12), rng.choice((0, 15, 30, 45)))
        r = rng.random()
        days = WORKDAYS_ONLY if r < 0.8 else EVERY_DAY if r < 0.95 else frozenset({0, 2, 4})
        kind = rng.random()
        specs.append(RepSpec(
            team_id=team_list[i % teams], user_id=f"U{i:06d}", tz=rng.choice(TIMEZONES), at=at, days=days,
            enabled=kind >= 0.02, snooze_days=rng.randrange(1, 15) if 0.02 <= kind < 0.04 else None,
            stopped="account_inactive" if 0.04 <= kind < 0.05 else None,
        ))
    return specs


def fanout_dataset(n: int, teams: int, tick: datetime, seed: int = 11) -> tuple[list[RepSpec], datetime]:
    """Everyone due at `tick` within the grace window: each rep's local time is one that fell in the 150 minutes
    before the tick in their zone. Opted in 3 h before the tick."""
    rng = random.Random(seed)
    team_list = team_ids(teams)
    opt_in = tick - timedelta(hours=3)
    specs = []
    for i in range(n):
        tz = TIMEZONES[i % len(TIMEZONES)]
        moment = (tick - timedelta(minutes=rng.uniform(0, 150))).astimezone(DailySchedule(tz=tz).zone)
        specs.append(RepSpec(team_id=team_list[i % teams], user_id=f"U{i:06d}", tz=tz,
                             at=dtime(moment.hour, moment.minute), days=EVERY_DAY))
    grace = DailyTimings().grace
    for s in specs:  # all due and sendable at the tick, by construction
        row = app_row(s, opt_in)
        assert row["next_due_at"] <= tick and tick - row["next_due_at"] <= grace, s
    return specs, opt_in


# ---------------------------------------------------------------------------------------------------------------------
# (a) the due query
# ---------------------------------------------------------------------------------------------------------------------

async def measure_query(url: str, dialect: str) -> tuple[list[list[object]], dict[str, list[str]]]:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    repository = DailyRepository(sessions)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        # The exact SQL and parameters due_reps sends (our own EXPLAIN and SQL-only runs are not recorded).
        if statement.startswith("SELECT users.") and "next_due_at <=" in statement:
            captured.append((statement, parameters))

    if dialect == "postgresql":
        async with engine.connect() as connection:  # what autovacuum's analyze would have done by the next tick
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE users"))

    rows: list[list[object]] = []
    plans: dict[str, list[str]] = {}
    for label, offset in QUERY_OFFSETS:
        instant = QUERY_OPT_IN + offset
        for _ in range(2):  # warm-up: connection pool, statement cache
            due = await repository.due_reps(now=instant, limit=100_000)
        times = []
        for _ in range(QUERY_RUNS):
            started = time.perf_counter()
            due = await repository.due_reps(now=instant, limit=100_000)
            times.append(time.perf_counter() - started)
        statement, parameters = captured[-1]
        captured.clear()
        sql_times = []
        async with engine.connect() as connection:
            for _ in range(QUERY_RUNS):
                started = time.perf_counter()
                (await connection.exec_driver_sql(statement, parameters)).fetchall()
                sql_times.append(time.perf_counter() - started)
            if dialect == "sqlite":
                plan = [str(r[-1]) for r in (await connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters)).all()]
            else:
                plan = [str(r[0]) for r in (await connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)).all()]
        plans[label] = plan
        uses = "yes" if any("ix_users_daily_due" in line for line in plan) else "NO"
        p95 = percentile(times, 95)
        rows.append([label, instant.strftime("%a %H:%M"), len(due), ms(median(times)), ms(p95), ms(median(sql_times)),
                     uses, "ok" if p95 * 1000 < GOAL_QUERY_MS else "MISSED"])
    plans["_sql"] = [" ".join(statement.split())]
    await engine.dispose()
    return rows, plans


def print_query_results(name: str, rows: list[list[object]], plans: dict[str, list[str]], insert_s: float) -> None:
    print()
    print(table(["instant (after opt-in)", "UTC", "due", "due_reps p50 ms", "p95 ms", "SQL only p50 ms",
                 "ix_users_daily_due", f"goal p95<{GOAL_QUERY_MS}ms"], rows,
                title=f"(a) due query on {name}: 10,000-rep table, {QUERY_RUNS} runs per instant "
                      f"(bulk insert took {insert_s:.2f} s)"))
    print(f"SQL sent by due_reps: {plans['_sql'][0]}")
    for label in (HEADLINE, QUERY_OFFSETS[-1][0]):
        print(f"plan at {label}:")
        for line in plans[label]:
            print(f"    {line}")


def run_query_benchmark(reps: int, teams: int, workdir: Path) -> None:
    specs = query_dataset(reps, teams)
    print(check_rows(specs, QUERY_OPT_IN, workdir))

    url = f"sqlite+aiosqlite:///{workdir / 'query.db'}"
    upgrade_database(url)
    insert_s = asyncio.run(bulk_insert(url, specs, QUERY_OPT_IN))
    rows, plans = asyncio.run(measure_query(url, "sqlite"))
    print_query_results("SQLite (temp file, WAL)", rows, plans, insert_s)

    if not os.environ.get("TEST_DATABASE_URL"):
        print("\n(a) PostgreSQL: skipped, TEST_DATABASE_URL is not set "
              "(e.g. TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test)")
        return
    from tests.postgres import throwaway_postgres_database

    with throwaway_postgres_database() as pg_url:
        upgrade_database(pg_url)
        insert_s = asyncio.run(bulk_insert(pg_url, specs, QUERY_OPT_IN))
        rows, plans = asyncio.run(measure_query(pg_url, "postgresql"))
    print_query_results("PostgreSQL (throwaway database, after ANALYZE)", rows, plans, insert_s)


# ---------------------------------------------------------------------------------------------------------------------
# (b) the fan-out
# ---------------------------------------------------------------------------------------------------------------------

class _ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = self.format(record)


def max_in_window(times: list[float], window: float = 60.0) -> int:
    times = sorted(times)
    best = lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@dataclass
class FanoutResult:
    label: str
    db: str
    reps: int
    teams: int
    interval: float
    due: int
    wall: float
    cpu: float
    report: Any
    calls: list[CallRecord]
    team_of: dict[str, str]
    delivered_rows: int
    still_due: int
    errors: int
    first_error: str | None


async def _tick(url: str, fake: FakeSlackProcess, specs: list[RepSpec], interval_ms: int, label: str, db: str
                ) -> FanoutResult:
    from bot.app import build_heartful
    from bot.settings import load_settings

    settings = load_settings(slack_bot_token="xoxb-bench", slack_signing_secret="bench", slack_api_url=fake.base_url,
                             database_url=url, daily_send_interval_ms=interval_ms, log_level="WARNING")
    heartful = build_heartful(settings)
    due = len(await heartful.daily.repository.due_reps(now=FANOUT_TICK, limit=100_000))
    errors = _ErrorCounter()
    logging.getLogger("bot").addHandler(errors)
    fake.clear()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        report = await asyncio.wait_for(heartful.daily.tick(FANOUT_TICK), timeout=FANOUT_TIMEOUT_S)
    finally:
        logging.getLogger("bot").removeHandler(errors)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    async with heartful.engine.connect() as connection:
        delivered = await connection.scalar(
            select(func.count()).select_from(tables.Delivery).where(tables.Delivery.status == "sent"))
        still_due = await connection.scalar(
            select(func.count()).select_from(tables.User).where(tables.User.daily_enabled.is_(True),
                                                                tables.User.next_due_at <= FANOUT_TICK))
    await heartful.close()
    return FanoutResult(label=label, db=db, reps=len(specs), teams=len({s.team_id for s in specs}),
                        interval=interval_ms / 1000, due=due, wall=wall, cpu=cpu, report=report, calls=fake.calls(),
                        team_of={"D" + s.user_id: s.team_id for s in specs}, delivered_rows=int(delivered or 0),
                        still_due=int(still_due or 0), errors=errors.count, first_error=errors.first)


def run_fanout(db: str, reps: int, teams: int, interval_ms: int, label: str, fake: FakeSlackProcess,
               workdir: Path) -> FanoutResult | None:
    specs, opt_in = fanout_dataset(reps, teams, FANOUT_TICK)
    if db == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'fanout_{label}.db'}"
        upgrade_database(url)
        asyncio.run(bulk_insert(url, specs, opt_in))
        return asyncio.run(_tick(url, fake, specs, interval_ms, label, db))
    if not os.environ.get("TEST_DATABASE_URL"):
        print(f"\n(b) {label} on PostgreSQL: skipped, TEST_DATABASE_URL is not set")
        return None
    from tests.postgres import throwaway_postgres_database

    with throwaway_postgres_database() as url:
        upgrade_database(url)
        asyncio.run(bulk_insert(url, specs, opt_in))
        return asyncio.run(_tick(url, fake, specs, interval_ms, label, db))


def print_fanout(result: FanoutResult) -> None:
    posts = sorted((c for c in result.calls if c.method == "chat.postMessage"), key=lambda c: c.at)
    opens = [c for c in result.calls if c.method == "conversations.open"]
    ok_by_channel = Counter(c.channel for c in posts if c.ok)
    duplicates = sum(n - 1 for n in ok_by_channel.values() if n > 1)
    misses = sum(1 for channel in result.team_of if ok_by_channel[channel] == 0)
    limited = [c for c in posts if c.status == 429]
    per_team: dict[str, list[CallRecord]] = defaultdict(list)
    for c in posts:
        per_team[result.team_of.get(c.channel or "", "?")].append(c)
    opens_per_team: dict[str, list[float]] = defaultdict(list)
    for c in opens:
        opens_per_team[result.team_of.get("D" + (c.users or ""), "?")].append(c.at)
    report = result.report
    sent = len(report.sent)

    # Retry-After: after a 429 in a workspace, how long until that workspace's next post (to anyone).
    waits_all: list[float] = []
    rows = []
    first_post = posts[0].at if posts else 0.0
    for team in sorted(per_team):
        calls = per_team[team]
        times = [c.at for c in calls]
        waits = []
        for i, c in enumerate(calls):
            if c.status == 429 and i + 1 < len(calls):
                waits.append(calls[i + 1].at - c.at)
        waits_all += waits
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        busy = span - sum(waits)
        ok = sum(1 for c in calls if c.ok)
        rows.append([team, ok, sum(1 for c in calls if c.status == 429), f"{times[0] - first_post:.1f}",
                     f"{times[-1] - first_post:.1f}",
                     max_in_window(times), f"{ok / span * 60:.0f}" if span else "-",
                     f"{min(waits):.2f}" if waits else "-", f"{busy:.1f}", max_in_window(opens_per_team[team])])
    by_channel: dict[str, list[float]] = defaultdict(list)
    for c in posts:
        by_channel[c.channel or ""].append(c.at)
    gaps = [b - a for ts in by_channel.values() for a, b in zip(ts, ts[1:])]
    waited = sum(waits_all)

    title = (f"(b) fan-out {result.label}: {result.reps:,} reps, {result.teams} workspaces, {result.db}, "
             f"send interval {result.interval * 1000:.0f} ms, 429 (Retry-After: {RETRY_AFTER_S}) on every "
             f"{FAIL_EVERY}th chat.postMessage")
    summary = [
        ["due at the tick (due_reps)", f"{result.due:,}"],
        ["DMs sent (TickReport.sent)", f"{sent:,}"],
        ["deliveries rows status=sent", f"{result.delivered_rows:,}"],
        ["chat.postMessage calls / 200 ok / 429", f"{len(posts):,} / {sum(c.ok for c in posts):,} / {len(limited)}"],
        ["conversations.open calls", f"{len(opens):,}"],
        ["duplicates (extra ok posts to one DM channel)", duplicates],
        ["misses (due, no ok post)", misses],
        ["reps still due after the tick", result.still_due],
        ["TickReport retried / stopped / missed / claimed elsewhere",
         f"{len(report.retried)} / {len(report.stopped)} / {len(report.missed)} / {report.skipped_claimed}"],
        ["errors logged", result.errors],
        ["wall time of the tick", f"{result.wall:.1f} s"],
        ["DMs per second (wall)", f"{sent / result.wall:.1f}"],
        ["Retry-After waits, summed over workspaces", f"{waited:.1f} s"],
        ["CPU time of the app process", f"{result.cpu:.1f} s ({result.cpu / max(sent, 1) * 1000:.2f} ms per DM)"],
        ["min wait after a 429 before the workspace's next post", f"{min(waits_all):.2f} s" if waits_all else "-"],
        ["min gap between two posts to one DM channel", f"{min(gaps):.2f} s" if gaps else "n/a (one post each)"],
    ]
    print()
    print(table(["measure", "value"], summary, title=title))
    print()
    print(table(["workspace", "ok posts", "429s", "first post s", "last post s", "max posts/60s", "avg ok/min",
                 "min wait after 429 s", "busy s (span - 429 waits)", "max conv.open/60s"], rows))
    if result.first_error:
        print(f"first error logged: {result.first_error[:500]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.daily_fanout", description=__doc__.split("\n\n")[1])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=5)
    parser.add_argument("--paced-reps", type=int, default=600)
    parser.add_argument("--paced-teams", type=int, default=2)
    parser.add_argument("--fanout-db", choices=("sqlite", "postgres", "both"), default="both",
                        help="database for the 10,000-rep fan-out (PostgreSQL needs TEST_DATABASE_URL; default both)")
    parser.add_argument("--skip-query", action="store_true")
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--skip-paced", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(machine_line())
    print(f"started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC; TEST_DATABASE_URL "
          f"{'set' if os.environ.get('TEST_DATABASE_URL') else 'unset'}")

    with tempfile.TemporaryDirectory(prefix="heartful-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_query:
            run_query_benchmark(args.reps, args.teams, workdir)
        if args.skip_fanout and args.skip_paced:
            return 0
        with FakeSlackProcess(fail_every={"chat.postMessage": FAIL_EVERY}, retry_after=RETRY_AFTER_S) as fake:
            if not args.skip_fanout:
                dbs = ("sqlite", "postgres") if args.fanout_db == "both" else (args.fanout_db,)
                for db in dbs:
                    result = run_fanout(db, args.reps, args.teams, 0, "unpaced", fake, workdir)
                    if result:
                        print_fanout(result)
            if not args.skip_paced:
                result = run_fanout("sqlite", args.paced_reps, args.paced_teams, 250, "paced", fake, workdir)
                if result:
                    print_fanout(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
