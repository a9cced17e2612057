"""Politeness towards other hosts: a per-host request rate, and the `Retry-After` header."""

from __future__ import annotations

import email.utils
import threading
import time
from datetime import UTC, datetime


class HostRateLimiter:
    """At most `rate` requests per second to each host, across threads.

    Each caller reserves the next free slot for its host under a lock and then sleeps
    outside it, so waiting on one host never delays another.
    """

    def __init__(self, rate: float, stop: threading.Event | None = None) -> None:
        self._interval = 1.0 / rate
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = stop or threading.Event()

    def acquire(self, host: str) -> None:
        """Block until a request to `host` is allowed."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self._interval
        if slot > now:
            self._stop.wait(slot - now)

    def defer(self, host: str, seconds: float) -> None:
        """Let no request reach `host` for `seconds` (it asked us to back off)."""
        with self._lock:
            until = time.monotonic() + seconds
            self._next[host] = max(self._next.get(host, until), until)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date); None if absent
    or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
