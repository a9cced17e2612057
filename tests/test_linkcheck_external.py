"""`tradeoffs check-links --external` against a local HTTP server (never the internet)."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.checks.links import (
    USER_AGENT,
    ExternalOptions,
    HostRateLimiter,
    check_external,
    check_site,
    compile_ignores,
    parse_retry_after,
)
from generator.cli import main

SLOW_SECONDS = 3.0  # longer than every timeout used below; released early at teardown


class Server(ThreadingHTTPServer):
    """Records every request; `release` ends the slow responses at teardown."""

    daemon_threads = True
    block_on_close = False
    # The default backlog of 5 drops connections when 16 arrive at once; the client would
    # then wait a second for a SYN retransmit and time out.
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[float, str, str, str]] = []  # (time, method, path, UA)
        self.release = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hits(self, path: str) -> list[str]:
        """The methods of the requests for `path`, in order."""
        with self.lock:
            return [method for _, method, p, _ in self.requests if p == path]

    def paths(self) -> set[str]:
        with self.lock:
            return {p for _, _, p, _ in self.requests}

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and hung up is expected here


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _send(self, status: int, headers: dict[str, str] | None = None) -> None:
        body = b"" if self.command == "HEAD" else b"hello"
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _serve(self) -> None:
        srv = self.server
        path = self.path.split("?")[0]
        with srv.lock:
            earlier = sum(1 for _, _, p, _ in srv.requests if p == path)
            srv.requests.append(
                (time.monotonic(), self.command, path, self.headers.get("User-Agent", ""))
            )
        if path.startswith("/chain/"):
            hop = int(path.rsplit("/", 1)[1])
            if hop < 20:
                return self._send(302, {"Location": f"/chain/{hop + 1}"})
            return self._send(200)
        if path in ("/ok", "/ok/"):
            self._send(200)
        elif path == "/missing":
            self._send(404)
        elif path == "/flaky-429":
            if earlier == 0:
                self._send(429, {"Retry-After": "1"})
            else:
                self._send(200)
        elif path == "/moved":
            self._send(301, {"Location": "/ok"})
        elif path == "/moved-to-missing":
            self._send(302, {"Location": f"{srv.base}/missing"})
        elif path == "/loop":
            self._send(302, {"Location": "/loop"})
        elif path == "/slow":
            srv.release.wait(SLOW_SECONDS)
            self._send(200)
        elif path == "/no-head":
            self._send(405 if self.command == "HEAD" else 200)
        elif path == "/no-head-501":
            self._send(501 if self.command == "HEAD" else 200)
        elif path == "/error":
            self._send(500)
        elif path == "/long-retry":
            self._send(429, {"Retry-After": "3600"})
        else:
            self._send(404)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory (default cache, pyproject.toml) and never via a proxy."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.chdir(tmp_path)


def make_site(root: Path, pages: dict[str, list[str]]) -> Path:
    """One HTML page per entry, linking to each URL of its list."""
    for rel, urls in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        links = "".join(f'<a href="{url}">{i}</a>' for i, url in enumerate(urls))
        path.write_text(f"<!doctype html><title>t</title><body>{links}</body>", encoding="utf-8")
    return root


def fast_options(**overrides: object) -> ExternalOptions:
    """Options scaled down so a test takes about a second, without a cache by default."""
    values: dict[str, object] = {
        "timeout": 0.5,
        "retries": 1,
        "backoff": 0.05,
        "per_host_rate": 1000.0,
        "max_retry_after": 5.0,
        "cache_path": None,
        "concurrency": 16,
    }
    values.update(overrides)
    return ExternalOptions(**values)  # type: ignore[arg-type]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- verdicts


def test_external_mode_reports_exactly_the_dead_urls(tmp_path: Path, server: Server) -> None:
    b = server.base
    good = ["/ok", "/flaky-429", "/moved", "/no-head", "/no-head-501", "/chain/10"]
    dead = ["/missing", "/moved-to-missing", "/slow", "/loop", "/error", "/long-retry", "/chain/9"]
    site = make_site(
        tmp_path / "site",
        {
            "index.html": [b + p for p in good + dead] + [b + "/ok#section"],
            "other/index.html": [b + "/ok", b + "/missing"],
        },
    )
    started = time.monotonic()
    report = check_site(site, external=fast_options())
    elapsed = time.monotonic() - started

    assert {(bl.page, bl.link) for bl in report.broken} == (
        {("index.html", b + p) for p in dead} | {("other/index.html", b + "/missing")}
    )
    reasons = {bl.link: bl.reason for bl in report.broken}
    assert reasons[b + "/missing"] == "HTTP 404 Not Found"
    assert reasons[b + "/moved-to-missing"] == f"HTTP 404 Not Found after redirect to {b}/missing"
    assert reasons[b + "/slow"] == "timed out after 0.5 s"
    assert reasons[b + "/loop"].startswith("redirect loop")
    assert reasons[b + "/error"] == "HTTP 500 Internal Server Error"
    assert reasons[b + "/long-retry"].startswith("rate limited")
    assert reasons[b + "/chain/9"] == "more than 10 redirects"
    assert elapsed < 6

    # Each distinct URL once (the #section variant and the second page share /ok) ...
    assert server.hits("/ok") == ["HEAD", "HEAD"]  # /ok itself, and the end of /moved
    # ... HEAD first, GET only when HEAD is refused ...
    assert server.hits("/no-head") == ["HEAD", "GET"]
    assert server.hits("/no-head-501") == ["HEAD", "GET"]
    # ... 5xx retried (retries=1), 404 not retried ...
    assert len(server.hits("/error")) == 2
    assert len(server.hits("/missing")) == 2  # directly, and via /moved-to-missing
    # ... a Retry-After beyond the cap is not waited for ...
    assert len(server.hits("/long-retry")) == 1
    # ... and a polite User-Agent on every request.
    with server.lock:
        assert {ua for *_, ua in server.requests} == {USER_AGENT}
    assert report.external is not None
    assert (report.external.urls, report.external.broken) == (13, 7)


def test_retry_after_is_honoured(server: Server) -> None:
    results = check_external([server.base + "/flaky-429"], fast_options(retries=2))
    assert results[server.base + "/flaky-429"].ok
    with server.lock:
        times = [t for t, _, p, _ in server.requests if p == "/flaky-429"]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.9  # Retry-After: 1, not the 0.05 s backoff


def test_redirects_are_followed_to_the_final_status(server: Server) -> None:
    result = check_external([server.base + "/moved"], fast_options())[server.base + "/moved"]
    assert (result.ok, result.status, result.final_url) == (True, 200, server.base + "/ok")


def test_connection_refused_is_broken(server: Server) -> None:
    closed = Server()  # bind a port, then close it: nothing listens there any more
    url = closed.base + "/x"
    closed.server_close()
    result = check_external([url], fast_options(retries=0))[url]
    assert not result.ok and result.reason.startswith("connection error")


def test_per_host_rate_limit(server: Server) -> None:
    urls = [f"{server.base}/ok?n={i}" for i in range(4)]
    started = time.monotonic()
    results = check_external(urls, fast_options(per_host_rate=5.0))
    assert all(r.ok for r in results.values())
    with server.lock:
        times = sorted(t for t, *_ in server.requests)
    # 5 per second: request k may not start before its slot, k * 0.2 s after the check began.
    # (Gaps between arrivals are not checked: a late request shortens the gap after it.)
    for k, arrived in enumerate(times):
        assert arrived - started >= k * 0.2 - 0.01, (k, arrived - started)


def test_rate_limiter_keeps_hosts_independent() -> None:
    limiter = HostRateLimiter(rate=2.0)
    started = time.monotonic()
    limiter.acquire("a.example")
    limiter.acquire("b.example")  # another host: no wait
    assert time.monotonic() - started < 0.4  # well under the 0.5 s a same-host call waits
    limiter.acquire("a.example")  # same host: waits half a second
    assert time.monotonic() - started >= 0.45


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --------------------------------------------------------------------------- offline stays offline


def test_without_external_the_server_gets_no_request(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [server.base + "/ok", server.base + "/missing"]
    site = make_site(tmp_path / "site", {"index.html": urls})
    code, out, _ = run(capsys, "check-links", str(site))
    assert code == 0
    assert "2 external links not checked; use --external" in out
    time.sleep(0.1)
    assert server.paths() == set()


# --------------------------------------------------------------------------- the CLI


def test_cli_external_output_and_exit_code(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    b = server.base
    site = make_site(tmp_path / "site", {"index.html": [b + "/ok", b + "/missing"]})
    code, out, err = run(capsys, "check-links", str(site), "--external", "--per-host-rate", "100")
    assert code == 1
    assert out.splitlines() == [
        f"index.html → {b}/missing: HTTP 404 Not Found",
        "checked 2 links in 1 page: 1 broken (2 external URLs: 2 fetched, 0 cached)",
    ]
    assert err == ""  # not a terminal: no progress line
    # the default cache lives under the current directory
    cache = json.loads((tmp_path / ".cache/tradeoffs/external-links.json").read_text())
    assert list(cache["urls"]) == [b + "/ok"]


def test_cli_progress_line_on_a_terminal(
    tmp_path: Path,
    server: Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    urls = [server.base + "/ok", server.base + "/missing"]
    site = make_site(tmp_path / "site", {"index.html": urls})
    code, _, _ = run(
        capsys, "check-links", str(site), "--external", "--no-cache", "--per-host-rate", "100"
    )
    assert code == 1
    shown = terminal.getvalue()
    assert "\r\x1b[Kexternal links: 0/2 checked, 0 broken" in shown
    assert shown.endswith("\r\x1b[Kexternal links: 2/2 checked, 1 broken\n")


# --------------------------------------------------------------------------- the cache


def test_cache_skips_good_urls_and_rechecks_dead_and_expired_ones(
    tmp_path: Path, server: Server
) -> None:
    b = server.base
    cache_file = tmp_path / "cache" / "links.json"
    options = fast_options(cache_path=cache_file, cache_days=7)
    urls = [b + "/ok", b + "/missing"]

    first = check_external(urls, options)
    assert [r.ok for r in first.values()] == [True, False]
    stored = json.loads(cache_file.read_text())["urls"]
    assert list(stored) == [b + "/ok"]  # only successes are cached

    server.clear()
    second = check_external(urls, options)
    assert second[b + "/ok"].ok and second[b + "/ok"].cached
    assert not second[b + "/missing"].ok
    assert server.paths() == {"/missing"}  # the good URL was not contacted again

    # Age the entry past 7 days: it is checked again, then refreshed.
    data = json.loads(cache_file.read_text())
    data["urls"][b + "/ok"]["checked"] = time.time() - 8 * 86400
    cache_file.write_text(json.dumps(data))
    server.clear()
    third = check_external(urls, options)
    assert not third[b + "/ok"].cached
    assert server.paths() == {"/ok", "/missing"}
    assert json.loads(cache_file.read_text())["urls"][b + "/ok"]["checked"] > time.time() - 60


def test_corrupt_cache_is_ignored_with_a_warning(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_file = tmp_path / "links.json"
    cache_file.write_text("{not json")
    site = make_site(tmp_path / "site", {"index.html": [server.base + "/ok"]})
    code, out, err = run(
        capsys,
        "check-links",
        str(site),
        "--external",
        "--cache",
        str(cache_file),
        "--per-host-rate",
        "100",
    )
    assert code == 0, out
    assert "warning: ignoring the corrupt link cache" in err
    assert server.hits("/ok") == ["HEAD"]
    # ... and replaced by a good one.
    assert list(json.loads(cache_file.read_text())["urls"]) == [server.base + "/ok"]

    for junk in ('["a list"]', '{"version": 1, "urls": {"http://x/": "not an entry"}}', "\xff"):
        cache_file.write_bytes(junk.encode("latin-1"))
        warnings: list[str] = []
        results = check_external(
            [server.base + "/ok"], fast_options(cache_path=cache_file), warn=warnings.append
        )
        assert results[server.base + "/ok"].ok


# --------------------------------------------------------------------------- the ignore list


def test_ignore_patterns_from_the_command_line(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    b = server.base
    site = make_site(tmp_path / "site", {"index.html": [b + "/ok", b + "/missing", b + "/error"]})
    code, out, _ = run(
        capsys,
        "check-links",
        str(site),
        "--external",
        "--no-cache",
        "--per-host-rate",
        "100",
        "--ignore",
        r"/missing$",
        "--ignore",
        "error",
    )
    assert code == 0, out
    assert "1 fetched, 0 cached, 2 ignored" in out
    assert server.paths() == {"/ok"}


def test_ignore_patterns_from_pyproject(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    b = server.base
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tradeoffs.check-links]\nignore = ["/missing", "^http://127\\\\.0\\\\.0\\\\.1:\\\\d+/err"]\n'
    )
    site = make_site(tmp_path / "site", {"index.html": [b + "/ok", b + "/missing", b + "/error"]})
    code, out, _ = run(
        capsys, "check-links", str(site), "--external", "--no-cache", "--per-host-rate", "100"
    )
    assert code == 0, out
    assert server.paths() == {"/ok"}

    (tmp_path / "pyproject.toml").write_text('[tool.tradeoffs.check-links]\nignore = "x"\n')
    code, _, err = run(capsys, "check-links", str(site), "--external")
    assert code == 2 and "must be a list of strings" in err


def test_ignore_patterns_in_the_api(tmp_path: Path, server: Server) -> None:
    site = make_site(tmp_path / "site", {"index.html": [server.base + "/missing"]})
    report = check_site(site, external=fast_options(ignore=compile_ignores([("missing", "test")])))
    assert report.ok and report.external is not None and report.external.ignored == 1
    assert server.paths() == set()
