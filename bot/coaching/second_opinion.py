"""The model's second opinion, as the domain sees it: which messages may be sent, what a valid answer is, how it
combines with the rules, and what guidance is acceptable. Pure: the OpenAI client lives in bot/llm/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.coaching.models import STALL_KINDS, DealUpdate, Reading, Stall, StallKind

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
    amount: Decimal | None = Field(ge=0, le=Decimal("1e12"))
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


# A cheap pre-filter: only messages that could be a prospect stepping away or a change to a deal go to a model;
# ordinary chatter never does. A possible stall needs both a prospect's voice (reported speech, a quote, a third
# person) and stall-ish words; a possible update needs deal-change words. Broader than the rules on purpose: the
# model is there for what the rules miss.
_PROSPECT_VOICE = re.compile(
    r"[\"“”‘’]|^\s*>|\b(?:said|says|saying|told|tells|reckons?|replied|responded|wrote|mentioned|asked|wants?|"
    r"needs?|has to|have to|gotta|won'?t|can'?t|cannot|couldn'?t|would rather|prefers?|will (?:only|not)|"
    r"they|their|them|she|her|he|his|client|prospect|customer|buyer|champion|owner|gm|vp|director|founder|"
    r"head of|c[eftio]o|gatekeeper)\b|'\s*(?:we|i|let|send|not|no|maybe)\b",
    re.IGNORECASE | re.MULTILINE,
)
# A named person or company speaking: "Fiona at Ridgeway", "Kiran (Sahyadri)", "Colette: ...".
_NAMED_VOICE = re.compile(r"\b(?:at|from|@) [A-Z]|^\s*[A-Z][\w.&' -]{1,40}(?::|\s[–—-]\s|\s\()", re.MULTILINE)
_STALL_WORDS = re.compile(
    r"\b(?:think|thnk|ponder|mull|sleep on|chew|noodle|reflect|consider|decid|decision|ready|commit|hesita|wait|"
    r"partner|spouse|wife|husband|boss|board|legal|procurement|finance|committee|approv|sign-?off|buy-?in|"
    r"loop|run (?:it|this)|check with|sync|call\b|"
    r"send|sent|share|deck|brochure|bumph|deets|info|one-pager|pdf|details|material|writing|whitepaper|case stud|"
    r"read|review|"
    r"later|not now|right time|next|q[1-4]\b|fy\b|financial year|fiscal|circle back|come back|revisit|timing|busy|"
    r"after|until|till|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"budget|freeze|frozen|funds?|afford|expensive|rich|price|pricing|cost|money|spend|slashed|cut|"
    r"happy with|current|already|incumbent|renew|stay|sticking|stick with|carry on|hassle|switch|manual|"
    r"not interested|no thanks|nah|pass\b|not for us|not a fit|priority|require|need this|problem|space|"
    r"unsubscribe|stop (?:calling|emailing)|hung up|looking at)|\$\$",
    re.IGNORECASE,
)
_DEAL_CHANGE = re.compile(
    r"(?:→|->|=>)|\b(?:moved?|moving|advanced?|progressed|slipped|stage|closed?[- ]?(?:won|lost)|won|lost|signed|"
    r"contract|proposal|negotiation|amount|amt|acv|arr|opportunity|opp|renewal)\b",
    re.IGNORECASE,
)
_OUTCOME = re.compile(r"\b(?:closed[- ]?(?:won|lost)|is a wrap|verbal (?:yes|commit)|signed|lost (?:on|to)|won\b)",
                      re.IGNORECASE)
_MONEY = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k|m|usd|eur|gbp)\b", re.IGNORECASE)


def worth_a_second_opinion(text: str, rules: Reading) -> bool:
    if not rules.is_empty:
        return True
    if _STALL_WORDS.search(text) and (_PROSPECT_VOICE.search(text) or _NAMED_VOICE.search(text)):
        return True
    if _OUTCOME.search(text):
        return True
    return bool(_DEAL_CHANGE.search(text) and (_MONEY.search(text) or len(_DEAL_CHANGE.findall(text)) >= 2))


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
    return Reading(stall=stall, deal_update=update, deal_name=rules.deal_name or model.deal_name)
