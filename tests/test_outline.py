"""One outline behind every output: the page and the Markdown version show the same headings, in
the same order, for every entry of the real collection; citations are numbered alike in both."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.cards import Catalog, load_catalog, outline
from generator.site.card_markdown import MarkdownWriter
from generator.site.citing import numbered
from generator.site.paths import decision_uri, failure_mode_uri
from generator.site.render import Renderer

from .conftest import REPO, VALID

TODAY = dt.date(2026, 12, 1)
# A Markdown heading of the page (`## Title { #anchor }`) or an HTML one (`<h3 ...>Title</h3>`).
_PAGE_HEADING = re.compile(
    r"^(?P<hashes>#{2,6}) (?P<title>.+?)(?: \{ #[A-Za-z0-9_-]+ \})?$"
    r"|<h(?P<level>[2-6])\b[^>]*>(?P<html>.*?)</h[2-6]>",
    re.M,
)
_MARKDOWN_HEADING = re.compile(r"^(#{2,6}) (.+)$", re.M)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_headings(markdown: str) -> list[tuple[int, str]]:
    """(level, title) of every heading of a rendered page, in order."""
    found = []
    for match in _PAGE_HEADING.finditer(_FRONT_MATTER.sub("", markdown)):
        if match["hashes"]:
            found.append((len(match["hashes"]), match["title"]))
        else:
            found.append((int(match["level"]), match["html"]))
    return found


def markdown_headings(lines: list[str]) -> list[tuple[int, str]]:
    """(level, title) of every heading below the title of an entry's Markdown version."""
    return [(len(m[1]), m[2]) for m in _MARKDOWN_HEADING.finditer("\n".join(lines))]


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(REPO / "cards")


def _both(catalog: Catalog, kind: str, entry_id: str) -> tuple[str, list[str]]:
    renderer = Renderer(catalog, today=TODAY)
    writer = MarkdownWriter(catalog)
    if kind == "decision":
        entry = catalog.decisions[entry_id]
        uri = decision_uri(entry_id)
        return renderer.decision(entry).markdown, writer.decision(entry, writer.card_file(uri))
    mode = catalog.failure_modes[entry_id]
    uri = failure_mode_uri(entry_id)
    return renderer.failure_mode(mode).markdown, writer.failure_mode(mode, writer.card_file(uri))


def test_every_entry_of_the_collection_has_the_same_headings_on_its_page_and_in_markdown(
    real: Catalog,
) -> None:
    checked = 0
    for kind, ids in (("decision", real.decisions), ("failure-mode", real.failure_modes)):
        for entry_id in sorted(ids):
            page, lines = _both(real, kind, entry_id)
            assert markdown_headings(lines) == page_headings(page), entry_id
            checked += 1
    assert checked == len(real.decisions) + len(real.failure_modes) >= 90


def test_the_headings_are_the_outline_s(real: Catalog) -> None:
    card_id = next(i for i, e in real.decisions.items() if e.model.ai_impact)
    page, _ = _both(real, "decision", card_id)
    card = real.decisions[card_id].model
    expected = outline.headings(
        outline.DECISION, card, referenced_by=real.backlinks.get(card_id, [])
    )
    assert [(level - 1, title) for level, title in page_headings(page)] == expected
    titles = [title for _, title in expected]
    assert titles[:4] == [
        "The decision",
        "What it is really about",
        "Really about",
        "Not about",
    ]
    assert "Net effect" in titles and "Changes" not in titles


def test_a_renamed_section_is_renamed_in_every_output(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(VALID)
    renamed = tuple(
        outline.Section(s.key, "Where the facts come from", s.anchor, s.parts, s.field)
        if s.key == "sources"
        else s
        for s in outline.DECISION
    )
    monkeypatch.setattr(outline, "DECISION", renamed)
    page, lines = _both(catalog, "decision", "cache-or-recompute")
    assert "## Where the facts come from { #sources }" in page
    assert "## Where the facts come from" in lines


def test_citations_have_the_same_numbers_on_the_page_and_in_markdown() -> None:
    catalog = load_catalog(VALID)
    page, lines = _both(catalog, "decision", "cache-or-recompute")
    on_page = re.findall(r'<a href="#source-(\d+)" id="cite-\d+-\d+"', page)
    in_markdown = re.findall(r"\[\^(\d+)\](?!:)", "\n".join(lines))
    assert on_page == in_markdown == ["1", "2", "2", "1"]
    sources = numbered(catalog.decisions["cache-or-recompute"].model)
    assert [s.title for s in sources.sources][:2] == [
        "The tail at scale",
        "HTTP caching (RFC 9111)",
    ]
    assert sources.cited_count == 2
