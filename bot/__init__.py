"""Heartful: a Slack app that coaches sales reps to sell with care instead of pressure."""

__version__ = "0.1.0"
