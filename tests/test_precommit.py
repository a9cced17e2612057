"""The pre-commit hooks by reference: `pre-commit try-repo` against this repository installs the
package into an environment of its own and runs the hooks on a knowledge base from `init`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

GIT = [
    "git",
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.org",
    "-c",
    "init.defaultBranch=main",
]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def _hook_repository(target: Path) -> Path:
    """A git repository of the working tree's package and hooks, committed or not: try-repo
    reads a repository's commits (and of a checkout, tracked changes only), so the test runs
    what the working tree holds whatever git knows of it."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, target / name)
    shutil.copytree(
        REPO / "generator", target / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "hooks", cwd=target)
    return target


def _knowledge_base(target: Path) -> Path:
    init = subprocess.run(
        [sys.executable, "-m", "generator", "init", str(target)], capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    return target


@pytest.mark.slow
def test_try_repo_passes_on_the_example_and_fails_on_a_broken_card_with_its_place(
    tmp_path: Path,
) -> None:
    hooks = _hook_repository(tmp_path / "hooks")
    good = _knowledge_base(tmp_path / "good")
    broken = _knowledge_base(tmp_path / "broken")
    card = broken / "cards" / "decisions" / "cron-job-vs-queue-worker.yaml"
    text = card.read_text()
    assert "  undo_cost: low\n" in text
    card.write_text(text.replace("  undo_cost: low\n", "  undo_cost: medium\n"))
    line = text[: text.index("undo_cost: low")].count("\n") + 1
    schema = broken / "cards" / "decision.schema.json"
    schema.write_text(
        schema.read_text().replace('"title"', '"name"', 1)
    )  # as an old release left it
    # pre-commit's pip installs the package with the locked dependencies
    env = {
        **os.environ,
        "PIP_CONSTRAINT": str(REPO / "requirements.lock"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks)]
    # each try-repo installs its own environment; the two runs go side by side
    runs = {
        name: subprocess.Popen(
            [*pre_commit, "--all-files"],
            cwd=kb,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, kb in (("good", good), ("broken", broken))
    }
    outputs = {name: process.communicate(timeout=600)[0] for name, process in runs.items()}
    passed, failed = runs["good"], runs["broken"]
    assert passed.returncode == 0, outputs["good"]
    assert "tradeoffs validate" in outputs["good"] and "Failed" not in outputs["good"]
    assert outputs["good"].count("Passed") == 2  # both hooks: validate and the schema check
    assert failed.returncode == 1, outputs["broken"]
    assert (
        f"cards/decisions/cron-job-vs-queue-worker.yaml:{line}:14: 'medium' is not a valid "
        "undo_cost; use one of: low, moderate, high, one-way"
    ) in outputs["broken"]
    assert "- hook id: tradeoffs-validate" in outputs["broken"]
    assert "- hook id: tradeoffs-schema" in outputs["broken"]
    assert (
        "cards/decision.schema.json: out of date; run `tradeoffs schema --force --out cards`"
        in (outputs["broken"])
    )


@pytest.mark.slow
def test_the_local_form_installs_what_the_workflow_installs(tmp_path: Path) -> None:
    # `init --install` with a Git URL: no release to pin, so the hooks take the local form,
    # which pre-commit installs from the same URL (language: python, additional_dependencies)
    hooks = _hook_repository(tmp_path / "hooks")
    kb = tmp_path / "kb"
    init = subprocess.run(
        [sys.executable, "-m", "generator", "init", str(kb), "--install", f"git+file://{hooks}"],
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stderr
    assert "repo: local" in (kb / ".pre-commit-config.yaml").read_text()
    card = kb / "cards" / "decisions" / "cron-job-vs-queue-worker.yaml"
    text = card.read_text()
    card.write_text(text.replace("  undo_cost: low\n", "  undo_cost: medium\n"))
    line = text[: text.index("undo_cost: low")].count("\n") + 1
    _git("init", "-q", cwd=kb)
    _git("add", "-A", cwd=kb)
    env = {
        **os.environ,
        "PIP_CONSTRAINT": str(REPO / "requirements.lock"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=kb,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert (
        f"cards/decisions/cron-job-vs-queue-worker.yaml:{line}:14: 'medium' is not a valid "
        "undo_cost"
    ) in output
    assert "- hook id: tradeoffs-validate" in output
    assert output.count("Passed") == 1  # the schema check: the schemas init wrote are current
