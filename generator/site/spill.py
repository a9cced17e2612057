"""A mapping kept on disk: what a one-off build makes early and uses late need not wait in memory.

A build plans every page before the engine writes the first one, and the engine collects every
page's HTML before it writes them. At ten thousand cards either is hundreds of megabytes held at
once for a moment's use each. `Spilled` keeps the values in an unnamed temporary file instead:
each is pickled when it is set and read back when it is asked for.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")


def _write_at(file: Any, data: bytes, offset: int) -> None:
    """Write at `offset` without moving the file's position, which a forked process reading
    the same mapping shares."""
    if not hasattr(os, "pwrite"):  # no fork there either
        file.seek(offset)
        file.write(data)
        return
    view = memoryview(data)
    while view:
        written = os.pwrite(file.fileno(), view, offset)
        view, offset = view[written:], offset + written


def _read_at(file: Any, size: int, offset: int) -> bytes:
    if not hasattr(os, "pread"):
        file.seek(offset)
        whole: bytes = file.read(size)
        return whole
    pieces = []
    while size:
        piece = os.pread(file.fileno(), size, offset)
        if not piece:
            raise EOFError("a spilled value is shorter than written")
        pieces.append(piece)
        size, offset = size - len(piece), offset + len(piece)
    return b"".join(pieces)


class Spilled(MutableMapping[K, V]):
    """A mapping whose values live in an unnamed temporary file; only the keys, in their order,
    and where each value is, stay in memory. A value is a copy of what was set (changing it
    changes nothing stored). Reads and writes may come from two threads, and reads from a
    process forked once the values were set: the search index is made from the pages while the
    engine writes them. Setting a key again leaves its old value's
    bytes in the file: meant for values set once or twice, read a few times."""

    def __init__(self, items: Any = ()) -> None:
        self._file = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115  (closed with the mapping)
        self._at: dict[K, tuple[int, int]] = {}
        self._end = 0
        self._lock = threading.Lock()
        self.update(items)

    def __setitem__(self, key: K, value: V) -> None:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            _write_at(self._file, data, self._end)
            self._at[key] = (self._end, len(data))
            self._end += len(data)

    def __getitem__(self, key: K) -> V:
        with self._lock:
            offset, size = self._at[key]
            data = _read_at(self._file, size, offset)
        value: V = pickle.loads(data)
        return value

    def __delitem__(self, key: K) -> None:
        with self._lock:
            del self._at[key]

    def __contains__(self, key: object) -> bool:
        return key in self._at  # without reading the value

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._at))

    def __len__(self) -> int:
        return len(self._at)

    def order_by(self, key: Callable[[K], Any]) -> None:
        """Put the keys in the order `key` gives them (nothing is read or written)."""
        with self._lock:
            self._at = dict(sorted(self._at.items(), key=lambda item: key(item[0])))

    def close(self) -> None:
        """Let the file go; the mapping is empty from then on."""
        with self._lock:
            self._at = {}
            self._file.close()
