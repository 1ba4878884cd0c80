"""`heartful shell` driven through a pipe: the real app, a local Slack stand-in, no network."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.test_cli import clean_env


def run_shell(lines: list[str], cwd, *extra: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "bot", "shell", *extra], input="\n".join(lines) + "\n",
                          cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120)


def test_a_stall_and_the_deal_list_through_a_pipe(tmp_path):
    result = run_shell(["Acme moved to Proposal, $45k, next step: demo", "she wants to think it over",
                        "/coach deals"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Heartful reacted :memo:" in out
    assert "Heartful (in the thread): Step back with them." in out
    assert "A question that shows you care:" in out
    assert "Deals in this channel (1)" in out and "Acme: Proposal, $45,000" in out
    # Output follows input order: the nudge is printed before the deal list was asked for.
    assert out.index("Step back") < out.index("Deals in this channel")
    assert (tmp_path / "heartful-shell.db").exists()


def test_every_subcommand_and_bad_input_in_the_shell(tmp_path):
    result = run_shell([
        "/coach", "/coach she has to ask her boss", "/coach question", "/coach mute", "she wants to think it over",
        "/coach unmute", "/coach mode ephemeral", "he needs to sleep on it", "/coach deal nothing", "/coach dealz",
    ], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "`/coach deals`" in out
    assert "Muted" in out and "Unmuted" in out
    assert "Reply mode is now ephemeral" in out
    assert "No deal named 'nothing'" in out
    assert "'dealz' is not a /coach subcommand" in out
    # muted: the first stall got nothing; ephemeral: the second went only to the rep
    after_mute = out[out.index("> she wants to think it over"):out.index("> /coach unmute")]
    assert "Heartful" not in after_mute
    after_mode = out[out.index("> he needs to sleep on it"):out.index("> /coach deal nothing")]
    assert "Heartful (only you can see this): Step back" in after_mode


def test_the_shell_keeps_its_data_between_runs(tmp_path):
    run_shell(["Globex moved to Negotiation, $120k"], tmp_path)
    result = run_shell(["/coach deals"], tmp_path)
    assert "Globex" in result.stdout


def test_daily_on_and_a_capitalised_command_work_in_the_shell(tmp_path):
    result = run_shell(["/coach daily on", "/Coach deals"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Daily exercises are on" in result.stdout and "at 09:00 (UTC)" in result.stdout  # users.info answered
    assert "No deals recorded in this channel yet" in result.stdout  # /Coach is the command, as in Slack
    assert "Heartful (in the thread)" not in result.stdout  # read as the command, not as a channel message
