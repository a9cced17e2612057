"""Card text as clean Markdown: any Markdown renderer shows what the page shows, and no HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.site import markup
from generator.site import plain_markdown as md

# A renderer that lets raw HTML through: if the Markdown carried any, it would show up here.
RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table")
ALLOWED_TAGS = {
    "p",
    "a",
    "code",
    "em",
    "strong",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


class Shape(HTMLParser):
    """The elements (with their href) and the text of some HTML, white space collapsed."""

    def __init__(self, emphasis: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs = emphasis
        self.skipped = {"br", "p"} | (set() if emphasis else {"em", "strong"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.skipped:
            if tag in ("br", "p"):  # breaks and paragraphs are spaces in one-line Markdown
                self.parts.append(" ")
            return
        href = dict(attrs).get("href") if self.hrefs else None
        self.parts.append(f"<{tag}{' ' + href if href is not None else ''}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.skipped:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @classmethod
    def of(cls, html: str, emphasis: bool = True) -> str:
        """The shape; without `emphasis`, em, strong and link addresses are left out."""
        shape = cls(emphasis)
        shape.feed(html)
        shape.close()
        # white space next to an element is not compared (a break at either end, say)
        return re.sub(r"\s*(<[^>]*>)\s*", r"\1", re.sub(r"\s+", " ", "".join(shape.parts))).strip()


def inert(html: str) -> list[str]:
    """Why some rendered HTML is not inert: tags outside the list, attributes, unsafe links."""

    found: list[str] = []

    class Check(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in ALLOWED_TAGS:
                found.append(f"<{tag}>")
            for name, value in attrs:
                if name != "href":
                    found.append(f"{tag} {name}={value}")
                elif re.match(
                    r"(?![Hh][Tt][Tt][Pp][Ss]?:|mailto:)[A-Za-z][A-Za-z0-9+.-]*:", value or ""
                ):
                    found.append(f"{tag} href={value}")

    checker = Check()
    checker.feed(html)
    checker.close()
    return found


def _page_shape(text: str, emphasis: bool = True) -> str:
    return Shape.of(markup.paragraphs(text), emphasis)


def _markdown_shape(text: str, emphasis: bool = True) -> str:
    return Shape.of(RENDERER.render(md.one_line(text)), emphasis)


TRICKY = [
    "plain text, nothing to do",
    "Cold starts after a flush <script>alert(1)</script>",
    '<img src=x onerror=alert(1)> and <a href="#" onclick="steal()">click</a>',
    "He said \"quotes\" and 'apostrophes' & <b>bold</b>",
    "Absorbs read spikes | even at peak.",
    "`EXPLAIN` shows `a|b` and ``x ` y``",
    "**strong** and *em* and _under_ and snake_case_name",
    "[a link](https://example.org/a_(b)) and [rel](other-card.md#options)",
    "[evil](javascript:alert(1)) and ![image](https://example.org/x.png)",
    "&amp; &lt;script&gt; &#60; R&D",
    "# not a heading",
    "- not a list",
    "1. not a list either",
    "> not a quote",
    "---",
    "a\\*b \\[c\\] \\\\",
    "<https://example.org/auto> and <mailto:a@example.org>",
    "~~not struck~~ and ~single~",
    "line one\nline two\n\nparagraph two",
    "ends with #",
    "<!-- comment --> <![CDATA[x]]> <?php ?>",
]


@pytest.mark.parametrize("text", TRICKY)
def test_markdown_shows_what_the_page_shows(text: str) -> None:
    assert _markdown_shape(text) == _page_shape(text)


@pytest.mark.parametrize("text", TRICKY)
def test_markdown_of_card_text_is_inert(text: str) -> None:
    line = md.one_line(text)
    for where in (line, f"- {line}", f"# {line}", "\n".join(md.table(["a"], [[line]]))):
        assert inert(RENDERER.render(where)) == [], where
    assert "\n" not in line


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.sampled_from(
            [
                *"ab *_`[]()<>!&#;\\|~-+.1 \n",
                "](",
                "http://x.org",
                "javascript:",
                "<script>",
                "&amp;",
                "1. ",
                "# ",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_any_text_round_trips_and_stays_inert(text: str) -> None:
    if not text.strip():
        return
    line = md.one_line(text)
    assert inert(RENDERER.render(line)) == []
    assert inert(RENDERER.render("\n".join(md.table(["h"], [[line]])))) == []
    # The same text and links; emphasis may be left out where delimiters nest oddly (and the
    # page's sanitiser drops the odd address its URL parser rejects, such as `http://x.org%5C`).
    assert _markdown_shape(text, emphasis=False) == _page_shape(text, emphasis=False)


def test_emphasis_that_would_pair_up_differently_is_left_out() -> None:
    text = "__a_*__"
    assert _page_shape(text) == "<em><em>a</em>*</em>_"
    assert _markdown_shape(text) == "a*_"


def test_a_table_cell_keeps_its_pipes_and_code() -> None:
    cell = md.one_line("a | b `c|d`")
    html = RENDERER.render("\n".join(md.table(["h", "i"], [[cell, "x"]])))
    assert "<td>a | b <code>c|d</code></td>" in html


def test_links_go_where_the_link_map_says() -> None:
    text = "See [the other card](other.md#x) or [the spec](https://example.org)."
    line = md.one_line(text, lambda url: None if url.endswith("#x") else url)
    assert line == "See the other card or [the spec](https://example.org)."


def test_headings_and_line_starts() -> None:
    assert md.heading(2, "C#") == "## C\\#"
    assert md.line_start("1. item") == "1\\. item"
    assert md.line_start("+ x") == "\\+ x"
    assert md.line_start("1.10") == "1.10"
    assert md.line_start("#hashtag") == "#hashtag"
