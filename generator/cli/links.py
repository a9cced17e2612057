"""The `check-links` subcommand (registered by the CLI)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .usage import UsageError

if TYPE_CHECKING:
    from ..checks.links import Progress

DESCRIPTION = """\
Check every link of a built site. Offline by default: each internal href, src and srcset
must resolve to a file under SITE_DIR, and each #fragment to an id in the target page; so
must each link of the site's Markdown files (*.md, llms.txt, llms-full.txt) and each url of
api/cards.json. With --site-url, links under that address are internal. External http(s)
links are contacted only with --external: each URL as the site writes it (http and https
only), then its redirects, which are followed only to http and https and, when they leave
the host first asked, only to public addresses: a redirect to another scheme or to a
loopback, link-local, private, unspecified, multicast or reserved address (every address the
name resolves to is checked) is reported as broken with the reason and never fetched.
Exit status: 0 when every link is good, 1 when some are broken, 2 for usage errors (such as
a missing SITE_DIR)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `check-links` to the CLI's subcommands (the checker is imported only when it runs)."""
    parser = commands.add_parser(
        "check-links",
        help="check the internal (and with --external, external) links of a built site",
        description=DESCRIPTION,
    )
    parser.add_argument("site_dir", metavar="SITE_DIR", help="the built site, e.g. site")
    parser.add_argument(
        "--base-path",
        default=None,
        metavar="PATH",
        help="the path the site is served under, e.g. /project/ (default: the path of the site "
        "URL, else /); root-relative links must start with it",
    )
    parser.add_argument(
        "--site-url",
        default="",
        metavar="URL",
        help="the address the site is published at; links under it are checked against SITE_DIR "
        "instead of being external (default: site_url in the project's mkdocs.yml)",
    )
    parser.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="the project's mkdocs.yml, read for site_url (default: ./mkdocs.yml, else the one "
        "beside SITE_DIR)",
    )
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="text (default) or json"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes for parsing pages (default: one per CPU)",
    )

    ext = parser.add_argument_group("external links (only with --external)")
    ext.add_argument(
        "--external", action="store_true", help="also check http(s) links, each distinct URL once"
    )
    ext.add_argument(
        "--concurrency",
        type=int,
        default=8,
        metavar="N",
        help="requests in flight at once (default: 8)",
    )
    ext.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per-request timeout (default: 10)",
    )
    ext.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="retries, with exponential backoff, after a connection error, "
        "a 5xx or a 429 (default: 2)",
    )
    ext.add_argument(
        "--per-host-rate",
        type=float,
        default=2.0,
        metavar="N",
        help="at most N requests per second to one host (default: 2)",
    )
    ext.add_argument(
        "--max-retry-after",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="longest Retry-After to honour; a longer one reports the link as "
        "rate limited (default: 60)",
    )
    ext.add_argument(
        "--cache",
        default=None,
        metavar="FILE",
        help="cache of good URLs (default: .cache/tradeoffs/external-links.json)",
    )
    ext.add_argument(
        "--cache-days",
        type=float,
        default=7.0,
        metavar="DAYS",
        help="recheck cached good URLs after this many days (default: 7)",
    )
    ext.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    ext.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip URLs matching this regular expression (re.search on the full "
        "URL; repeatable); [tool.tradeoffs.check-links] ignore = [...] in "
        "./pyproject.toml adds more",
    )
    parser.set_defaults(handler=_check_links)


def _check_links(args: argparse.Namespace) -> int:
    from ..checks.links import (
        DEFAULT_CACHE,
        ConfigError,
        ExternalOptions,
        check_site,
        compile_ignores,
        format_json,
        format_text,
        load_pyproject_ignores,
        normalize_base_path,
        normalize_site_url,
    )

    def warn(message: str) -> None:
        print(f"tradeoffs check-links: warning: {message}", file=sys.stderr)

    try:
        base_path = None if args.base_path is None else normalize_base_path(args.base_path)
        site_url = normalize_site_url(args.site_url or _config_site_url(args))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")

    external: ExternalOptions | None = None
    progress: Progress | None = None
    if args.external:
        for name, value, minimum in [
            ("--concurrency", args.concurrency, 1),
            ("--retries", args.retries, 0),
            ("--max-retry-after", args.max_retry_after, 0),
            ("--cache-days", args.cache_days, 0),
        ]:
            if value < minimum:
                raise UsageError(f"{name} must be at least {minimum}")
        for name, value in [("--timeout", args.timeout), ("--per-host-rate", args.per_host_rate)]:
            if value <= 0:
                raise UsageError(f"{name} must be greater than 0")
        try:
            pyproject = Path("pyproject.toml")
            patterns = [(p, "--ignore") for p in args.ignore] + [
                (p, str(pyproject)) for p in load_pyproject_ignores(pyproject)
            ]
            ignore = compile_ignores(patterns)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        external = ExternalOptions(
            concurrency=args.concurrency,
            timeout=args.timeout,
            retries=args.retries,
            per_host_rate=args.per_host_rate,
            max_retry_after=args.max_retry_after,
            cache_path=None
            if args.no_cache
            else (Path(args.cache) if args.cache else DEFAULT_CACHE),
            cache_days=args.cache_days,
            ignore=ignore,
        )
        if sys.stderr.isatty():
            progress = _ProgressLine(sys.stderr)

    try:
        report = check_site(
            Path(args.site_dir),
            base_path=base_path,
            site_url=site_url,
            jobs=args.jobs,
            external=external,
            progress=progress,
            warn=warn,
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise UsageError(str(exc)) from None
    if report.pages == 0:
        # Almost always a wrong path (the docs folder instead of the built site).
        raise UsageError(f"no HTML pages under {args.site_dir}")

    code = 0 if report.ok else 1
    try:
        print(format_json(report) if args.format == "json" else format_text(report))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): point stdout at devnull so the interpreter's
        # final flush does not raise again, and keep the verdict as the exit status.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code


def _config_site_url(args: argparse.Namespace) -> str:
    """site_url from the project's mkdocs.yml, or '' without one."""
    from ..engines.project import Project

    if args.config:
        candidates = [Path(args.config)]
        if not candidates[0].is_file():
            raise UsageError(f"config file not found: {args.config}")
    else:
        candidates = [Path("mkdocs.yml"), Path(args.site_dir).resolve().parent / "mkdocs.yml"]
    for path in candidates:
        if path.is_file():
            try:
                site_url = Project(path).site_url
            except Exception as exc:  # an unreadable config is a usage problem, not a traceback
                raise UsageError(f"cannot read {path}: {exc}") from None
            return site_url
    return ""


class _ProgressLine:
    """`external links: 37/120 checked, 2 broken`, rewritten in place on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, done: int, total: int, broken: int) -> None:
        # \r back to the start of the line, \x1b[K clears what a longer line left behind.
        self._stream.write(f"\r\x1b[Kexternal links: {done:,}/{total:,} checked, {broken:,} broken")
        if done >= total:
            self._stream.write("\n")
        self._stream.flush()
