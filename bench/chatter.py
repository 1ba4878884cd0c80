"""A deterministic synthetic corpus of ordinary deal-channel and internal chatter: standups, lunch, links, emoji,
scheduling, tooling questions, kudos, internal sales ops talk and account logistics. None of it is a prospect
stepping away or a change to a deal, so every line that read_message flags is a false positive.

    from bench.chatter import chatter_lines
    lines = chatter_lines(50_000, seed=2026)          # [(category, text), ...]

    .venv/bin/python -m bench.chatter [N] [--seed S]   # print N lines (default 20), to eyeball the corpus
"""

from __future__ import annotations

import argparse
import random
import sys

PEOPLE = ["Sam", "Priya", "Marco", "Dana", "Kev", "Jess", "Tomás", "Aisha", "Liam", "Mei", "Noah", "Zoe", "Ravi",
          "Olga", "Ben", "Carla", "Jonas", "Fatima", "Hiro", "Elena", "Mateo", "Grace", "Yusuf", "Ines"]
COMPANIES = ["Acme", "Northwind", "Globex", "Initech", "Kestrel Labs", "Brightline", "Helix", "Fernwood", "Quarry Co",
             "Bluejay Health", "Orchard Dental", "Pinewood", "Corvus", "Calder Robotics", "Umbrella", "Stark Freight",
             "Wayne Logistics", "Hooli", "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Aperture", "Massive Dynamic"]
USER_IDS = ["U05HJK2L1", "U02ABCD12", "U07ZYX987", "U01QWERTY", "U04MNBVCX", "U03LKJHGF"]
CHANNELS = ["#random", "#sales-team", "#deal-desk", "#revops", "#help-crm", "#announcements", "#wins", "#enablement"]
TIMES = ["9", "9:30", "10", "10:15", "11", "11:30", "noon", "12:30", "1", "1:30", "2", "2:45", "3", "3:30", "4", "4:15",
         "5", "9am", "10am", "2pm", "3pm", "4pm", "16:00", "14:30", "11am"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "mon", "tues", "wed", "thurs", "fri", "tomorrow",
        "today", "next week", "this afternoon", "after lunch", "end of day", "EOD", "first thing tomorrow"]
FOODS = ["tacos", "pizza", "sushi", "ramen", "pho", "burritos", "salad", "bagels", "dumplings", "thai", "falafel",
         "poke", "bbq", "sandwiches", "curry", "donuts", "cake", "coffee", "boba", "kebabs"]
PLACES = ["the taco truck", "Luigi's", "the ramen place on 5th", "the food hall", "the new poke spot",
          "the cafe downstairs", "the usual place", "Blue Bottle", "the deli", "the rooftop"]
EMOJI_CODES = [":tada:", ":raised_hands:", ":fire:", ":rocket:", ":joy:", ":+1:", ":eyes:", ":pray:", ":coffee:",
               ":taco:", ":pizza:", ":100:", ":muscle:", ":sweat_smile:", ":white_check_mark:", ":wave:", ":sob:",
               ":clap::skin-tone-3:", ":party_parrot:", ":thinking_face:", ":heart:", ":sunny:", ":calendar:"]
EMOJI = ["🎉", "🙌", "🔥", "🚀", "😂", "👍", "👀", "🙏", "☕", "🌮", "🍕", "💯", "💪", "😅", "✅", "👋", "😭", "🤔",
         "❤️", "☀️", "📅", "🥳", "😴", "🤘"]
DOCS = ["Q4 deck template", "pricing one-pager", "battlecard", "discovery call script", "sales playbook",
        "objection handling doc", "onboarding checklist", "territory map", "comp plan FAQ", "case study library",
        "ROI calculator", "security questionnaire answers", "demo environment login", "holiday calendar",
        "expense policy", "SKO agenda", "brand guidelines", "email templates"]
TOOLS = ["Salesforce", "HubSpot", "Gong", "Outreach", "Zoom", "Slack", "Notion", "Google Drive", "Chorus", "ZoomInfo",
         "LinkedIn Sales Nav", "Calendly", "DocuSign", "Loom", "Figma", "Jira", "the VPN", "Okta", "the printer"]
LINK_HOSTS = ["docs.google.com/document/d/1xQ{n}", "app.gong.io/call?id={n}", "www.notion.so/team/{n}",
              "loom.com/share/{n}", "youtube.com/watch?v={n}", "heartful.example/blog/{n}", "linkedin.com/posts/{n}",
              "figma.com/file/{n}", "github.com/heartful/app/pull/{n}", "calendly.com/team/{n}"]
LINK_LABELS = ["deck", "recording", "notes", "this", "here", "the doc", "Gong link", "loom", "PR", "agenda", "slides",
               "article", "the post", "sheet", "dashboard"]
MEETINGS = ["1:1", "standup", "pipeline review", "forecast call", "team sync", "QBR prep", "enablement session",
            "SKO planning", "retro", "all hands", "lunch and learn", "deal review", "coaching session", "offsite planning"]
TASKS = ["prepping for 3 discos", "cleaning up my pipeline", "updating opp notes", "building the QBR deck",
         "shadowing Priya's demo", "writing follow-ups", "sequencing new leads", "prospecting fintech accounts",
         "reviewing call recordings", "working on territory planning", "finishing expense reports",
         "mapping org charts", "researching healthcare accounts", "drafting the case study", "testing the new sequence",
         "cold calling the west coast list", "catching up on email", "reworking my talk track", "onboarding training"]
BLOCKERS = ["none", "nope", "n/a", "none :)", "waiting on legal template access", "VPN keeps dropping",
            "need access to the demo org", "none, just busy", "calendar is a mess", "laptop is dying"]
THINGS = ["the printer on 3", "the wifi", "the coffee machine", "the badge reader", "the elevator", "the AC",
          "the parking gate", "my second monitor", "the conference room TV", "the projector in Maple"]
ROOMS = ["Maple", "Oak", "the big room", "Birch", "the fishbowl", "Cedar", "the phone booth", "Willow"]
REACTIONS = ["lol", "haha", "+1", "same", "nice", "congrats", "ty", "thanks", "thank you", "lmao", "love it", "yesss",
             "oof", "big mood", "woohoo", "this", "agreed", "so true", "amazing", "let's go", "omg", "yay", "wow",
             "brb", "ack", "on it", "sounds good", "sgtm", "lgtm", "noted", "perfect", "cool cool", "will do", "done",
             "+100", "heck yes", "oh no", "rip", "classic", "mood", "bless", "legend", "facts", "same here", "ha!"]
TOPICS = ["the new comp plan", "SKO", "the offsite", "the holiday party", "the new brand colors", "Q1 territories",
          "the CRM migration", "the podcast episode", "the team offsite", "the new hire cohort", "the fantasy league",
          "the hackathon", "the leaderboard", "the new office", "the referral bonus", "the swag store",
          "the mentoring program", "the book club", "the wellness stipend", "the new desk layout"]


def _link(rng: random.Random) -> str:
    url = "https://" + rng.choice(LINK_HOSTS).format(n=rng.randrange(10_000, 99_999_999))
    return f"<{url}|{rng.choice(LINK_LABELS)}>" if rng.random() < 0.6 else f"<{url}>"


def _mention(rng: random.Random) -> str:
    return f"<@{rng.choice(USER_IDS)}>"


def _fill(rng: random.Random, template: str) -> str:
    slots = {
        "p": rng.choice(PEOPLE), "p2": rng.choice(PEOPLE), "co": rng.choice(COMPANIES), "t": rng.choice(TIMES),
        "t2": rng.choice(TIMES), "d": rng.choice(DAYS), "food": rng.choice(FOODS), "place": rng.choice(PLACES),
        "ec": rng.choice(EMOJI_CODES), "e": rng.choice(EMOJI), "doc": rng.choice(DOCS), "tool": rng.choice(TOOLS),
        "link": _link(rng), "m": _mention(rng), "ch": f"<#C0{rng.randrange(1000000, 9999999)}|"
        f"{rng.choice(CHANNELS)[1:]}>", "mtg": rng.choice(MEETINGS), "task": rng.choice(TASKS),
        "task2": rng.choice(TASKS), "block": rng.choice(BLOCKERS), "thing": rng.choice(THINGS),
        "room": rng.choice(ROOMS), "r": rng.choice(REACTIONS), "r2": rng.choice(REACTIONS), "topic": rng.choice(TOPICS), "n": str(rng.randrange(2, 40)),
        "min": str(rng.choice((5, 10, 15, 20, 30))), "pct": str(rng.randrange(5, 95)),
    }
    return template.format(**slots)


TEMPLATES: dict[str, list[str]] = {
    "standup": [
        "standup: yesterday {task}, today {task2}, blockers: {block}",
        "y: {task} / t: {task2} / b: {block}",
        "Yesterday: {task}. Today: {task2}. Blockers: {block}",
        "today: {task}, then {task2}. OOO {d} afternoon",
        "async standup {e} - {task}, {task2}. no blockers",
        "*Yesterday*\n- {task}\n- {task2}\n*Today*\n- {task}\n*Blockers*\n- {block}",
        "mostly {task} today, ping me if you need anything",
        "heads down {task} until {t}, then {task2}",
        "update from me: {task} + {task2}. {e}",
    ],
    "lunch": [
        "anyone want {food}? heading to {place} at {t}",
        "lunch at {place} {d}? {e}",
        "{food} in the kitchen, help yourselves {ec}",
        "who's in for {food} {d}",
        "there's leftover {food} from the {mtg} in {room}",
        "I'm starving, {food} or {food}?",
        "going on a coffee run, want anything? {ec}",
        "{p} brought {food} for everyone {e}",
        "team lunch moved to {t}, same place",
        "no thanks on the {food}, i'm good",
        "happy hour {d} at {place}, who's coming? {ec}",
        "birthday cake for {p} at {t} in {room} {e}",
    ],
    "links": [
        "{link}",
        "recording from today's {mtg}: {link}",
        "notes from the {mtg}: {link}",
        "good read on discovery calls {link}",
        "sharing this in case it's useful {link} {e}",
        "the {doc} lives here: {link}",
        "fyi {link}",
        "{m} here's the {doc} you asked for {link}",
        "cool podcast episode on cold outreach {link}",
        "updated the {doc}, lmk if anything looks off {link}",
        "{link} this is hilarious {ec}",
        "loom walkthrough of the new dashboard {link}",
    ],
    "emoji": [
        "{e}", "{ec}", "{e}{e}{e}", "{ec} {ec}", "{ec}{ec}", "{e} {e}", "{r}", "{r} {e}", "{r} {ec}", "{r}!! {e}{e}",
        "{m} {r} {ec}", "{r} {m} {e}", "{e} {r}", "{ec} {r}", "haha {r} {e}", "{r} {r2} {ec}",
        "happy {d} y'all {e}", "good morning team {e}", "gm {ec}", "^^ this", "{r}, {p}! {e}",
    ],
    "scheduling": [
        "can we move our {mtg} to {t} {d}?",
        "running {min} late to the {mtg}, sorry!",
        "OOO {d}, back {d}",
        "{m} are you free at {t} {d} for a quick sync?",
        "pushed the {mtg} to {t2} since half the team is out",
        "I booked {room} for the {mtg} at {t}",
        "reminder: {mtg} at {t} {d} {ec}",
        "heads up I'm at the dentist {d} from {t} to {t2}",
        "dropping off early {d}, kid pickup",
        "who has {room} at {t}? we need it for the {mtg}",
        "can someone cover my {mtg} slot {d}?",
        "calendar invite for the {mtg} is out, let me know if {t} doesn't work",
        "moving the {mtg} to {d} at {t}, same link",
        "WFH {d}, ping me on here",
        "on PTO from {d}, {m} is covering",
    ],
    "questions": [
        "anyone know where the {doc} lives?",
        "does anyone have the login for {tool}?",
        "is {tool} down for anyone else?",
        "how do I export a report from {tool}?",
        "who owns the {doc} these days?",
        "{m} do you have the latest {doc}?",
        "what's the wifi password in {room}?",
        "is {thing} broken again?",
        "quick q: where do I log expenses for {topic}?",
        "anyone else getting logged out of {tool} every hour?",
        "can someone share the {doc} in {ch}?",
        "what time is the {mtg} {d}?",
        "does {tool} integrate with {tool}?",
    ],
    "kudos": [
        "shoutout to {p} for crushing the {mtg} today {e}",
        "huge thanks {m} for the help with the {doc} {ec}",
        "{p} you're a legend {e}",
        "welcome to the team {p}! {ec}",
        "great job on the {mtg} everyone {e}",
        "kudos to {p} and {p2} for the new {doc} {ec}",
        "{m} thanks for covering for me {d} {e}",
        "congrats {p} on hitting {pct}% of quota this month {e}",
        "{p} just did their first solo demo {ec}",
    ],
    "ops": [
        "reminder to update your opp notes before the {mtg} {d}",
        "forecast call moved to {t} {d}",
        "pls log your activities in {tool} by {d}",
        "new {doc} is up in {ch}",
        "who's presenting at the {mtg}?",
        "the {doc} got a refresh, check it out {link}",
        "{tool} sync is lagging again, ping revops if your opps look stale",
        "enablement session on objection handling {d} at {t}",
        "don't forget to submit your feedback on {topic}",
        "pipeline review is {d}, come with your top {n} deals",
        "what do we think of {topic}?",
        "anyone tried the new sequence in {tool}? open rates look {pct}% better",
        "ran the numbers on the survey about {topic}, {pct}% responded",
        "I'm putting together the agenda for {topic}, send ideas",
        "the {doc} has a typo on slide {n} fyi",
        "is the {mtg} still happening {d}?",
    ],
    "account_logistics": [
        "prepping slides for the {co} call at {t}",
        "{m} can you join the {co} demo {d} at {t}?",
        "anyone have a contact at {co}? looking for an intro",
        "just saw {co} in the news {link}",
        "{co}'s office is right next to {place} lol",
        "who's covering {co} while {p} is out?",
        "dropping the {co} call notes here {link}",
        "the {co} logo looks great on the website {e}",
        "{co} folks were super friendly today {ec}",
        "research notes on {co} are in the {doc}",
        "took {p} to the {co} meeting for shadowing",
        "{co}'s wifi was terrible, demo froze twice {ec}",
    ],
    "personal": [
        "my cat walked across the keyboard mid-call {e}",
        "anyone watching the game {d}?",
        "need a recommendation for {food} near {place}",
        "my kid has a fever so I'm on and off {d}",
        "finally fixed {thing} {e}",
        "it's so cold in here, who touched the thermostat",
        "happy birthday {p}!! {ec}",
        "going for a walk, back in {min}",
        "just ran {n}k this morning {e}",
        "{thing} is making a weird noise again",
        "anyone have a phone charger I can borrow?",
        "new plant in the office, its name is {p} {e}",
    ],
}
WEIGHTS = {"standup": 10, "lunch": 10, "links": 12, "emoji": 14, "scheduling": 14, "questions": 10, "kudos": 7,
           "ops": 9, "account_logistics": 7, "personal": 7}


def _vary(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.25:
        text = text.lower()
    elif r < 0.30:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.12:
        text = f"{_mention(rng)} {text}"
    if rng.random() < 0.15:
        text = f"{text} {rng.choice(EMOJI + EMOJI_CODES)}"
    if rng.random() < 0.05:
        text = text.replace("you", "u").replace("please", "pls")
    return text


def chatter_lines(n: int = 50_000, seed: int = 2026) -> list[tuple[str, str]]:
    """n distinct (category, text) lines, the same for the same seed."""
    rng = random.Random(seed)
    total = sum(WEIGHTS.values())
    quotas = {c: n * w // total for c, w in WEIGHTS.items()}
    quotas["emoji"] += n - sum(quotas.values())
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for category, quota in quotas.items():  # every line distinct, each category its share
        made = 0
        for _ in range(quota * 50):  # bounded, in case the templates cannot make that many
            text = _vary(rng, _fill(rng, rng.choice(TEMPLATES[category])))
            if text not in seen:
                seen.add(text)
                out.append((category, text))
                made += 1
                if made == quota:
                    break
        else:
            raise ValueError(f"the {category} templates made only {made} distinct lines, not {quota}")
    rng.shuffle(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.chatter")
    parser.add_argument("n", nargs="?", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    for category, text in chatter_lines(args.n, args.seed):
        print(f"{category:<18} {text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
