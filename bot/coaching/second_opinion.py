"""The model's second opinion, as the domain sees it: which messages may be sent, what a valid answer is, how it
combines with the rules, and what guidance is acceptable. Pure: the OpenAI client lives in bot/llm/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.coaching.models import MAX_AMOUNT, STALL_KINDS, DealUpdate, Reading, Stall, StallKind

CONFIDENCE_THRESHOLD = 0.7
MAX_GUIDANCE_SENTENCES = 3
MAX_GUIDANCE_CHARS = 600

# The answer's contract, sent as a strict JSON schema (structured output) and checked again on the way back.
ANSWER_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "stall_kind", "deal", "stage", "amount", "currency", "next_step", "outcome", "confidence",
                 "guidance"],
    "properties": {
        "kind": {"type": "string", "enum": ["stall", "deal_update", "both", "none"]},
        "stall_kind": {"type": ["string", "null"], "enum": [*STALL_KINDS, None]},
        "deal": {"type": ["string", "null"]},
        "stage": {"type": ["string", "null"]},
        "amount": {"type": ["number", "null"]},
        "currency": {"type": ["string", "null"]},
        "next_step": {"type": ["string", "null"]},
        "outcome": {"type": ["string", "null"], "enum": ["won", "lost", None]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "guidance": {"type": ["string", "null"]},
    },
}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)

    kind: Literal["stall", "deal_update", "both", "none"]
    stall_kind: StallKind | None
    deal: str | None = Field(max_length=200)
    stage: str | None = Field(max_length=200)
    amount: Decimal | None = Field(ge=0, lt=MAX_AMOUNT)
    currency: str | None = Field(max_length=8)
    next_step: str | None = Field(max_length=500)
    outcome: Literal["won", "lost"] | None
    confidence: float = Field(ge=0, le=1)
    guidance: str | None = Field(max_length=2000)


@dataclass(frozen=True, slots=True)
class ModelReading:
    kind: Literal["stall", "deal_update", "both", "none"]
    stall_kind: StallKind | None
    deal_update: DealUpdate | None
    deal_name: str | None
    confidence: float
    guidance: str | None

    @property
    def has_stall(self) -> bool:
        return self.kind in ("stall", "both") and self.stall_kind is not None


@dataclass(frozen=True, slots=True)
class Opinion:
    """What asking the model gave: a valid reading, or why not."""

    reading: ModelReading | None
    outcome: str  # ok | budget | timeout | http_<status> | connection | refusal | invalid | not_sent


def parse_answer(raw: str | None) -> ModelReading | None:
    """A model answer that does not parse or does not fit the contract counts as no answer."""
    if not raw:
        return None
    try:
        answer = _Answer.model_validate(json.loads(raw))
    except (ValueError, ValidationError):
        return None
    if answer.kind in ("stall", "both") and answer.stall_kind is None:
        return None
    update = None
    if answer.kind in ("deal_update", "both") and any(
        v is not None for v in (answer.stage, answer.amount, answer.next_step, answer.outcome)
    ):
        update = DealUpdate(deal_name=answer.deal, stage=answer.stage, amount=answer.amount,
                            currency=answer.currency, next_step=answer.next_step, outcome=answer.outcome)
    elif answer.kind == "deal_update":
        return None
    return ModelReading(kind=answer.kind, stall_kind=answer.stall_kind, deal_update=update, deal_name=answer.deal,
                        confidence=answer.confidence, guidance=answer.guidance)


# What may go to a model is decided by the reader's own probabilities, not a second vocabulary: a message the
# classifier finds something in, or is unsure about (it finds chatter less likely than not: P(other) < 0.5). Plain
# chatter the cheap gate stopped carries no probabilities and is never sent; nor is anything with the rules reader.
SURE_IT_IS_CHATTER = 0.5


def worth_a_second_opinion(reading: Reading) -> bool:
    if not reading.is_empty:
        return True
    if reading.probabilities is None:
        return False
    return reading.probabilities.get("other", 1.0) < SURE_IT_IS_CHATTER


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"<(https?|mailto|tel):[^>]*>|\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{6,}\d)(?!\w)")


def redact(text: str) -> str:
    """Emails, URLs and phone numbers never leave the workspace."""
    text = _URL.sub("[link]", text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub(lambda m: "[phone]" if sum(c.isdigit() for c in m.group(1)) >= 7 else m.group(1), text)


# Pressure, false urgency and forcing a close: what Heartful exists to talk reps out of.
_PUSHY = re.compile(
    r"act now|today only|limited[- ]time|before it'?s too late|last chance|only \w+ (left|spots?)|offer expires|"
    r"don'?t (let|give) (them|her|him) (time|think)|push (them|her|him|harder)|press (them|her|him)|"
    r"(put|apply|keep up the) pressure|pressure (them|her|him)|(create|build) (a sense of )?urgency|"
    r"hurry (them|her|him)|close (them|it|the deal) (today|now|fast|this week)|fomo|fear of missing|"
    r"discount|% off|price (cut|drop)|special (offer|price)|sweeten|throw in|free month|"
    r"follow up (every|daily|twice)|keep (calling|emailing|chasing)|don'?t take no|overcome (the|their) objection",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](\s|$)")


def guidance_is_acceptable(text: str | None) -> bool:
    if not text or not text.strip() or len(text) > MAX_GUIDANCE_CHARS:
        return False
    if len(_SENTENCE_END.findall(text.strip() + " ")) > MAX_GUIDANCE_SENTENCES:
        return False
    return not _PUSHY.search(text)


def combine(rules: Reading, model: ModelReading | None, *, threshold: float = CONFIDENCE_THRESHOLD) -> Reading:
    """A confident model answer decides stall or not (it reads paraphrases the rules miss, and what they misread);
    otherwise the rules stand. The rules' deal fields win when both found an update: their parse is exact."""
    if model is None or model.confidence < threshold:
        return rules
    stall = None
    if model.has_stall:
        kind = model.stall_kind
        assert kind is not None
        stall = rules.stall if rules.stall and rules.stall.kind == kind else Stall(kind=kind, evidence="(model)")
    update = rules.deal_update or model.deal_update
    if model.kind in ("stall", "none") and rules.deal_update is None:
        update = None
    if update is not None and update.outcome is not None:
        stall = None  # a closed deal gets no nudge, whoever read it
    return Reading(stall=stall, deal_update=update, deal_name=rules.deal_name or model.deal_name,
                   chase=rules.chase and stall is None, probabilities=rules.probabilities, decided_by="model")
