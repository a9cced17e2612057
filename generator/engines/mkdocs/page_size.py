"""Drop the indentation that theme templates leave in every page.

Leading white space on a line is never significant in HTML outside preformatted content, so it
is removed everywhere except inside <pre>, <textarea>, <script> and <style>. A line break stays,
so white space between inline elements still separates them.
"""

from __future__ import annotations

import re

_KEEP_OPEN = re.compile(r"<(pre|textarea|script|style)\b", re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t\r\n]+")


def compact_html(page: str) -> str:
    """The page with line-leading white space and blank lines removed outside preformatted parts."""
    out = []
    position = 0
    lowered = page.lower()  # closing tags are found case-insensitively, like opening ones
    while True:
        opening = _KEEP_OPEN.search(page, position)
        if opening is None:
            out.append(_INDENT.sub("\n", page[position:]))
            return "".join(out)
        closing_tag = f"</{opening.group(1).lower()}"
        end = lowered.find(closing_tag, opening.end())
        if end < 0:  # unclosed: keep the rest as it is
            out.append(_INDENT.sub("\n", page[position : opening.start()]))
            out.append(page[opening.start() :])
            return "".join(out)
        end = page.find(">", end) + 1 or len(page)
        out.append(_INDENT.sub("\n", page[position : opening.start()]))
        out.append(page[opening.start() : end])
        position = end
