"""Ack latency, nudge latency and memory of the real `heartful serve`, next to a bare Bolt app.

    .venv/bin/python -m bench.ack_latency [--seconds 30] [--rate 100] [--rounds 3] [--warmup 20]

One after the other (never at the same time, so they do not share the 2 cores), --rounds times, each a fresh
process (a p99 over 3,000 requests moves by milliseconds from run to run on a 2-core machine):
1. bench._bare_app: a Bolt AsyncApp that only acks, behind the same aiohttp wrapper as `heartful serve`;
2. the real `python -m bot serve --host 127.0.0.1 --port P` (HTTP mode, SQLite in a temp dir, LOG_LEVEL=WARNING,
   DAILY_TICK_S=3600, no OpenAI settings: rules only).
Both talk to the fake Slack Web API (tests.fakes.slack_api, in its own process) for auth.test, nudges and reactions.

Load: --rate signed message events per second for --seconds, open loop (each request leaves at its scheduled
time whether or not earlier ones were answered), over an aiohttp connection pool; 90 % chatter (bench.chatter),
5 % stalls and 5 % deal updates (typed by reps, from tests/data/deal_channel_messages.yaml); unique event ids and ts.

Measured: POST -> HTTP 200 latency p50/p95/p99/max for both and the ratio; for stalls, POST -> the chat.postMessage
in the thread (thread_ts = the event's ts) arriving at the fake; for deal updates, POST -> reactions.add; the serve
process's VmRSS idle at start, after the warm-up, after the load and after 5 s idle; its CPU use during the load.
Goals: ack p99 <= 50 ms and <= 1.3x the bare app; nudge p95 <= 250 ms; RSS idle <= 120 MB, growth <= 10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

from bench._fake_slack import FakeSlackProcess
from bench._util import machine_line, median, percentile, table
from bench.chatter import chatter_lines
from tests.fakes.slack_api import load_webapi_response
from tests.slack_requests import SIGNING_SECRET, channel_message_event, json_body, slack_signature_headers

REPO = Path(__file__).resolve().parents[1]
LABELLED = REPO / "tests" / "data" / "deal_channel_messages.yaml"
GOAL_ACK_P99_MS = 50
GOAL_RATIO = 1.3
GOAL_NUDGE_P95_MS = 250
GOAL_IDLE_MB = 120
GOAL_GROWTH = 0.10
CHANNELS = [f"C0BENCH{n:02d}" for n in range(20)]
USERS = [f"W0BENCH{n:02d}" for n in range(30)]


@dataclass
class Event:
    kind: str  # chatter | stall | update
    ts: str
    body: bytes


@dataclass
class Sent:
    event: Event
    scheduled: float
    started: float  # time.monotonic(), comparable with the fake's Call.at
    latency: float | None = None
    status: int | None = None
    error: str | None = None


@dataclass
class RunResult:
    name: str
    sent: list[Sent]
    rss_kb: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    nudges: list[float] = field(default_factory=list)
    nudges_missing: int = 0
    reactions: list[float] = field(default_factory=list)
    reactions_missing: int = 0
    log_tail: str = ""


# ---------------------------------------------------------------------------------------------------------------------
# events
# ---------------------------------------------------------------------------------------------------------------------

# The workspace the fake Slack's auth.test names: serve ignores events for any other.
TEAM = load_webapi_response("auth.test.bot_token")["team_id"]


def build_events(count: int, run: str, seed: int = 5) -> list[Event]:
    examples = yaml.safe_load(LABELLED.read_text())
    stalls = [e["text"] for e in examples if e.get("stall") and not e.get("deal_update") and not e.get("from_crm")]
    updates = [e["text"] for e in examples if e.get("deal_update") and not e.get("stall") and not e.get("from_crm")]
    return mixed_events(count, f"B{run}", seed, stalls, updates)


def mixed_events(count: int, run: str, seed: int, stalls: list[str], updates: list[str]) -> list[Event]:
    """The 90/5/5 mix (chatter, stalls, deal updates), shuffled, signed for our team; event ids start Ev<run>."""
    rng = random.Random(seed)
    chatter = [t for _, t in chatter_lines(max(count, 1000), seed=seed)]
    kinds = ["stall"] * round(count * 0.05) + ["update"] * round(count * 0.05)
    kinds += ["chatter"] * (count - len(kinds))
    rng.shuffle(kinds)
    base = int(time.time())
    events = []
    for i, kind in enumerate(kinds):
        text = rng.choice(stalls) if kind == "stall" else rng.choice(updates) if kind == "update" else chatter[i]
        ts = f"{base}.{i:06d}"
        payload = channel_message_event(text, channel=rng.choice(CHANNELS), user=rng.choice(USERS), ts=ts,
                                        event_id=f"Ev{run}{i:07d}", team_id=TEAM)
        events.append(Event(kind=kind, ts=ts, body=json_body(payload)))
    return events


# ---------------------------------------------------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "OPENAI_", "LLM_", "DAILY_")) and k not in ("DATABASE_URL", "PROMPTS_DIR",
                                                                                     "LOG_LEVEL")}
    env.update(extra)
    return env


async def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode} before answering")
            try:
                async with session.get(url + "/healthz", timeout=aiohttp.ClientTimeout(total=1)) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer /healthz within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # aiohttp's run_app shuts down cleanly on SIGINT
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# ---------------------------------------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------------------------------------

async def post(session: aiohttp.ClientSession, url: str, event: Event, scheduled: float) -> Sent:
    headers = {"Content-Type": "application/json", **slack_signature_headers(event.body)}
    record = Sent(event=event, scheduled=scheduled, started=time.monotonic())
    started = time.perf_counter()
    try:
        async with session.post(url, data=event.body, headers=headers) as response:
            await response.read()
            record.status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        record.error = type(exc).__name__
    record.latency = time.perf_counter() - started
    return record


async def open_loop(url: str, events: list[Event], rate: float) -> list[Sent]:
    connector = aiohttp.TCPConnector(limit=256, force_close=False)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as session:
        tasks = []
        t0 = time.monotonic() + 0.2
        for i, event in enumerate(events):
            scheduled = t0 + i / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(session, url + "/slack/events", event, scheduled)))
        return list(await asyncio.gather(*tasks))


async def drive(name: str, process: subprocess.Popen, base: str, fake: FakeSlackProcess, events: list[Event],
                warmup: list[Event], rate: float) -> RunResult:
    await wait_ready(base, process)
    await asyncio.sleep(2)
    result = RunResult(name=name, sent=[])
    result.rss_kb["idle at start"] = rss_kb(process.pid)
    await open_loop(base, warmup, rate=20)
    await asyncio.sleep(2)
    result.rss_kb["after warm-up"] = rss_kb(process.pid)
    fake.clear()
    cpu0, wall0 = cpu_seconds(process.pid), time.monotonic()
    result.sent = await open_loop(base, events, rate)
    result.wall_s = time.monotonic() - wall0
    result.cpu_s = cpu_seconds(process.pid) - cpu0
    stalls = {s.event.ts: s for s in result.sent if s.event.kind == "stall"}
    updates = {s.event.ts: s for s in result.sent if s.event.kind == "update"}
    if name != "bare":
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # let the listeners finish (they run after the ack)
            posted = {c.thread_ts for c in fake.calls("chat.postMessage")}
            if all(ts in posted for ts in stalls):
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(1)
        calls = fake.calls()
        nudge_at = {}
        for c in calls:
            if c.method == "chat.postMessage" and c.thread_ts in stalls:
                nudge_at.setdefault(c.thread_ts, c.at)
        react_at = {}
        for c in calls:
            if c.method == "reactions.add" and c.timestamp in updates:
                react_at.setdefault(c.timestamp, c.at)
        result.nudges = [nudge_at[ts] - s.started for ts, s in stalls.items() if ts in nudge_at]
        result.nudges_missing = len(stalls) - len(result.nudges)
        result.reactions = [react_at[ts] - s.started for ts, s in updates.items() if ts in react_at]
        result.reactions_missing = len(updates) - len(result.reactions)
    result.rss_kb["after the load"] = rss_kb(process.pid)
    await asyncio.sleep(5)
    result.rss_kb["5 s after the load"] = rss_kb(process.pid)
    return result


def run_server(name: str, command: list[str], env: dict[str, str], cwd: Path, logdir: Path, fake: FakeSlackProcess,
               events: list[Event], warmup: list[Event], rate: float, port: int) -> RunResult:
    log_path = logdir / f"{name}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            result = asyncio.run(drive(name, process, f"http://127.0.0.1:{port}", fake, events, warmup, rate))
        finally:
            stop(process)
    lines = log_path.read_text().strip().splitlines()
    result.log_tail = "\n".join(lines[-5:])
    return result


# ---------------------------------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------------------------------

def ms(values: list[float], p: float) -> float:
    return percentile(values, p) * 1000 if values else float("nan")


def acks(results: list[RunResult], kind: str | None = None) -> tuple[list[Sent], list[float]]:
    sent = [s for r in results for s in r.sent if kind is None or s.event.kind == kind]
    return sent, [s.latency for s in sent if s.status == 200 and s.latency is not None]


def ack_row(label: str, results: list[RunResult], kind: str | None = None) -> list[object]:
    sent, ok = acks(results, kind)
    lag = [max(0.0, s.started - s.scheduled) for s in sent]
    return [label, len(sent), len(sent) - len(ok), f"{ms(ok, 50):.1f}", f"{ms(ok, 95):.1f}", f"{ms(ok, 99):.1f}",
            f"{max(ok) * 1000:.1f}" if ok else "-", f"{max(lag) * 1000:.1f}" if lag else "-"]


def report(bare: list[RunResult], real: list[RunResult], rate: float, seconds: float) -> None:
    rounds = len(bare)
    rows: list[list[object]] = []
    for i, (b, r) in enumerate(zip(bare, real), 1):
        rows += [ack_row(f"round {i}: bare", [b]), ack_row(f"round {i}: real", [r])]
    if rounds > 1:
        rows += [ack_row("all rounds: bare", bare), ack_row("all rounds: real", real)]
    rows += [ack_row(f"real / {k}", real, k) for k in ("chatter", "stall", "update")]
    print()
    print(table(["server", "events", "non-200", "ack p50 ms", "p95 ms", "p99 ms", "max ms", "max send lag ms"], rows,
                title=f"POST /slack/events -> HTTP 200: {rate:g} events/s for {seconds:g} s per server and round, "
                      f"open loop, {rounds} round(s) bare then real"))
    for i, (b, r) in enumerate(zip(bare, real), 1):
        _, lb = acks([b])
        _, lr = acks([r])
        print(f"round {i} ratio real/bare: p50 {ms(lr, 50) / ms(lb, 50):.2f}x, p95 {ms(lr, 95) / ms(lb, 95):.2f}x, "
              f"p99 {ms(lr, 99) / ms(lb, 99):.2f}x")
    _, lb = acks(bare)
    _, lr = acks(real)
    ratios = {p: ms(lr, p) / ms(lb, p) for p in (50, 95, 99)}
    p99 = ms(lr, 99)
    scope = "all rounds" if rounds > 1 else "the run"
    print(f"ratio real/bare over {scope}: p50 {ratios[50]:.2f}x, p95 {ratios[95]:.2f}x, p99 {ratios[99]:.2f}x")
    print(f"goal ack p99 <= {GOAL_ACK_P99_MS} ms: {'ok' if p99 <= GOAL_ACK_P99_MS else 'MISSED'} ({p99:.1f} ms); "
          f"goal p99 <= {GOAL_RATIO}x bare: {'ok' if ratios[99] <= GOAL_RATIO else 'MISSED'} ({ratios[99]:.2f}x)")

    nudges = [x for r in real for x in r.nudges]
    reactions = [x for r in real for x in r.reactions]
    missing_n = sum(r.nudges_missing for r in real)
    missing_r = sum(r.reactions_missing for r in real)
    nudge_p95 = ms(nudges, 95)
    print()
    print(table(["real app", "events", "answered", "missing", "p50 ms", "p95 ms", "p99 ms", "max ms"], [
        ["stall -> chat.postMessage in thread", len(nudges) + missing_n, len(nudges), missing_n,
         f"{ms(nudges, 50):.1f}", f"{nudge_p95:.1f}", f"{ms(nudges, 99):.1f}",
         f"{max(nudges) * 1000:.1f}" if nudges else "-"],
        ["deal update -> reactions.add", len(reactions) + missing_r, len(reactions), missing_r,
         f"{ms(reactions, 50):.1f}", f"{ms(reactions, 95):.1f}", f"{ms(reactions, 99):.1f}",
         f"{max(reactions) * 1000:.1f}" if reactions else "-"],
    ], title="from POST to the Web API call arriving at the fake Slack"))
    print(f"goal nudge p95 <= {GOAL_NUDGE_P95_MS} ms: {'ok' if nudge_p95 <= GOAL_NUDGE_P95_MS else 'MISSED'} "
          f"({nudge_p95:.1f} ms)")

    print()
    labels = list(real[0].rss_kb)
    print(table(["process", *[f"{k} MB" for k in labels], "CPU during load"], [
        [f"round {i}: {x.name}", *[f"{x.rss_kb[k] / 1024:.1f}" for k in labels],
         f"{x.cpu_s:.1f} s ({x.cpu_s / x.wall_s:.0%} of a core)"]
        for i, pair in enumerate(zip(bare, real), 1) for x in pair], title="memory (VmRSS) and CPU of the server process"))
    idle = max(r.rss_kb["idle at start"] for r in real)
    growth = max(r.rss_kb["after the load"] / r.rss_kb["idle at start"] - 1 for r in real)
    growth_warm = max(r.rss_kb["after the load"] / r.rss_kb["after warm-up"] - 1 for r in real)
    print(f"goal idle <= {GOAL_IDLE_MB} MB: {'ok' if idle / 1024 <= GOAL_IDLE_MB else 'MISSED'} ({idle / 1024:.1f} MB); "
          f"goal growth <= {GOAL_GROWTH:.0%}: {'ok' if growth <= GOAL_GROWTH else 'MISSED'} "
          f"({growth:+.1%} from idle at start, {growth_warm:+.1%} from after the warm-up; worst round)")
    for x in (bare[-1], real[-1]):
        if x.log_tail:
            print(f"last lines of the {x.name} server's log:\n    " + x.log_tail.replace("\n", "\n    "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.ack_latency", description=__doc__.split("\n\n")[1])
    parser.add_argument("--seconds", type=float, default=30, help="seconds of load per server and round")
    parser.add_argument("--rate", type=float, default=100, help="events per second")
    parser.add_argument("--rounds", type=int, default=3,
                        help="bare then real, this many times, each on a fresh process (p99 is noisy on 2 cores)")
    parser.add_argument("--warmup", type=int, default=20, help="events sent before the load, not counted")
    args = parser.parse_args(argv)
    if not (0 < args.seconds <= 600 and 0 < args.rate <= 2000 and 1 <= args.rounds <= 10):
        parser.error("--seconds must be in (0, 600], --rate in (0, 2000], --rounds in 1..10")
    count = int(args.seconds * args.rate)
    print(machine_line())
    print(f"{count} events per server and round ({args.rate:g}/s for {args.seconds:g} s) + {args.warmup} warm-up "
          f"events; {args.rounds} round(s)")

    bare: list[RunResult] = []
    real: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="heartful-ack-") as tmp, FakeSlackProcess() as fake:
        common = dict(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake.base_url, LOG_LEVEL="WARNING", PYTHONPATH=str(REPO))
        for n in range(1, args.rounds + 1):
            workdir = Path(tmp) / f"round{n}"
            workdir.mkdir()
            port = free_port()
            bare.append(run_server(
                "bare", [sys.executable, "-m", "bench._bare_app", "--host", "127.0.0.1", "--port", str(port),
                         "--api-url", fake.base_url],
                clean_env(**common), REPO, workdir, fake, build_events(count, f"b{n}", seed=n),
                build_events(args.warmup, f"bw{n}", seed=100 + n), args.rate, port))
            port = free_port()
            real.append(run_server(
                "real", [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
                clean_env(**common, DAILY_TICK_S="3600", DATABASE_URL=f"sqlite:///{workdir / 'heartful.db'}"),
                workdir, workdir, fake, build_events(count, f"r{n}", seed=n),
                build_events(args.warmup, f"rw{n}", seed=100 + n), args.rate, port))
            _, lb = acks([bare[-1]])
            _, lr = acks([real[-1]])
            print(f"round {n}: ack p99 bare {ms(lb, 99):.1f} ms, real {ms(lr, 99):.1f} ms", flush=True)
    report(bare, real, args.rate, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
