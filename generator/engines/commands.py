"""How each site engine builds a project into a folder, run as a separate process.

- mkdocs: MkDocs 1.6 with the `tradeoff-cards` plugin (the default).
- properdocs: ProperDocs, a maintained fork of MkDocs 1.x, which loads the same plugin.
- zensical: Zensical, Material's successor, which runs no third-party plugins: it builds the
  exported Markdown tree (`tradeoffs export`) with a configuration written for it.

Each engine is optional but for MkDocs; a missing one is reported with the extra to install.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..site.search_index import write_search_index
from ..site.templating import TemplateProblem
from .export import plain_config, plan_for, write_tree
from .project import Project, dump_config
from .zensical_site import point_edit_links_at_sources, write_theme_overrides


class EngineFailed(Exception):
    """An engine is missing or its build failed; the message says which and why."""


def _run(args: list[str], what: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    # In a session of its own: a build stopped here (Ctrl-C, a termination request) ends the
    # engine with every process it started, the search indexer and its runs included, before
    # the folder they write into is removed.
    with subprocess.Popen(
        args,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate()
        except BaseException:
            end_session(process)
            raise
    output = (stdout + stderr).strip()
    if process.returncode != 0:
        raise EngineFailed(f"{what} failed:\n{output}")
    return output


def _session(session: int) -> list[int]:
    """The live processes of a session, read from /proc (none where there is no /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)"
            if int(fields[3]) == session and fields[0] != "Z":  # state, ppid, group, session
                members.append(int(stat.parent.name))
    return members


def end_session(process: subprocess.Popen[str], wait: float = 5.0) -> None:
    """Kill `process`, started in a session of its own, with every process of that session
    (where /proc lists them; elsewhere its process group), and wait until none is left, for
    at most `wait` seconds."""
    with contextlib.suppress(OSError):  # gone already
        os.killpg(process.pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while True:
        others = [pid for pid in _session(process.pid) if pid != process.pid]
        for pid in others:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.02)
        if (process.poll() is not None and not others) or time.monotonic() > deadline:
            break
    if process.poll() is None:
        process.kill()
        process.wait()


def _require(module: str, engine: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise EngineFailed(
            f"the {engine} engine is not installed; install it with "
            f"pip install 'tradeoff-cards[{engine}]'"
        )


def _mkdocs_like(module: str) -> Callable[[Project, Path], str]:
    def build(project: Project, out: Path) -> str:
        _require(module, module)
        command = [sys.executable, "-m", module, "build", "--strict"]
        command += ["--config-file", str(project.config_path), "--site-dir", str(out)]
        return _run(command, f"{module} build --strict")

    return build


def build_zensical(project: Project, out: Path) -> str:
    """Export the tree, write a configuration beside it with relative paths (as Zensical wants
    them), build, and move the result to `out`."""
    _require("zensical", "zensical")
    try:
        plan = plan_for(project, links_from_source=True)  # Zensical rewrites links from the source
    except TemplateProblem as exc:
        raise EngineFailed(f"a template failed: {exc}") from None
    with tempfile.TemporaryDirectory(prefix=".zensical-", dir=out.parent) as work:
        root = Path(work)
        try:
            write_tree(project, plan, root / "docs", root / "markdown")
        except FileExistsError as exc:  # two sources for one page: the site's to fix
            raise EngineFailed(str(exc)) from None
        config = plain_config(project, plan, "docs")
        config["site_dir"] = "site"
        config.pop("validation", None)  # MkDocs' own setting, unknown to Zensical
        # the plugin's promises, kept without it: no statistics fetched from the repository's
        # host unless `external_requests: true`, and edit links to the cards' YAML; the site's
        # custom_dir is copied in without its page templates, which Zensical would publish
        write_theme_overrides(project, root / "theme", config)
        point_edit_links_at_sources(project, plan, root / "docs", config)
        (root / "mkdocs.yml").write_text(dump_config(config), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "zensical",
            "build",
            "--strict",
            "--config-file",
            "mkdocs.yml",
        ]
        output = _run(command, "zensical build --strict", cwd=root)
        if out.exists():
            shutil.rmtree(out)
        shutil.move(str(root / "site"), out)
    for path, content in plan.files.items():
        if path.endswith(".md"):  # data files in Markdown, kept from the engine
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(content, encoding="utf-8")
    write_search_index(plan, out)  # Zensical runs no plugin: the index is written here
    return output


BUILDERS: dict[str, Callable[[Project, Path], str]] = {
    "mkdocs": _mkdocs_like("mkdocs"),
    "properdocs": _mkdocs_like("properdocs"),
    "zensical": build_zensical,
}


def build_with(engine: str, project: Project, out: Path) -> str:
    """Build `project` into `out` with `engine`; returns what the engine printed."""
    return BUILDERS[engine](project, out)
