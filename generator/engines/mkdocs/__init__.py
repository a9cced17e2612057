"""The MkDocs engine adapter: the only part of the package that imports MkDocs."""

from .plugin import TradeoffCardsPlugin

__all__ = ["TradeoffCardsPlugin"]
