"""Trade-off Cards: a static knowledge-base generator for trade-off decision cards."""

__version__ = "0.1.0"
