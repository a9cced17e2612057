"""Releases: one version everywhere, the release workflow, the GitHub Action and the files
`tradeoffs init` writes to pin a release. The distributions themselves are built and installed
by the slow test in test_adoption.py, the pre-commit hooks run by test_precommit.py."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import __version__
from generator.engines.mkdocs.generator_tag import name_generator

from .conftest import REPO, RunCli

SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
ACTION_REPO = "tradeoff-cards/tradeoff-cards"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _triggers(workflow: dict[Any, Any]) -> Any:
    # PyYAML reads the bare key `on` as True (YAML 1.1)
    return workflow.get("on", workflow.get(True))


# --- one version ---


def test_the_version_is_declared_once_and_read_everywhere(run_cli: RunCli) -> None:
    assert SEMVER.match(__version__)
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "generator.__version__"}
    assert importlib.metadata.version("tradeoff-cards") == __version__  # the installed metadata
    assert run_cli("--version") == (0, f"tradeoffs {__version__}\n", "")
    module = subprocess.run(
        [sys.executable, "-m", "generator", "--version"], capture_output=True, text=True
    )
    assert module.returncode == 0 and module.stdout == f"tradeoffs {__version__}\n"


def test_the_changelog_has_this_release_and_the_readme_the_policy() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in changelog and "## [Unreleased]" in changelog
    heading = re.search(
        rf"^## \[{re.escape(__version__)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", changelog, re.M
    )
    assert heading, f"no section for {__version__}"
    assert (
        f"[{__version__}]: https://github.com/{ACTION_REPO}/releases/tag/v{__version__}"
        in changelog
    )
    section = changelog[heading.end() :].split("\n## ")[0]
    assert "### Added" in section
    readme = (REPO / "README.md").read_text()
    policy = readme.split("## Versions", 1)[1].split("\n## ")[0]
    # the examples that name a release name this one
    for text in (readme, (REPO / "docs" / "using" / "index.md").read_text()):
        named = set(re.findall(r"(?:==|@v|rev: v)(\d+\.\d+\.\d+)", text))
        assert named == {__version__}, named
    for contract in ("card format", "plugin options", "`schema_version`", "CLI", "CHANGELOG.md"):
        assert contract in policy, contract


def test_the_generator_tag_names_this_package() -> None:
    material = '<head><meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.1"></head>'
    assert name_generator(material) == (
        '<head><meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.1, '
        f'tradeoff-cards-{__version__}"></head>'
    )
    bare = name_generator("<html><head><title>x</title></head></html>")
    assert f'<head>\n<meta name="generator" content="tradeoff-cards-{__version__}">' in bare


def test_schema_check_reports_missing_and_stale_schemas(tmp_path: Path, run_cli: RunCli) -> None:
    code, out, _ = run_cli("schema", "--check", "--out", str(tmp_path))
    assert code == 1 and out.count("out of date") == 2
    assert run_cli("schema", "--out", str(tmp_path))[0] == 0
    assert run_cli("schema", "--check", "--out", str(tmp_path)) == (0, "", "")
    stale = tmp_path / "decision.schema.json"
    stale.write_text(stale.read_text().replace('"title"', '"name"', 1))
    code, out, _ = run_cli("schema", "--check", "--out", str(tmp_path))
    assert code == 1 and out.strip() == (
        f"{stale}: out of date; run `tradeoffs schema --force --out {tmp_path}`"
    )
    assert "name" in stale.read_text()  # --check writes nothing


# --- the release workflow ---


def test_the_release_workflow_checks_then_publishes_without_a_stored_token() -> None:
    text = (REPO / ".github" / "workflows" / "release.yml").read_text()
    workflow = yaml.safe_load(text)
    assert _triggers(workflow) == {"push": {"tags": ["v*.*.*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    script = "\n".join(step.get("run", "") for step in build["steps"])
    for command in (
        "python -m build",
        "twine check --strict dist/*",
        "python -m venv",
        "-c requirements.lock",
        "tradeoffs init kb",
        "tradeoffs build --out site",
        'test "$TAG" = "v$version"',
    ):
        assert command in script, command
    assert "dist/*.tar.gz dist/*.whl" in script  # each distribution, not just one
    # trusted publishing: an OIDC token for this job only, in a protected environment
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    [upload] = [s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
    assert upload["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in upload  # no password, no token
    assert "secrets." not in text


# --- the GitHub Action ---

ACTION_KEYS = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
INPUT_KEYS = {"description", "required", "default", "deprecationMessage"}
STEP_KEYS = {
    "id",
    "if",
    "name",
    "run",
    "shell",
    "env",
    "working-directory",
    "uses",
    "with",
    "continue-on-error",
}
INPUT_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
BRANDING_COLORS = {
    "white",
    "black",
    "yellow",
    "blue",
    "green",
    "orange",
    "red",
    "purple",
    "gray-dark",
}


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def action_problems(action: Any) -> list[str]:
    """What breaks the action metadata rules that can be checked without GitHub."""
    if not isinstance(action, dict):
        return ["not a mapping"]
    problems = [f"unknown key {key}" for key in action if key not in ACTION_KEYS]
    problems += [f"missing {key}" for key in ("name", "description", "runs") if key not in action]
    inputs = action.get("inputs") or {}
    for name, spec in inputs.items():
        if not INPUT_ID.match(name):
            problems.append(f"input id {name!r}")
        if not isinstance(spec, dict) or "description" not in spec:
            problems.append(f"input {name} has no description")
        else:
            problems += [f"input {name}: unknown key {k}" for k in spec if k not in INPUT_KEYS]
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        problems.append("runs.using is not composite")
    steps = runs.get("steps") or []
    if not steps:
        problems.append("no steps")
    ids = [step["id"] for step in steps if "id" in step]
    if len(ids) != len(set(ids)):
        problems.append("step ids repeat")
    for index, step in enumerate(steps):
        where = f"step {index + 1}"
        problems += [f"{where}: unknown key {k}" for k in step if k not in STEP_KEYS]
        if ("run" in step) == ("uses" in step):
            problems.append(f"{where}: needs exactly one of run and uses")
        if "run" in step:
            if "shell" not in step:
                problems.append(f"{where}: run without shell")
            if "${{" in step["run"]:
                problems.append(f"{where}: an expression inside the script (use env)")
    for text in _strings(action):
        for name in re.findall(r"\binputs\.([A-Za-z0-9_-]+)", text):
            if name not in inputs:
                problems.append(f"inputs.{name} is not declared")
        for step_id in re.findall(r"\bsteps\.([A-Za-z0-9_-]+)\.", text):
            if step_id not in ids:
                problems.append(f"steps.{step_id} is no step id")
    for name, spec in (action.get("outputs") or {}).items():
        if "value" not in spec or "description" not in spec:
            problems.append(f"output {name} needs value and description")
    branding = action.get("branding")
    if branding is not None:
        if set(branding) - {"icon", "color"}:
            problems.append("unknown branding key")
        if branding.get("color", "blue") not in BRANDING_COLORS:
            problems.append("branding color")
        if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", str(branding.get("icon", "x"))):
            problems.append("branding icon")
    return problems


def test_action_metadata_follows_the_rules() -> None:
    assert action_problems(_yaml(REPO / "action.yml")) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda a: a.pop("description"), "missing description"),
        (lambda a: a.update(env={}), "unknown key env"),
        (lambda a: a["runs"].update(using="node20"), "runs.using is not composite"),
        (lambda a: a["runs"]["steps"][1].pop("shell"), "step 2: run without shell"),
        (lambda a: a["inputs"].update({"2fast": {"description": "x"}}), "input id '2fast'"),
        (lambda a: a["inputs"].pop("cards"), "inputs.cards is not declared"),
        (lambda a: a["inputs"].pop("install"), "inputs.install is not declared"),
        (lambda a: a["runs"]["steps"][1].update(run="echo ${{ inputs.out }}"), "inside the script"),
        (lambda a: a["branding"].update(color="pink"), "branding color"),
    ],
)
def test_the_action_check_finds_each_broken_rule(change: Any, problem: str) -> None:
    action = _yaml(REPO / "action.yml")
    change(action)
    assert any(problem in found for found in action_problems(action)), action_problems(action)


def test_the_action_installs_the_pinned_version_validates_builds_and_summarises() -> None:
    action = _yaml(REPO / "action.yml")
    steps = action["runs"]["steps"]
    inputs = action["inputs"]
    assert {"install", "version", "cards", "out", "engine", "check-links"} <= set(inputs)
    assert inputs["version"]["default"] == ""  # the action's own ref
    assert inputs["install"]["default"] == ""
    install = next(s for s in steps if s.get("name") == "Install tradeoff-cards")
    # `install` (what `tradeoffs init --install` writes) wins over `version`
    assert install["env"]["INSTALL"] == "${{ inputs.install }}"
    script = install["run"]
    assert 'python -m pip install "$INSTALL"' in script
    assert script.index('if [ -n "$INSTALL" ]') < script.index('elif [ -n "$VERSION" ]')
    assert 'pip install "tradeoff-cards${extra}==${VERSION}"' in install["run"]
    assert '-c "$ACTION_PATH/requirements.lock" "${ACTION_PATH}${extra}"' in install["run"]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'tradeoffs validate "$CARDS" --format github' in runs
    assert 'tradeoffs build --config "$CONFIG" --out "$OUT" --engine "$ENGINE"' in runs
    usage = (REPO / "docs" / "using" / "index.md").read_text()
    assert all(f"`{name}`" in usage for name in inputs)  # every input is on the site
    [summary] = [s for s in steps if "tradeoffs diff" in s.get("run", "")]
    assert summary["if"] == "github.event_name == 'pull_request' && inputs.summary == 'true'"
    assert '--format markdown "origin/$BASE_REF" HEAD >> "$GITHUB_STEP_SUMMARY"' in summary["run"]


# --- what `tradeoffs init` pins ---


def test_init_pins_this_release_for_the_hooks_and_the_workflow(
    tmp_path: Path, run_cli: RunCli
) -> None:
    assert run_cli("init", str(tmp_path / "kb"))[0] == 0
    kb = tmp_path / "kb"
    config = _yaml(kb / ".pre-commit-config.yaml")
    [repo] = config["repos"]
    assert repo["repo"] == f"https://github.com/{ACTION_REPO}"
    assert repo["rev"] == f"v{__version__}"
    offered = {hook["id"]: hook for hook in _yaml(REPO / ".pre-commit-hooks.yaml")}
    assert [hook["id"] for hook in repo["hooks"]] == ["tradeoffs-validate", "tradeoffs-schema"]
    assert all(offered[h["id"]]["language"] == "python" for h in repo["hooks"])
    text = (kb / ".pre-commit-config.yaml").read_text()
    assert "#   - repo: local" in text and "#         language: python" in text  # the local form
    assert f'additional_dependencies: ["tradeoff-cards=={__version__}"]' in text
    workflow = _yaml(kb / ".github" / "workflows" / "cards.yml")
    steps = workflow["jobs"]["build"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # the base branch, for tradeoffs diff
    # the release pip installs: this one, written once for every job
    assert workflow["env"]["TRADEOFF_CARDS"] == f"tradeoff-cards=={__version__}"
    # the build job uses this repository's action at this release's tag, installing that line
    uses = [s for s in steps if s.get("uses", "").startswith(ACTION_REPO)]
    assert [s["uses"] for s in uses] == [f"{ACTION_REPO}@v{__version__}"]
    [action] = uses
    assert action["with"]["install"] == "${{ env.TRADEOFF_CARDS }}"
    assert action["with"]["out"] == "site" and action["with"]["summary"] == "true"
    assert set(action["with"]) <= set(_yaml(REPO / "action.yml")["inputs"])
    [upload] = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == f"${{{{ steps.{action['id']}.outputs.site }}}}"
    # with another install line, the action stays at the release that wrote the workflow
    assert run_cli("init", str(tmp_path / "kb2"), "--install", "1.0.1")[0] == 0
    other = _yaml(tmp_path / "kb2" / ".github" / "workflows" / "cards.yml")
    assert other["env"]["TRADEOFF_CARDS"] == "tradeoff-cards==1.0.1"
    assert f"{ACTION_REPO}@v{__version__}" in [
        s.get("uses") for s in other["jobs"]["build"]["steps"]
    ]
