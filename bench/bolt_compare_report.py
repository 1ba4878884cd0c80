"""The tables and goal checks bench.bolt_compare prints at the end of a run."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bench._util import table
from bench.open_loop import ACK_LIMIT_MS, Step, ms_of
from bench.serve_load import read_offline

if TYPE_CHECKING:
    from bench.bolt_compare import Bench

GOAL_RATIO = 1.3
GOAL_RATE = 1000
GOAL_RSS_FLAT = 0.20


def step_rows(steps: list[Step]) -> list[list[object]]:
    rows = []
    for s in steps:
        rows.append([s.app, s.label, f"{s.achieved:.0f}", len(s.records), s.non_200, sum(r.retries for r in s.records),
                     f"{s.ack_ms(50):.1f}", f"{s.ack_ms(99):.1f}",
                     f"{ms_of(s.handling, 50):.0f}", f"{ms_of(s.handling, 99):.0f}", f"{s.answered}/{s.expected}",
                     f"{s.lag:.2f}" if s.lag is not None else "not done",
                     "yes" if s.kept_up else "NO", f"{s.throughput:.0f}" if s.throughput else "-",
                     f"{s.app_cpu / s.wall:.0%}", f"{s.gen_cpu / s.wall:.0%}", f"{s.fake_cpu / s.wall:.0%}"])
    return rows


def between(results: dict[str, Any], key: str, steps: list[Step], app: str) -> str:
    hit: Step | None = results.get(key)
    if hit is None:
        top = max((s.rate for s in steps if s.app == app), default=0)
        return f"not reached up to {top:g}/s"
    lower = [s.rate for s in steps if s.app == app and s.rate < hit.rate and
             (s.kept_up if key == "behind" else s.ack_ms(99) <= ACK_LIMIT_MS)]
    below = f"{max(lower):g}" if lower else "<"
    extra = f" (throughput there {hit.throughput:.0f} events/s)" if key == "behind" and hit.throughput else ""
    return f"between {below} and {hit.rate:g}/s{extra}"


def report(args: argparse.Namespace, bench: Bench, ladders: dict[str, dict[str, Any]], over: dict[str, Any] | None,
           started: datetime, load_start: list[str]) -> None:
    print()
    print(table(["app", "step", "sent/s", "events", "non-200", "retries", "ack p50 ms", "ack p99 ms",
                 "handling p50 ms", "p99 ms", "answered", "done after s", "kept up", "throughput/s", "CPU app",
                 "generator", "fake"], step_rows(bench.steps),
                title=f"{args.database}: every step (ack: POST -> 200; handling: stall/update POST -> the app's last "
                      f"Web API call for it; 'done after': all events handled, after the last scheduled send)"))
    bare, heart = ladders.get("bare"), ladders.get("Heartful")
    print()
    rows = []
    for name, lad in (("bare", bare), ("Heartful", heart)):
        if not lad:
            continue
        s = lad["ack100"]
        rows.append([name, f"{s.ack_ms(50):.1f}", f"{s.ack_ms(99):.1f}", f"{max(r.latency or 0 for r in s.records) * 1000:.1f}",
                     between(lad, "ack_crossed", bench.steps, name), between(lad, "behind", bench.steps, name),
                     f"{lad['idle_kb'] / 1024:.1f}"])
    print(table(["app", "ack p50 @100/s ms", "ack p99 @100/s ms", "max ms", "ack p99 > 100 ms", "handling falls behind",
                 "idle RSS MB"], rows, title="summary"))
    if bare and heart:
        ratio = heart["ack100"].ack_ms(99) / bare["ack100"].ack_ms(99)
        print(f"ack p99 at 100/s, Heartful / bare: {ratio:.2f}x (goal <= {GOAL_RATIO}x: "
              f"{'ok' if ratio <= GOAL_RATIO else 'MISSED'})")
        behind = heart.get("behind")
        kept = [s.rate for s in bench.steps if s.app == "Heartful" and s.kept_up and not s.label.startswith("over")]
        best = max(kept, default=0)
        print(f"Heartful handling kept up at up to {best:g}/s (goal >= {GOAL_RATE}/s: "
              f"{'ok' if best >= GOAL_RATE else 'MISSED'})" + (f"; fell behind at {behind.rate:g}/s" if behind else ""))
    if over:
        s: Step = over["step"]
        before = over["before_kb"]
        during = over["during_kb"] or [over["after_kb"]]
        peak = max([*during, *over["after_backlog_kb"], over["after_kb"]])
        print()
        print(table(["", "value"], [
            ["rate asked / sent", f"{over['rate']:.0f} / {s.achieved:.0f} events/s for {over['seconds']} s "
                                  f"({len(s.records)} events)"],
            ["ack p50 / p99 / non-200 (first attempt) / retries / never 200", f"{s.ack_ms(50):.1f} ms / "
             f"{s.ack_ms(99):.1f} ms / {s.non_200} / {sum(r.retries for r in s.records)} / {s.lost}"],
            ["backlog done after the last send", f"{s.lag:.1f} s" if s.lag is not None else "NOT DONE"],
            ["throughput (events / start to done)", f"{s.throughput:.0f}/s" if s.throughput else "-"],
            ["RSS before (idle, after warm-up)", f"{before / 1024:.1f} MB"],
            ["RSS during the load: min / max / last", f"{min(during) / 1024:.1f} / {max(during) / 1024:.1f} / "
                                                      f"{during[-1] / 1024:.1f} MB"],
            ["RSS while the backlog drained: max", f"{max(over['after_backlog_kb']) / 1024:.1f} MB"
             if over["after_backlog_kb"] else "-"],
            ["RSS after (done + 3 s) / VmHWM", f"{over['after_kb'] / 1024:.1f} / {over['hwm_kb'] / 1024:.1f} MB"],
            ["RSS peak / before", f"{peak / before:.2f}x (goal flat within {GOAL_RSS_FLAT:.0%}: "
                                  f"{'ok' if peak / before <= 1 + GOAL_RSS_FLAT else 'MISSED'})"],
            ["stalls sent / answered exactly once / unanswered / twice or more",
             f"{over['stalls']} / {over['answered_once']} / {len(over['unanswered'])} / {over['twice']}"],
            ["updates sent / reactions.add", f"{over['updates']} / {over['updates_reacted']}"],
            ["replies in the thread of chatter", over["chatter_replies"]],
            ["CPU app / generator / fake", f"{s.app_cpu / s.wall:.0%} / {s.gen_cpu / s.wall:.0%} / "
                                           f"{s.fake_cpu / s.wall:.0%} of a core"],
        ], title=f"Heartful overload ({args.database}) at 2x its saturation throughput"))
        if over["unanswered"]:
            texts = [r.text for r in over["unanswered"]]
            seen = read_offline("rules" if args.reader == "rules" else "learned", texts)
            if seen:
                print(f"of the {len(texts)} unanswered stalls, the reader itself (offline, unloaded) reads "
                      f"{sum(seen)} as a stall: the rest are the reader's, not lost on the way")
    ended = datetime.now(UTC)
    print(f"\nstarted {started:%Y-%m-%d %H:%M:%S} UTC, ended {ended:%H:%M:%S} UTC ({(ended - started).seconds} s); "
          f"load average at the start {' '.join(load_start)}, at the end "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])} (2 cores)")
