"""The coaching domain: plain Python, no Slack, storage, LLM or scheduler imports (import-linter enforces it)."""
