"""What the Zensical adapter adds to the exported tree so that the site keeps the plugin's
promises under an engine that runs no plugins: nothing requested from another host by default
(the repository link asks its host for statistics unless its partial is replaced), and edit
links that open the card's YAML, as under MkDocs, rather than the generated Markdown.

The replaced partials live in a theme folder written beside the tree, with the site's own
`custom_dir` copied over them: the site's overrides win, as they do under the plugin.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..site.plan import SitePlan
from .project import Project

HERE = Path(__file__).parent
PARTIALS = HERE / "zensical_overrides" / "partials"
# Material's repository link without the component that fetches the host's statistics, as the
# plugin serves it under MkDocs
SOURCE_PARTIAL = HERE / "mkdocs" / "overrides" / "partials" / "source.html"
EDIT_KEY = "tradeoff_cards_edit_url"  # read by zensical_overrides/partials/actions.html
# MkDocs' edit_uri when a site sets none, by repository host
DEFAULT_EDIT_URI = {"github.com": "edit/master/docs/", "gitlab.com": "edit/master/docs/"}
DEFAULT_EDIT_URI["bitbucket.org"] = "src/default/docs/"


def edit_uri(config: dict[str, Any]) -> str | None:
    """The site's edit_uri as MkDocs reads it (a default for known hosts, a final slash), which
    the plugin takes as relative to the project folder; None when pages have no edit link."""
    repo_url = str(config.get("repo_url") or "")
    if "edit_uri" in config:
        uri = str(config.get("edit_uri") or "")
    else:
        uri = DEFAULT_EDIT_URI.get(urlsplit(repo_url).hostname or "", "") if repo_url else ""
    if not uri:
        return None
    return uri if uri.endswith("/") else f"{uri}/"


def edit_url(config: dict[str, Any], path: str) -> str:
    """The edit address of `path` (relative to the project folder), joined as MkDocs joins it."""
    uri = edit_uri(config) or ""
    repo_url = str(config.get("repo_url") or "")
    if repo_url and not repo_url.endswith("/"):
        repo_url += "/"
    return urljoin(repo_url, uri + path)


def point_edit_links_at_sources(
    project: Project, plan: SitePlan, docs: Path, config: dict[str, Any]
) -> None:
    """Give each generated page in `docs` its edit address in its front matter (its card's
    YAML, or none), and set `config`'s edit_uri so that hand-written pages open their file in
    the project's docs_dir, as the plugin does."""
    uri = edit_uri(project.config)
    if uri is None or config.get("edit_uri_template"):
        return
    docs_dir = _inside(project.docs_dir, project.dir)
    if docs_dir is not None:
        config["edit_uri"] = uri + docs_dir
    for path, page in plan.pages.items():
        source = _inside(page.source, project.dir) if page.source else None
        address = edit_url(project.config, source) if source else ""
        target = docs / path
        text = target.read_text(encoding="utf-8")
        field = f"{EDIT_KEY}: {json.dumps(address)}\n"  # a JSON string is a YAML string
        if text.startswith("---\n"):
            text = f"---\n{field}{text[4:]}"
        else:
            text = f"---\n{field}---\n{text}"
        target.write_text(text, encoding="utf-8")


def _inside(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder`, or None when it is elsewhere."""
    try:
        return path.resolve().relative_to(folder).as_posix()
    except ValueError:
        return None


def write_theme_overrides(project: Project, folder: Path, config: dict[str, Any]) -> None:
    """Write the replaced partials into `folder`, copy the site's custom_dir (but its page
    templates) over them and make `folder` the configuration's custom_dir."""
    partials = folder / "partials"
    partials.mkdir(parents=True)
    shutil.copy(PARTIALS / "actions.html", partials / "actions.html")
    if not project.options.get("external_requests", False):
        shutil.copy(SOURCE_PARTIAL, partials / "source.html")
    own = project.theme.get("custom_dir")
    if own and (project.dir / own).is_dir():
        # without the page templates (*.j2): the plan has read them, Zensical would publish them
        ignore = shutil.ignore_patterns("*.j2")
        shutil.copytree(project.dir / own, folder, dirs_exist_ok=True, ignore=ignore)
    config["theme"] = {**config["theme"], "custom_dir": str(folder)}
