"""Words that change with a number, for every message and page that counts something."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """'1 card', '2 cards', '0 cards', '1,200 links': the number and its noun in the right form
    (`plural` for a noun that does not just add an s: count(n, "entry", "entries"))."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
