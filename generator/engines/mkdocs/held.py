"""Generated pages' HTML between MkDocs' two passes over the pages, kept on disk.

MkDocs converts every page first and writes them all after, so at the end of the first pass it
holds every page's HTML (hundreds of megabytes at ten thousand cards). A one-off build hands the
HTML of each generated page to `Held` once every plugin has seen it, and takes it back just
before the page's template is rendered; once written it is let go (see the plugin's
`on_post_page`).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any, TypeVar

from ...site.spill import Spilled

C = TypeVar("C")


class Held:
    """The HTML of the generated pages (`generated`: their source paths) converted and not yet
    written, by source path."""

    def __init__(self, generated: Container[str]) -> None:
        self._generated = generated
        self._html: Spilled[str, str] = Spilled()

    def hold(self, html: str, page: Any) -> str:
        """Keep the HTML of a generated page, which holds none meanwhile; any other page's is
        left to it."""
        if page.file.src_uri not in self._generated:
            return html
        self._html[page.file.src_uri] = html
        return ""

    def give_back(self, page: Any, context: C) -> C:
        """Give `page` its HTML again, if it was held; `context` (its template's) unchanged."""
        path = page.file.src_uri
        if path in self._html:
            page.content = self._html.pop(path)
        return context
