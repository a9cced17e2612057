"""`tradeoffs export`: the site plan as a tree of Markdown files, buildable without the plugin."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..cards import load_catalog
from ..site.plan import SiteSettings, build_plan
from .project import Project, dump_config, without_plugin


def export_docs(config_path: Path, out: Path, config_out: Path | None = None) -> int:
    """Write hand-written pages plus every generated page into `out`; return the page count.

    With `config_out`, also write a mkdocs.yml for building `out` without the plugin: the same
    configuration, minus the plugin, with the plan's navigation written out.
    """
    project = Project(config_path)
    catalog = load_catalog(project.cards_dir, display_root=project.dir)
    settings = SiteSettings(
        project.template_dir, project.directory_urls, project.site_name, project.site_url
    )
    plan = build_plan(catalog, settings)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; export writes into an empty folder")
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
    if config_out is not None:
        plain = dict(project.config)
        plain["plugins"] = without_plugin(project.config.get("plugins"))
        plain["docs_dir"] = str(out.resolve())
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
