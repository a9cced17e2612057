"""The one Jinja environment: theme overrides first, then the package's own templates."""

from __future__ import annotations

import contextlib
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes
from markupsafe import Markup

from ..cards.linking import by_option
from ..cards.wording import count
from . import citing, markup
from .paths import LinkRewriter, link_rewriter

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
# An override extends the built-in template of the same name through this prefix:
# `{% extends "builtin/home.md.j2" %}` (the plain name would find the override itself).
BUILTIN_PREFIX = "builtin"
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


def environment(override_dir: str | None = None) -> jinja2.Environment:
    """A Jinja environment that looks in `override_dir` (if any) before the package templates.

    `*.md.j2` page templates autoescape: a value printed without the `md`/`para` filters is
    HTML-escaped, so forgetting a filter shows text instead of injecting it.
    """
    # A new one when a template is added, changed or removed: Jinja rechecks the file it found
    # for a name, not whether an override of that name has appeared since (in the preview).
    return _environment(override_dir, tuple(template_signature(override_dir)))


@lru_cache(maxsize=8)
def _environment(
    override_dir: str | None, signature: tuple[tuple[str, int, int], ...]
) -> jinja2.Environment:
    package = jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))
    loaders: list[jinja2.BaseLoader] = (
        [jinja2.FileSystemLoader(override_dir)] if override_dir else []
    )
    loaders += [jinja2.PrefixLoader({BUILTIN_PREFIX: package}), package]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
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
        "by_option": by_option,
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


class TemplateProblem(Exception):
    """A template that cannot be read or rendered: a site's own mistake in an override (or a
    built-in template changed by hand), told as `path:line: what` rather than a traceback."""


def template_problem(error: Exception, page: str) -> TemplateProblem | None:
    """`error` raised while rendering `page` as a TemplateProblem naming the template's file and
    line, or None when it is not the template's doing (a bug, which keeps its traceback)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = _place(error.filename or error.name or "a template", error.lineno)
        return TemplateProblem(f"{where}: {error.message} (rendering {page})")
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    ours = not frames or Path(frames[-1].filename).parent == PACKAGE_TEMPLATES
    if not isinstance(error, jinja2.TemplateError) and ours:
        return None
    where = _place(frames[-1].filename, frames[-1].lineno) if frames else "a template"
    what = (
        str(error)
        if isinstance(error, jinja2.TemplateError)
        else f"{type(error).__name__}: {error}"
    )
    if isinstance(error, RecursionError):
        what += f'; an override extends the built-in template as "{BUILTIN_PREFIX}/NAME.md.j2"'
    return TemplateProblem(f"{where}: {what} (rendering {page})")


def _place(filename: str, line: int | None) -> str:
    """`filename` relative to the working folder when inside it, with `:line`."""
    path = Path(filename)
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(Path.cwd())
    return f"{path.as_posix()}:{line}" if line else path.as_posix()


def _syntax_tree(name: str) -> jinja2.nodes.Template:
    source = (PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
    return environment().parse(source, name)


def template_blocks(name: str) -> list[str]:
    """The blocks of a built-in template, in the order they appear (read from its syntax tree, so
    the documentation lists what an override can replace)."""
    return [block.name for block in _syntax_tree(name).find_all(jinja2.nodes.Block)]


def template_macros(name: str) -> list[str]:
    """The macros a built-in template defines, in order."""
    return [macro.name for macro in _syntax_tree(name).find_all(jinja2.nodes.Macro)]
