"""`tradeoffs export`: the site plan as a tree of Markdown files, buildable without the plugin.

The plan's other files go where an engine serves them as they are: stylesheets, scripts, the JSON
API and `llms.txt` into the docs tree, which every engine copies into the site. The Markdown
version of each card cannot go there (an engine would make a page of it), so those files are
written into a folder of their own, to be copied into the built site after building.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..cards import load_catalog
from ..site.plan import build_plan
from .project import Project, dump_config, without_plugin


def markdown_folder(out: Path) -> Path:
    """Where export writes the Markdown files by default: beside `out`, as `<out>-markdown`."""
    return out.with_name(f"{out.name}-markdown")


def _empty_or_missing(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; export writes into an empty folder")


def export_docs(
    config_path: Path,
    out: Path,
    config_out: Path | None = None,
    markdown_out: Path | None = None,
) -> int:
    """Write hand-written pages plus every generated page into `out`; return the page count.

    The plan's files go into `out` as well (a hand-written file at the same path is kept), except
    Markdown files, which go into `markdown_out` (default: `markdown_folder(out)`). With
    `config_out`, also write a mkdocs.yml for building `out` without the plugin: the same
    configuration, minus the plugin, with the plan's navigation and assets written out.
    """
    project = Project(config_path)
    catalog = load_catalog(project.cards_dir, display_root=project.dir)
    plan = build_plan(catalog, project.settings())
    markdown_out = markdown_out or markdown_folder(out)
    _empty_or_missing(out)
    _empty_or_missing(markdown_out)
    out.mkdir(parents=True, exist_ok=True)
    handwritten = project.handwritten_pages()
    if project.docs_dir.is_dir():
        shutil.copytree(project.docs_dir, out, dirs_exist_ok=True)
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
    if config_out is not None:
        plain = dict(project.config)
        plain["plugins"] = without_plugin(project.config.get("plugins"))
        plain["docs_dir"] = str(out.resolve())
        for key, paths in (("extra_css", plan.stylesheets), ("extra_javascript", plan.scripts)):
            listed = list(plain.get(key) or [])
            plain[key] = listed + [p for p in paths if p not in listed]
        if not project.config.get("nav") and project.options.get("generate_nav", True):
            plain["nav"] = plan.navigation(handwritten)
            if plan.not_in_nav:  # listed on their category page, as the plugin does
                plain["not_in_nav"] = "\n".join(f"/{path}" for path in plan.not_in_nav) + "\n"
        if project.theme.get("custom_dir"):
            plain["theme"] = {
                **project.theme,
                "custom_dir": str(project.dir / project.theme["custom_dir"]),
            }
        config_out.write_text(dump_config(plain), encoding="utf-8")
    return len(plan.pages) + len(handwritten)
