"""Domain replies rendered as Block Kit (slack_sdk's models) with a plain-text fallback. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from slack_sdk.models.blocks import (
    Block, ButtonElement, ContextBlock, InputBlock, MarkdownTextObject, Option, PlainTextInputElement, SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.coach import FIX_OUTCOMES, DealAnswer, RecordedUpdate, UnknownDeal
from bot.coaching.commands import USAGE, UsageError
from bot.coaching.guidance import Nudge
from bot.coaching.library import CareQuestion, PromptLibrary
from bot.coaching.models import ChannelSettings, Deal, DealUpdate, RepDaily, TimelineEntry
from bot.coaching.schedule import format_days, local_date, zone
from bot.coaching.situations import RhythmAdvice

STALL_LABELS = {
    "think_it_over": "wants to think it over",
    "consult_others": "wants to check with someone else",
    "send_info": "asked for information",
    "timing": "says the timing is not right",
    "budget": "has a budget constraint",
    "status_quo": "is happy with what they have",
    "no_interest": "is not interested right now",
}


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    text: str  # fallback for notifications and clients without Block Kit
    blocks: list[dict]


def _escape(text: str) -> str:
    # Slack mrkdwn needs only these three escaped.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nudge_message(nudge: Nudge) -> RenderedMessage:
    label = STALL_LABELS.get(nudge.stall_kind, nudge.stall_kind)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Step back with them.* {_escape(nudge.guidance.text)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*A question that shows you care:*\n>{_escape(nudge.question.text)}")),
        ContextBlock(elements=[MarkdownTextObject(text=f":seedling: Heartful noticed the prospect {label}.")]),
    ]
    text = f"Step back with them. {nudge.guidance.text}\nA question that shows you care: {nudge.question.text}"
    return RenderedMessage(text=text, blocks=[block.to_dict() for block in blocks])


# /coach answers ------------------------------------------------------------------------------------------------


def _message(text: str, blocks: list[Block]) -> RenderedMessage:
    return RenderedMessage(text=text, blocks=[block.to_dict() for block in blocks])


def _section(markdown: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=markdown))


SECTION_LIMIT = 3000  # Block Kit: a section's text is at most 3,000 characters


def fit_lines(lines: list[str], limit: int = SECTION_LIMIT - 100) -> str:
    """As many whole lines as fit, in the order given (newest first), then "…and N more": never a line cut."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > limit:
            kept.append(f"…and {len(lines) - index} more")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def plain_message(text: str) -> RenderedMessage:
    """One section of our own words (no user text in it)."""
    return _message(text, [_section(text)])


def help_message() -> RenderedMessage:
    lines = [f"`{example}`  {meaning}" for example, meaning in USAGE]
    text = "Heartful /coach commands:\n" + "\n".join(f"{example}: {meaning}" for example, meaning in USAGE)
    return _message(text, [_section("*Heartful: what you can ask*\n" + "\n".join(lines))])


def usage_error_message(error: UsageError) -> RenderedMessage:
    # the problem often echoes what the person typed: escaped everywhere, so "<!channel>" is shown, never sent
    return _message(_escape(str(error)),
                    [_section(f":warning: {_escape(error.problem)}\nUsage: `{_escape(error.usage)}`")])


def rhythm_message(advice: RhythmAdvice) -> RenderedMessage:
    step = advice.step
    return _message(
        f"{step.name}. {step.coaching}",
        [_section(f"*{_escape(step.name)}.* {_escape(step.coaching)}"),
         ContextBlock(elements=[MarkdownTextObject(text=f"The rhythm of a good sale: {_escape(step.summary)}")])],
    )


def question_message(question: CareQuestion, deal: Deal | None) -> RenderedMessage:
    about = f" for {deal.name}" if deal else ""
    return _message(
        f"A question that shows you care{about}: {question.text}",
        [_section(f"*A question that shows you care{_escape(about)}:*\n>{_escape(question.text)}")],
    )


def format_amount(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "no amount"
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return {"USD": f"${number}", "EUR": f"€{number}", "GBP": f"£{number}"}.get(currency or "", f"{number} {currency or ''}".strip())


def _days_since(moment: datetime, now: datetime) -> str:
    days = (now - moment).days
    return "today" if days <= 0 else "1 day ago" if days == 1 else f"{days} days ago"


def deals_message(deals: list[Deal], now: datetime) -> RenderedMessage:
    if not deals:
        text = ("No deals recorded in this channel yet. Post an update like "
                "\"Acme moved to Proposal, $45k, next step: demo\" and Heartful records it.")
        return _message(text, [_section(_escape(text))])
    lines = [
        f"• *{_escape(d.name)}*: {_escape(d.stage or 'no stage')}, {format_amount(d.amount, d.currency)}"
        f"{', ' + d.status if d.status != 'open' else ''}; last update {d.updated_at:%Y-%m-%d} "
        f"({_days_since(d.updated_at, now)})"
        for d in deals
    ]
    listed = fit_lines(lines)  # newest first, as the repository orders them
    return _message(f"Deals in this channel: {len(deals)}\n" + listed,
                    [_section(f"*Deals in this channel ({len(deals)})*\n" + listed)])


def _timeline_line(entry: TimelineEntry, library: PromptLibrary) -> str:
    who = f"<@{entry.who}>" if entry.who and entry.who[0] in "UW" else (entry.who or "someone")
    when = f"{entry.at:%Y-%m-%d %H:%M}"
    if entry.kind == "nudge":
        label = STALL_LABELS.get(entry.stall_kind or "", "")
        try:
            question = library.question(entry.question_id or "").text
        except KeyError:
            question = entry.question_id or ""
        about = f"prospect {label}; " if label else ""
        return f"{when}  :seedling: coached {who}: {about}asked \"{_escape(question)}\""
    parts = [f"stage {entry.stage}" if entry.stage else "",
             format_amount(entry.amount, entry.currency) if entry.amount is not None else "",
             f"next step: {entry.next_step}" if entry.next_step else "",
             f"closed {entry.outcome}" if entry.outcome else ""]
    return f"{when}  :memo: {who}: " + _escape("; ".join(p for p in parts if p))


def deal_message(answer: DealAnswer, library: PromptLibrary, now: datetime) -> RenderedMessage:
    if len(answer.matches) > 1:
        names = fit_lines([_escape(d.name) for d in answer.matches]).replace("\n", ", ")
        text = f"Several deals match: {names}. Say which one: /coach deal <name>."
        return _message(text, [_section(f"Several deals match: {names}.\nSay which one: `/coach deal <name>`")])
    deal = answer.matches[0]
    header = (f"*{_escape(deal.name)}*: {_escape(deal.stage or 'no stage')}, {format_amount(deal.amount, deal.currency)}"
              f", {deal.status}; last update {_days_since(deal.updated_at, now)}")
    if deal.next_step:
        header += f"\nNext step: {_escape(deal.next_step)}"
    header = fit_lines(header.splitlines())
    # newest first, whole lines: the latest updates are what people ask for
    lines = [_timeline_line(entry, library) for entry in reversed(answer.timeline)] or ["No updates or coaching yet."]
    timeline = fit_lines(lines)
    text = header.replace("*", "") + "\n" + timeline
    return _message(text, [_section(header), _section(timeline)])


def _some(names: list[str], most: int = 20) -> str:
    shown = ", ".join(name[:120] for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def unknown_deal_message(error: UnknownDeal) -> RenderedMessage:
    name = error.name[:200]
    if error.ambiguous:
        problem = f"Several deals match '{name}': {_some(error.known)}. Say which one."
    elif error.known:
        problem = f"No deal named '{name}' in this channel. Deals here: {_some(error.known)}."
    else:
        problem = f"No deal named '{name}' in this channel, and none are recorded here yet."
    return usage_error_message(UsageError(problem, f"{error.usage} (see /coach deals)"))


def settings_message(settings: ChannelSettings, changed: str) -> RenderedMessage:
    state = "muted (no passive nudges)" if settings.muted else "on"
    text = f"{changed} Nudges in this channel: {state}; reply mode: {settings.reply_mode}."
    return _message(text, [_section(_escape(text))])


def daily_settings_message(rep: RepDaily | None, now: datetime, changed: str = "") -> RenderedMessage:
    if rep is None or not rep.enabled:
        state = "Daily exercises are off." if rep else "You have not started daily exercises yet."
        text = (f"{changed} {state} Turn them on with /coach daily on [HH:MM]: one short 'ask someone for help' "
                "exercise by DM at your local time.").strip()
        return _message(text, [_section(_escape(text))])
    lines = [f"Daily exercise: on, at {rep.at:%H:%M} ({rep.tz}), on {format_days(rep.days)}."]
    if rep.snoozed_until and rep.snoozed_until >= local_date(now, rep.tz):
        lines.append(f"Snoozed until {rep.snoozed_until:%a %d %b} (inclusive).")
    if rep.stopped_reason:
        lines.append(f"Deliveries are stopped: Slack said {rep.stopped_reason}. /coach daily on starts them again.")
    elif rep.next_due_at:
        local = rep.next_due_at.astimezone(zone(rep.tz))
        lines.append(f"Next one: {local:%a %d %b at %H:%M} your time.")
    text = " ".join([changed, *lines]).strip()
    return _message(text, [_section(_escape(text))])


# what a deal update recorded, and fixing it ---------------------------------------------------------------------

DEAL_FIX_ACTION = "deal_update_fix"
DEAL_FIX_VIEW = "deal_update_fix"
# Block ids (and action ids) of the fix modal's inputs: the field names parse_deal_fix reads and reports on.
DEAL_FIX_FIELDS = ("name", "stage", "amount", "currency", "next_step", "outcome")


def _recorded_parts(update: DealUpdate) -> list[str]:
    money = format_amount(update.amount, update.currency) if update.amount is not None else ""
    if money and update.currency and not money.endswith(update.currency):
        money += f" {update.currency}"  # "$45,000 USD": the code too, so a misread currency shows
    return [part for part in (
        f"stage {update.stage}" if update.stage else "",
        money,
        f"next step: {update.next_step}" if update.next_step else "",
        f"closed {update.outcome}" if update.outcome else "",
    ) if part]


def deal_update_recorded_message(*, event_id: int, deal_name: str, update: DealUpdate,
                                 corrected: bool = False) -> RenderedMessage:
    """One line saying what an update recorded, with a Fix button for its poster."""
    verb = "Corrected" if corrected else "Recorded"
    fields = " · ".join(_escape(part) for part in _recorded_parts(update))
    line = f"{verb} on *{_escape(deal_name)}*: {fields}"
    if len(line) > 2900:  # a section's text holds 3,000 characters
        line = line[:2899] + "…"
    button = ButtonElement(text="Fix", action_id=DEAL_FIX_ACTION, value=str(event_id))
    return _message(line.replace("*", "", 2), [SectionBlock(text=MarkdownTextObject(text=line), accessory=button)])


def _amount_input(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def _text_input(block_id: str, label: str, initial: str | None, *, optional: bool = True, hint: str | None = None,
                multiline: bool = False) -> InputBlock:
    # No max_length: a value recorded from a message may be longer than the limits, and Slack refuses a modal
    # whose initial value breaks its own max_length. The limits come back as inline errors instead.
    element = PlainTextInputElement(action_id=block_id, initial_value=(initial or None) and initial[:3000],
                                    multiline=multiline or None)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint)


def deal_fix_modal(recorded: RecordedUpdate, *, private_metadata: str) -> dict:
    """The fix modal, pre-filled with the update as recorded."""
    update = recorded.update
    options = {value: Option(value=value, label=value.capitalize()) for value in FIX_OUTCOMES}
    blocks: list[Block] = [
        _text_input("name", "Deal", recorded.deal.name, optional=False),
        _text_input("stage", "Stage", update.stage),
        _text_input("amount", "Amount", _amount_input(update.amount), hint="A number, e.g. 45000"),
        _text_input("currency", "Currency", update.currency, hint="A three-letter code, e.g. USD"),
        _text_input("next_step", "Next step", update.next_step, multiline=True),
        InputBlock(block_id="outcome", label="Outcome", element=StaticSelectElement(
            action_id="outcome", options=list(options.values()), initial_option=options[update.outcome or "open"])),
    ]
    view = View(type="modal", callback_id=DEAL_FIX_VIEW, title="Fix this update", submit="Save", close="Cancel",
                private_metadata=private_metadata, blocks=blocks)
    return view.to_dict()


def not_your_update_message(poster: str | None) -> RenderedMessage:
    who = f"<@{poster}>" if poster else "the person who posted it"
    return _message(f"Only {who} can fix this update.", [_section(f"Only {who} can fix this update.")])
