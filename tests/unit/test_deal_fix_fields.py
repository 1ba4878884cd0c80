"""A submitted fix to the fields it sets, and the "Recorded on …" line: pure, no I/O."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.coach import InvalidFix, parse_deal_fix
from bot.coaching.models import DealUpdate
from bot.slack.blocks import deal_update_recorded_message

GOOD = {"name": " Acme Corp ", "stage": "Proposal", "amount": "45,000", "currency": "usd",
        "next_step": "demo Tuesday", "outcome": "open"}


def test_a_good_fix_reads_as_the_fields_it_sets():
    assert parse_deal_fix(GOOD) == DealUpdate(deal_name="Acme Corp", stage="Proposal", amount=Decimal(45000),
                                              currency="USD", next_step="demo Tuesday", outcome=None)
    fields = parse_deal_fix({**GOOD, "stage": None, "amount": "", "currency": None, "outcome": "won"})
    assert (fields.stage, fields.amount, fields.currency, fields.outcome) == (None, None, None, "won")
    assert parse_deal_fix({**GOOD, "amount": "0"}).amount == 0
    assert parse_deal_fix({**GOOD, "amount": "999999999999.99"}).amount == Decimal("999999999999.99")


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "NaN"}, "amount"), ({"amount": "Infinity"}, "amount"), ({"amount": "1e12"}, "amount"),
    ({"amount": "12.345"}, "amount"), ({"amount": "$45"}, "amount"), ({"currency": "dollars"}, "currency"),
    ({"amount": "", "currency": "USD"}, "currency"), ({"outcome": "maybe"}, "outcome"), ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"), ({"stage": "s" * 81}, "stage"), ({"next_step": "n" * 301}, "next_step"),
    ({"stage": "", "amount": "", "currency": "", "next_step": "", "outcome": "open"}, "stage"),
])
def test_a_bad_fix_says_which_field_is_wrong(changes, field):
    with pytest.raises(InvalidFix) as raised:
        parse_deal_fix({**GOOD, **changes})
    assert list(raised.value.errors) == [field]


def test_the_limits_themselves_are_allowed():
    fields = parse_deal_fix({**GOOD, "name": "x" * 120, "stage": "s" * 80, "next_step": "n" * 300})
    assert (len(fields.deal_name or ""), len(fields.stage or ""), len(fields.next_step or "")) == (120, 80, 300)


def test_the_recorded_line_escapes_what_people_wrote_and_carries_the_event_in_its_fix_button():
    update = DealUpdate(stage="<b>Proposal</b>", amount=Decimal("45000.50"), currency="EUR",
                        next_step="R&D review <!channel>")
    message = deal_update_recorded_message(event_id=42, deal_name="Smith & <Sons>", update=update)
    [section] = message.blocks
    assert section["text"]["text"] == ("Recorded on *Smith &amp; &lt;Sons&gt;*: stage &lt;b&gt;Proposal&lt;/b&gt; · "
                                       "€45,000.50 EUR · next step: R&amp;D review &lt;!channel&gt;")
    assert "<!channel>" not in message.text
    assert (section["accessory"]["action_id"], section["accessory"]["value"]) == ("deal_update_fix", "42")


def test_a_closed_deal_and_an_unknown_currency_read_plainly():
    message = deal_update_recorded_message(event_id=1, deal_name="Acme", update=DealUpdate(
        amount=Decimal(1200), currency="CHF", outcome="won"), corrected=True)
    assert message.blocks[0]["text"]["text"] == "Corrected on *Acme*: 1,200 CHF · closed won"
