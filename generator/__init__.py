"""Trade-off Cards: a static knowledge-base generator for trade-off decision cards.

The version is declared here and nowhere else: the package metadata, `tradeoffs --version`, the
built site's generator tag and the files `tradeoffs init` writes all read it.
"""

__version__ = "1.0.0"
