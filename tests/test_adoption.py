"""A team adopting the generator: the plugin alone, `tradeoffs init`, and an installed wheel."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator import __version__
from generator.cards import load_catalog

from .conftest import LICENCES, REPO, VALID, RunCli, copy_sources, mkdocs_build

MINIMAL = "site_name: Our decisions\ntheme:\n  name: material\nplugins:\n  - tradeoff-cards\n"

# Every test here builds a site.
pytestmark = pytest.mark.slow


def _minimal_project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MINIMAL, encoding="utf-8")
    (root / "docs").mkdir()
    shutil.copytree(VALID, root / "cards")
    return root


def test_the_plugin_needs_nothing_else_from_the_site(tmp_path: Path) -> None:
    project = _minimal_project(tmp_path / "kb")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "decisions" / "cache-or-recompute" / "index.html").read_text()
    assert "{ #" not in page  # headings rendered, not shown as written
    assert '<h2 id="decision">' in page and 'href="#options"' in page  # and in the contents
    assert 'href="../../assets/tradeoff-cards/cards.css"' in page  # styled
    assert (tmp_path / "site" / "assets" / "tradeoff-cards" / "cards.css").is_file()
    assert "fonts.googleapis.com" not in page and "unpkg.com" not in page
    # the generator tag names the engine, the theme and this package with its version
    assert re.search(
        rf'<meta name="generator" content="mkdocs-[\d.]+, mkdocs-material-[\d.]+, '
        rf'tradeoff-cards-{re.escape(__version__)}">',
        page,
    )
    # the category is named once in the navigation: its own page is listed as its overview
    nav = re.findall(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', page)
    assert nav.count("Performance") == 1 and "Overview" in nav


def test_a_listed_search_plugin_is_switched_off_with_what_to_change(tmp_path: Path) -> None:
    project = _minimal_project(tmp_path / "kb")
    config = MINIMAL.replace("plugins:\n", "plugins:\n  - search\n")
    (project / "mkdocs.yml").write_text(config)
    strict = mkdocs_build(project, tmp_path / "strict")
    assert strict.returncode != 0  # a warning, so --strict stops
    fix = "remove '- search' from 'plugins' in mkdocs.yml"
    assert fix in strict.stderr
    site = tmp_path / "site"
    lenient = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert lenient.returncode == 0 and fix in lenient.stderr
    page = (site / "decisions" / "cache-or-recompute" / "index.html").read_text()
    assert "md-search" not in page  # the theme's box is gone: only the cards' search remains
    assert not (site / "search" / "search_index.json").exists()
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_another_theme_stops_the_build_with_what_is_supported(tmp_path: Path) -> None:
    project = _minimal_project(tmp_path / "kb")
    (project / "mkdocs.yml").write_text(MINIMAL.replace("name: material", "name: readthedocs"))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "the theme 'readthedocs' is not supported; use Material for MkDocs" in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_external_requests_are_an_opt_in(tmp_path: Path) -> None:
    project = _minimal_project(tmp_path / "kb")
    config = MINIMAL.replace(
        "  - tradeoff-cards\n", "  - tradeoff-cards:\n      external_requests: true\n"
    )
    (project / "mkdocs.yml").write_text(config + "repo_url: https://example.org/team/kb\n")
    assert mkdocs_build(project, tmp_path / "site").returncode == 0
    page = (tmp_path / "site" / "index.html").read_text()
    assert "fonts.googleapis.com" in page and 'data-md-component="source"' in page


def test_init_creates_a_knowledge_base_that_builds(tmp_path: Path, run_cli: RunCli) -> None:
    kb = tmp_path / "kb"
    code, out, _ = run_cli("init", str(kb))
    assert code == 0, out
    expected = {
        "mkdocs.yml",
        "README.md",
        "cards/categories.yaml",
        "cards/roles.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/cards.yml",
        "cards/decision.schema.json",
        "cards/failure-mode.schema.json",
        "cards/decisions/cron-job-vs-queue-worker.yaml",
        "cards/failure-modes/overlapping-scheduled-runs.yaml",
    }
    assert expected <= {p.relative_to(kb).as_posix() for p in kb.rglob("*") if p.is_file()}
    catalog = load_catalog(kb / "cards")
    assert len(catalog.roles) >= 8  # the starter's roles, used by its example card
    assert {"on-call", "platform-team"} <= {r.id for r in catalog.roles}
    reached = catalog.reached_from["overlapping-scheduled-runs"]
    assert [r.card for r in reached] == ["cron-job-vs-queue-worker"]  # linked to each other
    workflow = yaml.safe_load((kb / ".github" / "workflows" / "cards.yml").read_text())
    # the project's action at this release installs this release, validates and builds
    # (tests/test_init_workflow.py runs its steps, tests/test_release.py checks it)
    assert workflow["env"] == {"TRADEOFF_CARDS": f"tradeoff-cards=={__version__}"}
    steps = workflow["jobs"]["build"]["steps"]
    [action] = [s for s in steps if s.get("uses", "").startswith("tradeoff-cards/")]
    assert action["uses"] == f"tradeoff-cards/tradeoff-cards@v{__version__}"
    assert action["with"] == {
        "install": "${{ env.TRADEOFF_CARDS }}",
        "cards": "cards",
        "out": "site",
        "summary": "true",
    }
    assert "deploy-pages" in str(workflow["jobs"]["deploy"]["steps"])
    result = mkdocs_build(kb, tmp_path / "site")
    assert result.returncode == 0, result.stderr


def test_init_refuses_a_folder_with_files_and_never_overwrites(
    tmp_path: Path, run_cli: RunCli
) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "mkdocs.yml").write_text("mine\n")
    code, _, err = run_cli("init", str(kb))
    assert code == 2 and "is not empty; use --existing" in err
    code, _, err = run_cli("init", str(kb), "--existing")
    assert code == 2 and "already has mkdocs.yml; nothing was written" in err
    assert (kb / "mkdocs.yml").read_text() == "mine\n" and not (kb / "cards").exists()
    (kb / "mkdocs.yml").unlink()
    (kb / "notes.txt").write_text("kept\n")
    code, _, _ = run_cli("init", str(kb), "--existing")
    assert code == 0 and (kb / "notes.txt").read_text() == "kept\n"


Run = Callable[..., subprocess.CompletedProcess[str]]


def build_distributions(work: Path, run: Run) -> tuple[Path, Path]:
    """The sdist and the wheel built from the working tree into `work/dist`."""
    source = copy_sources(work / "source")
    dist = work / "dist"
    built = run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)])
    assert built.returncode == 0, built.stderr
    (sdist,) = dist.glob(f"tradeoff_cards-{__version__}.tar.gz")
    (wheel,) = dist.glob(f"tradeoff_cards-{__version__}-py3-none-any.whl")
    return sdist, wheel


def install_fresh(artifact: Path, venv: Path, run: Run) -> dict[str, str]:
    """Install `artifact` with the locked dependencies into a new virtualenv at `venv`; returns
    the environment that puts its `tradeoffs` first on the PATH."""
    assert run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    installed = run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "-c",
            str(REPO / "requirements.lock"),
            str(artifact),
        ]
    )
    assert installed.returncode == 0, installed.stderr
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
    }


@pytest.mark.slow
def test_the_sdist_and_wheel_install_in_fresh_virtualenvs_and_build_a_styled_site(
    tmp_path: Path, distributions: tuple[Path, Path]
) -> None:
    # what .github/workflows/release.yml does before publishing: build, twine check, then in a
    # fresh virtualenv per distribution, with the locked dependencies, init and build
    run = functools.partial(subprocess.run, capture_output=True, text=True, check=False)
    sdist, wheel = distributions
    checked = run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2
    names = zipfile.ZipFile(wheel).namelist()
    for packaged in (
        "generator/site/templates/decision.md.j2",
        "generator/site/assets/cards.css",
        "generator/cli/starter/decision.yaml",
        "generator/engines/mkdocs/assets/material-a11y.js",
        "generator/library/categories.yaml",
        "generator/library/roles.yaml",
        "generator/library/decisions/rag-vs-fine-tuning.yaml",
        "generator/library/LICENSE-CARDS.md",
    ):
        assert packaged in names
    # and every file of the package's source tree (templates, scripts, theme overrides)
    package = Path(__file__).resolve().parent.parent / "generator"
    for source in package.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts and source.suffix != ".pyc":
            relative = source.relative_to(package.parent).as_posix()
            if not relative.startswith("generator/library/"):  # made from cards/ at build time
                assert relative in names, f"{relative} is not in the wheel"
    metadata = (
        zipfile.ZipFile(wheel).read(f"tradeoff_cards-{__version__}.dist-info/METADATA").decode()
    )
    assert f"\nVersion: {__version__}\n" in metadata
    # the code is MIT, the card library CC BY 4.0: both stated, both licence files shipped
    assert "\nLicense-Expression: MIT AND CC-BY-4.0\n" in metadata
    for licence in LICENCES:
        assert f"tradeoff_cards-{__version__}.dist-info/licenses/{licence}" in names
    for kind, artifact in (("sdist", sdist), ("wheel", wheel)):
        _install_init_and_build(artifact, tmp_path / kind, run)


def _install_init_and_build(artifact: Path, work: Path, run: Run) -> None:
    work.mkdir()
    venv = work / "venv"
    env = install_fresh(artifact, venv, run)
    python, tradeoffs = venv / "bin" / "python", venv / "bin" / "tradeoffs"
    version = run([str(tradeoffs), "--version"], cwd=work, env=env)
    assert version.stdout.strip() == f"tradeoffs {__version__}", artifact
    assert run([str(tradeoffs), "init", "kb"], cwd=work, env=env).returncode == 0
    kb = work / "kb"
    build = run([str(tradeoffs), "build", "--out", "site"], cwd=kb, env=env)
    assert build.returncode == 0, build.stdout + build.stderr
    page = (kb / "site" / "decisions" / "cron-job-vs-queue-worker" / "index.html").read_text()
    assert '<table class="tc-compare' in page and "{ #" not in page
    assert f"tradeoff-cards-{__version__}" in page  # the generator tag
    assert (kb / "site" / "assets" / "tradeoff-cards" / "cards.css").stat().st_size > 1000
    # the scenario a new user tries first: only theme material and the two plugins
    minimal = work / "minimal"
    minimal.mkdir()
    (minimal / "mkdocs.yml").write_text(MINIMAL, encoding="utf-8")
    (minimal / "docs").mkdir()
    shutil.copytree(kb / "cards", minimal / "cards")
    build = run([str(python), "-m", "mkdocs", "build", "--strict"], cwd=minimal, env=env)
    assert build.returncode == 0, build.stderr
    page = (minimal / "site" / "decisions" / "cron-job-vs-queue-worker" / "index.html").read_text()
    assert '<table class="tc-compare' in page and "{ #" not in page
    assert 'href="../../assets/tradeoff-cards/cards.css"' in page
    where = run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=work)
    assert str(venv) in where.stdout  # the installed copy, not the checkout
