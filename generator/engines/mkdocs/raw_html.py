"""Keep generated HTML away from the Markdown converter.

A generated page is HTML under Markdown headings. Python-Markdown would parse every raw HTML
block only to pass it through unchanged, which is most of the cost of converting a card page.
`split_html_blocks` swaps each top-level HTML block for a short placeholder comment; after
conversion `fill_html_blocks` puts the blocks back. The headings still go through Markdown, so
the table of contents and heading anchors are the theme's own.
"""

from __future__ import annotations

import re

_PLACEHOLDER = "<!-- tc:slot:{} -->"
_PLACEHOLDER_RE = re.compile(r"<!-- tc:slot:(\d+) -->")
_OPENING = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)[\s>]")


def split_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """Markdown with each top-level HTML block replaced by a placeholder, and the blocks."""
    front = ""
    body = markdown
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end >= 0:
            front, body = markdown[: end + 5], markdown[end + 5 :]
    chunks = body.split("\n\n")
    out: list[str] = []
    blocks: list[str] = []
    index = 0
    while index < len(chunks):
        chunk = chunks[index]
        opening = _OPENING.match(chunk.lstrip("\n"))
        if not opening:
            out.append(chunk)
            index += 1
            continue
        # A block may contain blank lines: extend it until it ends with its own closing tag.
        closing = f"</{opening.group(1)}>"
        block = chunk
        while closing not in block and index + 1 < len(chunks):
            index += 1
            block += "\n\n" + chunks[index]
        # As in Markdown, the block ends with its closing tag; lines after it are Markdown again.
        end = block.rfind(closing) + len(closing) if closing in block else len(block)
        rest = block[end:].lstrip(" \t").lstrip("\n")
        out.append(_PLACEHOLDER.format(len(blocks)))
        blocks.append(block[:end].strip("\n"))
        if rest.strip():
            chunks[index] = rest
            continue
        index += 1
    return front + "\n\n".join(out), blocks


def fill_html_blocks(html: str, blocks: list[str]) -> str:
    """Put the blocks back where the converter left their placeholders."""
    return _PLACEHOLDER_RE.sub(lambda m: blocks[int(m.group(1))], html)
