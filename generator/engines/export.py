"""`tradeoffs export`: the site plan as a tree of Markdown files that any MkDocs-compatible
engine builds without the plugin (Zensical among them), with a configuration to build it.

The plan's other files go where an engine serves them as they are: stylesheets, scripts, the JSON
API, `llms.txt` and the search index into the docs tree, which every engine copies into the site. The Markdown
version of each card cannot go there (an engine would make a page of it), so those files are
written into a folder of their own, to be copied into the built site after building.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..cards.library import footer_notice
from ..site.paths import page_url
from ..site.plan import SitePlan, build_plan
from ..site.records import with_note
from ..site.search_index import write_search_index
from .project import Project, dump_config, without_plugin


def plan_for(project: Project, links_from_source: bool = False) -> SitePlan:
    """The site plan of a project, as the plugin would compute it."""
    catalog = project.catalog(display_root=project.dir)
    return build_plan(catalog, replace(project.settings(), links_from_source=links_from_source))


def markdown_folder(out: Path) -> Path:
    """Where export writes the Markdown files by default: beside `out`, as `<out>-markdown`."""
    return out.with_name(f"{out.name}-markdown")


def _empty_or_missing(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; export writes into an empty folder")


def _refuse_shared_addresses(project: Project, plan: SitePlan, handwritten: list[str]) -> None:
    """Two pages at one address (a hand-written `decisions/x/index.md` and the card page
    `decisions/x.md`) would leave one unpublished: an error naming both, as in the plugin."""
    seen: dict[str, str] = {}
    clashes = []
    sources = [(p, os.path.relpath(project.docs_dir / p, project.dir)) for p in handwritten]
    sources += [
        (p, f"the page generated from {os.path.relpath(page.source, project.dir)}")
        if page.source
        else (p, f"the generated page {p}")
        for p, page in plan.pages.items()
    ]
    for path, source in sources:
        url = page_url(path, project.directory_urls)
        first = seen.setdefault(url, source)
        if first != source:
            clashes.append(f"{first} and {source} are both published at /{url}")
    if clashes:
        raise FileExistsError("two sources for one address: " + "; ".join(clashes))


def write_tree(project: Project, plan: SitePlan, out: Path, markdown_out: Path) -> int:
    """Write hand-written pages, every generated page and the plan's files into `out`, and the
    plan's Markdown files into `markdown_out` (both must be empty); return the page count."""
    _empty_or_missing(out)
    _empty_or_missing(markdown_out)
    handwritten = project.handwritten_pages()
    _refuse_shared_addresses(project, plan, handwritten)
    out.mkdir(parents=True, exist_ok=True)
    if project.docs_dir.is_dir():
        shutil.copytree(project.docs_dir, out, dirs_exist_ok=True)
    for path, note in plan.record_notes.items():  # as the plugin adds them to record pages
        record = out / path
        if record.is_file() and not record.is_symlink():
            record.write_text(with_note(record.read_text(encoding="utf-8"), note), encoding="utf-8")
    for path, page in plan.pages.items():
        target = out / path
        if target.exists():
            raise FileExistsError(
                f"{project.docs_dir / path} would be replaced by a generated page"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    for path, content in plan.files.items():
        target = (markdown_out if path.endswith(".md") else out) / path
        if target.exists():
            continue  # the site's own file wins, as with the plugin
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return len(plan.pages) + len(handwritten)


def plain_config(project: Project, plan: SitePlan, docs_dir: str) -> dict[str, Any]:
    """The project's configuration for building the exported tree without the plugin: the
    plugin left out, the plan's navigation, stylesheets and scripts written in, and the Markdown
    extension the generated headings use."""
    config = dict(project.config)
    config["plugins"] = without_plugin(project.config.get("plugins"))
    config["docs_dir"] = docs_dir
    if not project.config.get("nav") and project.options.get("generate_nav", True):
        indexes = "navigation.indexes" in (project.theme.get("features") or [])
        config["nav"] = plan.navigation(project.handwritten_pages(), section_indexes=indexes)
        if plan.not_in_nav:  # listed on their category page, as the plugin does
            config["not_in_nav"] = "\n".join(f"/{path}" for path in plan.not_in_nav) + "\n"
    for key, paths in (("extra_css", plan.stylesheets), ("extra_javascript", plan.scripts)):
        listed = list(config.get(key) or [])
        config[key] = listed + [p for p in paths if p not in listed]
    extensions = list(config.get("markdown_extensions") or [])
    named = [e if isinstance(e, str) else next(iter(e)) for e in extensions]
    if "attr_list" not in named:
        extensions.append("attr_list")
    config["markdown_extensions"] = extensions
    if project.library() is not None:  # the library's content licence, as the plugin says it
        config["copyright"] = footer_notice(config.get("copyright"))
    theme = dict(project.theme)
    if not project.options.get("external_requests", False):
        theme["font"] = False
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(project.dir / theme["custom_dir"])
    config["theme"] = theme
    return config


def export_docs(
    config_path: Path,
    out: Path,
    config_out: Path | None = None,
    markdown_out: Path | None = None,
    *,
    force: bool = False,
) -> int:
    """Write the tree into `out` (Markdown data files into `markdown_out`, by default
    `markdown_folder(out)`); with `config_out`, also a mkdocs.yml that builds it, which replaces
    an existing file only with `force`. Nothing is written when a check fails."""
    if config_out is not None and not force and os.path.lexists(config_out):
        raise FileExistsError(
            f"{config_out} already exists; choose another --mkdocs-config-out or add --force "
            "to replace it"
        )
    if config_out is not None and config_out.is_dir():
        raise FileExistsError(f"{config_out} is a folder; --mkdocs-config-out names a file")
    project = Project(config_path)
    plan = plan_for(project)
    count = write_tree(project, plan, out, markdown_out or markdown_folder(out))
    # The search index is static files: the engine that builds the tree copies them as they are.
    write_search_index(plan, out)
    if config_out is not None:
        config = plain_config(project, plan, str(out.resolve()))
        config_out.write_text(dump_config(config), encoding="utf-8")
    return count
