"""Bolt listeners: parse the payload, call the coach, render Block Kit, send."""
