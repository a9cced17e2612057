"""Shared fixtures: the example collections and a runner for the CLI."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
VALID = TESTS / "cards" / "valid"
INVALID = TESTS / "cards" / "invalid"
REPO = TESTS.parent

# run_cli("validate", ..., cwd=None) -> (exit code, stdout, stderr)
RunCli = Callable[..., tuple[int, str, str]]


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


def pytest_configure(config: pytest.Config) -> None:
    # The fuzz tests read this when they are imported, to size their @settings.
    examples = config.getoption("--fuzz-examples")
    if examples:
        import os

        os.environ["FUZZ_EXAMPLES"] = str(examples)


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """A writable copy of the valid example collection."""
    target = tmp_path / "cards"
    shutil.copytree(VALID, target)
    return target


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
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


def make_project(root: Path, cards: Path) -> Path:
    """A site project in `root`: the repository's mkdocs.yml, docs/ and theme/, with `cards`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "theme", root / "theme")
    shutil.copytree(cards, root / "cards")
    return root


def mkdocs_build(
    project: Path, site: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` on a project; returns the CompletedProcess."""
    import os
    import subprocess
    import sys

    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=full_env,
    )


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid example collection built once with the real configuration; returns the site dir."""
    root = tmp_path_factory.mktemp("example")
    project = make_project(root / "project", VALID)
    site = root / "site"
    result = mkdocs_build(project, site, env={"SOURCE_DATE_EPOCH": "1790000000"})
    assert result.returncode == 0, result.stderr
    return site


def indexed_pages(site: Path) -> dict[str, dict]:
    """The pages in a built site's search index, by URL: each Pagefind fragment (gzip, after a
    signature) holds one page's text, metadata, filters and section anchors."""
    import gzip
    import json

    pages = {}
    for fragment in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        page = json.loads(data)
        pages[page["url"]] = page
    return pages


def copy_sources(target: Path) -> Path:
    """What the distributions are built from, as the working tree has it (committed or not)."""
    target.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", *LICENCES):
        shutil.copy(REPO / name, target / name)
    for folder in ("generator", "cards"):  # cards/: the library the wheel ships
        shutil.copytree(
            REPO / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return target


LICENCES = ("LICENSE", "LICENSE-CARDS.md")


@pytest.fixture(scope="session")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel built once from the working tree: (sdist, wheel)."""
    import sys

    from generator import __version__

    root = tmp_path_factory.mktemp("distributions")
    source = copy_sources(root / "source")
    dist = root / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (sdist,) = dist.glob(f"tradeoff_cards-{__version__}.tar.gz")
    (wheel,) = dist.glob(f"tradeoff_cards-{__version__}-py3-none-any.whl")
    return sdist, wheel
