"""The reader: what the coach sees in a message (normalise -> classify -> extract fields -> guards)."""
