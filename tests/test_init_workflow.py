"""What `tradeoffs init` writes around the cards works as written: the install line
(`--install`), the pre-commit hooks that pin the same release, the `.gitignore`, and the
workflow, whose steps (`run:` ones and those of this repository's action) are run here (not
GitHub) for a pull request and a weekly build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import __version__
from generator.cli.install_spec import Install, InstallSpecError, parse_install

from .conftest import REPO, RunCli

WORKFLOW = ".github/workflows/cards.yml"
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _triggers(workflow: dict[Any, Any]) -> Any:
    return workflow.get("on", workflow.get(True))  # PyYAML reads the bare key `on` as True


# --- --install ---


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (None, Install(f"tradeoff-cards=={__version__}", __version__)),
        ("1.2.0", Install("tradeoff-cards==1.2.0", "1.2.0")),
        ("tradeoff-cards[zensical]==1.0.0", Install("tradeoff-cards[zensical]==1.0.0", "1.0.0")),
        (
            "vendor/tradeoff_cards-1.0.1-py3-none-any.whl",
            Install("vendor/tradeoff_cards-1.0.1-py3-none-any.whl", "1.0.1"),
        ),
        (
            "https://example.org/dist/tradeoff_cards-1.0.0.tar.gz",
            Install("https://example.org/dist/tradeoff_cards-1.0.0.tar.gz", "1.0.0"),
        ),
        (
            "git+https://github.com/tradeoff-cards/tradeoff-cards@v1.0.0",
            Install("git+https://github.com/tradeoff-cards/tradeoff-cards@v1.0.0", None),
        ),
        ("tradeoff-cards>=1,<2", Install("tradeoff-cards>=1,<2", None)),
    ],
)
def test_install_takes_a_version_a_file_or_a_url(spec: str | None, expected: Install) -> None:
    assert parse_install(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('1.0.0"; curl evil', "--install takes a version"),  # would leave the quoted word
        ("$(id)", "--install takes a version"),
        ("requests==2.0", "--install takes a version"),  # another package
        ("dist/other-1.0-py3-none-any.whl", "not a distribution of tradeoff-cards"),
    ],
)
def test_install_refuses_anything_else_with_the_forms_it_takes(spec: str, message: str) -> None:
    with pytest.raises(InstallSpecError, match=re.escape(message)):
        parse_install(spec)


def test_init_pins_the_install_line_and_the_hooks_to_one_release(
    tmp_path: Path, run_cli: RunCli
) -> None:
    wheel = "vendor/tradeoff_cards-1.0.1-py3-none-any.whl"
    code, out, _ = run_cli("init", str(tmp_path / "kb"), "--install", wheel)
    assert code == 0
    kb = tmp_path / "kb"
    assert f"the workflow installs {wheel}, which is not in {kb}" in out  # not committed yet
    workflow = _yaml(kb / WORKFLOW)
    assert workflow["env"] == {"TRADEOFF_CARDS": wheel}
    # every job that runs the command installs it first, from that one line
    for name, job in workflow["jobs"].items():
        runs = [step.get("run", "") for step in job["steps"]]
        uses = [i for i, run in enumerate(runs) if re.search(r"^tradeoffs ", run, re.M)]
        install = [i for i, run in enumerate(runs) if 'pip install "$TRADEOFF_CARDS"' in run]
        assert not uses or (install and install[0] <= uses[0]), name
    # the build job's action installs it too
    [action] = [
        s for s in workflow["jobs"]["build"]["steps"] if "tradeoff-cards/" in s.get("uses", "")
    ]
    assert action["with"]["install"] == "${{ env.TRADEOFF_CARDS }}"
    # the hooks by reference, at the wheel's release
    [repo] = _yaml(kb / ".pre-commit-config.yaml")["repos"]
    assert (repo["repo"], repo["rev"]) == (
        "https://github.com/tradeoff-cards/tradeoff-cards",
        "v1.0.1",
    )
    # the local form offered in the comment installs a package, not a command on the PATH
    text = (kb / ".pre-commit-config.yaml").read_text()
    assert "#         language: python" in text and "language: system" not in text


def test_a_git_url_gets_the_local_hooks_that_install_it(tmp_path: Path, run_cli: RunCli) -> None:
    url = "git+https://git.example.org/tools/tradeoff-cards@main"
    assert run_cli("init", str(tmp_path / "kb"), "--install", url)[0] == 0
    [repo] = _yaml(tmp_path / "kb" / ".pre-commit-config.yaml")["repos"]
    assert repo["repo"] == "local"
    assert [h["id"] for h in repo["hooks"]] == ["tradeoffs-validate", "tradeoffs-schema"]
    for hook in repo["hooks"]:
        assert hook["language"] == "python" and hook["additional_dependencies"] == [url]
        assert hook["entry"].startswith("tradeoffs ") and hook["files"] == "^cards/"
    assert _yaml(tmp_path / "kb" / WORKFLOW)["env"] == {"TRADEOFF_CARDS": url}


def test_a_bad_install_spec_writes_nothing(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("init", str(tmp_path / "kb"), "--install", "1.0 .0")
    assert code == 2 and "--install takes a version (1.0.0)" in err
    assert not (tmp_path / "kb").exists()


def test_the_gitignore_keeps_the_built_site_out_and_an_existing_one_is_kept(
    tmp_path: Path, run_cli: RunCli
) -> None:
    kb = tmp_path / "kb"
    assert run_cli("init", str(kb))[0] == 0
    subprocess.run([*GIT, "init", "-q"], cwd=kb, check=True)
    for made in ("site/index.html", ".venv/bin/python", ".cache/tradeoffs/external-links.json"):
        (kb / made).parent.mkdir(parents=True, exist_ok=True)
        (kb / made).write_text("x")
    subprocess.run([*GIT, "add", "-A"], cwd=kb, check=True)
    staged = subprocess.run(
        [*GIT, "diff", "--cached", "--name-only"], cwd=kb, capture_output=True, text=True
    ).stdout.split()
    assert ".gitignore" in staged and "cards/decision.schema.json" in staged
    assert not [p for p in staged if p.startswith(("site/", ".venv/", ".cache/"))], staged
    # in a repository with a .gitignore of its own, init --existing leaves it as it is
    other = tmp_path / "other"
    other.mkdir()
    (other / ".gitignore").write_text("node_modules/\n")
    code, out, _ = run_cli("init", str(other), "--existing")
    assert code == 0 and (other / ".gitignore").read_text() == "node_modules/\n"
    assert "kept your .gitignore: add site/ and .venv/" in out


def test_the_workflow_says_how_to_enable_pages_and_who_sees_the_site(
    tmp_path: Path, run_cli: RunCli
) -> None:
    assert run_cli("init", str(tmp_path / "kb"))[0] == 0
    text = (tmp_path / "kb" / WORKFLOW).read_text()
    comments = " ".join(line.strip("# ") for line in text.splitlines() if line.startswith("#"))
    assert "Settings > Pages > Build and deployment > Source: GitHub Actions" in comments
    for fact in ("public repository is public", "GitHub Enterprise Cloud", "read access"):
        assert fact in comments, fact
    workflow = yaml.safe_load(text)
    [weekly] = _triggers(workflow)["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", weekly["cron"])  # once a week
    assert "pull_request" in _triggers(workflow)


# --- the workflow's steps, run ---

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TOKEN = re.compile(r"\s*('[^']*'|(?:github|inputs|env|steps)\.[\w.-]+|==|!=|&&|\|\|)")
ACTION = "tradeoff-cards/tradeoff-cards"  # this repository's action.yml
CHECKED = ("actions/checkout", "actions/setup-python", "actions/upload-pages-artifact")


def _evaluate(expression: str, context: dict[str, str]) -> Any:
    """The part of GitHub's expression language the written workflow and the action use:
    `github.*`, `inputs.*`, `env.*` and `steps.ID.outputs.*` values (`context`, by their dotted
    names), quoted strings, ==, !=, && and ||."""
    words, position = [], 0
    while position < len(expression):
        token = TOKEN.match(expression, position)
        assert token, f"not understood: {expression[position:]!r}"
        words.append(token.group(1))
        position = token.end()

    def value(word: str) -> str:
        if word.startswith("'"):
            return word[1:-1]
        if word.startswith("steps.") and word not in context:
            return ""  # an output a step did not set is empty, as on GitHub
        assert word in context, f"{word} is not known here"
        return context[word]

    def comparison(part: list[str]) -> Any:
        if len(part) == 1:
            return value(part[0])
        left, operator, right = part
        return (value(left) == value(right)) == (operator == "==")

    def split(items: list[str], operator: str) -> list[list[str]]:
        groups: list[list[str]] = [[]]
        for item in items:
            if item == operator:
                groups.append([])
            else:
                groups[-1].append(item)
        return groups

    if len(words) == 1:  # a value, as in `${{ github.base_ref }}`
        return value(words[0])
    return any(
        all(comparison(part) for part in split(either, "&&")) for either in split(words, "||")
    )


def _substitute(value: Any, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: str(_evaluate(m.group(1), context)), str(value))


def _context(github: dict[str, str], env: dict[str, str], **more: str) -> dict[str, str]:
    return {
        **{f"github.{k}": v for k, v in github.items()},
        **{f"env.{k}": v for k, v in env.items()},
        **more,
    }


def _outputs(path: Path) -> dict[str, str]:
    """What a step wrote to $GITHUB_OUTPUT (NAME=value lines)."""
    if not path.is_file():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


class _Runner:
    """Runs `run:` steps as GitHub's runner would (bash --noprofile --norc -eo pipefail, the
    environment of every scope, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY as files), with `venv`
    standing in for setup-python and `checkout` as the workspace."""

    def __init__(self, checkout: Path, venv: Path, summary: Path, github: dict[str, str]):
        self.checkout, self.summary, self.github = checkout, summary, github
        self.outputs = checkout.parent / "outputs"
        self.outputs.mkdir(exist_ok=True)
        path = [p for p in os.environ["PATH"].split(":") if str(REPO) not in p]
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
            "PATH": ":".join([str(venv / "bin"), *path]),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": github["event_name"],
            "GITHUB_REF": github["ref"],
            "GITHUB_BASE_REF": github["base_ref"],
            "GITHUB_WORKSPACE": str(checkout),
            "GITHUB_STEP_SUMMARY": str(summary),
            "NO_MKDOCS_2_WARNING": "1",
            # the test's own constraints: the locked dependencies, from the local package index
            "PIP_CONSTRAINT": str(REPO / "requirements.lock"),
        }
        self.steps_run = 0

    def run(self, script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        """One `run:` step; its $GITHUB_OUTPUT is a file of its own, read by the caller."""
        assert "${{" not in script  # values reach scripts through the environment
        self.steps_run += 1
        output = self.outputs / str(self.steps_run)
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env={**self.env, **env, "GITHUB_OUTPUT": str(output)},
            capture_output=True,
            text=True,
            timeout=600,
        )

    def action(self, step: dict[str, Any], env: dict[str, str]) -> tuple[dict[str, str], str]:
        """This repository's composite action, as a step of the workflow: its inputs from
        `with:` and their defaults, its steps run in order; returns its outputs and what its
        steps printed."""
        action = _yaml(REPO / "action.yml")
        given = {k: _substitute(v, _context(self.github, env)) for k, v in step["with"].items()}
        assert set(given) <= set(action["inputs"]), set(given) - set(action["inputs"])
        inputs = {k: str(spec.get("default", "")) for k, spec in action["inputs"].items()}
        inputs.update(given)
        github = {**self.github, "action_path": str(REPO)}
        context = _context(github, env, **{f"inputs.{k}": v for k, v in inputs.items()})
        printed = []
        for inner in action["runs"]["steps"]:
            if "if" in inner and not _evaluate(inner["if"], context):
                continue
            if "uses" in inner:
                assert inner["uses"].split("@")[0] == "actions/setup-python", inner["uses"]
                continue
            assert inner["shell"] == "bash"
            inner_env = inner.get("env") or {}
            step_env = {**env, **{k: _substitute(v, context) for k, v in inner_env.items()}}
            cwd = self.checkout / _substitute(inner.get("working-directory", "."), context)
            result = self.run(inner["run"], step_env, cwd)
            label = inner.get("name", inner["run"])
            assert result.returncode == 0, f"{ACTION}: {label}\n{result.stdout}{result.stderr}"
            printed.append(result.stdout + result.stderr)
            if "id" in inner:
                for name, value in _outputs(self.outputs / str(self.steps_run)).items():
                    context[f"steps.{inner['id']}.outputs.{name}"] = value
        outputs = {k: _substitute(o["value"], context) for k, o in action["outputs"].items()}
        return outputs, "".join(printed)


def _run_job(
    workflow: dict[str, Any],
    name: str,
    github: dict[str, str],
    checkout: Path,
    venv: Path,
    offline: str = "",
) -> dict[str, str]:
    """Run a job's steps in `checkout`: `run:` steps and this repository's action (expanded
    into its composite steps) are run, other `uses:` steps are checked, not run. Returns the
    output of each step run, by name (the action by its `uses:`). The step named `offline`
    needs other hosts: there, connection errors are all it may fail with."""
    job = workflow["jobs"][name]
    runner = _Runner(checkout, venv, checkout.parent / f"summary-{name}.md", github)
    env: dict[str, str] = {}
    for scope in (workflow.get("env"), job.get("env")):
        env.update({k: _substitute(v, _context(github, env)) for k, v in (scope or {}).items()})
    steps: dict[str, str] = {}  # steps.ID.outputs.NAME of the job's steps
    ran = {}
    for step in job["steps"]:
        context = _context(github, env, **steps)
        if "if" in step and not _evaluate(step["if"], context):
            continue
        label = step.get("name") or step.get("uses") or step["run"]
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action == ACTION:
                outputs, ran[label] = runner.action(step, env)
                steps.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs.items()})
                continue
            assert action in CHECKED, action
            if action == "actions/upload-pages-artifact":
                site = _substitute(step["with"]["path"], context)
                assert (checkout / site / "index.html").is_file(), site
            ran[label] = ""
            continue
        step_env = {k: _substitute(v, context) for k, v in (step.get("env") or {}).items()}
        result = runner.run(step["run"], {**env, **step_env}, checkout)
        output = result.stdout + result.stderr
        if label == offline and result.returncode == 1:
            broken = [line for line in output.splitlines() if " → " in line]
            assert all("connection error" in line for line in broken), output
        else:
            assert result.returncode == 0, f"{name}: {label}\n{output}"
        ran[label] = output
    return ran


def _jobs_for(workflow: dict[str, Any], github: dict[str, str]) -> list[str]:
    jobs = workflow["jobs"]
    context = _context(github, {})
    return [name for name, job in jobs.items() if "if" not in job or _evaluate(job["if"], context)]


@pytest.mark.slow
def test_the_written_workflow_runs_from_a_wheel_for_a_pull_request_and_the_weekly_build(
    tmp_path: Path, distributions: tuple[Path, Path]
) -> None:
    _, wheel = distributions
    origin = tmp_path / "origin"
    init = subprocess.run(
        [sys.executable, "-m", "generator", "init", str(origin), "--install", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stderr
    # the repository on the host, with main; a pull request changes the example card
    git = lambda *args, cwd: subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)  # noqa: E731
    git("init", "-q", "-b", "main", cwd=origin)
    git("add", "-A", cwd=origin)
    git("commit", "-q", "-m", "init", cwd=origin)
    checkout = tmp_path / "work" / "checkout"
    git("clone", "-q", str(origin), str(checkout), cwd=tmp_path)
    git("checkout", "-q", "-b", "faster-queue", cwd=checkout)
    card = checkout / "cards" / "decisions" / "cron-job-vs-queue-worker.yaml"
    card.write_text(card.read_text().replace("undo_cost: low", "undo_cost: moderate"))
    git("commit", "-q", "-am", "Queue workers cost more to undo", cwd=checkout)
    # setup-python's place: a fresh virtualenv, on the PATH before anything else
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    workflow = _yaml(checkout / WORKFLOW)

    pull_request = {"event_name": "pull_request", "ref": "refs/pull/1/merge", "base_ref": "main"}
    assert _jobs_for(workflow, pull_request) == ["build"]
    ran = _run_job(workflow, "build", pull_request, checkout, venv)
    action = f"{ACTION}@v{__version__}"  # this checkout's action.yml, at this release's tag
    assert f"tradeoffs {__version__}" in ran[action]
    assert "actions/upload-pages-artifact@v3" not in ran  # a pull request publishes nothing
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "show", "-f", "tradeoff-cards"],
        capture_output=True,
        text=True,
    )
    assert f"Version: {__version__}" in installed.stdout  # the wheel, in the fresh virtualenv
    assert str(venv) in installed.stdout
    # from the `install` line, not from the action's own checkout
    assert f"Processing {wheel}" in ran[action], ran[action]
    summary = (tmp_path / "work" / "summary-build.md").read_text()
    assert "cron-job-vs-queue-worker" in summary and "moderate" in summary, summary
    assert (checkout / "site" / "decisions" / "cron-job-vs-queue-worker" / "index.html").is_file()

    # the weekly build on main: built, published, and the links to other sites checked
    git("checkout", "-q", "main", cwd=checkout)
    weekly = {"event_name": "schedule", "ref": "refs/heads/main", "base_ref": ""}
    assert _jobs_for(workflow, weekly) == ["build", "deploy", "external-links"]
    (tmp_path / "work" / "summary-build.md").unlink()
    ran = _run_job(workflow, "build", weekly, checkout, venv)
    assert action in ran and "actions/upload-pages-artifact@v3" in ran  # the site, uploaded
    assert not (tmp_path / "work" / "summary-build.md").exists()  # no card changes to write
    # no other host is reachable here: the check must try each external URL (the build's
    # footer link) and fail on nothing but the connection
    checked = "Check the links to other sites"
    ran = _run_job(workflow, "external-links", weekly, checkout, venv, offline=checked)
    assert re.search(r"\(1 external URL: 1 fetched", ran[checked]), ran[checked]
