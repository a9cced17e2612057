"""What the Zensical adapter writes beside the exported tree, checked without running Zensical:
the repository link that fetches nothing, and edit links to the cards' YAML (the engine's own
build is in test_engines.py and test_offline.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from generator.engines.export import plain_config, plan_for, write_tree
from generator.engines.project import Project
from generator.engines.zensical_site import (
    EDIT_KEY,
    PARTIALS,
    edit_uri,
    point_edit_links_at_sources,
    write_theme_overrides,
)

from .conftest import VALID, make_project

REPO_URL = "https://github.com/tradeoff-cards/tradeoff-cards"


def _front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text[4 : text.index("\n---\n", 4)])


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"repo_url": REPO_URL, "edit_uri": "edit/main/"}, "edit/main/"),
        ({"repo_url": REPO_URL, "edit_uri": "edit/main"}, "edit/main/"),
        ({"repo_url": REPO_URL}, "edit/master/docs/"),  # MkDocs' default for GitHub
        ({"repo_url": REPO_URL, "edit_uri": ""}, None),  # switched off
        ({"repo_url": "https://git.example.org/team/kb"}, None),
        ({}, None),
    ],
)
def test_edit_uri_is_read_as_mkdocs_reads_it(config: dict[str, Any], expected: str | None) -> None:
    assert edit_uri(config) == expected


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Project, Path, dict[str, Any]]:
    """The example project exported as build_zensical exports it: (project, tree, config)."""
    project = Project(make_project(tmp_path / "project", VALID) / "mkdocs.yml")
    plan = plan_for(project, links_from_source=True)
    docs = tmp_path / "work" / "docs"
    write_tree(project, plan, docs, tmp_path / "work" / "markdown")
    config = plain_config(project, plan, "docs")
    point_edit_links_at_sources(project, plan, docs, config)
    return project, docs, config


def test_generated_pages_edit_their_card_and_handwritten_pages_their_file(
    exported: tuple[Project, Path, dict[str, Any]],
) -> None:
    _, docs, config = exported
    card = _front_matter(docs / "decisions" / "cache-or-recompute.md")
    assert card[EDIT_KEY] == f"{REPO_URL}/edit/main/cards/decisions/cache-or-recompute.yaml"
    assert card["title"]  # the page's own front matter is kept
    mode = _front_matter(docs / "failure-modes" / "stale-cache-storm.md")
    assert mode[EDIT_KEY] == f"{REPO_URL}/edit/main/cards/failure-modes/stale-cache-storm.yaml"
    # made from no single file: no edit link at all, as under MkDocs
    assert _front_matter(docs / "index.md")[EDIT_KEY] == ""
    assert _front_matter(docs / "categories" / "performance" / "index.md")[EDIT_KEY] == ""
    # the engine joins edit_uri with a hand-written page's path inside docs_dir
    assert config["edit_uri"] == "edit/main/docs"
    assert EDIT_KEY not in (docs / "using" / "index.md").read_text()


def test_without_a_repository_nothing_is_added(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", VALID)
    text = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(
        re.sub(r"^(repo_url|repo_name|edit_uri):.*\n", "", text, flags=re.M)
    )
    project = Project(root / "mkdocs.yml")
    plan = plan_for(project, links_from_source=True)
    write_tree(project, plan, tmp_path / "docs", tmp_path / "markdown")
    config = plain_config(project, plan, "docs")
    point_edit_links_at_sources(project, plan, tmp_path / "docs", config)
    assert "edit_uri" not in config
    assert EDIT_KEY not in (tmp_path / "docs" / "decisions" / "cache-or-recompute.md").read_text()


def test_the_repository_link_fetches_nothing_unless_external_requests(
    exported: tuple[Project, Path, dict[str, Any]], tmp_path: Path
) -> None:
    project, _, config = exported
    folder = tmp_path / "overrides"
    write_theme_overrides(project, folder, config)
    assert config["theme"]["custom_dir"] == str(folder)
    source = (folder / "partials" / "source.html").read_text()
    assert 'class="md-source"' in source and "data-md-component" not in source
    assert (folder / "partials" / "actions.html").is_file()
    assert (folder / "README.md").is_file()  # the site's own custom_dir, copied over them
    # opted in: the theme's own repository link, with its statistics
    project.options["external_requests"] = True
    write_theme_overrides(project, tmp_path / "with-requests", dict(config))
    assert not (tmp_path / "with-requests" / "partials" / "source.html").exists()


def test_the_sites_own_partials_win(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", VALID)
    (root / "theme" / "partials").mkdir()
    (root / "theme" / "partials" / "source.html").write_text("<a>ours</a>")
    (root / "theme" / "home.md.j2").write_text("{{ site_name }}")
    project = Project(root / "mkdocs.yml")
    config: dict[str, Any] = {"theme": dict(project.theme)}
    write_theme_overrides(project, tmp_path / "overrides", config)
    assert (tmp_path / "overrides" / "partials" / "source.html").read_text() == "<a>ours</a>"
    assert not (tmp_path / "overrides" / "home.md.j2").exists()  # read by the plan, not served


def _actions(meta: dict[str, Any], edit_url: str | None, features: list[str]) -> str:
    """actions.html rendered with Jinja2 as the theme renders it, icons stubbed."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(PARTIALS.parent)),
            jinja2.FunctionLoader(lambda name: "<svg/>" if name.startswith(".icons/") else None),
        ]
    )
    environment = jinja2.Environment(loader=loader, autoescape=True)
    environment.filters["url"] = lambda value: value
    page = {"meta": meta, "edit_url": edit_url, "markdown_url": None}
    config: dict[str, Any] = {"theme": {"icon": {}}}
    lang = type("Lang", (), {"t": staticmethod(lambda key: key)})
    return environment.get_template("partials/actions.html").render(
        page=page, config=config, features=features, lang=lang
    )


def test_the_edit_button_opens_the_address_in_the_front_matter() -> None:
    engine = "https://github.com/o/r/edit/main/docs/decisions/x.md"
    card = "https://github.com/o/r/edit/main/cards/decisions/x.yaml"
    features = ["content.action.edit", "content.action.view"]
    html = _actions({EDIT_KEY: card}, engine, features)
    assert re.findall(r'href="([^"]+)"', html) == [
        card,
        "https://github.com/o/r/raw/main/cards/decisions/x.yaml",
    ]
    assert 'rel="edit"' in html
    assert "href" not in _actions({EDIT_KEY: ""}, engine, features)  # a page of no one file
    assert re.findall(r'href="([^"]+)"', _actions({}, engine, features))[0] == engine
    assert "href" not in _actions({EDIT_KEY: card}, engine, [])  # the features decide
