"""Fetching external URLs: concurrently, following redirects, with retries and backoff."""

from __future__ import annotations

import concurrent.futures
import http
import http.client
import ipaddress
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from .cache import LinkCache
from .options import ExternalOptions, Progress, Warn
from .ratelimit import HostRateLimiter, parse_retry_after
from .report import ExternalResult

MAX_REDIRECTS = 10


class _PassThrough(urllib.request.HTTPErrorProcessor):
    """Return every response as is: we judge statuses and follow redirects ourselves, so that
    hops are counted, loops caught and each hop rate-limited."""

    def http_response(self, request, response):  # type: ignore[no-untyped-def]
        return response

    https_response = http_response


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Characters left alone when making a URL ASCII; '%' keeps existing escapes intact.
_URL_SAFE = "/%:@!$&'()*+,;=~-._?"


def _ascii_url(url: str) -> tuple[str, str]:
    """(URL safe to send, host) for `url`; ValueError if it cannot be requested."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("no host name")
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo = parts.netloc.rpartition("@")[0]
        port = f":{parts.port}" if parts.port is not None else ""
        netloc = (f"{userinfo}@" if userinfo else "") + host.encode("idna").decode("ascii") + port
    path = quote(parts.path, safe=_URL_SAFE) or "/"
    query = quote(parts.query, safe=_URL_SAFE)
    return urlunsplit((parts.scheme.lower(), netloc, path, query, "")), host


_FETCHED_SCHEMES = ("http", "https")


def _address_kind(address: str) -> str | None:
    """What makes an IP address unfit for a redirect to reach ('loopback', 'private'...), or
    None for an ordinary public address."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
    ):
        if test:
            return kind
    return None


def _internal_address(host: str) -> str | None:
    """Why `host` must not be reached by a redirect: the first of its addresses that is
    loopback, link-local, private, unspecified, multicast or reserved; None when every address
    is public or the name does not resolve (the fetch then reports that)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        kind = _address_kind(address)
        if kind is not None:
            shown = host if host == address else f"{host} ({address})"
            return f"{shown} is a {kind} address"
    return None


def redirect_problem(target: str, origin_host: str | None) -> str | None:
    """Why a redirect to `target` is not followed, or None. Only http and https are fetched;
    a redirect to another host must not lead into the local machine or network (cloud metadata
    at 169.254.169.254, a router, a database), though it may stay on the host first asked."""
    try:
        parts = urlsplit(target)
        host = parts.hostname
    except ValueError as exc:
        return f"redirect to an invalid address not followed: {exc}"
    if parts.scheme.lower() not in _FETCHED_SCHEMES:
        return f"redirect to {target} not followed: only http and https are fetched"
    if host is None or host == (origin_host or "").lower():
        return None
    internal = _internal_address(host)
    return f"redirect to {target} not followed: {internal}" if internal else None


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


class _Fetcher:
    """Checks single URLs; shared by the worker threads."""

    def __init__(self, options: ExternalOptions, stop: threading.Event) -> None:
        self.options = options
        self._stop = stop
        self._limiter = HostRateLimiter(options.per_host_rate, stop)
        self._opener = urllib.request.build_opener(_PassThrough)

    def check(self, url: str) -> ExternalResult:
        """Follow `url` through its redirects to a verdict. The URL itself is checked as the
        site wrote it (http and https only); every redirect must pass `redirect_problem`."""
        try:
            origin = urlsplit(url)
            origin_host, scheme = origin.hostname, origin.scheme.lower()
        except ValueError as exc:
            return ExternalResult(url, False, f"invalid URL: {exc}")
        if scheme not in _FETCHED_SCHEMES:
            return ExternalResult(url, False, "only http and https links are fetched")
        current, seen = url, {url}
        for _hop in range(MAX_REDIRECTS + 1):
            outcome = self._fetch(current)
            if isinstance(outcome, str):
                return ExternalResult(url, False, outcome, final_url=current)
            status, location = outcome
            if status in _REDIRECTS and location:
                try:
                    target = urljoin(current, location.strip()).partition("#")[0]
                except ValueError as exc:
                    reason = f"redirect to an invalid address not followed: {exc}"
                    return ExternalResult(url, False, reason, status, current)
                refused = redirect_problem(target, origin_host)
                if refused is not None:
                    return ExternalResult(url, False, refused, status, current)
                if target in seen:
                    return ExternalResult(url, False, f"redirect loop at {target}", status)
                seen.add(target)
                current = target
                continue
            if status < 400:
                return ExternalResult(url, True, "", status, current)
            reason = _status_text(status)
            if current != url:
                reason += f" after redirect to {current}"
            return ExternalResult(url, False, reason, status, current)
        return ExternalResult(url, False, f"more than {MAX_REDIRECTS} redirects", None, current)

    def _sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def _fetch(self, url: str) -> tuple[int, str | None] | str:
        """(status, Location) of one hop, after retries; a string is the failure reason."""
        opts = self.options
        try:
            request_url, host = _ascii_url(url)
        except (ValueError, UnicodeError) as exc:
            return f"invalid URL: {exc}"
        method, attempt = "HEAD", 0
        while True:
            if self._stop.is_set():
                return "interrupted"
            self._limiter.acquire(host)
            failure: str | None = None
            status = 0
            headers: Mapping[str, str] = {}
            try:
                request = urllib.request.Request(
                    request_url,
                    method=method,
                    headers={"User-Agent": opts.user_agent, "Accept": "*/*"},
                )
                # The body is never read: the status is the answer, and HTTP/1.0-style
                # connections (urllib sends "Connection: close") make closing early cheap.
                with self._opener.open(request, timeout=opts.timeout) as response:
                    status, headers = response.status, response.headers
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError):
                    failure = f"timed out after {opts.timeout:g} s"
                elif isinstance(reason, ssl.SSLCertVerificationError):
                    return f"TLS certificate error: {reason.verify_message or reason}"
                else:
                    failure = f"connection error: {reason}"
            except TimeoutError:
                failure = f"timed out after {opts.timeout:g} s"
            except (http.client.HTTPException, OSError) as exc:
                failure = f"connection error: {str(exc) or type(exc).__name__}"
            except ValueError as exc:
                return f"invalid URL: {exc}"

            if failure is not None:
                if attempt >= opts.retries:
                    return failure
                self._sleep(opts.backoff * 2**attempt)
                attempt += 1
                continue
            if method == "HEAD" and status in (405, 501):
                method = "GET"  # HEAD not supported here; this is not a retry
                continue
            if status == 429 or status >= 500:
                wait = None
                if status in (429, 503):
                    wait = parse_retry_after(headers.get("Retry-After"))
                if wait is not None and wait > opts.max_retry_after:
                    return (
                        f"rate limited: Retry-After {wait:g} s exceeds the "
                        f"{opts.max_retry_after:g} s limit"
                    )
                if attempt >= opts.retries:
                    if status == 429:
                        tries = "1 retry" if attempt == 1 else f"{attempt} retries"
                        return f"rate limited: {_status_text(status)} after {tries}"
                    return _status_text(status)
                if wait is not None:
                    # The host asked everyone to wait, not only this URL.
                    self._limiter.defer(host, wait)
                else:
                    self._sleep(opts.backoff * 2**attempt)
                attempt += 1
                continue
            return status, headers.get("Location")


def _interleave_hosts(urls: Iterable[str]) -> list[str]:
    # Round-robin over hosts, so the pool's threads are not all parked on one slow host's
    # rate limit while other hosts wait in the queue.
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[(urlsplit(url).hostname or "")].append(url)
    queues = list(by_host.values())
    ordered: list[str] = []
    for i in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[i] for q in queues if i < len(q))
    return ordered


def check_external(
    urls: Iterable[str],
    options: ExternalOptions,
    *,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> dict[str, ExternalResult]:
    """Check each distinct URL once; cached good URLs are not contacted."""
    distinct = list(dict.fromkeys(urls))
    cache = (
        LinkCache(options.cache_path, options.cache_days, warn)
        if options.cache_path is not None
        else None
    )
    results: dict[str, ExternalResult] = {}
    pending: list[str] = []
    for url in distinct:
        entry = cache.get(url) if cache else None
        if entry is not None:
            status = entry.get("status")
            final = entry.get("final_url")
            results[url] = ExternalResult(
                url,
                True,
                "",
                status if isinstance(status, int) else None,
                final if isinstance(final, str) else None,
                cached=True,
            )
        else:
            pending.append(url)

    stop = threading.Event()
    fetcher = _Fetcher(options, stop)
    done = broken = 0
    if progress and pending:
        progress(0, len(pending), 0)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, options.concurrency), thread_name_prefix="linkcheck"
    )
    try:
        futures = {pool.submit(fetcher.check, url): url for url in _interleave_hosts(pending)}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[result.url] = result
            done += 1
            broken += not result.ok
            if cache is not None:
                cache.put(result)
            if progress:
                progress(done, len(pending), broken)
    except BaseException:
        # Ctrl-C: wake the sleepers and drop the queue instead of finishing every URL.
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        if cache is not None:
            cache.save()
    return {url: results[url] for url in distinct}
