"""Card text to HTML: the texts split without markdown-it (plain words, code spans, citations)
come out exactly as markdown-it and nh3 would make them, tokens and HTML alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from generator.site import markup

from .conftest import REPO

Shape = list[tuple[object, ...]]


def _shape(tokens: list[Token]) -> Shape:
    return [
        (t.type, t.tag, t.nesting, t.content, t.markup, t.attrs, t.meta or None) for t in tokens
    ]


def _by_markdown_it(text: str) -> tuple[Shape, str]:
    tokens = markup._parsed(text)[0].children or []
    return _shape(tokens), markup._render_inline(text, markup._identity)


def _same_as_markdown_it(text: str) -> bool:
    """True when `text` took the quick way; then its tokens and HTML are markdown-it's."""
    text = text.strip()
    simple = markup._simple_tokens(text)
    if simple is None or not markup.has_markdown(text):  # plain text is only escaped
        return False
    tokens, html = _by_markdown_it(text)
    assert _shape(simple) == tokens, text
    assert str(markup.inline(text)) == html, text
    assert _shape(markup.inline_tokens(text)) == tokens, text
    return True


QUICK = [
    "Run `EXPLAIN ANALYZE` before & after",
    "A `` code with ` inside `` and a [@source]",
    'Both sides cite [@a; @b] and `x < y` > "z"',
    "` padded ` and `  ` and `a  b`",
    "no\u00a0break `\u00a0` here",
    "`` ` `` then `x`",
    "ends on a code span `tail`",
    "Keeps *every* flag and **never** drops one, (*really*) *twice*.",
    "See [the notes](https://example.org/notes/1?a=1&b=2#details) and [more](../other/)",
    "`a` and *em*",
    "`a` then [link](https://example.org)",
    "[@cite](not-a-citation) `x`",
    "[@a](https://example.org)",
    "A [@cite] beside *em*, `code` and [a link](mailto:team@example.org): **all**!",
]

SLOW = [
    "an unclosed `run",  # backticks left over: markdown-it decides
    "`a`_b_",
    "a line\nbreak with `code`",
    "`a` <https://example.org>",
    "`a` and <user@example.org>",
    "`a` < `b`",
    "*a*b",  # a closer before a letter
    "a*b*",  # an opener after a letter
    "***both***",
    "*open only",
    "**mixed*",
    "[label](javascript:alert(1))",
    "[label](<https://example.org>)",
    '[label](https://example.org "title")',
    "[*em* label](https://example.org)",
    "[a](https://example.org/a b)",
    "[a](https://exämple.org/)",
    "*`code` in em*",
]


@pytest.mark.parametrize("text", QUICK)
def test_code_spans_and_citations_skip_the_parser_with_the_same_result(text: str) -> None:
    assert _same_as_markdown_it(text)


@pytest.mark.parametrize("text", SLOW)
def test_anything_else_goes_to_markdown_it(text: str) -> None:
    assert markup._simple_tokens(text.strip()) is None


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def test_every_text_of_the_collection_renders_as_markdown_it_renders_it() -> None:
    quick = 0
    for path in sorted((REPO / "cards").rglob("*.yaml")):
        for text in _texts(yaml.safe_load(Path(path).read_text(encoding="utf-8"))):
            for paragraph in markup._PARAGRAPHS.split(text.strip()):
                if markup.has_markdown(paragraph.strip()):
                    quick += _same_as_markdown_it(paragraph)
    assert quick > 100  # the collection's cited texts take the quick way


@settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.sampled_from(
            [
                *"ab `  ``!&>\"'*_]#\u00a0é",
                "`",
                "``",
                "[@a]",
                "[@a; @b]",
                "[@a](x)",
                "[a](https://x.org/?q=1&r=2)",
                "[b c](../d/)",
                "[",
                "*",
                "**",
                "(",
                ")",
                ".",
                "<",
                "\n",
                "snake_case",
            ]
        ),
        max_size=24,
    ).map("".join)
)
def test_any_text_renders_as_markdown_it_renders_it(text: str) -> None:
    _same_as_markdown_it(text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.sampled_from(["https://", "http://", "https://ex.org/", "http://a-b.c/"]),
    st.text(alphabet="abcXYZ0189/:._~#?=&+-@!$,;%", max_size=20),
)
def test_an_address_taken_as_written_is_one_markdown_it_keeps(scheme: str, rest: str) -> None:
    url = scheme + rest
    if markup._KEPT_URL.match(url):
        assert markup._MD.normalizeLink(url) == url and markup._valid_link(url)
