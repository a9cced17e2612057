"""Stage one of the pipeline: read the card folder, validate every file, link the collection."""

from .catalog import Catalog, InvalidCollection, load_catalog
from .linking import RELATION_KINDS, Backlink, Reach
from .problems import Problem
from .reading import DECISIONS_DIR, FAILURE_MODES_DIR, Entry, ParseCache

__all__ = [
    "DECISIONS_DIR",
    "FAILURE_MODES_DIR",
    "RELATION_KINDS",
    "Backlink",
    "Catalog",
    "Entry",
    "InvalidCollection",
    "ParseCache",
    "Problem",
    "Reach",
    "load_catalog",
]
