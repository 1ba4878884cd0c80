"""`heartful serve` as a process: it listens on 127.0.0.1 by default, asks Slack who it is at start (readiness, and
the one workspace it answers), and ignores another workspace's events."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.test_cli import clean_env, free_port
from tests.slack_requests import SIGNING_SECRET, channel_message_event, json_body, slack_signature_headers

STALL = "Spoke to Dana at Acme, she wants to think it over"


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on for this port, from /proc/net/tcp (IPv4) and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def readyz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def post(port: int, payload: dict) -> int:
    body = json_body(payload)
    request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=body, method="POST",
                                     headers={"Content-Type": "application/json", **slack_signature_headers(body)})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp to see the address")
def test_serve_listens_on_localhost_checks_slack_at_start_and_ignores_other_workspaces(tmp_path, fake_slack):
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.base_url, LOG_LEVEL="WARNING")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)],  # no --host
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:  # ready once the database answers and auth.test has told us our team
            try:
                status, report = readyz(port)
                if status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "serve did not become ready"
            time.sleep(0.1)
        assert report["checks"]["slack_auth"]["team_id"] == fake_slack.team_id
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only

        # The fixtures' team (T111) is not the token's (the fake's auth.test: T0G9PQBBK): ignored with a 200 ...
        assert post(port, channel_message_event(STALL, team_id="T111")) == 200
        # ... and our own team's stall is answered, once: the only post Slack sees.
        assert post(port, channel_message_event(STALL, team_id=fake_slack.team_id)) == 200
        [call] = fake_slack.wait_for("chat.postMessage", timeout=10)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            metrics = response.read().decode()
        assert 'heartful_requests_rejected_total{reason="foreign_team"} 1.0' in metrics
        assert 'heartful_events_received_total{kind="event"} 1.0' in metrics
        assert "Step back" in call.args["text"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_stops_with_one_line_when_slack_refuses_the_bot_token(tmp_path, fake_slack):
    fake_slack.responses["auth.test"] = {"ok": False, "error": "invalid_auth"}
    env = clean_env(SLACK_BOT_TOKEN="xoxb-wrong", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.base_url, LOG_LEVEL="WARNING")
    result = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(free_port())], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "SLACK_BOT_TOKEN" in lines[0] and "invalid_auth" in lines[0] and "README.md" in lines[0]
    assert not (tmp_path / "heartful.db").exists()  # stopped before touching the database
