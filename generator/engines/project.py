"""A site project's configuration (mkdocs.yml) read as plain data, without importing an engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..cards import Catalog, ParseCache, load_catalog
from ..cards.library import Library, LibrarySettingError, library_setting
from ..site.records import read_records

if TYPE_CHECKING:
    from ..site.plan import SiteSettings

PLUGIN_NAME = "tradeoff-cards"
RECORDS_DIR = "adr"  # inside docs_dir: the adr-tools and log4brains folder, away from card URLs


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, keeping `!!python/name:` and `!ENV` values as opaque tagged strings."""


def _keep_tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Tagged:
    return Tagged(
        node.tag, loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""
    )


class Tagged(str):
    """A tagged scalar from mkdocs.yml, written back with its tag."""

    def __new__(cls, tag: str, value: str) -> Tagged:
        obj = super().__new__(cls, value)
        obj.tag = tag  # type: ignore[attr-defined]
        return obj


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _keep_tagged)
_ConfigLoader.add_multi_constructor("!", _keep_tagged)


class _ConfigDumper(yaml.SafeDumper):
    pass


_ConfigDumper.add_representer(
    Tagged,
    lambda dumper, data: dumper.represent_scalar(data.tag, str(data)),  # type: ignore[attr-defined]
)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data (tags kept, nothing executed)."""
    if not path.is_file():
        raise FileNotFoundError(f"MkDocs config not found: {path}")
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_ConfigLoader) or {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The options given to the tradeoff-cards plugin in a mkdocs.yml."""
    for plugin in config.get("plugins") or []:
        if plugin == PLUGIN_NAME:
            return {}
        if isinstance(plugin, dict) and PLUGIN_NAME in plugin:
            return plugin[PLUGIN_NAME] or {}
    if isinstance(config.get("plugins"), dict) and PLUGIN_NAME in config["plugins"]:
        return config["plugins"][PLUGIN_NAME] or {}
    return {}


def without_plugin(plugins: Any) -> Any:
    """The `plugins` setting of a mkdocs.yml with the tradeoff-cards plugin left out."""
    if isinstance(plugins, dict):
        return {k: v for k, v in plugins.items() if k != PLUGIN_NAME}
    return [
        p
        for p in plugins or []
        if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)
    ]


def dump_config(config: dict[str, Any]) -> str:
    """mkdocs.yml text for `config`, tags written back as they were read."""
    return yaml.dump(config, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True)


class Project:
    """A site project: where its cards, pages and templates are, read from its mkdocs.yml."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.config = read_mkdocs_config(config_path)
        self.dir = config_path.resolve().parent
        self.options = plugin_options(self.config)
        self.cards_dir = self.dir / self.options.get("cards_dir", "cards")
        self.docs_dir = self.dir / self.config.get("docs_dir", "docs")
        self.records_folder = str(self.options.get("records_dir", RECORDS_DIR)).strip("/")
        self.records_dir = self.docs_dir / self.records_folder
        theme = self.config.get("theme")
        self.theme: dict[str, Any] = theme if isinstance(theme, dict) else {"name": theme}
        templates = self.options.get("templates_dir") or self.theme.get("custom_dir")
        self.template_dir = str(self.dir / templates) if templates else None
        self.directory_urls = bool(self.config.get("use_directory_urls", True))
        self.site_name = str(self.config.get("site_name") or "Trade-off Cards")
        self.site_url = str(self.config.get("site_url") or "")
        self.site_description = str(self.config.get("site_description") or "")

    def library(self) -> Library | None:
        """The card library the site is built on (its `library` option), if any."""
        try:
            return library_setting(self.options.get("library"), _shown(self.config_path))
        except LibrarySettingError as exc:
            raise FileNotFoundError(f"{_shown(self.config_path)}: library: {exc}") from None

    def catalog(self, cache: ParseCache | None = None, display_root: Path | None = None) -> Catalog:
        """The site's collection: its card folder, on the library when the site uses it."""
        return load_catalog(
            self.cards_dir, cache, display_root=display_root, library=self.library()
        )

    def settings(self) -> SiteSettings:
        """What the site plan needs from this configuration."""
        from ..site.plan import SiteSettings  # the plan's modules load only where a site is planned

        return SiteSettings(
            self.template_dir,
            self.directory_urls,
            self.site_name,
            self.site_url,
            self.site_description,
            records_dir=self.records_folder,
            records=read_records(self.docs_dir, self.records_folder),
        )

    def handwritten_pages(self) -> list[str]:
        """Source paths of the Markdown pages under docs_dir."""
        if not self.docs_dir.is_dir():
            return []
        return sorted(
            p.relative_to(self.docs_dir).as_posix()
            for p in self.docs_dir.rglob("*.md")
            if p.is_file()
        )


def _shown(path: Path) -> str:
    """`path` as a person typed it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
