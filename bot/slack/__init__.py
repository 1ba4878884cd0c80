"""Transport: the only package importing slack_bolt and slack_sdk."""
