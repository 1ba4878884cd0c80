"""Asks an OpenAI-compatible model for a second opinion on one message, within a budget, redacted, and never
at the cost of an answer: every failure is 'no opinion' and the rules stand."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import openai
from openai import AsyncOpenAI

from bot.coaching.models import STALL_KINDS
from bot.coaching.second_opinion import ANSWER_SCHEMA, Opinion, parse_answer, redact
from bot.llm.prompt_file import PromptFile
from bot.storage.llm_usage import LlmUsageRepository

log = logging.getLogger(__name__)

MAX_ANSWER_TOKENS = 400


class ModelCoach:
    def __init__(self, *, client: AsyncOpenAI, model: str, prompt: PromptFile, usage: LlmUsageRepository,
                 daily_token_budget: int, redact_text: bool, timeout_s: float) -> None:
        self.client = client
        self.model = model
        self.prompt = prompt
        self.usage = usage
        self.daily_token_budget = daily_token_budget
        self.redact_text = redact_text
        self.timeout_s = timeout_s

    async def second_opinion(self, *, team_id: str, text: str) -> Opinion:
        today = datetime.now(UTC).date()
        if await self.usage.tokens(team_id=team_id, day=today) >= self.daily_token_budget:
            return Opinion(None, "budget")
        content = redact(text) if self.redact_text else text
        try:
            response = await asyncio.wait_for(self._ask(content), timeout=self.timeout_s)
        except (TimeoutError, openai.APITimeoutError):
            return Opinion(None, "timeout")
        except openai.APIStatusError as error:
            log.warning("model answered HTTP %s", error.status_code)
            return Opinion(None, f"http_{error.status_code}")
        except openai.APIConnectionError:
            return Opinion(None, "connection")
        except openai.OpenAIError as error:  # anything else the client raises: still the rules' answer
            log.warning("model call failed: %s", type(error).__name__)
            return Opinion(None, "invalid")
        if response.usage is not None:
            await self.usage.add(team_id=team_id, day=today, tokens=response.usage.total_tokens)
        if not response.choices:
            return Opinion(None, "invalid")
        message = response.choices[0].message
        if getattr(message, "refusal", None):
            return Opinion(None, "refusal")
        reading = parse_answer(message.content)
        return Opinion(reading, "ok" if reading else "invalid")

    async def _ask(self, content: str):  # type: ignore[no-untyped-def]
        return await self.client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": self.prompt.render(stall_kinds=", ".join(STALL_KINDS))},
                {"role": "user", "content": content},
            ],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "deal_channel_reading", "strict": True, "schema": ANSWER_SCHEMA}},
            max_completion_tokens=MAX_ANSWER_TOKENS,
        )


def make_openai_client(*, api_key: str | None, base_url: str | None, timeout_s: float) -> AsyncOpenAI:
    # Bounded retries with backoff (the client honours Retry-After on 429); the caller's deadline caps the total.
    return AsyncOpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=timeout_s, max_retries=2)
