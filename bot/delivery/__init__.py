"""Durable work: what Heartful owes someone is recorded before it is done, and done exactly once."""
