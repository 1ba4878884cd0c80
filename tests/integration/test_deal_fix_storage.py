"""Correcting a recorded update in one transaction, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from bot.coaching.models import DealUpdate
from bot.storage import tables
from bot.storage.repository import Repository
from bot.storage.session import create_engine, create_sessionmaker, upgrade_database
from tests.postgres import needs_postgres, throwaway_postgres_database

WHERE = {"team_id": "T1", "channel_id": "C1"}


async def record(repository: Repository, name: str, ts: str, **fields: object):  # type: ignore[no-untyped-def]
    recorded = await repository.record_deal_update(**WHERE, deal_name=name,  # type: ignore[arg-type]
                                                   update_=DealUpdate(**fields), user_id="U1", source="person",
                                                   message_ts=ts)
    assert recorded == await repository.recorded_update(event_id=recorded.event_id)  # as it reads back
    return recorded


def check_corrections(url: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        repository = Repository(create_sessionmaker(engine))
        acme = await record(repository, "Acme", "1.1", stage="Proposal", amount=Decimal(45000), currency="USD")
        await record(repository, "Acme", "1.2", next_step="demo")
        typo = await record(repository, "Acme Crop", "1.3", stage="Negotiation")
        await repository.record_nudge(**WHERE, deal_id=typo.deal.id, rotation_key="deal:C1:acme crop",
                                      origin="message", user_id="U1", reply_mode="thread", question_id="q",
                                      prompts_version="v")

        fixed = await repository.correct_deal_update(
            event_id=acme.event_id, user_id="U1",
            fields=DealUpdate(deal_name="Acme", stage="Discovery", amount=Decimal(40000), currency="EUR"))
        assert (fixed.deal.stage, fixed.deal.amount, fixed.deal.currency, fixed.deal.next_step) == (
            "Discovery", 40000, "EUR", "demo")
        again = await repository.correct_deal_update(  # a second fix supersedes the first
            event_id=acme.event_id, user_id="U1", fields=DealUpdate(deal_name="Acme", stage="Proposal"))
        assert (again.deal.stage, again.deal.amount, again.update.amount) == ("Proposal", None, None)

        moved = await repository.correct_deal_update(
            event_id=typo.event_id, user_id="U1", fields=DealUpdate(deal_name="acme", stage="Negotiation"))
        assert (moved.deal.id, moved.deal.name, moved.deal.stage) == (acme.deal.id, "Acme", "Negotiation")
        assert [d.name for d in await repository.deals_in_channel(**WHERE)] == ["Acme"]
        events = await repository.deal_events(deal_id=acme.deal.id)
        assert [(e.source, e.corrected_at is not None) for e in events] == [
            ("person", True), ("person", False), ("person", True), ("fix", True), ("fix", False), ("fix", False)]
        async with repository._sessions() as session:
            nudge = await session.get(tables.Nudge, 1)
            assert nudge is not None and nudge.deal_id == acme.deal.id  # the typo deal's coaching moved along
        assert (await repository.recorded_update(event_id=events[-1].id)).event_id == typo.event_id  # type: ignore[union-attr]
        await engine.dispose()

    upgrade_database(url)
    asyncio.run(run())


def test_sqlite_corrections(tmp_path):
    check_corrections(f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}")


@needs_postgres
def test_postgres_corrections():
    with throwaway_postgres_database() as url:
        check_corrections(url)
