"""When the workspace uninstalls Heartful, everything stored for it goes; another workspace's data stays."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from bot.coaching.models import DealUpdate
from bot.storage import tables
from tests.e2e.test_daily_exercises import opt_in, utc
from tests.slack_requests import channel_message_event, eventually, load_event

TABLES = (tables.Workspace, tables.Channel, tables.User, tables.Deal, tables.DealEvent, tables.Nudge,
          tables.WorkItem, tables.Delivery)


async def counts(running_app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with running_app.heartful.repository._sessions() as session:
        return {t.__tablename__: int(await session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES}


async def test_an_uninstall_deletes_everything_stored_for_that_workspace_and_nothing_else(running_app, fake_slack,
                                                                                          caplog):
    for text, ts in (("Acme moved to Proposal, $45k", "1700002000.000100"),
                     ("Dana at Acme wants to think it over", "1700002001.000100")):
        event = channel_message_event(text, ts=ts)
        await running_app.post_event(event)
        await running_app.handled(event)
    await opt_in(running_app, "W111", "UTC")
    await running_app.heartful.daily.tick(utc("2026-11-24T09:00:30Z"))  # a delivery row too
    other = running_app.heartful.repository  # another workspace that installed Heartful too
    await other.record_deal_update(team_id="T999", channel_id="C9", deal_name="Globex", source="person",
                                   update_=DealUpdate(stage="Proposal"), user_id="W9", message_ts="1.0")
    before = await counts(running_app)
    assert all(before[t.__tablename__] >= 1 for t in TABLES), before

    with caplog.at_level(logging.WARNING, logger="bot.slack.listeners.workspace"):
        assert (await running_app.post_event(load_event("app_uninstalled"))).status == 200  # team T111

        async def said_done() -> bool:  # the listener runs after the ack; its one log line is written when done
            return any("uninstalled" in r.getMessage() for r in caplog.records)

        await eventually(said_done)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.slack.listeners.workspace"]
    assert line.startswith("Heartful was uninstalled from T111: deleted ")
    after = await counts(running_app)
    assert after == {"workspaces": 1, "channels": 0, "users": 0, "deals": 1, "deal_events": 1, "nudges": 0,
                     "work_items": 0, "deliveries": 0}  # only T999's deal, its update and its workspace remain
    [kept] = await other.deals_in_channel(team_id="T999", channel_id="C9")
    assert kept.name == "Globex"


async def test_a_revoked_bot_token_is_said_in_one_log_line_naming_the_setting(running_app, caplog):
    with caplog.at_level(logging.ERROR, logger="bot.slack.listeners.workspace"):
        assert (await running_app.post_event(load_event("tokens_revoked"))).status == 200

        async def said() -> bool:
            return bool(caplog.records)

        await eventually(said)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.slack.listeners.workspace"]
    assert "SLACK_BOT_TOKEN" in line and "T111" in line
