"""Use the second core for CPU-bound loops in the core (parsing cards, rendering pages).

MkDocs and the CLI run single-threaded Python; a forked child can take half of a long loop.
Only results travel back (pickled); inputs are shared by the fork itself.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a fork costs more than it saves.
PARALLEL_FROM = 200

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def can_fork(count: int) -> bool:
    """Whether splitting `count` items across a forked child is worth it and safe here."""
    return (
        count >= PARALLEL_FROM
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1  # forking a threaded process is unsafe
        and os.environ.get("TRADEOFFS_NO_FORK") is None
    )


def _child() -> list[Any]:
    assert _TASK is not None, "only called in a child forked by map_halves"
    func, items = _TASK
    return [func(item) for item in items]


def map_halves(
    func: Callable[[T], R], items: Sequence[T], *, parallel: bool | None = None
) -> list[R]:
    """[func(item) for item in items], the second half computed in a forked child when worthwhile."""
    if not (can_fork(len(items)) if parallel is None else parallel):
        return [func(item) for item in items]
    global _TASK
    half = len(items) // 2
    _TASK = (func, items[half:])
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            theirs = pool.apply_async(_child)
            mine = [func(item) for item in items[:half]]
            return mine + theirs.get()
    finally:
        _TASK = None
