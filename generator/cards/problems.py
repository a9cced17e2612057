"""Problems found in a collection, and the formats they are reported in."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Protocol

from .wording import count

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


def _summary(
    problems: list[Problem], checked: int, todos: list[Problem], warnings: list[Problem]
) -> str:
    if problems:
        files = len({p.file for p in problems})
        line = f"{count(len(problems), 'problem')} in {files} of {count(checked, 'file')}"
    else:
        line = f"{count(checked, 'file')} checked, no problems"
    if todos:
        drafts = len({t.file for t in todos})
        line += f"; {count(len(todos), 'to-do')} in {count(drafts, 'draft')}"
    if warnings:
        line += f"; {count(len(warnings), 'warning')}"
    return line


def format_text(
    problems: Iterable[Problem],
    checked: int,
    *,
    todos: Iterable[Problem] = (),
    warnings: Iterable[Problem] = (),
) -> str:
    """One `file:line:col: message` line per problem, to-do and warning, then a one-line summary."""
    problems, todos, warnings = list(problems), list(todos), list(warnings)
    lines = [str(p) for p in sorted([*problems, *todos, *warnings])]
    lines.append(_summary(problems, checked, todos, warnings))
    return "\n".join(lines)


def format_json(
    problems: Iterable[Problem],
    checked: int,
    *,
    todos: Iterable[Problem] = (),
    warnings: Iterable[Problem] = (),
) -> str:
    """A JSON object with the problems and the drafts' to-dos as lists, for tools."""
    problems = list(problems)
    return json.dumps(
        {
            "valid": not problems,
            "files_checked": checked,
            "problems": [asdict(p) for p in problems],
            "todos": [asdict(t) for t in todos],
            "warnings": [asdict(w) for w in warnings],
        },
        indent=2,
        ensure_ascii=False,
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _annotation(command: str, title: str, problem: Problem) -> str:
    return (
        f"::{command} file={_escape_property(printable(problem.file))},line={problem.line},"
        f"col={problem.column},title={title}::{_escape_data(printable(problem.message))}"
    )


def format_github(
    problems: Iterable[Problem],
    checked: int,
    *,
    todos: Iterable[Problem] = (),
    warnings: Iterable[Problem] = (),
) -> str:
    """GitHub Actions workflow commands, so problems (and drafts' to-dos, as notices) show on
    the pull request's lines."""
    problems, todos, warnings = list(problems), list(todos), list(warnings)
    lines = [_annotation("error", "Invalid card", p) for p in problems]
    lines += [_annotation("warning", "Card text", w) for w in warnings]
    lines += [_annotation("notice", "Draft", t) for t in todos]
    lines.append(_summary(problems, checked, todos, warnings))
    return "\n".join(lines)


class Formatter(Protocol):
    """A report format: problems, files checked and to-dos in, the text to print out."""

    def __call__(
        self,
        problems: Iterable[Problem],
        checked: int,
        *,
        todos: Iterable[Problem] = (),
        warnings: Iterable[Problem] = (),
    ) -> str: ...


FORMATS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}
