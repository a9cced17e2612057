"""Template overrides: one block replaced through `{% extends %}`, the blocks documented from the
templates, the templates folder watched and never published, and a mistake told by file and line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from generator.cards import load_catalog, outline
from generator.cli.reference import expand
from generator.site.page import SiteSettings
from generator.site.plan import build_plan
from generator.site.templating import (
    PACKAGE_TEMPLATES,
    TemplateProblem,
    template_blocks,
)

from .conftest import REPO, VALID, RunCli, make_project, mkdocs_build

TODAY = dt.date(2026, 1, 1)
PAGE_TEMPLATES = sorted(
    p.name for p in PACKAGE_TEMPLATES.glob("*.md.j2") if not p.name.startswith("_")
)


def _pages(template_dir: Path | None) -> dict[str, str]:
    settings = SiteSettings(str(template_dir) if template_dir else None, True, "S", "", "d")
    plan = build_plan(load_catalog(VALID), settings, today=TODAY)
    return {path: page.markdown for path, page in plan.pages.items()}


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def test_every_page_template_has_blocks_and_every_section_one_of_its_own() -> None:
    for name in PAGE_TEMPLATES:
        assert "front_matter" in template_blocks(name), name
        assert len(template_blocks(name)) >= 3, name
    decision, mode = template_blocks("decision.md.j2"), template_blocks("failure-mode.md.j2")
    for sections, blocks in ((outline.DECISION, decision), (outline.FAILURE_MODE, mode)):
        keys = [s.key for s in sections]
        assert [b for b in blocks if b in keys] == keys  # one each, in the page's order


def test_an_override_of_one_block_changes_that_block_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    # an override that only extends changes nothing, on any page
    for name in PAGE_TEMPLATES:
        (folder / name).write_text(f'{{% extends "builtin/{name}" %}}\n')
    built_in = _pages(None)
    assert _pages(folder) == built_in

    (folder / "home.md.j2").write_text(
        '{% extends "builtin/home.md.j2" %}\n'
        "{% block lead %}\n"
        '<p class="tc-lead">Our calls, kept by {{ title }} <b>&</b>.</p>\n'
        "{% endblock %}\n"
    )
    (folder / "decision.md.j2").write_text(
        '{% extends "builtin/decision.md.j2" %}\n'
        "{% block how_to_decide %}\n"
        "{{ super() }}\n"
        '<p class="team">Ask {{ a(pages.finder, "the finder") }} about {{ card.title }}.</p>\n'
        "{% endblock %}\n"
    )
    overridden = _pages(folder)
    home = _changed_lines(built_in["index.md"], overridden["index.md"])
    assert home[-1] == '+<p class="tc-lead">Our calls, kept by S <b>&</b>.</p>'
    assert all(line.startswith("-") for line in home[:-1])  # the three lines of the old lead
    card = "decisions/cache-or-recompute.md"
    added = _changed_lines(built_in[card], overridden[card])
    assert sorted(added) == [
        "+",
        '+<p class="team">Ask <a href="../../browse/finder/">the finder</a> about '
        "Cache | recompute | precompute.</p>",
    ]
    # after the section's own text, before the next section
    text = overridden[card]
    assert text.index("the finder") < text.index("## Pressures to resist")
    assert text.index("## How to decide") < text.index("the finder")
    for path in set(built_in) - {"index.md"}:
        changed = _changed_lines(built_in[path], overridden[path])
        if path.startswith("decisions/") and path != "decisions/index.md":  # each card page
            # adds the note, and only that
            assert changed and all(line == "+" or 'class="team"' in line for line in changed)
        else:
            assert changed == [], path


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{% block lead %}\n<p>{{ team }}</p>\n{% endblock %}\n",
            "home.md.j2:3: 'team' is undefined",
        ),
        ("{% block lead %}\n<p>{{ team }</p>\n{% endblock %}\n", "home.md.j2:3: unexpected '}'"),
        ("{% block lead %}\n{{ 1 + title }}\n{% endblock %}\n", "home.md.j2:3: TypeError"),
    ],
)
def test_a_template_mistake_names_the_template_and_its_line(
    tmp_path: Path, template: str, message: str
) -> None:
    (tmp_path / "home.md.j2").write_text('{% extends "builtin/home.md.j2" %}\n' + template)
    with pytest.raises(TemplateProblem) as raised:
        _pages(tmp_path)
    assert message in str(raised.value) and "(rendering index.md)" in str(raised.value)


def test_extending_its_own_name_says_how_to_reach_the_built_in_template(tmp_path: Path) -> None:
    (tmp_path / "home.md.j2").write_text('{% extends "home.md.j2" %}\n')
    with pytest.raises(TemplateProblem, match=re.escape('as "builtin/NAME.md.j2"')):
        _pages(tmp_path)


def test_the_templates_page_lists_the_blocks_the_templates_have() -> None:
    page = expand((REPO / "docs" / "using" / "templates.md").read_text(encoding="utf-8"))
    for name in PAGE_TEMPLATES:
        blocks = ", ".join(f"`{block}`" for block in template_blocks(name))
        assert f"| `{name}` | {blocks} |" in page, name
    assert "| `_macros.md.j2` |" in page and "`templates_dir`" in page


def _project(tmp_path: Path, option: str = "") -> Path:
    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    text = config.read_text()
    assert "      cards_dir: cards\n" in text
    config.write_text(text.replace("      cards_dir: cards\n", f"      cards_dir: cards\n{option}"))
    return project


def _plugin_config(project: Path, serve: bool = False) -> tuple[MkDocsConfig, Any]:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="serve" if serve else "build", dirty=False)
    return config, config.plugins["tradeoff-cards"]


def test_the_preview_watches_the_templates_folder(tmp_path: Path) -> None:
    project = _project(tmp_path, "      templates_dir: templates\n")
    (project / "templates").mkdir()
    config, plugin = _plugin_config(project, serve=True)
    config = config.plugins.on_config(config)
    watched: list[str] = []
    server = SimpleNamespace(watch=watched.append, builder=lambda: None)
    plugin.on_serve(server, config=config, builder=server.builder)
    assert str(project / "templates") in watched and str(project / "cards") in watched


def test_a_template_mistake_fails_the_build_with_a_message(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "theme" / "home.md.j2").write_text(
        '{% extends "builtin/home.md.j2" %}\n{% block lead %}\n{{ team }}\n{% endblock %}\n'
    )
    config, _ = _plugin_config(project)
    with pytest.raises(PluginError, match=r"theme/home\.md\.j2:3: 'team' is undefined"):
        config.plugins.on_config(config)


@pytest.mark.slow
def test_templates_in_custom_dir_or_docs_are_used_and_never_published(tmp_path: Path) -> None:
    project = _project(tmp_path, "      templates_dir: docs/overrides\n")
    lead = '{% extends "builtin/home.md.j2" %}\n{% block lead %}\n<p>Ours.</p>\n{% endblock %}\n'
    (project / "docs" / "overrides").mkdir()
    (project / "docs" / "overrides" / "home.md.j2").write_text(lead)
    (project / "theme" / "category.md.j2").write_text('{% extends "builtin/category.md.j2" %}\n')
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert "<p>Ours.</p>" in (site / "index.html").read_text()
    assert not list(site.rglob("*.j2"))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_other_engines_use_the_override_and_publish_no_template(
    engine: str, tmp_path: Path, run_cli: RunCli
) -> None:
    project = _project(tmp_path)
    (project / "theme" / "home.md.j2").write_text(
        '{% extends "builtin/home.md.j2" %}\n{% block lead %}\n<p>Ours.</p>\n{% endblock %}\n'
    )
    out = tmp_path / "site"
    code, stdout, stderr = run_cli(
        "build",
        "--engine",
        engine,
        "--config",
        str(project / "mkdocs.yml"),
        "--out",
        str(out),
        "--no-check-links",
    )
    assert code == 0, stdout + stderr
    assert "<p>Ours.</p>" in (out / "index.html").read_text()
    assert not list(out.rglob("*.j2"))
