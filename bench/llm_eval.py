"""A corpus split through the reader alone and through the reader + a model, side by side.

    .venv/bin/python -m bench.llm_eval --split dev          # uses OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL
    .venv/bin/python -m bench.llm_eval --base-url http://localhost:11434/v1 --model llama3.1:8b

With no model configured it prints the reader's figures and how many messages would be sent to a model.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path

from bot.app import build_model_coach, build_reader, load_prompts
from bot.coach import Coach
from bot.coaching.second_opinion import worth_a_second_opinion
from bot.reading.corpus import load_corpus
from bot.reading.evaluation import evaluate, format_figures
from bot.settings import load_settings

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


class _NoBudget:
    async def tokens(self, *, team_id, day):  # type: ignore[no-untyped-def]
        return 0

    async def add(self, *, team_id, day, tokens):  # type: ignore[no-untyped-def]
        return None


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--split", default="dev", choices=("train", "dev", "test"))
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    overrides = {k: v for k, v in {"openai_base_url": args.base_url, "openai_model": args.model}.items() if v}
    settings = load_settings(**overrides)
    rows = [e for e in load_corpus(CORPUS / "raw", splits=CORPUS / "splits.csv") if e.split == args.split]
    reader = build_reader(settings)
    readings = dict(zip((e.text for e in rows), reader.reader.read_many([e.text for e in rows])))
    sent = [e for e in rows if worth_a_second_opinion(readings[e.text])]
    alone, _, _ = evaluate(rows, lambda texts: [readings[t] for t in texts], reader.reader.stages)
    print(f"{args.split}: {len(rows)} messages; {len(sent)} ({len(sent) / len(rows):.0%}) would be sent to a model")
    print(format_figures("reader alone", alone))
    if not settings.llm_enabled:
        print("no model configured (OPENAI_API_KEY / OPENAI_BASE_URL): the reader only")
        return 0
    coach = Coach(library=load_prompts(settings), repository=None, reader=reader,  # type: ignore[arg-type]
                  advisor=build_model_coach(settings, None, usage=_NoBudget()))
    limit = asyncio.Semaphore(args.concurrency)
    combined: dict[str, object] = {}
    outcomes: Counter[str] = Counter()

    async def one(text: str) -> None:
        async with limit:
            consulted = await coach.consult(team_id="eval", text=text, rules=readings[text],
                                            deadline_s=settings.llm_timeout_s)
        combined[text] = consulted.reading
        outcomes[consulted.opinion.outcome if consulted.opinion else "not_sent"] += 1

    await asyncio.gather(*(one(e.text) for e in rows))
    both, _, _ = evaluate(rows, lambda texts: [combined[t] for t in texts], reader.reader.stages)  # type: ignore[misc]
    print(format_figures("reader + model", both))
    print(f"model ({settings.openai_model}) answers: " + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
