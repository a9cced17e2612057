"""What a link check finds, and the reports it is written as (text, JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ...cards.problems import printable

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BrokenLink:
    """One broken link: the page (relative to the site) it is on, the link as written, why."""

    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        # Pages, links and a server's answers are other people's text: one line, nothing a
        # terminal would act on.
        if not self.link:  # the file itself, not a link in it
            return printable(f"{self.page}: {self.reason}")
        return printable(f"{self.page} → {self.link}: {self.reason}")


@dataclass(frozen=True)
class ExternalStats:
    """What happened to the distinct external URLs of a run with `--external`."""

    urls: int
    checked: int
    cached: int
    ignored: int
    broken: int


@dataclass
class LinkReport:
    """The outcome of checking one site."""

    broken: list[BrokenLink]
    pages: int
    links: int
    files: int = 0  # Markdown files and the JSON API, checked besides the pages
    # External link occurrences found but not contacted because external checking was off.
    external_unchecked: int = 0
    external: ExternalStats | None = None

    @property
    def ok(self) -> bool:
        """True when no link is broken."""
        return not self.broken


# --------------------------------------------------------------------------- reports


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_text(report: LinkReport) -> str:
    """One `page → link: reason` line per broken link, then a summary line."""
    lines = [str(broken) for broken in report.broken]
    files = f" and {_plural(report.files, 'data file')}" if report.files else ""
    summary = (
        f"checked {_plural(report.links, 'link')} in {_plural(report.pages, 'page')}{files}: "
        f"{len(report.broken):,} broken"
    )
    notes: list[str] = []
    if report.external is not None:
        ext = report.external
        parts = [f"{ext.checked:,} fetched", f"{ext.cached:,} cached"]
        if ext.ignored:
            parts.append(f"{ext.ignored:,} ignored")
        notes.append(f"{_plural(ext.urls, 'external URL')}: " + ", ".join(parts))
    elif report.external_unchecked:
        notes.append(
            f"{_plural(report.external_unchecked, 'external link')} not checked; use --external"
        )
    if notes:
        summary += f" ({'; '.join(notes)})"
    lines.append(summary)
    return "\n".join(lines)


def format_json(report: LinkReport) -> str:
    """`{"broken": [{page, link, reason}...], "summary": {...}}` for tools."""
    summary: dict[str, object] = {
        "pages": report.pages,
        "files": report.files,
        "links": report.links,
        "broken": len(report.broken),
        "external_unchecked": report.external_unchecked,
        "external": asdict(report.external) if report.external else None,
    }
    return json.dumps(
        {"broken": [asdict(b) for b in report.broken], "summary": summary},
        indent=2,
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class ExternalResult:
    """The verdict on one external URL."""

    url: str
    ok: bool
    reason: str = ""
    status: int | None = None
    final_url: str | None = None
    cached: bool = False
