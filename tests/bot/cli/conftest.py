"""What the command-line tests share: `newsbot ARGS...` run as a user types it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli


@pytest.fixture
def newsbot(tmp_path: Path):
    """Run `newsbot ARGS...` against a data folder of this test's own; `input` is stdin and
    `env` more environment variables."""
    runner = CliRunner()
    data = tmp_path / "data"

    def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):
        return runner.invoke(
            cli, ["--data-dir", str(data), *args], input=input, env=env, catch_exceptions=False
        )

    run.data = data
    return run
