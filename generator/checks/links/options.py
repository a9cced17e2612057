"""What a link check is told: the site's address and base path, the ignore list, and how to
check external links."""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

USER_AGENT = "tradeoff-cards-linkcheck/0.1"
DEFAULT_CACHE = Path(".cache/tradeoffs/external-links.json")

Warn = Callable[[str], None]
Progress = Callable[[int, int, int], None]


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class ConfigError(ValueError):
    """An ignore pattern or the `pyproject.toml` table is unusable."""


def normalize_site_url(value: str) -> str:
    """`https://example.org/docs` -> `https://example.org/docs/`; raises ConfigError unless it
    is an http(s) URL; '' stays ''."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"--site-url must be an http(s) URL such as https://example.org/docs/: {value}"
        )
    return value if value.endswith("/") else value + "/"


def normalize_base_path(value: str) -> str:
    """`project`, `/project` or `/project/` -> `/project/`; raises ConfigError for URLs."""
    value = value.strip()
    if "://" in value or value.startswith("//"):
        raise ConfigError(f"--base-path must be a path such as /project/, not a URL: {value}")
    parts = [part for part in value.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise ConfigError(f"--base-path must not contain . or .. segments: {value}")
    return "/" + "".join(f"{part}/" for part in parts)


# --------------------------------------------------------------------------- ignore list


def compile_ignores(patterns: Iterable[tuple[str, str]]) -> tuple[re.Pattern[str], ...]:
    """Compile `(pattern, where it came from)` pairs; ConfigError names the bad one."""
    compiled = []
    for pattern, source in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(f"invalid ignore pattern {pattern!r} from {source}: {exc}") from None
    return tuple(compiled)


def load_pyproject_ignores(path: Path) -> list[str]:
    """The `ignore` list of `[tool.tradeoffs.check-links]` in `path` ([] when absent)."""
    if not path.is_file():
        return []
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    table = data.get("tool", {}).get("tradeoffs", {}).get("check-links", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.tradeoffs.check-links] must be a table")
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(p, str) for p in ignore):
        raise ConfigError(f"{path}: [tool.tradeoffs.check-links] ignore must be a list of strings")
    return ignore


# --------------------------------------------------------------------------- external links


@dataclass(frozen=True)
class ExternalOptions:
    """How to check external links; the defaults are the CLI's."""

    concurrency: int = 8
    timeout: float = 10.0
    retries: int = 2
    per_host_rate: float = 2.0  # requests per second per host
    max_retry_after: float = 60.0
    cache_path: Path | None = DEFAULT_CACHE  # None: no cache
    cache_days: float = 7.0
    ignore: tuple[re.Pattern[str], ...] = ()
    backoff: float = 1.0  # first retry delay; doubles on each further retry
    user_agent: str = USER_AGENT
