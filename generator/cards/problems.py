"""Problems found in a collection, and the formats they are reported in."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

# Control characters (a line break, a terminal escape sequence), Unicode's line and paragraph
# separators, and the invisible marks that reorder text on screen (bidirectional overrides).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` on one line with nothing a terminal or log would act on: line breaks, escape
    sequences and direction marks written as visible escapes (`\\n`, `\\x1b`, `\\u202e`)."""
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(), _escaped(m.group())), text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.file}:{self.line}:{self.column}: {self.message}")


def format_text(problems: Iterable[Problem], checked: int) -> str:
    """One `file:line:col: message` line per problem, then a one-line summary."""
    problems = list(problems)
    lines = [str(p) for p in problems]
    if problems:
        files = len({p.file for p in problems})
        noun = "problem" if len(problems) == 1 else "problems"
        lines.append(f"{len(problems)} {noun} in {files} of {checked} files")
    else:
        lines.append(f"{checked} files checked, no problems")
    return "\n".join(lines)


def format_json(problems: Iterable[Problem], checked: int) -> str:
    """A JSON object with the problems as a list, for tools."""
    problems = list(problems)
    return json.dumps(
        {
            "valid": not problems,
            "files_checked": checked,
            "problems": [asdict(p) for p in problems],
        },
        indent=2,
        ensure_ascii=False,
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Iterable[Problem], checked: int) -> str:
    """GitHub Actions workflow commands, so problems show on the pull request's lines."""
    problems = list(problems)
    lines = [
        f"::error file={_escape_property(printable(p.file))},line={p.line},col={p.column},"
        f"title=Invalid card::{_escape_data(printable(p.message))}"
        for p in problems
    ]
    lines.append(format_text([], checked) if not problems else f"{len(problems)} problems")
    return "\n".join(lines)


FORMATS: dict[str, Callable[[Iterable[Problem], int], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}
