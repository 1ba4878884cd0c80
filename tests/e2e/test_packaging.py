"""The wheel is complete: the coaching content and the migrations ship inside it, so an installed Heartful runs from
any directory with no checkout and no PROMPTS_DIR."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from tests.e2e.test_cli import clean_env

REPO = Path(__file__).resolve().parents[2]


def test_the_package_list_names_every_package_in_bot():
    """pyproject.toml lists the packages (to map prompts/ and db/ into the wheel): none may be forgotten."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {str(p.parent.relative_to(REPO)).replace("/", ".") for p in (REPO / "bot").rglob("__init__.py")}
    assert {p for p in listed if not p.startswith("bot._content")} == on_disk


def test_a_built_wheel_carries_prompts_and_migrations_and_runs_from_another_directory(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                            str(REPO)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp_path / "dist").glob("heartful-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("bot/_content/prompts/care_questions.yaml", "bot/_content/prompts/llm/second_opinion.md",
                    "bot/_content/db/env.py", "bot/_content/db/versions/2026_12_01_0005_work_items.py",
                    "bot/reading/model/head.npz"):
        assert shipped in names, shipped
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                                str(tmp_path / "site"), str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(PYTHONPATH=str(tmp_path / "site"), DATABASE_URL=f"sqlite:///{elsewhere / 'h.db'}")
    where = subprocess.run([sys.executable, "-c", "import bot.content as c; print(c.content_dir('prompts'))"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(tmp_path / "site" / "bot" / "_content" / "prompts"), where.stderr
    tried = subprocess.run([sys.executable, "-m", "bot", "try", "Dana at Acme wants to think it over"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert tried.returncode == 0, tried.stderr
    assert "think_it_over" in tried.stdout or "Step back" in tried.stdout, tried.stdout
    upgraded = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (elsewhere / "h.db").stat().st_size > 0  # the shipped migrations ran


def test_the_container_runs_serve_as_a_non_root_user_with_a_health_check_and_compose_adds_postgres():
    """No Docker on the test machine: the two files are read for what the README promises of them."""
    import yaml

    dockerfile = (REPO / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in dockerfile.splitlines() if line and not line.startswith("#")]
    last = {word: rest for word, *rest in instructions}
    assert last["FROM"][0].startswith("python:3.11-slim")
    assert last["USER"] == ["heartful"] and "useradd" in dockerfile
    assert '"heartful", "serve", "--host", "0.0.0.0"' in last["ENTRYPOINT"][0]
    assert "HEALTHCHECK" in last and "/healthz" in dockerfile
    for folder in ("bot", "prompts", "db"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    app, db = compose["services"]["heartful"], compose["services"]["db"]
    assert app["build"] == "." and app["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert db["image"].startswith("postgres:") and app["depends_on"]["db"]["condition"] == "service_healthy"
