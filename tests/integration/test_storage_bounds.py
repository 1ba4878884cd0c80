"""What a message can make us store is bounded: NUL bytes dropped, names and next steps clipped, absurd amounts
dropped, on SQLite and on PostgreSQL (which refuses a NUL byte and overflows Numeric(16, 2))."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.coaching.models import DealUpdate
from bot.storage.repository import DEAL_NAME_MAX, NEXT_STEP_MAX, Repository
from bot.storage.session import create_engine, create_sessionmaker


@pytest.fixture
async def repository(database_url):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    yield Repository(create_sessionmaker(engine))
    await engine.dispose()


async def record(repository, name: str, update: DealUpdate):  # type: ignore[no-untyped-def]
    recorded = await repository.record_deal_update(team_id="T1", channel_id="C1", deal_name=name, update_=update,
                                                   user_id="W1", source="person", message_ts="1.0")
    return recorded.deal


async def test_nul_bytes_are_stripped_before_storage(repository):
    deal = await record(repository, "Ac\x00me", DealUpdate(stage="Pro\x00posal", next_step="demo\x00 Friday",
                                                            currency="US\x00D", amount=Decimal(5)))
    assert (deal.name, deal.stage, deal.next_step, deal.currency) == ("Acme", "Proposal", "demo Friday", "USD")
    assert (await repository.find_deal(team_id="T1", channel_id="C1", name="ac\x00me")).id == deal.id


async def test_long_names_and_next_steps_are_clipped_and_still_found(repository):
    long_name = "Acme " + "x" * 500
    deal = await record(repository, long_name, DealUpdate(next_step="call " * 200))
    assert len(deal.name) == DEAL_NAME_MAX and long_name.startswith(deal.name)
    assert len(deal.next_step) <= NEXT_STEP_MAX
    again = await record(repository, long_name, DealUpdate(stage="Won"))
    assert again.id == deal.id  # the same deal: stored and looked up through the same clip
    assert (await repository.find_deal(team_id="T1", channel_id="C1", name=long_name)).id == deal.id
    [match] = await repository.match_deals(team_id="T1", channel_id="C1", name=long_name)
    assert match.id == deal.id
    await repository.record_nudge(team_id="T1", channel_id="C1", deal_id=deal.id, rotation_key="deal:C1:" + long_name,
                                  origin="message", user_id="W1", reply_mode="thread", question_id="q1",
                                  prompts_version="v1")
    last = await repository.last_choice(rotation_key="deal:C1:" + long_name)
    assert last.question_id == "q1"


@pytest.mark.parametrize("amount", [Decimal(10) ** 12, Decimal(10) ** 23, Decimal("-1e15"), Decimal("NaN"),
                                    Decimal("Infinity")])
async def test_amounts_of_a_trillion_or_more_are_dropped_the_rest_of_the_update_kept(repository, amount):
    deal = await record(repository, "Acme", DealUpdate(stage="Proposal", amount=amount, currency="USD"))
    assert (deal.stage, deal.amount, deal.currency) == ("Proposal", None, None)
    kept = await record(repository, "Acme", DealUpdate(amount=Decimal("999999999999.99"), currency="USD"))
    assert kept.amount == Decimal("999999999999.99")


async def test_channel_names_are_cleaned(repository):
    await repository.ensure_channel(team_id="T1", channel_id="C1")
    await repository.set_channel_name(team_id="T1", channel_id="C1", name="deal-\x00" + "a" * 500)
    settings = await repository.ensure_channel(team_id="T1", channel_id="C1")
    assert settings.name.startswith("deal-a") and "\x00" not in settings.name and len(settings.name) <= 200


async def test_deals_match_by_exact_name_else_by_a_literal_part_of_it(repository):
    for name in ("Acme_1", "Acme 2", "Globex 100%"):
        await record(repository, name, DealUpdate(stage="Proposal"))
    match = repository.match_deals
    assert [d.name for d in await match(team_id="T1", channel_id="C1", name="ACME 2")] == ["Acme 2"]
    assert [d.name for d in await match(team_id="T1", channel_id="C1", name="acme_")] == ["Acme_1"]  # _ is literal
    assert [d.name for d in await match(team_id="T1", channel_id="C1", name="0%")] == ["Globex 100%"]
    assert [d.name for d in await match(team_id="T1", channel_id="C1", name="%")] == ["Globex 100%"]  # not "any"
    assert sorted(d.name for d in await match(team_id="T1", channel_id="C1", name="acme")) == ["Acme 2", "Acme_1"]
