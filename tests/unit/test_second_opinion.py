"""The model layer's pure policy: pre-filter, answer contract, redaction, care check, combining with the rules."""

from __future__ import annotations

import json

import pytest

from bot.coaching.models import Reading, Stall
from bot.coaching.second_opinion import combine, guidance_is_acceptable, parse_answer, redact, worth_a_second_opinion

VALID = {"kind": "stall", "stall_kind": "budget", "deal": "Acme", "stage": None, "amount": None, "currency": None,
         "next_step": None, "outcome": None, "confidence": 0.8, "guidance": "Respect it."}


def test_a_valid_answer_parses():
    reading = parse_answer(json.dumps(VALID))
    assert reading and reading.stall_kind == "budget" and reading.deal_name == "Acme"


@pytest.mark.parametrize("raw", [
    None, "", "{", "[]", json.dumps({**VALID, "kind": "maybe"}), json.dumps({**VALID, "stall_kind": "vibes"}),
    json.dumps({**VALID, "confidence": 1.5}), json.dumps({**VALID, "extra": 1}),
    json.dumps({k: v for k, v in VALID.items() if k != "confidence"}), json.dumps({**VALID, "stall_kind": None}),
    json.dumps({**VALID, "kind": "deal_update", "stall_kind": None}),  # an update with no field is no update
])
def test_anything_off_contract_is_no_answer(raw):
    assert parse_answer(raw) is None


def _probs(other: float) -> dict[str, float]:
    return {"think_it_over": 1 - other, "other": other}


@pytest.mark.parametrize("reading", [
    Reading(decided_by="gate"),  # plain chatter the cheap gate stopped: no probabilities at all
    Reading(probabilities=_probs(0.97), decided_by="classifier"),  # the classifier is sure it is chatter
    Reading(probabilities=_probs(0.6), decided_by="classifier"),  # chatter more likely than not
    Reading(decided_by="rules"),  # the rules reader found nothing
])
def test_chatter_is_not_sent(reading):
    assert not worth_a_second_opinion(reading)


@pytest.mark.parametrize("reading", [
    Reading(probabilities=_probs(0.4), decided_by="classifier"),  # unsure: the model may see what it missed
    Reading(stall=Stall(kind="timing", evidence="later"), probabilities=_probs(0.1), decided_by="classifier"),
    Reading(chase=True, decided_by="rules"),
])
def test_possible_stalls_and_updates_are(reading):
    assert worth_a_second_opinion(reading)


def test_redaction():
    text = "mail dana@acme.io or call +44 20 7946 0958, deck at <https://x.io/d|deck> or www.acme.io; 45k by Q3"
    redacted = redact(text)
    assert redacted == "mail [email] or call [phone], deck at [link] or [link] 45k by Q3"


@pytest.mark.parametrize("text", [
    "Act now and offer a discount.", "Create urgency: the price goes up Monday.", "Push them harder today.",
    "Keep chasing until she answers.", "One. Two. Three. Four.", "", "x" * 601,
])
def test_the_care_check_rejects_pushy_or_long_guidance(text):
    assert not guidance_is_acceptable(text)


@pytest.mark.parametrize("text", [
    "Take all the time you need; there's no hurry on my side.", "Don't chase. Step back and offer a summary.",
    "Tell her there is no pressure, and ask what would help her decide.",
])
def test_the_care_check_keeps_caring_guidance(text):
    assert guidance_is_acceptable(text)


def test_combine():
    rules = Reading(stall=Stall(kind="think_it_over", evidence="think it over"), deal_name="Acme")
    confident_none = parse_answer(json.dumps({**VALID, "kind": "none", "stall_kind": None, "confidence": 0.9}))
    unsure = parse_answer(json.dumps({**VALID, "confidence": 0.3}))
    assert combine(rules, None) == rules
    assert combine(rules, unsure) == rules
    assert combine(rules, confident_none).stall is None
    budget = combine(Reading(), parse_answer(json.dumps(VALID)))
    assert budget.stall and budget.stall.kind == "budget" and budget.deal_name == "Acme"
