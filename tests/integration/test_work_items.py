"""Work items on real SQLite and PostgreSQL: one claim wins, leases run out, finished items are pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.storage.session import create_engine, create_sessionmaker
from bot.storage.work import WorkRepository, accepted_row

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture
async def work(database_url):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    yield WorkRepository(create_sessionmaker(engine))
    await engine.dispose()


async def accept(work: WorkRepository, event_id: str, *, lease: timedelta | None = LEASE, at: datetime = NOW):
    [claimed] = await work.accept_many([accepted_row(
        event_id=event_id, team_id="T1", channel_id="C1", message_ts="1.0", message={"text": "hi"}, now=at,
        give_up_at=at + timedelta(minutes=15), lease=lease)])
    return claimed


async def test_an_event_is_recorded_once_and_a_retry_is_told_so(work):
    first = await accept(work, "Ev1")
    assert first is not None and first.attempts == 1
    assert await accept(work, "Ev1") is None
    assert (await work.backlog()).depth == 1


async def test_leased_work_is_not_due_until_its_lease_runs_out_and_then_only_one_claim_wins(work):
    taken = await accept(work, "Ev1")
    assert taken is not None
    assert await work.due(now=NOW + LEASE / 2, limit=10) == []
    later = NOW + LEASE + timedelta(seconds=1)
    assert await work.due(now=later, limit=10) == [taken.id]
    claims = [await work.claim(taken.id, now=later, lease=LEASE) for _ in range(3)]
    assert [c is not None for c in claims] == [True, False, False]
    assert claims[0].attempts == 2  # type: ignore[union-attr]


async def test_deferred_work_is_due_at_once_and_retries_when_they_are_due(work):
    waiting = await accept(work, "Ev1", lease=None)
    assert waiting is not None and await work.due(now=NOW, limit=10) == [waiting.id]
    claimed = await work.claim(waiting.id, now=NOW, lease=LEASE)
    assert claimed is not None
    await work.retry_later(claimed.id, due_at=NOW + timedelta(seconds=30), reason="internal_error", outbox=[])
    assert await work.due(now=NOW + timedelta(seconds=29), limit=10) == []
    assert await work.due(now=NOW + timedelta(seconds=30), limit=10) == [claimed.id]


async def test_finished_items_are_pruned_after_the_retention_window_and_unfinished_ones_never(work):
    old = await accept(work, "EvOld")
    recent = await accept(work, "EvRecent")
    await accept(work, "EvOpen")
    assert old is not None and recent is not None
    await work.finish(old.id, now=NOW - timedelta(days=8), outbox=[])
    await work.finish(recent.id, now=NOW - timedelta(days=1), outbox=[], failed_because="not_in_channel")
    assert await work.prune(finished_before=NOW - timedelta(days=7)) == 1
    assert await work.state_of("EvOld") is None
    assert await work.state_of("EvRecent") == ("failed", "not_in_channel")
    assert await work.state_of("EvOpen") == ("working", None)


async def test_work_given_back_at_shutdown_is_due_at_once_with_its_claim_uncounted(work):
    taken = await accept(work, "Ev1")
    assert taken is not None
    await work.release([taken.id], now=NOW)
    assert await work.due(now=NOW, limit=10) == [taken.id]
    again = await work.claim(taken.id, now=NOW, lease=LEASE)
    assert again is not None and again.attempts == 1  # the first real attempt: nothing was half-sent
