"""The plan's pages as MkDocs files, and what a dirty build may leave as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from ...site.markup import html_text
from ...site.plan import SitePlan, SiteSettings
from ...site.records import read_records
from .raw_html import split_html_blocks


def add_plan_pages(
    files: Files,
    config: MkDocsConfig,
    plan: SitePlan,
    changed: set[str] | None,
    project_dir: Path,
    serving: bool = False,
) -> dict[str, list[str]]:
    """Add a generated file per page of the plan; returns each page's HTML blocks, which are
    kept from Python-Markdown and put back after conversion. A one-off build (not `serving`)
    reads and splits each page only when MkDocs reads it (`prerendered.render_from_plan`): a
    whole site's pages (hundreds of megabytes at ten thousand cards) are never all in memory at once."""
    docs = relative(Path(config.docs_dir), project_dir)
    for file in files:
        if file.is_documentation_page():
            file.edit_uri = f"{docs}/{file.src_uri}" if docs else file.src_uri
            if changed is None:
                file.is_modified = always  # type: ignore[method-assign]
    blocks: dict[str, list[str]] = {}
    outside = frozenset(plan.not_in_nav)
    where = _Resolver()
    for path in plan.pages:
        if files.get_file_from_path(path) is not None:
            raise PluginError(
                f"tradeoff-cards: {docs}/{path} would be replaced by a generated page; rename or remove it"
            )
        if not serving:
            markdown = ""  # read when MkDocs reads the page
        elif changed is None or path in changed:
            markdown, blocks[path] = split_html_blocks(plan.pages[path].markdown)
        else:  # a dirty build does not read it: its title comes from the plan
            markdown = plan.pages[path].markdown
        inclusion = InclusionLevel.NOT_IN_NAV if path in outside else InclusionLevel.UNDEFINED
        file = File.generated(config, path, content=markdown, inclusion=inclusion)
        # Read only by dirty builds (`mkdocs serve --dirty`): unchanged pages are left as built.
        file.is_modified = always if changed is None or path in changed else _never  # type: ignore[method-assign]
        # A library card's file is in the installed package: the site has nothing to edit there.
        source = plan.sources.get(path)
        found = where(source) if source is not None else None
        inside = found is not None and found.is_relative_to(project_dir)
        file.edit_uri = found.relative_to(project_dir).as_posix() if found and inside else None
        files.append(file)
    _refuse_shared_addresses(files, plan, docs, project_dir)
    return blocks


class _Resolver:
    """`Path.resolve` of many files in a few folders: each folder resolved once."""

    def __init__(self) -> None:
        self.folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if path.is_symlink():
            return path.resolve()
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = self.folders[path.parent] = path.parent.resolve()
        return folder / path.name


def _refuse_shared_addresses(files: Files, plan: SitePlan, docs: str, project_dir: Path) -> None:
    """Two sources for one address would leave one of them silently unpublished (a decision
    record in docs/decisions/ named like a card, a page beside a folder's index.md): an error
    naming both."""

    def source(file: File) -> str:
        page = plan.pages.get(file.src_uri) if file.generated_by else None
        if page is not None:
            origin = relative(page.source, project_dir) if page.source else "the cards"
            return f"the page generated from {origin}"
        return f"{docs}/{file.src_uri}" if docs else file.src_uri

    seen: dict[str, File] = {}
    clashes = []
    for file in files:
        first = seen.setdefault(file.dest_uri, file)
        if first is not file and (first.is_documentation_page() or file.is_documentation_page()):
            clashes.append(f"{source(first)} and {source(file)} are both published at /{file.url}")
    if clashes:
        raise PluginError(
            "tradeoff-cards: two sources for one address; rename or move one of each pair:\n"
            + "\n".join(f"  {line}" for line in clashes)
        )


def template_dir(templates: str | None, config: MkDocsConfig, project_dir: Path) -> str | None:
    """Where the site's template overrides are: the plugin's `templates_dir` (from the project's
    folder), else the theme's `custom_dir`."""
    return str(project_dir / templates) if templates else config.theme.custom_dir


def site_settings(
    config: MkDocsConfig, template_dir: str | None, records_dir: str = "adr"
) -> SiteSettings:
    """What the site plan needs from the MkDocs configuration, and the decision records."""
    records_dir = records_dir.strip("/")
    return SiteSettings(
        template_dir,
        config.use_directory_urls,
        config.site_name,
        config.site_url or "",
        config.site_description or "",
        records_dir=records_dir,
        records=read_records(Path(config.docs_dir), records_dir),
    )


def site_inputs(config: MkDocsConfig, template_dir: str | None) -> list[tuple[str, int]]:
    """Modification times of what besides the cards shows on pages: the config, the theme's
    overrides and the hand-written pages. When one changes, every page is rebuilt."""
    watched = [Path(config.config_file_path or "mkdocs.yml")]
    for folder in (template_dir, config.theme.custom_dir, config.docs_dir):
        if folder and Path(folder).is_dir():
            watched.extend(p for p in Path(folder).rglob("*") if p.is_file())
    return sorted((str(p), p.stat().st_mtime_ns) for p in watched)


def relative(path: Path, base_dir: Path) -> str:
    """`path` relative to `base_dir` when inside it, else as given."""
    try:
        return path.resolve().relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()


def always() -> bool:
    return True


def _never() -> bool:
    return False


def give_unread_pages_titles(nav: Any, plan: SitePlan, config: MkDocsConfig) -> None:
    """A dirty build does not read unchanged pages; a title the navigation does not give (shown
    in the navigation and footer of rebuilt pages) comes from the plan, escaped because themes
    print titles as they are, or from the hand-written page's source."""
    for page in nav.pages:
        if page.file.is_modified() or "title" in vars(page):
            continue
        planned = plan.pages.get(page.file.src_uri)
        if planned is not None:
            page.title = html_text(planned.title)
        elif page.markdown is None:
            page.read_source(config)


def finish_navigation(nav: Any, plan: SitePlan, config: MkDocsConfig) -> Any:
    """The navigation as pages show it: titles for pages not read, neighbours in the section."""
    give_unread_pages_titles(nav, plan, config)
    return neighbours_within_sections(nav)


def neighbours_within_sections(nav: Any) -> Any:
    """The footer's Previous and Next links stay within a page's section: from the last card of
    one category, "Next" would otherwise lead to the first card of another (or from the home
    page into the first section), a step no reader asked for."""
    for page in nav.pages:
        if page.previous_page is not None and page.previous_page.parent is not page.parent:
            page.previous_page = None
        if page.next_page is not None and page.next_page.parent is not page.parent:
            page.next_page = None
    return nav
