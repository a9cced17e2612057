"""The one Jinja environment: theme overrides first, then the package's own templates."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..cards.wording import count
from . import citing, markup
from .paths import LinkRewriter, link_rewriter

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"


def _rewrite(context: jinja2.runtime.Context) -> LinkRewriter:
    """The page's link rewriter (a template rendered outside a page links from the home page)."""
    rewrite: LinkRewriter | None = context.get("rewrite")
    return rewrite or link_rewriter("index.md")


@jinja2.pass_context
def _md(context: jinja2.runtime.Context, text: str) -> Markup:
    return markup.inline(text, _rewrite(context))


@jinja2.pass_context
def _para(context: jinja2.runtime.Context, text: str, css_class: str | None = None) -> Markup:
    return markup.paragraphs(text, _rewrite(context), css_class)


@jinja2.pass_context
def _bullets(context: jinja2.runtime.Context, items: list[str], css: str = "") -> Markup:
    return markup.bullets(items, _rewrite(context), css)


@lru_cache(maxsize=8)
def environment(override_dir: str | None = None) -> jinja2.Environment:
    """A Jinja environment that looks in `override_dir` (if any) before the package templates.

    `*.md.j2` page templates autoescape: a value printed without the `md`/`para` filters is
    HTML-escaped, so forgetting a filter shows text instead of injecting it.
    """
    search = [override_dir] if override_dir else []
    search.append(str(PACKAGE_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("md.j2",), default=False),
    )
    filters: dict[str, Any] = {
        "md": _md,
        "uncited": citing.without_citations,
        "para": _para,
        "bullets": _bullets,
        "meta_string": markup.meta_string,
        "json_data": markup.json_data,
        "count": count,
    }
    env.filters.update(filters)
    return env


def template_signature(override_dir: str | None = None) -> list[tuple[str, int, int]]:
    """(path, modification time, size) of every template a Jinja environment can load: when it
    changes, pages rendered before may be out of date."""
    found = []
    for folder in [override_dir, str(PACKAGE_TEMPLATES)]:
        if folder and Path(folder).is_dir():
            for path in sorted(Path(folder).rglob("*.j2")):
                stat = path.stat()
                found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return found
