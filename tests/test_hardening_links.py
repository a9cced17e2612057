"""The link checker against hostile servers and hostile sites (loopback only, bounded time)."""

from __future__ import annotations

import os
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks.links import (
    ExternalOptions,
    check_external,
    check_site,
    format_text,
    redirect_problem,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or None


class RawServer(socketserver.ThreadingTCPServer):
    """Answers every request with `self.answer`, bytes as given, and records the paths asked."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RawHandler)
        self.answer = b""
        self.paths: list[str] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class RawHandler(socketserver.BaseRequestHandler):
    server: RawServer

    def handle(self) -> None:
        self.request.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = self.request.recv(4096)
                if not chunk:
                    break
                data += chunk
            line = data.split(b"\r\n", 1)[0].split(b" ")
            with self.server.lock:
                self.server.paths.append(line[1].decode("latin-1") if len(line) > 1 else "")
            self.request.sendall(self.server.answer)
        except OSError:
            pass


@pytest.fixture(scope="module")
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


OPTIONS = ExternalOptions(
    timeout=0.5,
    retries=0,
    backoff=0.01,
    per_host_rate=10_000.0,
    max_retry_after=0.05,
    cache_path=None,
    concurrency=2,
)


def _redirect(location: str) -> bytes:
    return (
        f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n"
    ).encode("latin-1")


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "only http and https are fetched"),
        ("file://localhost/etc/passwd", "only http and https are fetched"),
        ("ftp://files.example/x", "only http and https are fetched"),
        ("gopher://127.0.0.1:{port}/_x", "only http and https are fetched"),
        ("javascript:alert(1)", "only http and https are fetched"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
        ("http://172.16.5.4/", "172.16.5.4 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://[fd00::1]/", "fd00::1 is a private address"),
        ("http://0.0.0.0:{port}/secret", "0.0.0.0 is a unspecified address"),
        ("http://[::1]:{port}/secret", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", "is a loopback address"),
        ("http://localhost:{port}/secret", "localhost (127.0.0.1) is a loopback address"),
        ("http://127.0.0.2:{port}/secret", "127.0.0.2 is a loopback address"),
        ("http://[::1/", "redirect to an invalid address not followed"),
    ],
)
def test_redirects_leave_neither_http_nor_the_public_internet(
    raw_server: RawServer, location: str, reason: str
) -> None:
    raw_server.answer = _redirect(location.format(port=raw_server.port))
    raw_server.paths.clear()
    url = f"http://127.0.0.1:{raw_server.port}/start"
    result = check_external([url], OPTIONS)[url]
    assert not result.ok
    assert reason in result.reason, result.reason
    assert raw_server.paths == ["/start"]  # the target was never asked


def test_a_redirect_may_stay_on_the_host_first_asked_and_reach_the_internet() -> None:
    assert redirect_problem("http://127.0.0.1:9/next", "127.0.0.1") is None
    assert redirect_problem("https://93.184.215.14/", "127.0.0.1") is None  # a public address
    assert redirect_problem("HTTPS://93.184.215.14/", "example.org") is None


def test_only_http_and_https_links_are_fetched() -> None:
    results = check_external(["ftp://files.example/x", "file:///etc/passwd"], OPTIONS)
    assert {r.reason for r in results.values()} == {"only http and https links are fetched"}


_STATUS_LINES = st.one_of(
    st.builds(
        lambda version, code, phrase: f"{version} {code} {phrase}".encode("latin-1"),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/0.9", "ICY", ""]),
        st.integers(min_value=-5, max_value=1200),
        st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=20),
    ),
    st.binary(max_size=40),
)
_LOCATIONS = st.one_of(
    st.sampled_from(
        [
            "file:///etc/passwd",
            "http://169.254.169.254/",
            "http://localhost:1/",
            "//[::1]/x",
            "http://[bad",
            "/relative",
            "?q=1",
            "",
            " ",
            "http://\u00e9xample.invalid/",
            "http://a" + "a" * 300 + ".invalid/",
            "https://user:pass@[::1]:99999/",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=60),
)
_HEADERS = st.lists(
    st.one_of(
        st.tuples(st.just("Location"), _LOCATIONS),
        st.tuples(
            st.sampled_from(["Retry-After", "Content-Length", "Transfer-Encoding", "X-Any"]),
            st.one_of(
                st.sampled_from(["chunked", "-1", "99999999999999999999", "0", "Thu, 01 Jan"]),
                st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=30),
            ),
        ),
        st.tuples(
            st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=10),
            st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=30),
        ),
    ),
    max_size=6,
)


@settings(
    max_examples=EXAMPLES or 80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=EXAMPLES is None,
)
@given(status=_STATUS_LINES, headers=_HEADERS, body=st.binary(max_size=200))
def test_any_answer_is_a_verdict_never_a_traceback(
    raw_server: RawServer, status: bytes, headers: list[tuple[str, str]], body: bytes
) -> None:
    lines = [status] + [f"{k}: {v}".encode("latin-1") for k, v in headers]
    raw_server.answer = b"\r\n".join(lines) + b"\r\n\r\n" + body
    url = f"http://127.0.0.1:{raw_server.port}/fuzz"
    result = check_external([url], OPTIONS)[url]
    assert result.url == url and isinstance(result.ok, bool)
    assert result.ok or result.reason


def test_a_server_that_hangs_up_is_a_connection_error(raw_server: RawServer) -> None:
    raw_server.answer = b""
    url = f"http://127.0.0.1:{raw_server.port}/empty"
    result = check_external([url], OPTIONS)[url]
    assert not result.ok and "connection error" in result.reason


def test_nothing_listens_is_broken_not_raised() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    assert not check_external([url], OPTIONS)[url].ok


def test_check_links_reports_symlinks_in_the_site_and_never_follows_them(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text('<a href="https://leak.example/">x</a>')
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!doctype html><title>t</title><a href="zero.html">z</a><a href="out/secret.html">s</a>'
    )
    (site / "zero.html").symlink_to("/dev/zero")
    (site / "out").symlink_to(outside)
    os.mkfifo(site / "pipe.md")
    report = check_site(site)
    lines = format_text(report).splitlines()
    assert lines[:-1] == [
        "index.html → zero.html: file not found: zero.html",
        "index.html → out/secret.html: file not found: out/secret.html",
        f"out: symbolic link to {outside}, not followed: a site holds its files itself",
        "pipe.md: not a regular file, not read",
        "zero.html: symbolic link to /dev/zero, not followed: a site holds its files itself",
    ]
    assert report.external_unchecked == 0  # the page behind the link was never read
