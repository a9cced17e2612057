"""The same cards build with each engine: MkDocs (default), ProperDocs and Zensical."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cards import load_catalog

from .conftest import VALID, RunCli, make_project

# Every test here builds a site.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs", "zensical"])
def test_each_engine_builds_every_card_with_its_comparison(
    engine: str, tmp_path: Path, run_cli: RunCli
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
