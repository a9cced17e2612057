"""`tradeoffs build`: validate, build with --strict, check links, then replace the site atomically.

The site is built into a fresh folder beside the target; the target is replaced only when every
step has passed, so a failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..cards import InvalidCollection
from ..cards.parallel import held_signals
from ..cards.problems import format_text
from ..cards.wording import count
from ..engines.commands import EngineFailed, build_with
from ..engines.project import Project
from .site_folder import UnsafeOut, apply_umask, check_replaceable, mark


class BuildFailed(Exception):
    """A step failed; the message says which and why."""


def _step(message: str) -> float:
    print(f"==> {message}", flush=True)
    return time.perf_counter()


def _run(args: list[str], what: str, *, show: bool = True) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(args, env=env, text=True, capture_output=True)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise BuildFailed(f"{what} failed:\n{output}")
    if output and show:
        print("\n".join(f"    {line}" for line in output.splitlines()))


class Terminated(SystemExit):
    """SIGTERM arrived: raised where the build is, so its temporary folder is removed."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(128 + signum)


@contextlib.contextmanager
def _terminate_raises() -> Iterator[None]:
    """Turn SIGTERM into an exception for the block (as Ctrl-C already is), so `finally` and
    `except` clauses clean up; a process being stopped by its supervisor leaves nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; an embedding program owns signals
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_site(
    config_path: Path, out: Path, *, check_links: bool = True, engine: str = "mkdocs"
) -> None:
    """Build the site into `out` with `engine`, replacing it only on success."""
    with _terminate_raises():
        _build_site(config_path, out, check_links=check_links, engine=engine)


def _build_site(config_path: Path, out: Path, *, check_links: bool, engine: str) -> None:
    project = Project(config_path)
    out = out.resolve()  # symlinks resolved: the folder compared is the one that would be replaced
    protected = {
        "project folder": project.dir,
        "docs folder": project.docs_dir,
        "card folder": project.cards_dir,
        "current folder": Path.cwd(),
    }
    try:
        check_replaceable(out, protected)
    except UnsafeOut as exc:
        raise BuildFailed(str(exc)) from None
    started = _step(f"validating {project.cards_dir}")
    try:
        catalog = project.catalog()
    except InvalidCollection as exc:
        raise BuildFailed(
            "validation failed:\n"
            + format_text(exc.problems, exc.files_checked, todos=exc.todos, warnings=exc.warnings)
        ) from None
    drafts = len(catalog.drafts())
    left = f"; {count(drafts, 'draft')} ({count(len(catalog.todos), 'to-do')})" if drafts else ""
    for warning in catalog.warnings:
        print(f"    {warning}")
    print(f"    {count(catalog.files_checked, 'file')}, no problems{left}")
    for entry_id, own in catalog.overrides.items():
        print(f"    {own} replaces the library's '{entry_id}'")

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        _step(f"building with {engine} --strict")
        try:
            build_with(engine, project, staging)
        except EngineFailed as exc:
            raise BuildFailed(str(exc)) from None
        pages = sum(1 for _ in staging.rglob("*.html"))
        print(f"    {pages} HTML pages")
        if check_links:
            _step("checking links")
            # The 404 page links root-relative under site_url's path, the data files with
            # absolute URLs under site_url: both are checked against the new site.
            base_path = urlsplit(project.site_url or "/").path or "/"
            site_url = ["--site-url", project.site_url] if project.site_url else []
            _run(
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "check-links",
                    str(staging),
                    "--base-path",
                    base_path,
                    *site_url,
                ],
                "link check",
            )
        mark(staging)
        apply_umask(staging)
        with held_signals():  # the swap and the old site's removal finish once begun
            _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"==> {out} updated in {time.perf_counter() - started:.1f} s")


def _replace(new: Path, target: Path) -> None:
    """Swap `new` into place with renames, so readers never see a half-written site."""
    if not target.exists():
        new.rename(target)
        return
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
