"""Defence in depth: an allow-list sanitiser over the HTML of generated pages.

Card text is already escaped before Markdown sees it (see markup.py); this pass makes sure
that, whatever a future template or Markdown extension does, no script, event handler or
unsafe URL reaches a reader.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "article", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "section", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "role", "aria-label", "aria-hidden", "tabindex", "lang"},
    "a": {"href"},
    "td": {"colspan", "rowspan", "data-option"},
    "th": {"colspan", "rowspan", "scope"},
    "details": {"open"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Keep only the elements, attributes and URL schemes our pages use."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=False,  # the tags listing marker is an HTML comment
    )
