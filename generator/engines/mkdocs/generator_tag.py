"""The page's generator tag names this package and its version after the engine and theme.

Material writes the tag inside a template block that holds most of the page's head, so adding
to the tag in the finished page is smaller and sturdier than overriding that block.
"""

from __future__ import annotations

import re

from ... import __version__

GENERATOR = f"tradeoff-cards-{__version__}"
_TAG = re.compile(r'(<meta name="generator" content=")([^"]*)(")')


def name_generator(page: str) -> str:
    """The page with `tradeoff-cards-X.Y.Z` added to its generator tag, or a tag of its own
    after `<head>` when the theme writes none."""
    tagged, count = _TAG.subn(lambda m: f"{m[1]}{m[2]}, {GENERATOR}{m[3]}", page, count=1)
    if count:
        return tagged
    return page.replace("<head>", f'<head>\n<meta name="generator" content="{GENERATOR}">', 1)
