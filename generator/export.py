"""`tradeoffs export`: the complete docs tree as Markdown, buildable without the plugin."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from .catalog import load_catalog
from .render import cards_outside_navigation, render_pages, site_navigation

PLUGIN_NAME = "tradeoff-cards"


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, keeping `!!python/name:` and `!ENV` values as opaque tagged strings."""


def _keep_tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Tagged:
    return Tagged(node.tag, loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else "")


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
    Tagged, lambda dumper, data: dumper.represent_scalar(data.tag, str(data))  # type: ignore[attr-defined]
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


def export_docs(config_path: Path, out: Path, config_out: Path | None = None) -> int:
    """Write hand-written pages plus every generated page into `out`; return the page count.

    With `config_out`, also write a mkdocs.yml for building `out` without the plugin: the same
    configuration, minus the plugin, with the generated navigation written out.
    """
    config = read_mkdocs_config(config_path)
    project = config_path.resolve().parent
    options = plugin_options(config)
    catalog = load_catalog(project / options.get("cards_dir", "cards"))
    theme = config.get("theme") or {}
    templates = options.get("templates_dir") or (theme.get("custom_dir") if isinstance(theme, dict) else None)
    pages = render_pages(
        catalog,
        template_dir=str(project / templates) if templates else None,
        directory_urls=bool(config.get("use_directory_urls", True)),
    )
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; export writes into an empty folder")
    docs_dir = project / config.get("docs_dir", "docs")
    out.mkdir(parents=True, exist_ok=True)
    handwritten = []
    if docs_dir.is_dir():
        shutil.copytree(docs_dir, out, dirs_exist_ok=True)
        handwritten = sorted(
            p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md") if p.is_file()
        )
    for uri, page in pages.items():
        target = out / uri
        if target.exists():
            raise FileExistsError(f"{docs_dir / uri} would be replaced by a generated page")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    if config_out is not None:
        plain = dict(config)
        plain["plugins"] = _without_plugin(config.get("plugins"))
        plain["docs_dir"] = str(out.resolve())
        if not config.get("nav") and options.get("generate_nav", True):
            plain["nav"] = site_navigation(catalog, handwritten)
            outside = cards_outside_navigation(catalog)
            if outside:  # listed on their category page, as the plugin does
                plain["not_in_nav"] = "\n".join(f"/{uri}" for uri in outside) + "\n"
        if isinstance(theme, dict) and theme.get("custom_dir"):
            plain["theme"] = {**theme, "custom_dir": str(project / theme["custom_dir"])}
        config_out.write_text(
            yaml.dump(plain, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return len(pages) + len(handwritten)


def _without_plugin(plugins: Any) -> Any:
    if isinstance(plugins, dict):
        return {k: v for k, v in plugins.items() if k != PLUGIN_NAME}
    return [
        p for p in plugins or []
        if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)
    ]
