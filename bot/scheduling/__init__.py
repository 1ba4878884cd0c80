"""The only package that touches APScheduler."""
