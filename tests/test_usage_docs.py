"""The "Using the generator" pages: every plugin option, template and command is on them, as the
code has it."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from markdown import Markdown

from generator.cards import load_catalog
from generator.cli.reference import SECTIONS, expand
from generator.engines import ENGINE_NOTES, ENGINES
from generator.engines.mkdocs.options import TradeoffCardsConfig
from generator.site import usage
from generator.site.render import Renderer
from generator.site.templating import PACKAGE_TEMPLATES

from .conftest import REPO, VALID, RunCli

USING = REPO / "docs" / "using"


def _page(name: str) -> str:
    return expand((USING / f"{name}.md").read_text(encoding="utf-8"))


def test_every_generated_section_is_on_a_page_and_every_marker_is_known() -> None:
    markers = {
        m
        for page in USING.glob("*.md")
        for m in re.findall(r"<!-- tradeoffs: ([a-z-]+) -->", page.read_text())
    }
    assert markers == set(SECTIONS)
    assert all("<!-- tradeoffs:" not in _page(p.stem) for p in USING.glob("*.md"))
    with pytest.raises(ValueError, match="names no generated section; use one of: plugin-options"):
        expand("<!-- tradeoffs: plugin-option -->")


def test_every_plugin_option_is_listed_with_its_default_and_docstring() -> None:
    page = _page("plugin-options")
    source = (REPO / "generator" / "engines" / "mkdocs" / "options.py").read_text()
    for name, option in TradeoffCardsConfig._schema:
        row = next((line for line in page.splitlines() if line.startswith(f"| `{name}` |")), "")
        assert row, f"option {name} is not on the page"
        default = option.default
        if default is not None:
            shown = str(default).lower() if isinstance(default, bool) else str(default)
            assert f"| `{shown}` |" in row, row
        # the first words of the docstring under the option in the class
        doc = source.split(f"    {name} = ", 1)[1].split('"""', 2)[1]
        assert " ".join(doc.split()[:6]) in row
        assert f"      {name}: " in page  # in the example


def _help(run_cli: RunCli, *args: str) -> str:
    code, out, _ = run_cli(*args, "--help")
    assert code == 0
    return out


def test_every_command_and_flag_of_the_cli_is_on_the_page(run_cli: RunCli) -> None:
    page = _page("cli")
    top = _help(run_cli)
    commands = re.findall(r"^    ([a-z-]+)\s", top, re.M)
    assert {"validate", "init", "build", "diff", "schema", "check-links"} <= set(commands)
    assert "`--version`" in page
    sections = re.split(r"^## ", page, flags=re.M)
    for command in commands:
        [section] = [s for s in sections if s.startswith(f"tradeoffs {command}\n")]
        flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", _help(run_cli, command))) - {"--help"}
        assert flags, command
        for flag in flags:
            assert f"`{flag}`" in section, f"{command} {flag}"


def test_every_template_is_listed_with_the_variables_the_renderer_gives_it() -> None:
    page = _page("templates")
    shipped = {p.name for p in PACKAGE_TEMPLATES.glob("*.md.j2") if not p.name.startswith("_")}
    assert shipped == set(usage.TEMPLATE_CONTEXT)
    assert all(f"| `{name}` |" in page for name in shipped)
    # what the renderer really passes, page kind by page kind
    given: dict[str, set[str]] = {}

    class Recorder:
        def __init__(self, name: str) -> None:
            self.name = name

        def render(self, **context: Any) -> str:
            given[self.name] = set(context)
            return ""

    class Environment:
        def get_template(self, name: str) -> Recorder:
            return Recorder(name)

    catalog = load_catalog(VALID)
    renderer = Renderer(catalog, today=dt.date(2026, 1, 1))
    renderer.env = Environment()  # type: ignore[assignment]
    renderer.decision(next(iter(catalog.decisions.values())))
    renderer.failure_mode(next(iter(catalog.failure_modes.values())))
    renderer.category(catalog.categories[0])
    common = set(usage.COMMON_CONTEXT)
    for template in ("decision.md.j2", "failure-mode.md.j2", "category.md.j2"):
        assert given[template] == common | set(usage.TEMPLATE_CONTEXT[template][1]), template
    from generator.site import plan

    recorded: list[tuple[str, set[str]]] = []
    listing = Renderer.listing

    def record(self: Renderer, template: str, uri: str, title: str, data: Any = None) -> Any:
        recorded.append((template, {"title", *(data(catalog) if data else {})}))
        return listing(self, template, uri, title, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Renderer, "listing", record)
        plan.build_plan(catalog, today=dt.date(2026, 1, 1))
    assert recorded
    for template, own in recorded:
        assert own == set(usage.TEMPLATE_CONTEXT[template][1]), template


def test_engines_and_data_files_come_from_the_code() -> None:
    assert tuple(ENGINE_NOTES) == ENGINES
    engines = _page("engines")
    assert all(f"| `{engine}` |" in engines for engine in ENGINES)
    data = _page("data-files")
    assert "The current `schema_version` is **1**." in data
    assert '"referenced_by"' in data and "`llms-full.txt`" in data


def test_the_markdown_extension_expands_markers_on_a_page() -> None:
    converted = Markdown(extensions=["tables", "generator.cli.reference"]).convert(
        "# Options\n\n<!-- tradeoffs: plugin-options -->\n"
    )
    assert "<table>" in converted and "<code>external_requests</code>" in converted


def test_the_built_site_has_the_section(built_example: Path) -> None:
    page = (built_example / "using" / "plugin-options" / "index.html").read_text()
    assert "<code>compact_html</code>" in page
    nav = re.findall(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', page)
    assert "Using the generator" in nav and "Command line" in nav
    cli = html.unescape((built_example / "using" / "cli" / "index.html").read_text())
    assert "usage: tradeoffs check-links" in cli


def test_the_cli_page_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = []
    for columns in ("40", "200"):
        monkeypatch.setenv("COLUMNS", columns)  # what argparse wraps its usage lines to
        pages.append(SECTIONS["cli"]())
    assert pages[0] == pages[1]
