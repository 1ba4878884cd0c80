"""`heartful shell`: a deal channel in the terminal, running the real app against a local stand-in for Slack."""
