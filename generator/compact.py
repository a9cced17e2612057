"""Drop the indentation that theme templates leave in every page.

Leading white space on a line is never significant in HTML outside preformatted content, so it
is removed everywhere except inside <pre>, <textarea>, <script> and <style>. A line break stays,
so white space between inline elements still separates them.
"""

from __future__ import annotations

import re

_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t\r\n]+")


def compact_html(page: str) -> str:
    """The page with line-leading white space and blank lines removed outside preformatted parts."""
    parts = _KEEP.split(page)
    # re.split with two groups yields [text, whole_kept, tag_name, text, ...]
    out = []
    for index in range(0, len(parts), 3):
        out.append(_INDENT.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)
