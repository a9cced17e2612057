"""Helpers for the tests that drive Chromium: a missing browser, and a site served on loopback."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def in_ci() -> bool:
    """True where the `CI` environment variable is set: a missing tool is an error there."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> None:
    """Skip the calling module without Chromium; fail it instead on CI, so browser tests cannot
    silently stop running."""
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail(f"{CHROMIUM} is missing and CI is set", pytrace=False)
        pytest.skip(f"needs {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to the test output."""

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser closing a connection mid-file (a test done while a page still downloads) is
    not a fault of the site: it is not printed into the test output as one."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serving(
    directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) for the duration of the block."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Watched:
    """What pages of a site served at `base` must not do: request another host, or log an error
    (console or uncaught). Each is noted with `at`, the page being visited, set by the test."""

    base: str
    at: str = ""
    outside: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        """Note what `page` does from now on."""
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append((self.at, str(error))))

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.base):
            self.outside.append((self.at, request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append((self.at, message.text))
