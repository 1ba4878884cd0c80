"""`python -m bot` with the learned reader's head (and the gate beside it) taken from another directory: for
bench.serve_load --head, when bot/reading/model/ has no trained head yet. Everything else is `heartful serve` as is.

    .venv/bin/python -m bench._serve_with_head /tmp/model/head.npz serve --host 127.0.0.1 --port P
"""

from __future__ import annotations

import sys
from pathlib import Path

import bot.reading.reader as reader_module
from bot.cli import main

if __name__ == "__main__":
    head = Path(sys.argv[1])
    if not head.exists():
        raise SystemExit(f"no head at {head}")
    reader_module.load_reader.__kwdefaults__["head_file"] = head  # load_reader's keyword-only default
    raise SystemExit(main(sys.argv[2:]))
