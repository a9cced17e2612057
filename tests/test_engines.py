"""The same cards build with each engine: MkDocs (default), ProperDocs and Zensical."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cards import load_catalog

from .conftest import VALID, RunCli, indexed_pages, make_project

# Every test here builds a site.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs", "zensical"])
def test_each_engine_builds_every_card_with_its_comparison(
    engine: str, tmp_path: Path, run_cli: RunCli, built_example: Path
) -> None:
    project = make_project(tmp_path / "project", VALID)
    out = tmp_path / f"site-{engine}"
    code, stdout, stderr = run_cli(
        "build", "--engine", engine, "--config", str(project / "mkdocs.yml"), "--out", str(out)
    )
    assert code == 0, stdout + stderr
    assert "0 broken" in stdout  # the link check ran on the engine's output and passed
    catalog = load_catalog(VALID)
    for card_id, entry in catalog.decisions.items():
        page = (out / "decisions" / card_id / "index.html").read_text(encoding="utf-8")
        assert '<table class="tc-compare' in page, (engine, card_id)
        assert len(re.findall(r'<th scope="col" id="option-', page)) == len(entry.model.options)
        assert "{ #" not in page  # headings were turned into HTML, not shown as written
        assert "assets/tradeoff-cards/cards.css" in page  # styled
    for mode_id in catalog.failure_modes:
        assert (out / "failure-modes" / mode_id / "index.html").is_file()
    # one search index under every engine: the same as a plain `mkdocs build` writes
    assert indexed_pages(out) == indexed_pages(built_example)
    index_files = sorted(p.name for p in (out / "pagefind").rglob("*"))
    assert index_files == sorted(p.name for p in (built_example / "pagefind").rglob("*"))


def test_a_missing_engine_names_the_extra_to_install(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "zensical" else real(name, *a)
    )
    project = make_project(tmp_path / "project", VALID)
    code, _, stderr = run_cli(
        "build",
        "--engine",
        "zensical",
        "--config",
        str(project / "mkdocs.yml"),
        "--out",
        str(tmp_path / "s"),
    )
    assert code == 1
    assert "pip install 'tradeoff-cards[zensical]'" in stderr
    assert not (tmp_path / "s").exists()


EDIT_LINK = re.compile(r'<a href="([^"]*)"[^>]*rel="edit"')


def _edit_links(site: Path) -> dict[str, list[str]]:
    return {
        page.relative_to(site).as_posix(): EDIT_LINK.findall(page.read_text(encoding="utf-8"))
        for page in sorted(site.rglob("*.html"))
    }


def test_zensical_keeps_the_promises_of_the_plugin(
    tmp_path: Path, run_cli: RunCli, built_example: Path
) -> None:
    # the example's configuration has repo_url and edit_uri, as the project's own site does
    project = make_project(tmp_path / "project", VALID)
    out = tmp_path / "site"
    config = str(project / "mkdocs.yml")
    code, stdout, stderr = run_cli(
        "build", "--engine", "zensical", "--config", config, "--out", str(out)
    )
    assert code == 0, stdout + stderr
    pages = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    # the repository link is there, without the component that asks the host for statistics
    assert all('class="md-source"' in text for text in pages.values())
    assert not [p for p, text in pages.items() if 'data-md-component="source"' in text]
    # the same edit links as under MkDocs: a card's page edits its YAML
    links = _edit_links(out)
    expected = {path: found for path, found in _edit_links(built_example).items() if path in links}
    assert links == expected
    assert links["decisions/cache-or-recompute/index.html"] == [
        "https://github.com/tradeoff-cards/tradeoff-cards/edit/main/cards/decisions/"
        "cache-or-recompute.yaml"
    ]
    assert links["using/index.html"] == [
        "https://github.com/tradeoff-cards/tradeoff-cards/edit/main/docs/using/index.md"
    ]
    # opted in, the theme's repository link fetches its statistics as it always did
    text = (project / "mkdocs.yml").read_text()
    (project / "mkdocs.yml").write_text(
        text.replace(
            "      cards_dir: cards\n", "      cards_dir: cards\n      external_requests: true\n"
        )
    )
    opted = tmp_path / "opted-in"
    code, stdout, stderr = run_cli(
        "build", "--engine", "zensical", "--config", config, "--out", str(opted), "--no-check-links"
    )
    assert code == 0, stdout + stderr
    assert 'data-md-component="source"' in (opted / "index.html").read_text(encoding="utf-8")
