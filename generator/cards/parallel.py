"""Use the second core for CPU-bound loops in the core (parsing cards, rendering pages).

MkDocs and the CLI run single-threaded Python; a forked child can take half of a long loop.
Only results travel back (pickled); inputs are shared by the fork itself. The child pickles its
results a batch at a time into an unnamed temporary file, and the parent reads them back a
batch at a time: neither holds the whole half pickled beside its objects (hundreds of megabytes
of pages at ten thousand cards), and the child never waits on a full pipe while the parent
works on its own half.

`fewer_collections` paces Python's cyclic garbage collector for the same long loops.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Objects made between two collections of the youngest generation while cards are loaded and
# planned (Python's default is 700).
COLLECT_EVERY = 50_000
# Below this many items a fork costs more than it saves.
PARALLEL_FROM = 200
BATCH = 50  # results pickled at a time by the child

_TASK: tuple[Callable[[Any], Any], Sequence[Any], Any, Any] | None = None


class WorkerDied(RuntimeError):
    """The forked child stopped without an answer (a crash, a kill); the message says on what."""


def can_fork(count: int) -> bool:
    """Whether splitting `count` items across a forked child is worth it and safe here."""
    return count >= PARALLEL_FROM and fork_is_safe()


def fork_is_safe() -> bool:
    """Whether a forked child can work beside this process here: on a second core, from a
    process that runs no other thread (forking a threaded process is unsafe), unless
    TRADEOFFS_NO_FORK is set."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and os.environ.get("TRADEOFFS_NO_FORK") is None
    )


def _child(sender: Connection) -> None:
    assert _TASK is not None, "only called in a child forked by map_halves"
    func, items, progress, spill = _TASK
    try:
        batch = []
        for index, item in enumerate(items):
            progress.value = index  # read by the parent if this child dies on the item
            batch.append(func(item))
            if len(batch) == BATCH:
                pickle.dump(batch, spill, pickle.HIGHEST_PROTOCOL)
                batch = []
        pickle.dump(batch, spill, pickle.HIGHEST_PROTOCOL)
        spill.flush()
        sender.send(("ok", len(items)))
    except BaseException as exc:  # the parent raises it, as for its own half
        sender.send(("error", exc))


def _reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


class _Child(Generic[T, R]):
    """One forked process computing func(item) for every item; never waited on past its death."""

    def __init__(self, func: Callable[[T], R], items: Sequence[T]) -> None:
        global _TASK
        context = multiprocessing.get_context("fork")
        self.func, self.items = func, items
        self.progress = context.RawValue("q", 0)
        self.receiver, sender = context.Pipe(duplex=False)
        self.spill = tempfile.TemporaryFile()  # noqa: SIM115  (closed by stop)
        _TASK = (func, items, self.progress, self.spill)
        try:
            self.process = context.Process(target=_child, args=(sender,), daemon=True)
            self.process.start()
        finally:
            _TASK = None
            sender.close()  # the child's end only: its death then reads as end of file here

    def results(self, on_death: Callable[[T, str], R] | None) -> list[R]:
        """The child's results; when it died, what `on_death` says for the item it was on."""
        return list(self.each_result(on_death))

    def each_result(self, on_death: Callable[[T, str], R] | None) -> Iterator[R]:
        """The child's results one at a time, read back a batch at a time (see `results`)."""
        try:
            try:
                kind, value = self.receiver.recv()
            except EOFError:
                yield from self._after_death(on_death)
                return
            if kind == "error":
                raise value
            self.spill.seek(0)
            read = 0
            while read < value:
                batch = pickle.load(self.spill)
                read += len(batch)
                yield from batch
        finally:
            self.stop()

    def _after_death(self, on_death: Callable[[T, str], R] | None) -> list[R]:
        self.process.join()
        at = self.progress.value
        reason = _reason(self.process.exitcode)
        if on_death is None:
            raise WorkerDied(
                f"a worker process stopped ({reason}) while working on {self.items[at]!r}"
            ) from None
        # The items before were done in the child, so redoing them here is safe.
        done: list[R] = [self.func(item) for item in self.items[:at]]
        rest = self.items[at + 1 :]
        later: list[R] = _in_child(self.func, rest, on_death) if rest else []
        return [*done, on_death(self.items[at], reason), *later]

    def stop(self) -> None:
        """End the child if it still runs, and reap it."""
        self.receiver.close()
        self.spill.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _in_child(
    func: Callable[[T], R], items: Sequence[T], on_death: Callable[[T, str], R] | None
) -> list[R]:
    child = _Child(func, items)
    try:
        return child.results(on_death)
    finally:
        child.stop()


def map_halves(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    parallel: bool | None = None,
    on_death: Callable[[T, str], R] | None = None,
) -> list[R]:
    """[func(item) for item in items], the second half computed in a forked child when worthwhile.

    A child that dies is never waited on: the item it was on gets `on_death(item, reason)` and
    the others are computed again, or, without `on_death`, WorkerDied is raised.
    """
    return list(each_of_halves(func, items, parallel=parallel, on_death=on_death))


def each_of_halves(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    parallel: bool | None = None,
    on_death: Callable[[T, str], R] | None = None,
) -> Generator[R, None, None]:
    """`map_halves`, one result at a time, in order: the caller can put each away as it comes
    (the child's half is read back a batch at a time), so all of them are never held at once."""
    if not (can_fork(len(items)) if parallel is None else parallel):
        yield from (func(item) for item in items)
        return
    half = len(items) // 2
    child = _Child(func, items[half:])
    try:
        for item in items[:half]:
            yield func(item)
        yield from child.each_result(on_death)
    finally:
        child.stop()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector runs less often within (also as a decorator): loading
    and planning cards make millions of objects, most of which live on (the catalog, the pages),
    and every collection walks those of its generations. At the default pace that was 6% of a
    1,000-card load and plan; the objects made between collections cost a few MiB more at most.
    The previous pace is restored on leaving; a forked worker keeps the pace it was forked with."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], COLLECT_EVERY), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Ctrl-C and a termination request wait within, and arrive on leaving (in the main thread,
    where Python handles them; elsewhere nothing is held): for steps that must finish once
    begun, such as starting a process and recording it where a stopped build finds it."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
