"""Escaping card text for the Markdown pages we generate.

Card text is Markdown (emphasis, code, links) placed inside HTML elements that carry
`markdown="span"`, so Python-Markdown renders it inline only: a heading, table or list written
in a one-line field stays visible text. Raw HTML must never become live, so `&`, `<` and `>`
are escaped; `{`/`}` too, so attr_list cannot add attributes. Code spans are rendered here,
with every punctuation character as a numeric entity, because the HTML parser of md_in_html
would otherwise see a `</li>` written inside backticks as a real closing tag.
"""

from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_PLAIN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;"})
_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")
# Markdown-active ASCII punctuation in code is written as entities so no inline pattern applies.
_CODE_CHARS = {c: f"&#{ord(c)};" for c in "&<>\\`*_[](){}!#|~^=+-:.\"'"}
_CODE = str.maketrans(_CODE_CHARS)
_LINK_TEXT = str.maketrans({"[": "&#91;", "]": "&#93;"})
# A Markdown link or image whose target has a scheme other than these is shown as text.
SAFE_SCHEMES = ("http", "https", "mailto")
_LINK_WITH_SCHEME = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def _code(content: str) -> str:
    if len(content) > 2 and content[0] == " " and content[-1] == " " and content.strip():
        content = content[1:-1]  # CommonMark: one space on each side is padding
    return "<code>" + content.replace("\n", " ").translate(_CODE) + "</code>"


def _defuse_link(match: re.Match[str]) -> str:
    if match.group(3).lower() in SAFE_SCHEMES:
        return match.group(0)
    return match.group(1) + "&#91;" + match.group(0)[len(match.group(1)) + 1 :]


def _plain(text: str) -> str:
    return _LINK_WITH_SCHEME.sub(_defuse_link, text.translate(_PLAIN))


def span(text: str) -> Markup:
    """Inline Markdown, safe to place inside an element with markdown="span"."""
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_plain(text[position : match.start()]))
        out.append(_code(match.group(2)))
        position = match.end()
    out.append(_plain(text[position:]))
    return Markup("".join(out).strip())


def paragraphs(text: str, css_class: str | None = None) -> Markup:
    """Each paragraph of `text` as a <p markdown="span"> element."""
    attr = f' class="{css_class}"' if css_class else ""
    parts = [p for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    return Markup("\n".join(f'<p{attr} markdown="span">{span(p)}</p>' for p in parts))


def link_text(text: str) -> Markup:
    """Text for the [...] part of a Markdown link."""
    return Markup(str(span(text)).translate(_LINK_TEXT))


def attribute(text: str) -> Markup:
    """Plain text for an HTML attribute value (no Markdown)."""
    return Markup(
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def mermaid_label(text: str) -> Markup:
    """A Mermaid node label: quoted, with characters Mermaid treats specially as entity codes.

    Returned as Markup: the quotes must reach Mermaid as quotes, and the fenced block that holds
    the diagram escapes HTML itself.
    """
    escaped = (
        text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )
    escaped = escaped.replace("`", "#96;").replace("\n", " ")
    return Markup(f'"{escaped}"')


def yaml_string(text: str) -> Markup:
    """A YAML scalar that reads back as exactly `text` (JSON strings are valid YAML)."""
    return Markup(json.dumps(text, ensure_ascii=True))


def html_text(text: str) -> str:
    """Text for places the theme prints without escaping (page titles, nav, meta tags)."""
    return html.escape(text, quote=True)


def meta_string(text: str) -> Markup:
    """A front-matter value the theme will print raw: HTML-escaped, then a YAML string."""
    return yaml_string(html_text(text))
