"""The cache of external URLs found good, so that a re-run does not fetch them again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .options import Warn, _warn_stderr
from .report import ExternalResult

CACHE_VERSION = 1


class LinkCache:
    """URLs found good recently, in a JSON file: `{"version": 1, "urls": {url: {...}}}`.

    Only successes are stored, so dead links are rechecked on every run. An unreadable file
    is reported through `warn` and treated as empty.
    """

    def __init__(self, path: Path, max_age_days: float, warn: Warn | None = None) -> None:
        self.path = path
        self.max_age = max_age_days * 86400.0
        self._warn = warn or _warn_stderr
        self._entries: dict[str, dict[str, object]] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(f"ignoring the link cache {self.path}: {exc}")
            return
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                raise ValueError("not a version 1 link cache")
            urls = data.get("urls")
            if not isinstance(urls, dict):
                raise ValueError('"urls" is not an object')
        except ValueError as exc:
            self._warn(f"ignoring the corrupt link cache {self.path}: {exc}")
            return
        for url, entry in urls.items():
            # A damaged entry costs one recheck, not the whole cache.
            if isinstance(entry, dict) and isinstance(entry.get("checked"), (int, float)):
                self._entries[url] = entry

    def get(self, url: str, now: float | None = None) -> dict[str, object] | None:
        """The entry for `url` if it is still fresh."""
        entry = self._entries.get(url)
        if entry is None:
            return None
        age = (now or time.time()) - float(entry["checked"])  # type: ignore[arg-type]
        # A timestamp from the future (clock skew, hand edits) is as good as expired.
        return entry if 0 <= age <= self.max_age else None

    def put(self, result: ExternalResult, now: float | None = None) -> None:
        """Remember a good result."""
        if result.ok:
            self._entries[result.url] = {
                "checked": now or time.time(),
                "status": result.status,
                "final_url": result.final_url,
            }
            self._dirty = True

    def save(self, now: float | None = None) -> None:
        """Write the fresh entries back atomically; a failure is a warning, not an error."""
        if not self._dirty:
            return
        now = now or time.time()
        fresh = {u: e for u, e in self._entries.items() if self.get(u, now) is not None}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(
                json.dumps({"version": CACHE_VERSION, "urls": fresh}, indent=1, sort_keys=True),
                encoding="utf-8",
            )
            os.replace(tmp, self.path)
        except OSError as exc:
            self._warn(f"could not write the link cache {self.path}: {exc}")
            tmp.unlink(missing_ok=True)
