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
    "<@U07ZYX987> here's the expense policy you asked for <https://linkedin.com/posts/4218665|deck>",
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
    assert u.deal_name == "Initech - Platform expansion"
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
    "I booked Oak for the 1:1 at 1:30",
    "updated the discovery call script, lmk if anything looks off <https://calendly.com/team/8272244>",
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
        ("Spoke to Dana at Acme, she wants to think it over", "Acme"),
        ("Call with Kim from Globex: they're not interested", "Globex"),
        ("Talked with Raj, Initech's CFO, he has to run it by the board", "Initech"),
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


# ---------------------------------------------------------------------------------------------------------------------
# Wider phrasing: (text, stall kind or None, is a deal update). Written as fresh checks of how the rules generalise.
# ---------------------------------------------------------------------------------------------------------------------

MIXED_PHRASINGS = [
    ('Solid demo w/ Pinewood. Their COO said she wants to noodle on it over the weekend', 'think_it_over', False),
    ("brightline: 'give us a week to digest everything'", 'think_it_over', False),
    ('He needs to mull things over w/ no pressure, his words', 'think_it_over', False),
    ('prospect is still on the fence about it', 'think_it_over', False),
    ('Tessa from Oakmont asked for the weekend to think', 'think_it_over', False),
    ('they want to sit with the numbers for a bit before deciding', 'think_it_over', False),
    ("Oakland Dental: 'let us think about it and we'll be in touch'", 'think_it_over', False),
    ("the buyer at Quill said she'll sleep on it and ping me monday", 'think_it_over', False),
    ('Ravi said he has to run it by his cofounder before signing anything', 'consult_others', False),
    ('their board meets on the 12th and has to approve any spend over 20k', 'consult_others', False),
    ('Helix needs sign-off from their CISO first', 'consult_others', False),
    ('Mara wants to loop in her finance lead before we go further', 'consult_others', False),
    ('owner said he needs to talk it over with his wife', 'consult_others', False),
    ('"I\'ll have to check with my partners" - Dr. Lee', 'consult_others', False),
    ("it's going to committee next week, out of Jen's hands", 'consult_others', False),
    ("Northwind's champion has to get the CFO comfortable first", 'consult_others', False),
    ('Gatekeeper at Apex told me to just email over some info', 'send_info', False),
    ("he cut me off and said 'send me a one pager'", 'send_info', False),
    ("Prospect: can you shoot me the deck? I'll take a look later", 'send_info', False),
    ('she wanted case studies sent over before committing to a call', 'send_info', False),
    ('they asked for more info via email rather than a meeting', 'send_info', False),
    ('Quantum said to reach back out after their fiscal year starts in July', 'timing', False),
    ("they're mid-migration and want to pause until Q3", 'timing', False),
    ("not the right moment for them, they're in the middle of layoffs", 'timing', False),
    ('Larkspur wants to revisit in the new year', 'timing', False),
    ('buyer said to check back in a couple of months', 'timing', False),
    ('everything is on hold at Vireo until the acquisition closes', 'timing', False),
    ("Cobalt's budget was cut in half this quarter", 'budget', False),
    ("she said they just can't afford another subscription right now", 'budget', False),
    ('hiring freeze AND spending freeze at Terra, brutal', 'budget', False),
    ("Vanta Labs: we're over budget for the year already", 'budget', False),
    ("the CFO told him there's zero budget for new tools till 2025", 'budget', False),
    ('price is too steep for them at the moment', 'budget', False),
    ("they're pretty happy with Outreach tbh", 'status_quo', False),
    ('Meadow said their current CRM does everything they need', 'status_quo', False),
    ('just renewed with Gong for 2 more years :(', 'status_quo', False),
    ("they're content with their existing agency", 'status_quo', False),
    ('prospect said spreadsheets work fine for them for now', 'status_quo', False),
    ('Sonder is staying with their incumbent vendor', 'status_quo', False),
    ('got a hard no from Fulcrum', 'no_interest', False),
    ('Director replied: not interested, and not a priority', 'no_interest', False),
    ("they said it's just not for them", 'no_interest', False),
    ('prospect told me flat out they have no interest', 'no_interest', False),
    ("Hightower: 'please stop emailing me'", 'no_interest', False),
    ("Cold outreach to Aster got a 'no thanks, we're good'", 'no_interest', False),
    ('I want to sleep on the discount question before I reply', None, False),
    ('let me check with legal on our side about the DPA language', None, False),
    ("I'll send over the deck tonight", None, False),
    ('we should revisit our territory plan next quarter', None, False),
    ('need to think about whether to push Acme for a multi-year', None, False),
    ("I'll run the pricing by Sam before I send it", None, False),
    ('budget for swag is tight this year', None, False),
    ('anyone interested in the pizza order? no? ok', None, False),
    ('happy with the new CRM layout, nice work ops', None, False),
    ('not the right time for a 3pm standup imo', None, False),
    ('my dog needs to think it over before eating anything new lol', None, False),
    ('can someone send me the info for the kickoff dinner?', None, False),
    ("budget's not a problem for them, they have it approved", None, False),
    ("she doesn't need to run it by anyone, she's the DM", None, False),
    ("they're not happy with Gong at all, wants to switch ASAP", None, False),
    ('timing works for them, want to start in two weeks', None, False),
    ('no need for them to think about it, they want the paperwork today', None, False),
    ("They're very interested, asked for a proposal", None, False),
    ("how would you respond to 'we're happy with our current vendor'?", None, False),
    ('tips for when they say they have to run it past their boss?', None, False),
    ("does anyone have a good reply for 'send me some info'?", None, False),
    ('Should I ask if they need to check with procurement?', None, False),
    ('Fernway moved to Negotiation, $72k, next step: redlines Thurs', None, True),
    ('Opportunity *Lumen Labs - Enterprise* changed Stage from Discovery to Proposal/Price Quote. Amount: $95,000.', None, True),
    ('Deal *Bright Path renewal* moved to stage *Contract sent* in pipeline Renewals · Amount: $14,400', None, True),
    ('closed won: Heron Analytics, 18k 🎉', None, True),
    ('lost Saltmarsh to a cheaper competitor', None, True),
    ('Kestrel: stage -> Demo, amt 8,000 EUR', None, True),
    ('Tidewater signed!! 🙌 $41,500', None, True),
    ('Quarry Co update: amount now £30k, still in Proposal', None, True),
    ('Ironclad moved to Proposal at $60k but their GC needs to review before they can commit', 'consult_others', True),
    ('Birch & Co in Negotiation, 35k, next step: call w/ CFO. She said they might have to wait till Q2 for budget', 'timing', True),
    ('grabbed lunch for $38, expensing it', None, False),
    ('next step for the offsite: book the bus', None, False),
    ('we won the office trivia 🏆', None, False),
    ('Meeting booked via HubSpot: *Intro call* with Dana Cole (Quillon), Mon 10:00 AM', None, False),
    ('Good call w Redwood. Kai wants to take the weekend and circle back', 'think_it_over', False),
    ('they said they need to chew on the numbers', 'think_it_over', False),
    ("Ophelia: 'I want to think this through properly before committing'", 'think_it_over', False),
    ("buyer at Linden isn't ready to make a call yet", 'think_it_over', False),
    ('prospect wants to discuss internally with their ops lead first', 'consult_others', False),
    ('Sam has to get the partners to sign off, they meet monthly', 'consult_others', False),
    ('Their purchasing dept needs to approve any new vendor', 'consult_others', False),
    ("she'll need her husband's ok since it's a family business", 'consult_others', False),
    ("Tobias asked me to just email the pricing and he'd have a look", 'send_info', False),
    ("'can you pop something over by email' was all I got from Quartz", 'send_info', False),
    ('they asked for a brochure instead of a demo', 'send_info', False),
    ('Wren said the timing is off, revisit after their audit', 'timing', False),
    ("Polaris: 'ping me again in March'", 'timing', False),
    ('prospect is slammed until end of quarter, wants to talk in Q3', 'timing', False),
    ('Maple Health froze all discretionary spend', 'budget', False),
    ("they told me it's way outside their budget", 'budget', False),
    ('Kinetic said the cost is a non-starter for them this year', 'budget', False),
    ("they're sticking with Zendesk, contract just renewed", 'status_quo', False),
    ('Blue Ox is happy with their current setup and sees no reason to change', 'status_quo', False),
    ('prospect said their homegrown tool works well enough', 'status_quo', False),
    ("CFO said they're not interested right now, maybe never", 'no_interest', False),
    ("Got a 'thanks but no thanks' from Ember", 'no_interest', False),
    ("the director said it's not a good fit for their team", 'no_interest', False),
    ("I'm going to sleep on how to position the renewal", None, False),
    ('we need to run the numbers past finance before quoting Acme', None, False),
    ("I'll email them the deck after lunch", None, False),
    ('not interested in joining the softball team this year lol', None, False),
    ('budget for the holiday party is already blown 😂', None, False),
    ('they are NOT happy with their current vendor - great sign for us', None, False),
    ("doesn't need to check with anyone, she's the owner", None, False),
    ("What do you say when someone says 'we're happy with what we have'?", None, False),
    ('If Larch says they need to think it over, push for a date', None, False),
    ("Happy Friday all! Who's in for drinks?", None, False),
    ('Reminder: send me your forecast numbers by EOD', None, False),
    ('Acme loved the demo and wants a proposal by Friday', None, False),
    ('the prospect is very interested and asked about onboarding timelines', None, False),
    ('They said timing is perfect, they want to kick off in two weeks', None, False),
    ('budget approved at Orchard! moving to contracts', None, True),
    ('Summit Bank moved from Demo to Proposal, $120k ARR', None, True),
    ('Deal *Northwind - Expansion* moved to stage *Decision maker bought-in* in pipeline Sales Pipeline · Amount: $40,000', None, True),
    ('Opportunity *Cyberdyne - Platform* changed Amount from $200,000 to $240,000', None, True),
    ('won Pied Piper!! 60k ARR 🚀', None, True),
    ('Lost Hooli - they went with an in-house build', None, True),
    ('Massive Dynamic: stage → Negotiation. next step: security questionnaire', None, True),
    ('Soylent signed the order form this morning, £75k', None, True),
    ('Vandelay moved to Proposal ($25k) but the owner said she wants to think it over', 'think_it_over', True),
    ('Stark renewal in Negotiation at $90k - their CFO has to approve before they sign', 'consult_others', True),
]


@pytest.mark.parametrize(("text", "kind", "is_update"), MIXED_PHRASINGS)
def test_mixed_phrasings(text: str, kind: str | None, is_update: bool) -> None:
    reading = read_message(text)
    assert (reading.stall.kind if reading.stall else None) == kind, (text, reading.stall)
    assert (reading.deal_update is not None) == is_update, (text, reading.deal_update)
