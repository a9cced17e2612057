"""Engine adapters: each hands the site plan to one site engine."""

# The engines `tradeoffs build --engine` knows (see commands.py), the default first.
ENGINES = ("mkdocs", "properdocs", "zensical")
