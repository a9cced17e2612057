"""The plugin in a real MkDocs build, and export for building without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import INVALID, VALID, RunCli, make_project, mkdocs_build

# Every test here builds a site.
pytestmark = pytest.mark.slow


def test_invalid_cards_stop_the_build_with_every_problem(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", VALID)
    shutil.copy(INVALID / "decisions" / "five-mistakes.yaml", project / "cards" / "decisions")
    shutil.copy(INVALID / "decisions" / "tab-indent.yaml", project / "cards" / "decisions")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "6 problems in the cards; nothing was built" in result.stderr
    assert (
        "cards/decisions/five-mistakes.yaml:36:14: 'medium' is not a valid undo_cost"
        in result.stderr
    )
    assert "cards/decisions/tab-indent.yaml:6:1: tab used for indentation" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "decisions").exists()


def test_generated_page_may_not_replace_a_handwritten_one(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", VALID)
    (project / "docs" / "decisions").mkdir()
    (project / "docs" / "decisions" / "cache-or-recompute.md").write_text("# Mine\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "would be replaced by a generated page" in result.stderr


def test_template_override_in_theme_is_used(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", VALID)
    source = (
        Path(__file__).parents[1] / "generator" / "site" / "templates" / "failure-mode.md.j2"
    ).read_text()
    (project / "theme" / "failure-mode.md.j2").write_text(
        source.replace("The options below lead here", "What you see: the options below lead here")
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "failure-modes" / "stale-cache-storm" / "index.html").read_text()
    assert "What you see" in html


def test_a_failed_build_leaves_none_of_the_data_files_it_had_made(tmp_path: Path) -> None:
    """The data files are written as the plan makes them, into a hidden folder of the site that
    goes with a build failing before they are put in place."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    project = make_project(tmp_path / "project", VALID)
    (project / "theme" / "failure-mode.md.j2").write_text("{% if %}\n")
    site = tmp_path / "site"
    site.mkdir()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    with pytest.raises(Abort):  # MkDocs logs the plugin's error: a template failed
        build(config)  # in this process: what goes, goes before it ends
    assert list(site.iterdir()) == []


def test_edit_links_point_at_sources(built_example: Path) -> None:
    card = (built_example / "decisions" / "queue-or-direct-call" / "index.html").read_text()
    assert (
        'href="https://github.com/tradeoff-cards/tradeoff-cards/edit/main/cards/decisions/queue-or-direct-call.yaml"'
        in card
    )
    guide = (built_example / "contribute" / "index.html").read_text()
    assert "edit/main/docs/contribute/index.md" in guide
    listing = (built_example / "browse" / "reversibility" / "index.html").read_text()
    assert "/edit/main/" not in listing  # generated listings have no source to edit


def test_export_builds_the_same_pages_without_the_plugin(
    tmp_path: Path, run_cli: RunCli, built_example: Path
) -> None:
    project = make_project(tmp_path / "project", VALID)
    out, config = tmp_path / "exported", tmp_path / "plain.yml"
    code, _stdout, stderr = run_cli(
        "export",
        str(out),
        "--config",
        str(project / "mkdocs.yml"),
        "--mkdocs-config-out",
        str(config),
    )
    assert code == 0, stderr
    assert (out / "decisions" / "cache-or-recompute.md").is_file()
    assert (out / "contribute" / "index.md").is_file()  # hand-written pages too
    assert (
        "tradeoff-cards"
        not in config.read_text().split("plugins:")[1].split("markdown_extensions")[0]
    )
    site = tmp_path / "plain-site"
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000"},
    )
    assert result.returncode == 0, result.stderr
    plugin_pages = sorted(
        p.relative_to(built_example).as_posix() for p in built_example.rglob("*.html")
    )
    plain_pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert plugin_pages == plain_pages
    # The data files come out the same from either engine: the JSON API and llms.txt through
    # the docs tree, the Markdown version of each card from the folder copied in afterwards.
    markdown = tmp_path / "exported-markdown"
    assert (markdown / "decisions" / "cache-or-recompute" / "index.md").is_file()
    assert not (out / "decisions" / "cache-or-recompute").exists()  # not a page of the docs tree
    shutil.copytree(markdown, site, dirs_exist_ok=True)
    for path in [
        "api/cards.json",
        "llms.txt",
        "llms-full.txt",
        "decisions/old-rpc-guidance/index.md",
    ]:
        assert (site / path).read_bytes() == (built_example / path).read_bytes(), path
    assert "assets/tradeoff-cards/cards.css" in config.read_text()  # the pages' stylesheet

    def index(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    # the search index travels in the tree as static files, the same as the plugin writes it
    assert index(site / "pagefind") == index(built_example / "pagefind") != []
    code, stdout, stderr = run_cli(
        "check-links", str(site), "--site-url", "https://tradeoff-cards.github.io/tradeoff-cards/"
    )
    assert code == 0, stdout + stderr
    # export refuses to write into a non-empty folder
    code, _, stderr = run_cli("export", str(out), "--config", str(project / "mkdocs.yml"))
    assert code == 2 and "not empty" in stderr


def test_at_shutdown_the_build_is_left_out_of_the_last_garbage_collection() -> None:
    """MkDocs ends its process after on_shutdown: the objects a build made are frozen, so the
    interpreter's collection at exit does not walk them (a third of a second at 1,000 cards)."""
    import gc

    from generator.engines.mkdocs.plugin import TradeoffCardsPlugin

    kept = [[index] for index in range(1000)]  # container objects a collection would walk
    try:
        TradeoffCardsPlugin().on_shutdown()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
