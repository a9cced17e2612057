"""Another team's first day, end to end, as the package's users get it: the wheel in a fresh
virtualenv, `tradeoffs init`, three cards of the team's own (one of them a draft), one block of a
built-in template overridden, a decision recorded, the site built, and the written workflow's
steps run on the result. Marked slow: it installs the wheel and builds twice."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

from .test_adoption import install_fresh
from .test_init_workflow import GIT, WORKFLOW, _jobs_for, _run_job, _yaml

pytestmark = pytest.mark.slow

LEAD = "The calls this team made, and how to make the next one."
SECOND = "nightly-export-vs-change-stream"


def test_a_new_team_gets_through_its_first_day_without_a_workaround(
    tmp_path: Path, distributions: tuple[Path, Path]
) -> None:
    _, wheel = distributions
    run = functools.partial(subprocess.run, capture_output=True, text=True, check=False)
    venv = tmp_path / "venv"
    env = install_fresh(wheel, venv, run)
    tradeoffs = str(venv / "bin" / "tradeoffs")
    kb = tmp_path / "kb"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run([tradeoffs, *args], cwd=kb, env=env)

    made = run([tradeoffs, "init", str(kb), "--install", str(wheel)], env=env)
    assert made.returncode == 0, made.stderr

    # three cards of its own: the example, a second one next to it, and a draft begun with `new`
    example = kb / "cards" / "decisions" / "cron-job-vs-queue-worker.yaml"
    second = example.read_text(encoding="utf-8").replace(
        "title: Cron job vs queue worker", "title: Nightly export vs change stream", 1
    )
    second += (
        "\nrelations:\n  adjacent:\n    - card: cron-job-vs-queue-worker\n"
        "      note: Both decide when work runs rather than what it does.\n"
    )
    (kb / "cards" / "decisions" / f"{SECOND}.yaml").write_text(second, encoding="utf-8")
    drafted = cli("new", "decision", "monorepo-vs-many-repos", "--category", "operations")
    assert drafted.returncode == 0, drafted.stderr
    checked = cli("validate", "cards")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "to-do" in checked.stdout  # the draft's unwritten parts, listed, not failed
    assert cli("validate", "cards", "--no-drafts").returncode == 1

    # one block of the home page, overridden; the templates folder is not published
    config = kb / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - tradeoff-cards\n" in text
    config.write_text(
        text.replace(
            "  - tradeoff-cards\n", "  - tradeoff-cards:\n      templates_dir: templates\n"
        ),
        encoding="utf-8",
    )
    (kb / "templates").mkdir()
    (kb / "templates" / "home.md.j2").write_text(
        '{% extends "builtin/home.md.j2" %}\n{% block lead %}\n' + LEAD + "\n{% endblock %}\n",
        encoding="utf-8",
    )

    recorded = cli("record", "cron-job-vs-queue-worker", "--chose", "queue-worker")
    assert recorded.returncode == 0, recorded.stderr
    (record,) = (kb / "docs" / "adr").glob("0001-*.md")

    built = cli("build", "--out", "site")
    assert built.returncode == 0, built.stdout + built.stderr
    site = kb / "site"
    assert LEAD in (site / "index.html").read_text(encoding="utf-8")
    assert not list(site.rglob("*.j2"))
    draft = (site / "decisions" / "monorepo-vs-many-repos" / "index.html").read_text()
    assert "tc-draft-notice" in draft
    card = (site / "decisions" / "cron-job-vs-queue-worker" / "index.html").read_text()
    assert "Decided here" in card and record.stem in card
    assert (site / "decisions" / SECOND / "index.html").is_file()

    # the workflow init wrote, run on the team's repository as a pull request would run it
    git = functools.partial(subprocess.run, check=True, capture_output=True)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "day one")):
        git([*GIT, *args], cwd=kb)
    assert not run(["git", "ls-files", "site"], cwd=kb).stdout  # .gitignore keeps it out
    workflow = _yaml(kb / WORKFLOW)
    pull_request = {"event_name": "pull_request", "ref": "refs/pull/1/merge", "base_ref": "main"}
    git(["git", "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=kb)
    assert _jobs_for(workflow, pull_request) == ["build"]
    steps = _run_job(workflow, "build", pull_request, kb, venv)
    assert steps, "no step of the build job ran"
    assert (kb / "site" / "decisions" / "monorepo-vs-many-repos" / "index.html").is_file()
