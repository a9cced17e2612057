"""The MkDocs adapter's own renderer of generated pages, checked against Python-Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO, VALID


@pytest.mark.slow
@pytest.mark.parametrize("cards", [VALID, REPO / "cards"], ids=["examples", "real"])
def test_prerendered_pages_match_python_markdown(cards: Path) -> None:
    import markdown

    from generator.cards import load_catalog
    from generator.engines.mkdocs import prerendered
    from generator.engines.mkdocs.raw_html import fill_html_blocks, split_html_blocks
    from generator.site.plan import build_plan

    for path, page in build_plan(load_catalog(cards)).pages.items():
        body = (
            page.markdown.split("\n---\n", 1)[1]
            if page.markdown.startswith("---\n")
            else page.markdown
        )
        slotted, blocks = split_html_blocks(body)
        result = prerendered.render(slotted, blocks, True)
        assert result is not None, path
        html, tokens, anchors = result
        md = markdown.Markdown(
            extensions=["attr_list", "toc"], extension_configs={"toc": {"permalink": True}}
        )
        expected = fill_html_blocks(md.convert(slotted), blocks)
        assert " ".join(html.split()) == " ".join(expected.split()), path
        simplified = [(t["level"], t["id"]) for t in md.toc_tokens]  # type: ignore[attr-defined]
        assert [(t["level"], t["id"]) for t in tokens] == simplified, path
        assert {t["id"] for t in md.toc_tokens} <= anchors  # type: ignore[attr-defined]


def test_markdown_in_a_template_override_falls_back_to_mkdocs() -> None:
    from generator.engines.mkdocs import prerendered

    assert (
        prerendered.render("## Heading { #h }\n\nSome *Markdown* paragraph.\n", [], False) is None
    )
