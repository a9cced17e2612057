"""Engine adapters: each hands the site plan to one site engine."""

from __future__ import annotations

# The engines `tradeoffs build --engine` knows (see commands.py), the default first.
ENGINES = ("mkdocs", "properdocs", "zensical")

# What each engine is, for `tradeoffs build --help` readers and the site's engine page.
ENGINE_NOTES = {
    "mkdocs": "MkDocs 1.6 with the plugin: fast previews that rebuild only what changed, card "
    "search indexed from the cards. The default: the plugin was built on it and it runs "
    "everything.",
    "properdocs": "The maintained MkDocs 1.x fork; loads the same plugin.",
    "zensical": "Material's successor builds the exported Markdown tree, as it runs no plugins: "
    "no incremental preview. As under MkDocs, edit links open the card's YAML and the repository "
    "link fetches no statistics from its host unless `external_requests: true`.",
}
