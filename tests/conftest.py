"""Shared fixtures: the example collections and a runner for the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
VALID = TESTS / "cards" / "valid"
INVALID = TESTS / "cards" / "invalid"
REPO = TESTS.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden/ from the current output",
    )
    parser.addoption(
        "--fuzz-examples",
        type=int,
        default=None,
        help="run the hypothesis fuzz tests with this many examples each (long run)",
    )


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """A writable copy of the valid example collection."""
    target = tmp_path / "cards"
    shutil.copytree(VALID, target)
    return target


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `tradeoffs ARGS` in-process; returns (exit code, stdout, stderr)."""
    from generator.cli import main

    def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse exits on usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
