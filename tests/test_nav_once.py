"""The theme's navigation, rendered once for the pages outside it, is the navigation the theme
renders for each of them: the built pages are byte for byte those of a build without sharing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from generator.engines.mkdocs import nav_once
from generator.engines.mkdocs.nav_once import NavOnce
from generator.site import navigation

from .conftest import VALID, make_project


def _page(url: str, parent: Any = None) -> Any:
    return SimpleNamespace(url=url, parent=parent, children=None)


def _nav(*items: Any) -> Any:
    return SimpleNamespace(items=list(items), homepage=items[0])


def _config() -> Any:
    return SimpleNamespace(extra={}, theme={"logo": "assets/logo.png"})


def test_pages_side_by_side_outside_the_navigation_share_it() -> None:
    home, listed = _page(""), _page("decisions/")
    nav = _nav(home, listed)
    once = NavOnce(nav, _config())
    first, second = _page("decisions/a/"), _page("decisions/b/")
    assert once.key(first, nav) == once.key(second, nav) == ("beside", "decisions")
    assert once.key(_page("categories/x/"), nav) == ("beside", "categories")
    # files rather than folders: the links are relative to the folder the files are in
    assert once.key(_page("decisions/a.html"), nav) == once.key(_page("decisions/b.html"), nav)


def test_a_page_the_navigation_lists_or_leads_into_keeps_its_own() -> None:
    inside = _page("guide/setup/")
    section = SimpleNamespace(url=None, children=[inside], parent=None)
    nav = _nav(_page(""), section)
    once = NavOnce(nav, _config())
    assert once.key(inside, nav) is None  # listed: it is marked active in the navigation
    # a link leads into its folder (the logo's into assets/): shared in that folder only
    assert once.key(_page("guide/"), nav) == once.key(_page("guide/x.html"), nav) == ("in", "guide")
    assert once.key(_page("assets/"), nav) == ("in", "assets")
    assert once.key(_page(""), nav) == ("in",)
    assert once.key(_page("other/"), _nav(_page(""))) is None  # another navigation


def _build(project: Path, site: Path, monkeypatch: pytest.MonkeyPatch, share: bool) -> int:
    """Build the project in this process; how many times the theme rendered the navigation."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    renders = {"keep": 0}
    keep = NavOnce.keep

    def counted(self: NavOnce, key: tuple[str, ...], html: str) -> str:
        renders["keep"] += 1
        return keep(self, key, html)

    with monkeypatch.context() as patch:
        patch.setattr(navigation, "NAV_CARDS_UP_TO", 1)  # the cards' pages are not listed
        patch.setattr(NavOnce, "keep", counted)
        if not share:
            patch.setattr(NavOnce, "key", lambda self, page, nav: None)
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
    return renders["keep"]


def _files(site: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and "pagefind" not in path.parts
    }


@pytest.mark.parametrize(
    ("directory_urls", "own_nav"), [(True, False), (False, False), (True, True), (False, True)]
)
def test_shared_navigation_builds_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directory_urls: bool, own_nav: bool
) -> None:
    project = make_project(tmp_path / "project", VALID)
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    config["use_directory_urls"] = directory_urls
    if own_nav:  # the site's own navigation: pages beside those it lists are left out of it
        config["nav"] = ["index.md", {"Using": ["using/index.md", "using/cli.md"]}]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "tradeoff-cards" in plugin:
            plugin["tradeoff-cards"]["search_index"] = False
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")

    shared = _build(project, tmp_path / "shared", monkeypatch, share=True)
    alone = _build(project, tmp_path / "alone", monkeypatch, share=False)
    assert alone == 0
    pages = len(list((tmp_path / "shared").rglob("*.html")))
    assert 0 < shared < pages / 3  # rendered once per folder, not once per page
    assert _files(tmp_path / "shared") == _files(tmp_path / "alone")


def test_the_theme_template_behind_ours_is_served_under_the_prefix() -> None:
    template = (nav_once.SHARED_NAV / "partials" / "nav.html").read_text()
    assert f'"{nav_once.PREFIX}/partials/nav.html"' in template
