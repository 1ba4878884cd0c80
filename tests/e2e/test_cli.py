"""The `heartful` command as a user runs it: a real process, real exit codes, one readable line on errors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.slack_requests import SIGNING_SECRET, channel_message_event, json_body, slack_signature_headers

REPO = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "LLM_", "DAILY_", "DATABASE_URL", "PROMPTS"))}
    env.update(extra)
    return env


def heartful(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env or clean_env(),
                          capture_output=True, text=True, timeout=timeout)


def test_try_prints_the_stall_and_a_step_back_reply_with_a_care_question(tmp_path):
    result = heartful("try", "Spoke to Dana at Acme, she wants to think it over", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Stall: think_it_over" in result.stdout
    assert "Step back" in result.stdout
    assert "A question that shows you care:" in result.stdout
    assert not (tmp_path / "heartful.db").exists()  # try touches no database


def test_try_shows_deal_update_fields(tmp_path):
    result = heartful("try", "Acme moved to Proposal, $45k, next step: demo with the CFO", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Deal update:" in result.stdout and "45000" in result.stdout


def test_try_says_when_there_is_nothing_to_coach(tmp_path):
    result = heartful("try", "lunch at noon?", cwd=tmp_path)
    assert result.returncode == 0
    assert "Nothing to coach here" in result.stdout


def test_python_dash_m_bot_and_the_console_script_are_the_same(tmp_path):
    script = shutil.which("heartful", path=str(Path(sys.executable).parent))
    assert script, "the heartful console script is installed next to python"
    a = subprocess.run([script, "manifest"], cwd=tmp_path, capture_output=True, text=True, env=clean_env())
    b = heartful("manifest", cwd=tmp_path)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_an_empty_http_url_for_the_manifest_is_an_error_not_socket_mode(tmp_path):
    result = heartful("manifest", "--http", "", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "--http takes the app's public base URL" in result.stderr


def test_manifest_socket_mode_and_http(tmp_path):
    manifest = json.loads(heartful("manifest", cwd=tmp_path).stdout)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"channels:history", "groups:history", "chat:write", "reactions:write", "im:write", "users:read",
            "commands"} <= scopes
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) >= {"message.channels", "message.groups"}
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["slash_commands"][0]["command"] == "/coach"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True

    http = json.loads(heartful("manifest", "--http", "https://heartful.example.com/", cwd=tmp_path).stdout)
    url = "https://heartful.example.com/slack/events"
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["event_subscriptions"]["request_url"] == url
    assert http["settings"]["interactivity"]["request_url"] == url
    assert http["features"]["slash_commands"][0]["url"] == url


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "not-a-token", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.com"}, "SLACK_API_URL"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable_and_the_readme_section_exit_2(tmp_path, env, variable):
    result = heartful("serve", "--port", "0", cwd=tmp_path, env=clean_env(**env))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0] and "README.md" in lines[0] and "section" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_malformed_setting_in_dot_env_is_reported_the_same_way(tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\nSLACK_SIGNING_SECRET=s\nSLACK_API_URL=nope\n")
    result = heartful("serve", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "SLACK_API_URL" in result.stderr


def test_a_broken_prompt_file_stops_the_app_with_one_line_naming_file_and_field(tmp_path):
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    text = (prompts / "care_questions.yaml").read_text()
    (prompts / "care_questions.yaml").write_text(text.replace("id: anything_unclear", "idd: anything_unclear"))
    env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PROMPTS_DIR=str(prompts))
    for args in (("serve", "--port", "0"), ("try", "she wants to think it over")):
        result = heartful(*args, cwd=tmp_path, env=env)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "care_questions.yaml" in result.stderr and "questions[4]" in result.stderr
    assert not (tmp_path / "heartful.db").exists()  # nothing was touched


def test_bad_arguments_are_one_line_exit_2(tmp_path):
    for args in (("nonsense",), ("try",), ("manifest", "--http", "ftp://x"), ()):
        result = heartful(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)


def test_db_upgrade_creates_the_sqlite_file_in_the_working_directory(tmp_path):
    result = heartful("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "heartful.db").exists()
    again = heartful("db", "upgrade", cwd=tmp_path)
    assert again.returncode == 0


def test_db_upgrade_against_an_unreachable_database_is_one_line(tmp_path):
    result = heartful("db", "upgrade", cwd=tmp_path,
                      env=clean_env(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "DATABASE_URL" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_over_http_upgrades_the_database_and_answers_a_signed_event(tmp_path, fake_slack):
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.base_url, LOG_LEVEL="WARNING")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    assert json.load(response) == {"ok": True}
                    break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.1)
        assert (tmp_path / "heartful.db").exists()  # upgraded before serving

        # the team Slack's auth.test names: serve ignores events for any other workspace
        body = json_body(channel_message_event("Spoke to Dana at Acme, she wants to think it over",
                                               team_id=fake_slack.team_id))
        request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **slack_signature_headers(body)})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        [call] = fake_slack.wait_for("chat.postMessage", timeout=10)
        assert "Step back" in call.args["text"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_in_socket_mode_connects_with_the_app_token_through_slack_api_url(tmp_path, fake_slack):
    fake_slack.responses["apps.connections.open"] = {"ok": False, "error": "invalid_auth"}
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-1-test", SLACK_API_URL=fake_slack.base_url,
                    LOG_LEVEL="CRITICAL")
    result = heartful("serve", cwd=tmp_path, env=env, timeout=60)
    [call] = fake_slack.calls_to("apps.connections.open")
    assert call.token == "xapp-1-test"  # the app-level token, not the bot token
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("heartful: Slack refused the Socket Mode connection")
