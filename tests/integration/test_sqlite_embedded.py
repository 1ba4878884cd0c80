"""SQLite as a real embedded default: the pragmas on every connection, and one writer, so a burst of concurrent
writes never meets `database is locked` or a pool timeout and never stalls the event loop."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.coaching.models import DealUpdate
from bot.storage import tables
from bot.storage.repository import Repository
from bot.storage.session import create_engine, create_sessionmaker, upgrade_database
from bot.storage.work import WorkRepository, accepted_row


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}"
    upgrade_database(url)
    return url


async def pragmas(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        return {name: (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


async def test_every_connection_gets_wal_normal_sync_foreign_keys_and_a_busy_timeout(sqlite_url):
    engine = create_engine(sqlite_url, busy_timeout_ms=7000)
    try:
        expected = {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 7000}
        assert await pragmas(engine) == expected
        await engine.dispose()  # a new connection: set again (only journal_mode lives in the file)
        assert await pragmas(engine) == expected
    finally:
        await engine.dispose()


class LoopWatch:
    """How long the event loop went without running a ready callback, at worst."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - 0.005)
            last = now

    def stop(self) -> None:
        self._stop.set()


async def accept(repository: Repository, event_id: str) -> bool:
    """Record an event's work, as the listener does before Slack's 200."""
    now = datetime.now(UTC)
    work = WorkRepository(repository._sessions)
    [claimed] = await work.accept_many([accepted_row(
        event_id=event_id, team_id="T1", channel_id="C1", message_ts="1.0", message={}, now=now,
        give_up_at=now + timedelta(minutes=15), lease=timedelta(seconds=60))])
    return claimed is not None


async def burst(repository: Repository, n: int, prefix: str) -> list[object]:
    """Half work items (one INSERT each), half deal updates (a SELECT, an UPDATE and an INSERT, and upserts when new)."""
    async def one(i: int) -> object:
        if i % 2:
            return await accept(repository, f"{prefix}{i}")
        return await repository.record_deal_update(
            team_id="T1", channel_id="C1", deal_name=f"Deal {i % 7}", user_id="W1", source="person",
            message_ts=f"{i}.0", update_=DealUpdate(stage="Proposal", amount=Decimal(i)),
        )

    return await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)


async def test_a_burst_of_200_concurrent_writes_completes_without_locks_or_pool_timeouts(sqlite_url):
    engine = create_engine(sqlite_url)
    repository = Repository(create_sessionmaker(engine))
    watch = LoopWatch()
    watcher = asyncio.create_task(watch.run())
    try:
        results = await asyncio.wait_for(burst(repository, 200, "Ev"), timeout=60)
    finally:
        watch.stop()
        await watcher
    try:
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == []
        assert await repository.count(tables.WorkItem) == 100
        assert await repository.count(tables.DealEvent) == 100
        # Waiting for the one connection is an asyncio wait: the loop goes on (200 coroutines' CPU aside).
        assert watch.worst < 1.0, f"the loop stalled {watch.worst:.3f}s"
    finally:
        await engine.dispose()


async def test_two_processes_writing_the_same_file_wait_for_each_other_instead_of_failing(sqlite_url):
    """`serve` and `heartful exercises run-due` from cron: two engines on one file, each bursting."""
    engines = [create_engine(sqlite_url), create_engine(sqlite_url)]
    repositories = [Repository(create_sessionmaker(engine)) for engine in engines]
    try:
        results = await asyncio.wait_for(asyncio.gather(
            burst(repositories[0], 100, "A"), burst(repositories[1], 100, "B")), timeout=60)
        errors = [r for part in results for r in part if isinstance(r, BaseException)]
        assert errors == []
        assert await repositories[0].count(tables.WorkItem) == 100
    finally:
        for engine in engines:
            await engine.dispose()


async def test_units_of_work_that_await_inside_their_transaction_queue_without_failing(sqlite_url):
    """One transaction per event, awaiting other work inside it (as one use case per event will): 200 at once."""
    from sqlalchemy import func, select

    engine = create_engine(sqlite_url)
    sessions = create_sessionmaker(engine)

    now = datetime.now(UTC)

    async def unit(i: int) -> None:
        async with sessions() as session:
            await session.scalar(select(func.count()).select_from(tables.WorkItem))
            session.add(tables.WorkItem(event_id=f"U{i}", team_id="T1", channel_id="C1", message_ts="1.0", message={},
                                        state="pending", attempts=0, due_at=now, give_up_at=now, received_at=now))
            await session.flush()
            await asyncio.sleep(0)  # the rest of the use case runs while the transaction is open
            await session.commit()

    try:
        results = await asyncio.wait_for(asyncio.gather(*(unit(i) for i in range(200)), return_exceptions=True),
                                         timeout=60)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert await Repository(sessions).count(tables.WorkItem) == 200
    finally:
        await engine.dispose()
