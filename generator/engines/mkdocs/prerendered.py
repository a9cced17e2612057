"""Generated pages skip Python-Markdown: they are HTML already, apart from their headings.

A page the plan generates is HTML blocks under Markdown headings. When nothing else is Markdown
(a theme override may add some), the headings are turned into HTML here and the table of contents
is built from them, so MkDocs' per-page Markdown conversion, most of the cost of a generated
page, is skipped; the site needs no Markdown extension (such as `attr_list`) for them either.
Anything else goes through MkDocs as usual.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from mkdocs.structure.toc import get_toc

from ...site.page import Page
from .raw_html import fill_html_blocks, split_html_blocks

_HEADING = re.compile(r"(#{1,6}) (.+?)(?: \{ #([A-Za-z0-9_:.-]+) \})?[ \t]*")
_PLACEHOLDER = re.compile(r"<!-- tc:slot:\d+ -->")
_NOT_WORD = re.compile(r"[^\w\s-]")
_SPACE = re.compile(r"[-\s]+")
_TAG = re.compile(r"<[^>]+>")


def _slug(text: str, seen: set[str]) -> str:
    """An id as Python-Markdown's `toc` extension makes one, unique on the page."""
    plain = unicodedata.normalize("NFKD", html.unescape(_TAG.sub("", text)))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii")
    base = _SPACE.sub("-", _NOT_WORD.sub("", ascii_text).strip().lower()) or "section"
    slug, n = base, 0
    while slug in seen:
        n += 1
        slug = f"{base}_{n}"
    return slug


def render(
    slotted: str, blocks: list[str], permalink: Any
) -> tuple[str, list[dict[str, Any]], set[str]] | None:
    """(HTML, table-of-contents tokens, ids present) of a generated page's Markdown body whose
    HTML blocks were replaced by placeholders, or None when it holds Markdown other than headings."""
    html: list[str] = []
    tokens: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    seen: set[str] = set()
    for chunk in slotted.split("\n"):
        line = chunk.strip()
        if not line or _PLACEHOLDER.fullmatch(line):
            html.append(line)
            continue
        heading = _HEADING.fullmatch(line)
        if heading is None:
            return None
        level, text = len(heading[1]), heading[2].strip()
        anchor = heading[3] or _slug(text, seen)
        seen.add(anchor)
        link = ""
        if permalink:
            mark = "&para;" if permalink is True else str(permalink)
            link = f'<a class="headerlink" href="#{anchor}" title="Permanent link">{mark}</a>'
        html.append(f'<h{level} id="{anchor}">{text}{link}</h{level}>')
        token: dict[str, Any] = {"level": level, "id": anchor, "name": text, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    content = fill_html_blocks("\n".join(html), blocks)
    return content, tokens, _ids(content)


def _ids(content: str) -> set[str]:
    """The values of the `id` attributes in `content`: each `id="` not preceded by a word
    character (as the pattern `\\bid="([^"]+)"` finds them, at a twentieth of its cost: a
    pattern starting with `\\b` is tried at every position of a page of tens of kilobytes)."""
    ids, at = set(), -1
    while (at := content.find('id="', at + 1)) >= 0:
        if at and (content[at - 1].isalnum() or content[at - 1] == "_"):
            continue
        end = content.find('"', at + 4)
        if end < 0:
            break
        if end > at + 4:  # a value: the next one is looked for after it
            ids.add(content[at + 4 : end])
            at = end
    return ids


def render_page(page: Any, blocks: list[str], config: Any) -> bool:
    """Set a generated page's content, table of contents and anchors without Python-Markdown;
    False when the page needs MkDocs' own conversion."""
    toc_config = (config.mdx_configs or {}).get("toc") or {}
    result = render(page.markdown, blocks, toc_config.get("permalink"))
    if result is None:
        return False
    page.content, tokens, page.present_anchor_ids = result
    page.toc = get_toc(tokens)  # type: ignore[arg-type]
    page.links_to_anchors = None
    return True


def render_from_plan(
    page: Any, blocks: dict[str, list[str]], pages: Mapping[str, Page] | None = None
) -> None:
    """Make a generated page render from its HTML blocks (`blocks`, by path) when it can, with
    MkDocs' own conversion otherwise. A page without blocks yet gets its Markdown and blocks
    from the plan's `pages` now, just before MkDocs reads it (see files.add_plan_pages)."""
    if pages is not None and page.file.src_uri not in blocks:
        markdown, blocks[page.file.src_uri] = split_html_blocks(pages[page.file.src_uri].markdown)
        page.file.content_string = markdown
    render = page.render

    def planned(config: Any, files: Any) -> None:
        path = page.file.src_uri
        if render_page(page, blocks[path], config):
            del blocks[path]  # in page.content now: one copy is enough
        else:
            render(config, files)

    page.render = planned
