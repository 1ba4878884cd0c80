"""The labelled set through the rules alone and through rules + a model, side by side.

    .venv/bin/python -m bench.llm_eval                      # uses OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL
    .venv/bin/python -m bench.llm_eval --base-url http://localhost:11434/v1 --model llama3.1:8b

With no model configured it prints the rules' figures and how many messages the pre-filter would send.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path

import yaml

from bot.app import build_model_coach, load_prompts
from bot.coach import Coach
from bot.coaching.detect import read_message
from bot.coaching.evaluation import evaluate
from bot.coaching.second_opinion import worth_a_second_opinion
from bot.settings import load_settings

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "deal_channel_messages.yaml"


class _NoBudget:
    async def tokens(self, *, team_id, day):  # type: ignore[no-untyped-def]
        return 0

    async def add(self, *, team_id, day, tokens):  # type: ignore[no-untyped-def]
        return None


def side_by_side(rules, combined) -> str:  # type: ignore[no-untyped-def]
    lines = [f"{'class':<16}{'rules P':>9}{'rules R':>9}{'+model P':>10}{'+model R':>10}{'support':>9}",
             "-" * 63]
    for score in rules.classes:
        other = combined.score(score.label) if combined else None
        model_p = f"{other.precision:>10.3f}" if other else f"{'-':>10}"
        model_r = f"{other.recall:>10.3f}" if other else f"{'-':>10}"
        lines.append(f"{score.label:<16}{score.precision:>9.3f}{score.recall:>9.3f}{model_p}{model_r}"
                     f"{score.support:>9}")
    return "\n".join(lines)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    overrides = {k: v for k, v in {"openai_base_url": args.base_url, "openai_model": args.model}.items() if v}
    settings = load_settings(**overrides)
    examples = yaml.safe_load(LABELLED.read_text())
    rules_readings = {ex["text"]: read_message(ex["text"]) for ex in examples}
    sent = [ex for ex in examples if worth_a_second_opinion(ex["text"], rules_readings[ex["text"]])]
    rules_eval = evaluate(examples, lambda text: rules_readings[text])

    combined_eval = None
    outcomes: Counter[str] = Counter()
    if settings.llm_enabled:
        library = load_prompts(settings)
        coach = Coach(library=library, repository=None, advisor=build_model_coach(settings, None, usage=_NoBudget()))  # type: ignore[arg-type]
        limit = asyncio.Semaphore(args.concurrency)
        combined: dict[str, object] = {}

        async def one(text: str) -> None:
            async with limit:
                consulted = await coach.consult(team_id="eval", text=text, rules=rules_readings[text],
                                                deadline_s=settings.llm_timeout_s)
            combined[text] = consulted.reading
            outcomes[consulted.opinion.outcome if consulted.opinion else "not_sent"] += 1

        await asyncio.gather(*(one(ex["text"]) for ex in examples))
        combined_eval = evaluate(examples, lambda text: combined[text])

    print(f"labelled set: {len(examples)} messages; the pre-filter sends {len(sent)} "
          f"({len(sent) / len(examples):.0%}) to the model")
    print(side_by_side(rules_eval, combined_eval))
    if combined_eval is None:
        print("no model configured (OPENAI_API_KEY / OPENAI_BASE_URL): rules only")
    else:
        print(f"model ({settings.openai_model}) answers: " + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
