"""`tradeoffs export`: the site plan as a tree of Markdown files that any MkDocs-compatible
engine builds without the plugin (Zensical among them), with a configuration to build it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..cards import load_catalog
from ..site.plan import SitePlan, SiteSettings, build_plan
from .project import Project, dump_config, without_plugin


def plan_for(project: Project, links_from_source: bool = False) -> SitePlan:
    """The site plan of a project, as the plugin would compute it."""
    catalog = load_catalog(project.cards_dir, display_root=project.dir)
    settings = SiteSettings(
        project.template_dir,
        project.directory_urls,
        project.site_name,
        project.site_url,
        links_from_source,
    )
    return build_plan(catalog, settings)


def write_tree(project: Project, plan: SitePlan, out: Path) -> int:
    """Write hand-written pages, every generated page and the pages' assets into `out` (which
    must be empty); return the page count. Data files in Markdown are left for after the build
    (an engine would make pages of them)."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; export writes into an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    handwritten = project.handwritten_pages()
    if project.docs_dir.is_dir():
        shutil.copytree(project.docs_dir, out, dirs_exist_ok=True)
    written = {**{path: page.markdown for path, page in plan.pages.items()}}
    written.update({p: c for p, c in plan.files.items() if not p.endswith(".md")})
    for path, content in written.items():
        target = out / path
        if target.exists():
            raise FileExistsError(
                f"{project.docs_dir / path} would be replaced by a generated page"
            )
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
    config["extra_css"] = [*(config.get("extra_css") or []), *plan.stylesheets]
    config["extra_javascript"] = [*(config.get("extra_javascript") or []), *plan.scripts]
    extensions = list(config.get("markdown_extensions") or [])
    named = [e if isinstance(e, str) else next(iter(e)) for e in extensions]
    if "attr_list" not in named:
        extensions.append("attr_list")
    config["markdown_extensions"] = extensions
    theme = dict(project.theme)
    if not project.options.get("external_requests", False):
        theme["font"] = False
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(project.dir / theme["custom_dir"])
    config["theme"] = theme
    return config


def export_docs(config_path: Path, out: Path, config_out: Path | None = None) -> int:
    """Write the tree into `out`; with `config_out`, also a mkdocs.yml that builds it."""
    project = Project(config_path)
    plan = plan_for(project)
    count = write_tree(project, plan, out)
    if config_out is not None:
        config = plain_config(project, plan, str(out.resolve()))
        config_out.write_text(dump_config(config), encoding="utf-8")
    return count
