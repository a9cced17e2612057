"""`tradeoffs build` loses nothing: which folders it replaces, the tree it publishes, interruptions."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli.site_folder import MARKER

from .conftest import VALID, RunCli, make_project, mkdocs_build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", VALID)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("out", "says"),
    [
        (".", "is the project folder"),
        ("docs", "is the docs folder"),
        ("cards", "is the card folder"),
        ("..", "contains the project folder"),
        ("docs/site", "inside the docs folder"),
        ("cards/decisions", "inside the card folder"),
        ("theme", "not a site built by tradeoffs build"),
        ("mkdocs.yml", "is a file, not a folder"),
    ],
)
def test_build_refuses_to_replace_what_it_did_not_build(
    project: Path, run_cli: RunCli, out: str, says: str
) -> None:
    before = _tree(project)
    code, _, err = run_cli("build", "--out", out, cwd=project)
    assert code == 1
    assert says in err, err
    assert "refusing to" in err and str((project / out).resolve()) in err
    assert _tree(project) == before  # nothing lost, nothing written


def test_build_refuses_a_symlink_to_a_protected_folder(project: Path, run_cli: RunCli) -> None:
    (project / "public").symlink_to(project / "docs")
    code, _, err = run_cli("build", "--out", "public", cwd=project)
    assert code == 1 and "is the docs folder" in err
    assert _tree(project / "public") == _tree(project / "docs") != {}


def test_build_refuses_a_folder_of_someone_elses_files(project: Path, run_cli: RunCli) -> None:
    mine = project / "notes"
    mine.mkdir()
    (mine / "index.html").write_text("<p>mine</p>")
    code, _, err = run_cli("build", "--out", "notes", cwd=project)
    assert code == 1
    assert f"{mine}: it is not empty and not a site built by tradeoffs build" in err
    assert "move" in err and MARKER in err
    assert (mine / "index.html").read_text() == "<p>mine</p>"


@pytest.mark.slow
def test_build_replaces_an_earlier_build_and_publishes_readable_files(project: Path) -> None:
    # A site from a version that wrote no marker: its data file and home page prove it.
    old = project / "site"
    (old / "api").mkdir(parents=True)
    (old / "api" / "cards.json").write_text('{"schema_version":1,"decisions":[]}')
    (old / "index.html").write_text("<html></html>")
    (old / "stale.html").write_text("old")
    old_umask = os.umask(0o022)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--out", "site", "--no-check-links"],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (old / "stale.html").exists()
    assert (old / MARKER).is_file()
    modes = {
        stat.S_IMODE(p.stat().st_mode)
        for p in [old, *old.rglob("*")]
        if p.is_dir() and not p.is_symlink()
    }
    assert modes == {0o755}
    files = {stat.S_IMODE(p.stat().st_mode) for p in old.rglob("*") if p.is_file()}
    assert files == {0o644}


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_leaves_no_temporary_folder(project: Path, signum: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--out", "site"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        # a test run started in the background inherits SIGINT ignored (as the shell sets it for
        # background jobs), and so would the build: give it the default a terminal gives
        preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not list(project.glob(".site-build-*")):
            assert process.poll() is None and time.monotonic() < deadline, "no build started"
            time.sleep(0.02)
        time.sleep(0.3)  # inside the engine's build
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + signum, err
    assert "stopped; site/ was left as it was" in err
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
    assert not (project / "site").exists()


@pytest.mark.slow
def test_footer_labels_carry_titles_escaped_once(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    card = cards / "decisions" / "queue-or-direct-call.yaml"
    title = 'Queue <b>or</b> "direct" & call'
    card.write_text(card.read_text().replace("title: Queue or direct call", f"title: '{title}'"))
    project = make_project(tmp_path / "project", cards)
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    labels = []
    for page in site.rglob("*.html"):
        parser = _FooterLabels()
        parser.feed(page.read_text(encoding="utf-8"))
        labels += parser.labels
    ours = [label for label in labels if "direct" in label]
    assert ours and all(label.endswith(f": {title}") for label in ours), ours


class _FooterLabels(HTMLParser):
    """The aria-label of each footer link, as a screen reader gets it (entities decoded once)."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "md-footer__link" in (values.get("class") or ""):
            self.labels.append(values.get("aria-label") or "")


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads the session from /proc")
def test_a_stopped_engine_goes_with_every_process_it_started(tmp_path: Path) -> None:
    """Stopping a build ends the engine's whole session, also a process that left the engine's
    process group (the search indexer does), before the build's folder is removed."""
    from generator.engines import commands

    ready = tmp_path / "ready"
    script = (
        "import os, subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import os, time; os.setpgid(0, 0); "
        "time.sleep(60)'])\n"
        f"open({str(ready)!r}, 'w').write('x')\n"
        "time.sleep(60)\n"
    )
    engine = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, text=True)
    deadline = time.monotonic() + 20
    while not ready.exists():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert len(commands._session(engine.pid)) == 2
    commands.end_session(engine)
    assert engine.returncode is not None
    assert commands._session(engine.pid) == []
