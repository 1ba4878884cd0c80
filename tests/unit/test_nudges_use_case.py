"""The channel-message use case with in-memory fakes of its ports: what it records and what it says to send."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.coaching.library import default_prompts_dir, load_library
from bot.coaching.models import ChannelSettings, Deal, DealUpdate, LastChoice, Reading, RecordedUpdate, Stall
from bot.coaching.nudges import ChannelMessage, handle_channel_message, needs_channel_name, rotation_key
from bot.delivery.retry import RetryPolicy, WorkFailed

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


class MemoryDealStore:
    """The DealStore port in memory: enough of a channel, its deals, updates and nudges."""

    def __init__(self, *, reply_mode: str = "thread", muted: bool = False, name: str | None = None) -> None:
        self.channel = ChannelSettings(channel_id="C1", name=name, reply_mode=reply_mode, muted=muted)  # type: ignore[arg-type]
        self.deals: dict[str, Deal] = {}
        self.updates: list[RecordedUpdate] = []
        self.nudges: list[dict] = []
        self.reps_without_nudges: set[str] = set()

    async def rep_wants_nudges(self, *, team_id: str, user_id: str) -> bool:
        return user_id not in self.reps_without_nudges

    async def deal_names(self, *, team_id: str, channel_id: str) -> list[str]:
        return [deal.name for deal in self.deals.values()]

    async def ensure_channel(self, *, team_id: str, channel_id: str) -> ChannelSettings:
        return self.channel

    async def set_channel_name(self, *, team_id: str, channel_id: str, name: str) -> None:
        self.channel = replace(self.channel, name=name)

    async def find_deal(self, *, team_id: str, channel_id: str, name: str) -> Deal | None:
        return self.deals.get(name.casefold())

    async def record_deal_update(self, *, team_id, channel_id, deal_name, update_, user_id, source,  # type: ignore[no-untyped-def]
                                 message_ts) -> RecordedUpdate:
        deal = self.deals.get(deal_name.casefold()) or Deal(
            id=len(self.deals) + 1, name=deal_name, channel_id=channel_id, stage=None, amount=None, currency=None,
            next_step=None, status="open", updated_at=NOW)
        deal = replace(deal, stage=update_.stage or deal.stage, amount=update_.amount or deal.amount)
        self.deals[deal_name.casefold()] = deal
        recorded = RecordedUpdate(event_id=len(self.updates) + 1, team_id=team_id, channel_id=channel_id,
                                  poster=user_id, source=source, message_ts=message_ts, deal=deal,
                                  update=replace(update_, deal_name=deal.name))
        self.updates.append(recorded)
        return recorded

    async def last_choice(self, *, rotation_key: str, channel_id: str | None = None,
                          stall_kind: str | None = None) -> LastChoice:
        mine = [n for n in self.nudges if n["rotation_key"] == rotation_key]
        return LastChoice(question_id=mine[-1]["question_id"] if mine else None,
                          guidance_id=mine[-1]["guidance_id"] if mine else None)

    async def record_nudge(self, **nudge: object) -> None:
        self.nudges.append(nudge)


class NoRenaming:
    def name_deal(self, text, reading, known_deals):  # type: ignore[no-untyped-def]
        return reading


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load_library(default_prompts_dir())


def message(text: str = "Acme: Dana wants to think it over", *, from_integration: bool = False,
            user_id: str | None = "W1") -> ChannelMessage:
    return ChannelMessage(team_id="T1", channel_id="C1", user_id=user_id, ts="1.0", thread_ts=None, text=text,
                          from_integration=from_integration)


STALL = Reading(stall=Stall(kind="think_it_over", evidence="think it over"), deal_name="Acme")
UPDATE = Reading(deal_update=DealUpdate(deal_name="Acme", stage="Proposal", amount=Decimal(45000)))


async def test_a_stall_chooses_one_nudge_records_it_and_asks_for_a_thread_reply(library):
    store = MemoryDealStore()
    reply = await handle_channel_message(message(), STALL, store=store, library=library, namer=NoRenaming())
    assert reply.nudge is not None and reply.nudge.only_to is None and reply.recorded is None
    [recorded] = store.nudges
    assert recorded["question_id"] == reply.nudge.nudge.question.id
    assert recorded["rotation_key"] == rotation_key("C1", "Acme") == "deal:C1:acme"


async def test_the_next_stall_on_the_same_deal_rotates_to_another_question(library):
    store = MemoryDealStore()
    first = await handle_channel_message(message(), STALL, store=store, library=library, namer=NoRenaming())
    second = await handle_channel_message(message(), STALL, store=store, library=library, namer=NoRenaming())
    assert first.nudge and second.nudge and first.nudge.nudge.question.id != second.nudge.nudge.question.id


async def test_an_ephemeral_channel_nudges_only_the_poster(library):
    reply = await handle_channel_message(message(), STALL, store=MemoryDealStore(reply_mode="ephemeral"),
                                         library=library, namer=NoRenaming())
    assert reply.nudge is not None and reply.nudge.only_to == "W1"


@pytest.mark.parametrize("store, msg", [
    (MemoryDealStore(muted=True), message()),
    (MemoryDealStore(), message(from_integration=True)),
])
async def test_muted_channels_and_integrations_get_no_nudge(library, store, msg):
    reply = await handle_channel_message(msg, STALL, store=store, library=library, namer=NoRenaming())
    assert reply.nudge is None and store.nudges == []


async def test_a_rep_who_turned_their_nudges_off_gets_none_and_others_still_do(library):
    store = MemoryDealStore()
    store.reps_without_nudges.add("W1")
    mine = await handle_channel_message(message(), STALL, store=store, library=library, namer=NoRenaming())
    theirs = await handle_channel_message(replace(message(), user_id="W2"), STALL, store=store, library=library,
                                          namer=NoRenaming())
    assert mine.nudge is None and theirs.nudge is not None
    assert [n["user_id"] for n in store.nudges] == ["W2"]


async def test_a_deal_update_is_recorded_and_told_to_a_person_but_not_to_a_crm(library):
    store = MemoryDealStore()
    person = await handle_channel_message(message("Acme moved to Proposal, $45k"), UPDATE, store=store,
                                          library=library, namer=NoRenaming())
    assert person.recorded is not None and person.recorded.deal.stage == "Proposal" and person.tell_poster
    crm = await handle_channel_message(message("Opportunity Acme changed", from_integration=True), UPDATE,
                                       store=store, library=library, namer=NoRenaming())
    assert crm.recorded is not None and not crm.tell_poster
    assert [u.source for u in store.updates] == ["person", "crm"]


async def test_an_update_naming_no_deal_goes_on_the_channels_deal_named_by_the_caller(library):
    reading = Reading(deal_update=DealUpdate(stage="Proposal"))
    assert needs_channel_name(reading)
    store = MemoryDealStore()
    reply = await handle_channel_message(message("moved to Proposal"), reading, store=store, library=library,
                                         namer=NoRenaming(), channel_name="deal-acme")
    assert reply.recorded is not None and reply.recorded.deal.name == "deal-acme"
    assert store.channel.name == "deal-acme"  # remembered: the next one needs no lookup
    unnamed = await handle_channel_message(message("moved to Proposal"), reading, store=MemoryDealStore(),
                                           library=library, namer=NoRenaming())
    assert unnamed.recorded is None  # no deal to put it on


async def test_chatter_records_nothing(library):
    store = MemoryDealStore()
    reply = await handle_channel_message(message("lunch?"), Reading(), store=store, library=library,
                                         namer=NoRenaming())
    assert (reply.recorded, reply.nudge, store.nudges, store.updates) == (None, None, [], [])


def test_channel_messages_survive_a_round_trip_through_their_record():
    original = message()
    assert ChannelMessage.from_record(original.as_record()) == original


# -- the retry policy ---------------------------------------------------------------------------------------------

def test_transient_failures_back_off_with_jitter_within_the_window():
    policy = RetryPolicy(window=timedelta(minutes=15), first_delay_s=1, max_delay_s=120)
    rng = random.Random(1)
    give_up = policy.give_up_at(NOW)
    delays = [(policy.next_attempt(WorkFailed("internal_error", transient=True), attempts=a, now=NOW,
                                   give_up_at=give_up, rng=rng) - NOW).total_seconds() for a in range(1, 10)]
    bounds = [min(120, 2 ** (a - 1)) for a in range(1, 10)]
    assert all(0 <= d <= b for d, b in zip(delays, bounds)), (delays, bounds)
    assert len(set(delays)) == len(delays)  # jittered, not lockstep


def test_a_retry_after_is_honoured_and_the_deadline_ends_retries():
    policy = RetryPolicy(window=timedelta(seconds=30))
    at = policy.next_attempt(WorkFailed("ratelimited", transient=True, retry_after_s=20), attempts=1, now=NOW,
                             give_up_at=policy.give_up_at(NOW), rng=random.Random(2))
    assert at is not None and (at - NOW).total_seconds() >= 20
    assert policy.next_attempt(WorkFailed("ratelimited", transient=True, retry_after_s=40), attempts=1, now=NOW,
                               give_up_at=policy.give_up_at(NOW)) is None


def test_permanent_failures_are_never_retried():
    policy = RetryPolicy()
    assert policy.next_attempt(WorkFailed("channel_not_found", transient=False), attempts=1, now=NOW,
                               give_up_at=policy.give_up_at(NOW)) is None
