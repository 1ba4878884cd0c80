"""The domain's nouns: what the coach reads in a message and what it answers with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal, get_args

StallKind = Literal[
    "think_it_over",  # "she wants to think it over", "needs to sleep on it"
    "consult_others",  # partner, spouse, boss, board, legal, CFO must weigh in
    "send_info",  # "send me some info", "email me a deck"
    "timing",  # not now, next quarter, circle back later
    "budget",  # budget frozen, no money this year
    "status_quo",  # happy with the current vendor / what they have
    "no_interest",  # not interested, not for us
]
STALL_KINDS: tuple[StallKind, ...] = get_args(StallKind)

Outcome = Literal["won", "lost"]

# Bounds on what a deal may hold, wherever it is read, typed into a fix, or stored: no deal is a trillion, and a
# name longer than this is a sentence, not a name.
MAX_AMOUNT = Decimal(10) ** 12
MAX_DEAL_NAME = 120


@dataclass(frozen=True, slots=True)
class Stall:
    """A prospect stepping away from the deal."""

    kind: StallKind
    evidence: str  # the words that showed it, as written in the message


@dataclass(frozen=True, slots=True)
class DealUpdate:
    """A change to a deal: any field may be missing, but at least one of stage/amount/next_step/outcome is set."""

    deal_name: str | None = None
    stage: str | None = None
    amount: Decimal | None = None
    currency: str | None = None  # ISO code when the message shows one ("USD", "EUR"); "$" reads as USD
    next_step: str | None = None
    outcome: Outcome | None = None


# gate: plain chatter, never embedded; classifier: embeddings + n-grams; ngram_model: the n-gram model alone (sure
# enough, or the reader was shedding load); rules: the rules reader; closed_deal_guard; model: an LLM second opinion.
ReadingStep = Literal["gate", "classifier", "ngram_model", "rules", "closed_deal_guard", "model"]


@dataclass(frozen=True, slots=True)
class Reading:
    """What the coach sees in one message."""

    stall: Stall | None = None
    deal_update: DealUpdate | None = None
    deal_name: str | None = None  # a deal the message is about, if it names one
    chase: bool = False  # the rep's own pressure on a prospect who stepped away or went quiet
    # How sure the reader is of each label (stall kinds, chase, deal_update, other), when a classifier read it.
    probabilities: Mapping[str, float] | None = field(default=None, compare=False)
    decided_by: ReadingStep = "rules"  # which step of the reader settled the answer

    @property
    def is_empty(self) -> bool:
        return self.stall is None and self.deal_update is None and not self.chase


ReplyMode = Literal["thread", "ephemeral"]
REPLY_MODES: tuple[ReplyMode, ...] = get_args(ReplyMode)


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """How Heartful behaves in one deal channel."""

    channel_id: str
    name: str | None = None
    reply_mode: ReplyMode = "thread"
    muted: bool = False


@dataclass(frozen=True, slots=True)
class Deal:
    """A deal as recorded from the updates seen in a channel."""

    id: int
    name: str
    channel_id: str
    stage: str | None
    amount: Decimal | None
    currency: str | None
    next_step: str | None
    status: str  # open | won | lost
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RecordedUpdate:
    """One deal update as it stands now (its latest fix, if fixed). `event_id` is the original update's id."""

    event_id: int
    team_id: str
    channel_id: str
    poster: str | None
    source: str  # of the original: person | crm
    message_ts: str
    deal: Deal
    update: DealUpdate  # the fields it sets; deal_name is the deal it is recorded on


@dataclass(frozen=True, slots=True)
class LastChoice:
    """The care question and guidance variant given last, so the next nudge rotates past them."""

    question_id: str | None
    guidance_id: str | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a deal's story: an update recorded or coaching given."""

    at: datetime
    kind: Literal["update", "nudge"]
    who: str | None
    stage: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    next_step: str | None = None
    outcome: str | None = None
    stall_kind: str | None = None
    question_id: str | None = None


@dataclass(frozen=True, slots=True)
class RepDaily:
    """A rep's daily-exercise settings and where their schedule stands."""

    rep_pk: int
    team_id: str
    user_id: str
    tz: str
    enabled: bool
    at: time
    days: frozenset[int]
    snoozed_until: date | None
    stopped_reason: str | None
    next_due_at: datetime | None
    next_due_date: date | None


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    delivery_id: int
    rep: RepDaily
    local_date: date
