"""The generated parts of the "Using the generator" pages, and a Markdown extension that puts
them where a page says `<!-- tradeoffs: NAME -->` on a line of its own.

A Python-Markdown extension rather than an engine's plugin or hook, so every engine that reads
`markdown_extensions` (MkDocs, ProperDocs, Zensical) shows the same pages, and a site that does
not list it is unchanged. This repository's mkdocs.yml lists it as `generator.cli.reference`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from ..engines import ENGINE_NOTES
from ..site import usage
from ..site.usage import ArgumentDoc, CommandDoc

MARKER = re.compile(r"^<!-- tradeoffs: ([a-z-]+) -->$")


def _value(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices is not None:
        return ", ".join(str(choice) for choice in action.choices)
    if action.option_strings:
        return str(action.metavar or action.dest.upper())
    return ""


def _default(action: argparse.Action) -> str:
    if action.nargs == 0 or action.default in (None, argparse.SUPPRESS) or action.required:
        return ""
    return str(action.default)


def _arguments(parser: argparse.ArgumentParser) -> tuple[ArgumentDoc, ...]:
    return tuple(
        ArgumentDoc(
            ", ".join(action.option_strings) or str(action.metavar or action.dest),
            _value(action),
            action.help or "",
            _default(action),
        )
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    )


def _usage(parser: argparse.ArgumentParser) -> str:
    # a fixed width: argparse wraps to the terminal's, and the page must not depend on it
    formatter = argparse.HelpFormatter(parser.prog, width=88)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help()


def command_docs(parser: argparse.ArgumentParser) -> list[CommandDoc]:
    """The program's own flags, then each subcommand with its arguments, as the parser has them."""
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    summaries = {action.dest: action.help or "" for action in commands._choices_actions}
    docs = [CommandDoc("", parser.description or "", _usage(parser), _arguments(parser))]
    for name, sub in commands.choices.items():
        summary = summaries.get(name, "")
        docs.append(
            CommandDoc(name, summary[:1].upper() + summary[1:] + ".", _usage(sub), _arguments(sub))
        )
    return docs


def _cli() -> str:
    from . import build_parser

    return usage.cli_reference(command_docs(build_parser()))


def _plugin_options() -> str:
    from ..engines.mkdocs.options import option_docs

    return usage.plugin_options(option_docs())


SECTIONS: dict[str, Callable[[], str]] = {
    "plugin-options": _plugin_options,
    "templates": usage.templates,
    "template-blocks": usage.template_blocks_table,
    "engines": lambda: usage.engines(ENGINE_NOTES),
    "data-files": usage.data_files,
    "cli": _cli,
}


def expand(markdown: str) -> str:
    """`markdown` with each marker line replaced by its generated section."""
    return "\n".join(_expand_lines(markdown.split("\n")))


def _expand_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        marker = MARKER.match(line.strip())
        if marker is None:
            out.append(line)
            continue
        name = marker[1]
        if name not in SECTIONS:
            raise ValueError(
                f"<!-- tradeoffs: {name} --> names no generated section; use one of: "
                + ", ".join(SECTIONS)
            )
        out.extend(["", *SECTIONS[name]().split("\n"), ""])
    return out


class _Sections(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return _expand_lines(lines)


class ReferenceExtension(Extension):
    """Replaces `<!-- tradeoffs: NAME -->` lines with the generated section NAME."""

    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's names
        # before raw HTML blocks are set aside (priority 20), which would keep the marker
        md.preprocessors.register(_Sections(md), "tradeoffs-reference", 35)


def makeExtension(**kwargs: Any) -> ReferenceExtension:
    """The entry point Python-Markdown looks for in `markdown_extensions: [module]`."""
    return ReferenceExtension(**kwargs)
