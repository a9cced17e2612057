"""The contributor workflow files: valid, and running the same commands as CI."""

from __future__ import annotations

import yaml

from .conftest import REPO


def test_ci_workflow_is_valid_and_runs_what_ci_runs() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    jobs = workflow["jobs"]
    runs = {job: " && ".join(s.get("run", "") for s in spec["steps"]) for job, spec in jobs.items()}
    assert "bash .ci/run" in runs["test"]
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert "tradeoffs validate cards --format github" in runs["validate"]
    assert "make site" in runs["site"] and "check-links site --external" in runs["site"]
    assert any(
        s.get("uses", "").startswith("actions/deploy-pages") for s in jobs["deploy"]["steps"]
    )
    # PyYAML reads the bare key `on` as True (YAML 1.1); either way a weekly schedule is set
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["schedule"][0]["cron"]


def test_pull_requests_get_the_card_changes_in_their_summary() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["validate"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there to compare with
    [summary] = [s for s in steps if "tradeoffs diff" in s.get("run", "")]
    assert summary["if"] == "github.event_name == 'pull_request'"
    assert summary["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert summary["run"] == (
        '.venv/bin/tradeoffs diff --format markdown "origin/$BASE_REF" HEAD >> "$GITHUB_STEP_SUMMARY"'
    )
    # after validation: a card that does not validate has already failed the job
    names = [s.get("name") for s in steps]
    assert names.index(summary["name"]) > names.index("tradeoffs validate")


def test_make_site_runs_validate_build_and_link_check() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "tradeoffs build --out site" in makefile
    build = (REPO / "generator" / "cli" / "build.py").read_text()
    engines = (REPO / "generator" / "engines" / "commands.py").read_text()
    assert '"--strict"' in engines and '"check-links"' in build


def test_pre_commit_hooks_run_the_validator() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["entry"] == "tradeoffs validate"
    local = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert local["repos"][0]["hooks"][0]["entry"].endswith("tradeoffs validate cards")
