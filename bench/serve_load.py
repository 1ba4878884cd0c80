"""The real `heartful serve` under a mixed load, with the rules reader and with the learned reader, in one run.

    .venv/bin/python -m bench.serve_load [--seconds 30] [--rate 200] [--rounds 1] [--warmup 20]
                                         [--readers rules,learned]

For each reader, one after the other (never at the same time: they would share the 2 cores), --rounds times, each a
fresh process: `python -m bot serve --host 127.0.0.1 --port P` (HTTP mode, exactly what `heartful serve` runs), with
SQLite in a temp dir, the fake Slack Web API (bench._fake_slack, its own process), LOG_LEVEL=WARNING,
DAILY_TICK_S=3600, no OpenAI settings; HEARTFUL_READER=rules for the rules reader, unset for the learned one
(READER_THREADS unset: the default, 1 embedding thread).

Load: --rate signed message events per second for --seconds, open loop over an aiohttp connection pool (as
bench.ack_latency): 90 % chatter (bench.chatter), 5 % stalls and 5 % deal updates, their texts drawn from the
labelled corpus (`load_corpus(Path('data/corpus/raw'))`: rows labelled stall without deal fields, and deal_update
rows, not from a CRM integration, all languages); unique event ids and ts, 20 channels, 30 users. The same events
(same seed) for both readers.

Measured per server: start-up time (Popen -> the first HTTP 200 from /healthz, polled every 20 ms; it includes the
migrations `serve` runs and loading the reader); VmRSS 2 s after it is healthy (idle), after the warm-up, after the
load and 5 s later, and VmHWM; POST -> HTTP 200 latency p50/p95/p99/max, also by message kind; nudge latency (stall
POST -> the chat.postMessage with thread_ts = the event's ts arriving at the fake, both time.monotonic()) and deal
update POST -> reactions.add; stalls with no nudge, and nudges on messages that were not stalls.
Goals: ack p99 <= 50 ms; nudge p95 <= 300 ms; serve idle RSS <= 200 MB; start-up to healthy <= 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench._fake_slack import FakeSlackProcess
from bench._util import machine_line, table
from bench.ack_latency import TEAM, Event, Sent, clean_env, cpu_seconds, free_port, mixed_events, ms, open_loop, rss_kb, stop
from tests.slack_requests import SIGNING_SECRET

REPO = Path(__file__).resolve().parents[1]
CORPUS_RAW = REPO / "data" / "corpus" / "raw"
GOAL_ACK_P99_MS = 50
GOAL_NUDGE_P95_MS = 300
GOAL_IDLE_MB = 200
GOAL_STARTUP_S = 5


@dataclass
class Result:
    reader: str
    round: int
    startup_s: float = 0.0
    sent: list[Sent] = field(default_factory=list)
    rss_kb: dict[str, int] = field(default_factory=dict)
    hwm_kb: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    nudges: list[float] = field(default_factory=list)
    nudges_missing: int = 0
    false_nudges: dict[str, int] = field(default_factory=dict)
    reactions: list[float] = field(default_factory=list)
    reactions_missing: int = 0
    drain_s: float = 0.0
    log_tail: str = ""




def corpus_texts() -> tuple[list[str], list[str]]:
    from bot.reading.corpus import load_corpus

    examples = load_corpus(CORPUS_RAW)
    stalls = [e.text for e in examples if e.label == "stall" and e.deal_update is None and not e.from_crm]
    updates = [e.text for e in examples if e.label == "deal_update" and not e.from_crm]
    return stalls, updates


def build_events(count: int, run: str, seed: int, stalls: list[str], updates: list[str]) -> list[Event]:
    return mixed_events(count, f"S{run}", seed, stalls, updates)


def read_offline(reader: str, texts: list[str], head: str | None = None) -> list[bool]:
    """Whether the reader itself (load_reader in a fresh child, as serve loads it) reads each text as a stall: tells
    a nudge missing because the reader did not see a stall from one lost on the way."""
    import json
    import os

    env = {k: v for k, v in os.environ.items() if k != "HEARTFUL_READER"}
    if reader == "rules":
        env["HEARTFUL_READER"] = "rules"
    head_arg = f"head_file=Path({head!r})" if head and reader == "learned" else ""
    code = ("import json, sys; from pathlib import Path; from bot.reading.reader import load_reader; "
            f"r = load_reader(threads=1, {head_arg}); "
            "print(json.dumps([r.read(t).stall is not None for t in json.load(sys.stdin)]))")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
                          cwd=REPO, env={**env, "PYTHONPATH": str(REPO)}, timeout=600)
    if done.returncode != 0:
        print(f"(offline read with {reader} failed: {done.stderr.strip().splitlines()[-1:]})")
        return []
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def vm_kb(pid: int, name: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


async def time_to_healthy(url: str, process: subprocess.Popen, started: float, timeout: float = 120) -> float:
    deadline = started + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode} before answering /healthz")
            try:
                async with session.get(url + "/healthz", timeout=aiohttp.ClientTimeout(total=1)) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.02)
    raise RuntimeError(f"{url} did not answer /healthz within {timeout} s")


async def drive(result: Result, process: subprocess.Popen, started: float, base: str, fake: FakeSlackProcess,
                events: list[Event], warmup: list[Event], rate: float, drain_timeout: float) -> None:
    result.startup_s = await time_to_healthy(base, process, started)
    await asyncio.sleep(2)
    result.rss_kb["idle"] = rss_kb(process.pid)
    await open_loop(base, warmup, rate=20)
    await asyncio.sleep(3)
    result.rss_kb["after warm-up"] = rss_kb(process.pid)
    fake.clear()
    cpu0, wall0 = cpu_seconds(process.pid), time.monotonic()
    result.sent = await open_loop(base, events, rate)
    result.wall_s = time.monotonic() - wall0
    result.cpu_s = cpu_seconds(process.pid) - cpu0
    result.rss_kb["after the load"] = rss_kb(process.pid)
    stalls = {s.event.ts: s for s in result.sent if s.event.kind == "stall"}
    updates = {s.event.ts: s for s in result.sent if s.event.kind == "update"}
    kind_of = {s.event.ts: s.event.kind for s in result.sent}
    # Let the listeners finish (they run after the ack): until the server is idle (under 5 % of a core) and the
    # number of Web API calls has not moved, for 2 s in a row; or drain_timeout.
    t_end = time.monotonic()
    deadline = t_end + drain_timeout
    last, still, cpu_last = -1, 0, cpu_seconds(process.pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        n, cpu_now = len(fake.calls()), cpu_seconds(process.pid)
        still = still + 1 if n == last and cpu_now - cpu_last < 0.025 else 0
        last, cpu_last = n, cpu_now
        if still >= 4:
            break
    result.drain_s = time.monotonic() - t_end
    calls = fake.calls()
    nudge_at: dict[str, float] = {}
    false: dict[str, int] = {}
    for c in calls:
        if c.method == "chat.postMessage" and c.thread_ts in kind_of:
            if c.thread_ts in stalls:
                nudge_at.setdefault(c.thread_ts, c.at)
            else:
                false[kind_of[c.thread_ts]] = false.get(kind_of[c.thread_ts], 0) + 1
    react_at: dict[str, float] = {}
    for c in calls:
        if c.method == "reactions.add" and c.timestamp in updates:
            react_at.setdefault(c.timestamp, c.at)
    result.nudges = [nudge_at[ts] - s.started for ts, s in stalls.items() if ts in nudge_at]
    result.nudges_missing = len(stalls) - len(result.nudges)
    result.false_nudges = false
    result.reactions = [react_at[ts] - s.started for ts, s in updates.items() if ts in react_at]
    result.reactions_missing = len(updates) - len(result.reactions)
    await asyncio.sleep(5)
    result.rss_kb["5 s after"] = rss_kb(process.pid)
    result.hwm_kb = vm_kb(process.pid, "VmHWM")


def run_server(reader: str, n: int, tmp: Path, fake: FakeSlackProcess, events: list[Event], warmup: list[Event],
               rate: float, drain_timeout: float, head: str | None = None) -> Result:
    workdir = tmp / f"{reader}{n}"
    workdir.mkdir()
    port = free_port()
    extra = dict(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.base_url,
                 LOG_LEVEL="WARNING", PYTHONPATH=str(REPO), DAILY_TICK_S="3600",
                 DATABASE_URL=f"sqlite:///{workdir / 'heartful.db'}")
    env = clean_env(**extra)
    env.pop("READER_THREADS", None)
    env.pop("HEARTFUL_READER", None)
    if reader == "rules":
        env["HEARTFUL_READER"] = "rules"
    result = Result(reader=reader, round=n)
    log_path = workdir / "serve.log"
    with open(log_path, "w") as log:
        started = time.monotonic()
        launcher = ["-m", "bench._serve_with_head", head] if head and reader == "learned" else ["-m", "bot"]
        process = subprocess.Popen([sys.executable, *launcher, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            asyncio.run(drive(result, process, started, f"http://127.0.0.1:{port}", fake, events, warmup, rate,
                              drain_timeout))
        finally:
            stop(process)
    lines = log_path.read_text().strip().splitlines()
    result.log_tail = "\n".join(lines[-6:])
    return result


# ---------------------------------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------------------------------

def ok_acks(sent: list[Sent]) -> list[float]:
    return [s.latency for s in sent if s.status == 200 and s.latency is not None]


def ack_row(label: str, sent: list[Sent]) -> list[object]:
    ok = ok_acks(sent)
    lag = [max(0.0, s.started - s.scheduled) for s in sent]
    return [label, len(sent), len(sent) - len(ok), f"{ms(ok, 50):.1f}", f"{ms(ok, 95):.1f}", f"{ms(ok, 99):.1f}",
            f"{max(ok) * 1000:.1f}" if ok else "-", f"{max(lag) * 1000:.1f}" if lag else "-"]


def lat_row(label: str, values: list[float], missing: int) -> list[object]:
    return [label, len(values) + missing, len(values), missing, f"{ms(values, 50):.1f}", f"{ms(values, 95):.1f}",
            f"{ms(values, 99):.1f}", f"{max(values) * 1000:.1f}" if values else "-"]


def report(results: list[Result], readers: list[str], rate: float, seconds: float, head: str | None = None) -> None:
    by_reader = {r: [x for x in results if x.reader == r] for r in readers}
    rows = []
    for x in results:
        rows.append(ack_row(f"{x.reader} round {x.round}", x.sent))
    for r, xs in by_reader.items():
        sent = [s for x in xs for s in x.sent]
        if len(xs) > 1:
            rows.append(ack_row(f"{r} all rounds", sent))
        rows += [ack_row(f"{r} / {k}", [s for s in sent if s.event.kind == k]) for k in ("chatter", "stall", "update")]
    print()
    print(table(["server", "events", "non-200", "ack p50 ms", "p95 ms", "p99 ms", "max ms", "max send lag ms"], rows,
                title=f"POST /slack/events -> HTTP 200: {rate:g} events/s for {seconds:g} s, open loop"))

    rows = []
    for r, xs in by_reader.items():
        nudges = [v for x in xs for v in x.nudges]
        reactions = [v for x in xs for v in x.reactions]
        rows.append(lat_row(f"{r}: stall -> chat.postMessage in thread", nudges, sum(x.nudges_missing for x in xs)))
        rows.append(lat_row(f"{r}: deal update -> reactions.add", reactions, sum(x.reactions_missing for x in xs)))
    print()
    print(table(["server", "events", "answered", "missing", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows,
                title="from POST to the Web API call arriving at the fake Slack"))
    for x in results:
        sent_stalls = [s for s in x.sent if s.event.kind == "stall"]
        import json as _json

        texts = [_json.loads(s.event.body)["event"]["text"] for s in sent_stalls]
        seen = read_offline(x.reader, texts, head)
        if seen:
            print(f"{x.reader} round {x.round}: of the {len(texts)} stalls sent, the {x.reader} reader itself (offline) "
                  f"reads {sum(seen)} as a stall ({sum(seen) / len(texts):.1%}); nudges missing: {x.nudges_missing}")
    for x in results:
        false = ", ".join(f"{k} {v}" for k, v in sorted(x.false_nudges.items())) or "none"
        print(f"{x.reader} round {x.round}: nudges in the thread of a non-stall event: {false}; listeners settled "
              f"{x.drain_s:.1f} s after the last POST")

    print()
    labels = list(results[0].rss_kb)
    print(table(["server", "start-up to healthy s", *[f"{k} MB" for k in labels], "VmHWM MB", "CPU during load"],
                [[f"{x.reader} round {x.round}", f"{x.startup_s:.2f}", *[f"{x.rss_kb[k] / 1024:.1f}" for k in labels],
                  f"{x.hwm_kb / 1024:.1f}", f"{x.cpu_s:.1f} s ({x.cpu_s / x.wall_s:.0%} of a core)"] for x in results],
                title="start-up, memory (VmRSS of the serve process) and CPU"))

    print()
    for r, xs in by_reader.items():
        sent = [s for x in xs for s in x.sent]
        p99 = ms(ok_acks(sent), 99)
        nudge_p95 = ms([v for x in xs for v in x.nudges], 95)
        idle = max(x.rss_kb["idle"] for x in xs) / 1024
        startup = max(x.startup_s for x in xs)
        verdict = lambda good: "ok" if good else "MISSED"  # noqa: E731
        print(f"{r}: ack p99 <= {GOAL_ACK_P99_MS} ms: {verdict(p99 <= GOAL_ACK_P99_MS)} ({p99:.1f} ms); "
              f"nudge p95 <= {GOAL_NUDGE_P95_MS} ms: {verdict(nudge_p95 <= GOAL_NUDGE_P95_MS)} ({nudge_p95:.1f} ms); "
              f"idle RSS <= {GOAL_IDLE_MB} MB: {verdict(idle <= GOAL_IDLE_MB)} ({idle:.1f} MB); "
              f"start-up <= {GOAL_STARTUP_S} s: {verdict(startup <= GOAL_STARTUP_S)} ({startup:.2f} s)")
    for x in results:
        if x.log_tail:
            print(f"last lines of the {x.reader} round {x.round} server's log:\n    " + x.log_tail.replace("\n", "\n    "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.serve_load", description=__doc__.split("\n\n")[1])
    parser.add_argument("--seconds", type=float, default=30, help="seconds of load per server")
    parser.add_argument("--rate", type=float, default=200, help="events per second")
    parser.add_argument("--rounds", type=int, default=1, help="each reader this many times, fresh processes")
    parser.add_argument("--warmup", type=int, default=20, help="events sent before the load, not counted")
    parser.add_argument("--readers", default="rules,learned", help="comma-separated: rules, learned")
    parser.add_argument("--drain-timeout", type=float, default=120,
                        help="most seconds to wait after the load for the listeners to finish")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--head", help="the learned reader's head.npz (gate.npz beside it) when bot/reading/model/ "
                                       "has none: serve is then started through bench._serve_with_head")
    args = parser.parse_args(argv)
    readers = [r for r in args.readers.split(",") if r]
    if not (0 < args.seconds <= 600 and 0 < args.rate <= 2000 and 1 <= args.rounds <= 10) or \
            set(readers) - {"rules", "learned"}:
        parser.error("--seconds in (0, 600], --rate in (0, 2000], --rounds in 1..10, --readers among rules,learned")
    count = int(args.seconds * args.rate)
    stalls, updates = corpus_texts()
    print(machine_line())
    print(f"load average at the start: {open('/proc/loadavg').read().split()[:3]} (2 cores: above ~0.3 others are busy)")
    print(f"{count} events per server ({args.rate:g}/s for {args.seconds:g} s) + {args.warmup} warm-up events; "
          f"readers {', '.join(readers)}; {args.rounds} round(s); corpus: {len(stalls)} stall and {len(updates)} "
          f"deal update texts to draw from")
    print(f"learned reader's head: {args.head + ' (through bench._serve_with_head)' if args.head else 'bot/reading/model/'}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="heartful-serve-load-") as tmp, FakeSlackProcess() as fake:
        for n in range(1, args.rounds + 1):
            for reader in readers:
                events = build_events(count, f"{reader[0]}{n}", args.seed + n, stalls, updates)
                warmup = build_events(args.warmup, f"{reader[0]}w{n}", 100 + n, stalls, updates)
                x = run_server(reader, n, Path(tmp), fake, events, warmup, args.rate, args.drain_timeout, args.head)
                results.append(x)
                print(f"{reader} round {n}: healthy in {x.startup_s:.2f} s, ack p99 {ms(ok_acks(x.sent), 99):.1f} ms, "
                      f"nudge p95 {ms(x.nudges, 95):.1f} ms", flush=True)
    print(f"load average at the end: {open('/proc/loadavg').read().split()[:3]}")
    report(results, readers, args.rate, args.seconds, args.head)
    return 0


if __name__ == "__main__":
    sys.exit(main())
