"""The message reader: stalls (and what is not one), deal updates (typed and from CRMs), deal names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.coaching.detect import read_message

# ---------------------------------------------------------------------------------------------------------------------
# Stalls, by kind
# ---------------------------------------------------------------------------------------------------------------------

THINK_IT_OVER = [
    "She wants to think it over",
    "Great call with Acme but the CFO wants to think it over.",
    "they need to sleep on it",
    "Dana said she needs to mull it over this weekend",
    "prospect wants to chew on it for a few days",
    'Told me "let me think about it and get back to you"',
    "he's going to think things over and circle back",
    "she wants to thnk it over",
    "Needs some time to think about it 🤔",
    "Demo went well :tada: but they want to sleep on it before committing",
    "Quick update on Initech: champion is on board, but the buyer said she needs a few days to digest the proposal.",
    "Call w/ Globex went ok. Wants to think about it.",
    "They're on the fence",
    "CFO needs more time to decide",
    "He said he'd give it some thought over the weekend",
    "they said 'we'll mull it over'",
    "<@U123ABC> FYI Stark Industries wants to take a week to think it over",
    "Sent pricing, the buyer wants to think it through",
    "the client isn't ready to commit yet, wants to think it over",
    "Hooli: decision maker wants to sleep on it",
]

CONSULT_OTHERS = [
    "She has to run it past her business partner",
    "He needs to check with his wife first",
    "they want to run it by the board",
    "prospect said she must ask her boss",
    "the CFO has to sign off before they move",
    "Needs buy-in from the exec team",
    "they need to get buy-in from IT and security",
    "it has to go through legal and procurement",
    "she said 'I need to talk to my husband'",
    'He told me "let me run it past my manager"',
    "Acme: champion loves it but needs to loop in her CFO",
    "Initech wants to discuss it with their leadership team next week",
    "Dana isn't the decision maker, she has to bring it to the committee",
    "They can't sign without approval from the board",
    "Their legal team needs to review the contract first",
    "he has to check w/ procurement",
    "needs her manager's sign-off",
    "Globex CFO wants to run it past the board",
]

SEND_INFO = [
    'She said "just send me some info"',
    "He asked me to send over a deck and he'll take a look",
    "prospect told me to email him a brochure",
    "they want us to send more information first",
    "Acme's buyer asked for a one-pager before any call",
    '"Email me a deck and I\'ll look" - classic',
    "Dana said send me something in writing",
    "Cold call: she said to shoot her an email with some info",
    "he just wants some materials to read",
    "Told me to send the info and they'd circle back",
]

TIMING = [
    "She said it's not the right time",
    "they want to revisit next quarter",
    "Acme: not now, circle back after the holidays",
    "he asked me to reach out again in Q3",
    "prospect says timing isn't right for them",
    "They're pushing the decision to next year",
    "Globex put the project on hold until the new year",
    "Buyer said maybe next quarter",
    "client is in the middle of a reorg, asked us to check back in 6 months",
    "they told me to circle back in January",
    "Not a priority right now for them",
    "Initech: wants to wait until after the holidays",
    "he said bad timing, they're swamped",
    "They want to revisit this next year",
]

BUDGET = [
    "Their budget is frozen",
    "she said they have no budget this year",
    "budget got slashed, can't move forward",
    "they can't afford it right now",
    "Acme: spend freeze across the company",
    "prospect says it's too expensive",
    "CFO froze all new software spend",
    "they don't have the budget until Q3",
    "their budgt is frozen",
    "Initech has no money for new tools this quarter",
    "He told me pricing is out of their range",
    "the buyer said it's not in this year's budget",
    "budget freeze 🥶 at Globex",
]

STATUS_QUO = [
    "they're happy with their current vendor",
    "She said they already use Gong",
    "Acme renewed with the competitor for another year",
    "prospect is satisfied with their existing solution",
    "they're locked into a contract with Salesforce until 2026",
    "He says they don't see a reason to switch",
    "Initech is sticking with their current provider",
    "the CFO said their spreadsheets work fine for them",
    "Globex already has a tool for that",
    'she said "we\'re happy with what we have"',
    "Told me they're not looking to switch",
]

NO_INTEREST = [
    "She's not interested",
    "prospect said not interested",
    "they said it's not for us",
    "Acme: we'll pass, thanks",
    "he's not really intrested",
    "Told me it's not a fit for them",
    "They decided not to move forward",
    "Globex said no thanks",
    'CFO replied "we\'re not interested at this time"',
    "they don't see the value",
    "Cold call - guy said take me off your list",
    "Initech is no longer interested",
]

STALLS = (
    [(t, "think_it_over") for t in THINK_IT_OVER]
    + [(t, "consult_others") for t in CONSULT_OTHERS]
    + [(t, "send_info") for t in SEND_INFO]
    + [(t, "timing") for t in TIMING]
    + [(t, "budget") for t in BUDGET]
    + [(t, "status_quo") for t in STATUS_QUO]
    + [(t, "no_interest") for t in NO_INTEREST]
)


@pytest.mark.parametrize(("text", "kind"), STALLS)
def test_stalls_are_read_with_their_kind(text: str, kind: str) -> None:
    reading = read_message(text)
    assert reading.stall is not None, text
    assert reading.stall.kind == kind, (text, reading.stall)
    assert reading.stall.evidence
    assert reading.stall.evidence.lower() in text.lower() or reading.stall.evidence in text


# ---------------------------------------------------------------------------------------------------------------------
# Not stalls
# ---------------------------------------------------------------------------------------------------------------------

NOT_STALLS = [
    # the rep's own deliberation
    "I need to think it over before I send the forecast",
    "let me run it past my manager before I discount",
    "I'll sleep on it and update the deck tomorrow",
    "We need to check with our legal team on the new template",
    "I'll circle back with them next week",
    "Let me think about how to approach Acme",
    "I'm going to send her the deck tomorrow",
    "Next step: send proposal to the CFO",
    "I need to talk to my manager about my comp plan",
    # chatter not about a prospect
    "send me the info for the offsite",
    "budget for the team dinner is frozen",
    "not the right time for a fire drill",
    "can someone send me the deck template?",
    "Not interested in the pizza, thanks",
    "is the swag budget frozen?",
    "Lunch is on me today 🍕",
    "Great job on the forecast everyone!",
    "who has the link to the QBR deck?",
    # building it themselves is a loss, not a stall
    "they decided to build it in-house",
    # negations
    "no need to think it over, signing Friday",
    "budget isn't an issue",
    "they're not happy with their current vendor",
    "She doesn't need to run it past anyone, she owns the budget",
    "They're no longer happy with Gong, looking to switch",
    "He didn't say they need to think it over, he said yes",
    "Budget is approved 🎉",
    "timing is perfect for them, they want to start next week",
    # questions asking for advice
    "how do you handle 'I need to think about it'?",
    "Any tips for when a prospect says they need to run it past their boss?",
    "What's the best response to 'just send me some info'?",
    "how do you all get past 'not interested' on cold calls?",
    "When a prospect says budget is frozen, what do you say?",
    # hypotheticals / questions about the prospect
    "If they need to think it over, I'll follow up Friday",
    "Do they need to run it past their board?",
    # ordinary deal chatter
    "Acme demo went great, they loved the reporting",
    "She was happy with the demo and wants a proposal",
    "Had a great discovery call with Initech today",
    "",
    "   ",
    ":tada: :tada:",
]


@pytest.mark.parametrize("text", NOT_STALLS)
def test_not_stalls(text: str) -> None:
    assert read_message(text).stall is None, (text, read_message(text).stall)


def test_stall_evidence_is_as_written() -> None:
    reading = read_message("She wants to *Think It Over* :thinking_face:")
    assert reading.stall is not None
    assert reading.stall.evidence == "Think It Over"


def test_typo_evidence_maps_back_to_the_message() -> None:
    reading = read_message("Call went fine. their budgt is frozen until Q3")
    assert reading.stall is not None and reading.stall.kind == "budget"
    assert "budgt" in reading.stall.evidence


def test_stall_buried_in_a_long_update() -> None:
    text = (
        "Recap from today:\n"
        "• Acme: demo done, they loved the dashboards\n"
        "• Initech: CFO said she needs to sleep on it, reconnecting Friday\n"
        "• Globex: sent MSA redlines"
    )
    reading = read_message(text)
    assert reading.stall is not None and reading.stall.kind == "think_it_over"


# ---------------------------------------------------------------------------------------------------------------------
# Deal updates
# ---------------------------------------------------------------------------------------------------------------------


def test_typed_update_with_stage_amount_and_next_step() -> None:
    u = read_message("Acme moved to Proposal, $45k, next step: demo w/ CFO Tue").deal_update
    assert u is not None
    assert u.deal_name == "Acme"
    assert u.stage == "Proposal"
    assert u.amount == Decimal("45000")
    assert u.currency == "USD"
    assert u.next_step == "demo w/ CFO Tue"
    assert u.outcome is None


def test_stage_arrow_and_code_currency() -> None:
    u = read_message("Globex: stage -> Negotiation, amt 120,000 USD").deal_update
    assert u is not None
    assert (u.deal_name, u.stage, u.amount, u.currency) == ("Globex", "Negotiation", Decimal("120000"), "USD")


def test_closed_won_with_bare_k_amount() -> None:
    u = read_message("closed won Initech 30k 🎉").deal_update
    assert u is not None
    assert (u.deal_name, u.amount, u.outcome) == ("Initech", Decimal("30000"), "won")


def test_lost_to_competitor() -> None:
    u = read_message("lost Umbrella to a competitor :(").deal_update
    assert u is not None
    assert (u.deal_name, u.outcome) == ("Umbrella", "lost")


def test_salesforce_stage_change() -> None:
    text = (
        "Opportunity *Acme Corp - 500 seats* changed Stage from Qualification to Proposal/Price Quote. "
        "Amount: $50,000. Next Step: Send proposal"
    )
    u = read_message(text).deal_update
    assert u is not None
    assert u.deal_name == "Acme Corp - 500 seats"
    assert u.stage == "Proposal/Price Quote"
    assert u.amount == Decimal("50000") and u.currency == "USD"
    assert u.next_step == "Send proposal"


def test_salesforce_multiline_with_link() -> None:
    text = (
        "*Opportunity updated:* <https://acme.my.salesforce.com/006xx|Initech - Platform expansion>\n"
        "Stage: Negotiation/Review\nAmount: €80,000\nNext Step: Legal redlines"
    )
    u = read_message(text).deal_update
    assert u is not None
    assert u.stage == "Negotiation/Review"
    assert u.amount == Decimal("80000") and u.currency == "EUR"
    assert u.next_step == "Legal redlines"


def test_hubspot_stage_change() -> None:
    text = "Deal *Acme renewal* moved to stage *Contract sent* in pipeline Sales Pipeline · Amount: $12,000"
    u = read_message(text).deal_update
    assert u is not None
    assert (u.deal_name, u.stage, u.amount, u.currency) == ("Acme renewal", "Contract sent", Decimal("12000"), "USD")


def test_hubspot_closed_won_is_an_outcome_not_a_stage() -> None:
    u = read_message("Deal *Globex - Annual* moved to stage *Closed Won* in pipeline Sales Pipeline").deal_update
    assert u is not None
    assert u.outcome == "won" and u.stage is None and u.deal_name == "Globex - Annual"


def test_salesforce_closed_lost() -> None:
    u = read_message("Opportunity *Umbrella Q3* changed Stage from Negotiation/Review to Closed Lost.").deal_update
    assert u is not None and u.outcome == "lost" and u.stage is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Acme: $1.2M ARR deal moved to negotiation", Decimal("1200000"), "USD"),
        ("Globex deal size now €45k", Decimal("45000"), "EUR"),
        ("Hooli opp updated: £12,500", Decimal("12500"), "GBP"),
        ("Initech deal: 120,000 USD, stage: proposal", Decimal("120000"), "USD"),
        ("Stark deal amount changed from $40,000 to $55,000", Decimal("55000"), "USD"),
        ("Wayne opp is EUR 30,000 now, stage -> Discovery", Decimal("30000"), "EUR"),
        ("Acme deal value 2.5m, in negotiation stage", Decimal("2500000"), None),
    ],
)
def test_amounts(text: str, amount: Decimal, currency: str | None) -> None:
    u = read_message(text).deal_update
    assert u is not None, text
    assert (u.amount, u.currency) == (amount, currency)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Initech signed! 🎉", "won"),
        ("We won the Globex deal!!", "won"),
        ("Acme contract is signed, $60k", "won"),
        ("Closed-won: Hooli, 24k", "won"),
        ("Lost Acme to Gong", "lost"),
        ("Globex is closed lost, they went with a competitor", "lost"),
        ("we lost the Initech deal :(", "lost"),
    ],
)
def test_outcomes(text: str, outcome: str) -> None:
    u = read_message(text).deal_update
    assert u is not None, text
    assert u.outcome == outcome


NOT_UPDATES = [
    "lunch was $45",
    "next step for the offsite is booking the venue",
    "who won the fantasy football league?",
    "I lost my badge again",
    "she signed up for the webinar",
    "Acme hasn't signed yet, hopefully Friday",
    "Great call with Initech today, they loved the demo",
    "Uber to the client site was $38",
    "Team dinner Thursday at 7",
    "I need to think it over before I send the forecast",
]


@pytest.mark.parametrize("text", NOT_UPDATES)
def test_not_updates(text: str) -> None:
    assert read_message(text).deal_update is None, (text, read_message(text).deal_update)


def test_message_can_be_both_a_stall_and_an_update() -> None:
    reading = read_message("Acme moved to Negotiation ($80k) but their CFO wants to sleep on it")
    assert reading.stall is not None and reading.stall.kind == "think_it_over"
    assert reading.deal_update is not None and reading.deal_update.stage == "Negotiation"
    assert reading.deal_name == "Acme"


# ---------------------------------------------------------------------------------------------------------------------
# Deal names
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The CFO at Acme wants to think it over", "Acme"),
        ("Initech: budget is frozen until Q3", "Initech"),
        ("the Globex deal is stalling, they want to revisit next quarter", "Globex"),
        ("*Hooli* - not interested", "Hooli"),
        ("Stark Industries' buyer wants to sleep on it", "Stark Industries"),
    ],
)
def test_deal_name_for_stalls(text: str, name: str) -> None:
    reading = read_message(text)
    assert reading.stall is not None, text
    assert reading.deal_name == name


def test_known_deal_names_are_preferred_whole_word_and_case_insensitive() -> None:
    reading = read_message("spoke to the acme corp folks, they want to think it over", known_deals=["Acme Corp", "Acm"])
    assert reading.deal_name == "Acme Corp"
    reading = read_message("Acme Corporation moved to Proposal", known_deals=["Acme Corp"])
    assert reading.deal_name != "Acme Corp"


def test_known_deal_named_on_an_update() -> None:
    reading = read_message("initech moved to proposal, $20k", known_deals=["Initech"])
    assert reading.deal_update is not None
    assert reading.deal_update.deal_name == "Initech"
    assert reading.deal_name == "Initech"


def test_empty_reading_for_chatter() -> None:
    assert read_message("Morning all! Coffee's fresh ☕").is_empty
