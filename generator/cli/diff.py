"""The `diff` subcommand: what changed in the cards between two git revisions, for a reviewer."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .usage import UsageError

FORMAT_NAMES = ("json", "markdown", "text")

DESCRIPTION = """\
Say what changed in the cards between two git revisions, in a reviewer's words: cards added,
removed or renamed; per card, options added or removed, items added or removed in each list
(quoted), other fields as old -> new (undo cost, reviewed date, summary...), relations added or
removed. A card that does not validate at a revision is reported with its problems.

BASE defaults to the merge base of HEAD and the default branch: the branch origin/HEAD points
at, else the first of origin/main, origin/master, main and master that exists. HEAD defaults to
the working tree (files as saved, tracked or not). Exit status: 0 when the comparison is
reported (with or without changes), 1 when a card does not validate in HEAD (the comparison is
still reported), 2 for usage errors (not a git repository, an unknown revision)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `diff` to the CLI's subcommands."""
    parser = commands.add_parser(
        "diff",
        help="what changed in the cards between two git revisions, for a pull request",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("base", nargs="?", metavar="BASE", help="the older revision")
    parser.add_argument("head", nargs="?", metavar="HEAD", help="the newer revision")
    parser.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        default="text",
        help="text (default), markdown (for a pull request or job summary) or json",
    )
    parser.add_argument("--cards", default="cards", help="the card folder (default: cards)")
    parser.set_defaults(handler=_diff)


def _short(commit: str) -> str:
    return commit[:12]


def _diff(args: argparse.Namespace) -> int:
    from ..cards.compare import compare, read_snapshot
    from .diff_report import FORMATS
    from .git import (
        GitError,
        commit_of,
        default_branch,
        files_at,
        merge_base,
        repository_root,
        working_files,
    )

    cards = Path(args.cards).resolve()
    try:
        root = repository_root(cards if cards.is_dir() else Path.cwd())
        folder = Path(os.path.relpath(cards, root)).as_posix()
        if folder == "." or folder.startswith("../"):
            raise UsageError(f"{args.cards} is not a folder inside the repository at {root}")
        if args.base:
            base_commit = commit_of(args.base, root)
            base_label = f"{args.base} ({_short(base_commit)})"
        else:
            branch = default_branch(root)
            base_commit = merge_base(branch, root)
            base_label = f"the merge base of HEAD and {branch} ({_short(base_commit)})"
        base_files = files_at(base_commit, folder, root)
        if args.head:
            head_commit = commit_of(args.head, root)
            head_label = f"{args.head} ({_short(head_commit)})"
            head_files = files_at(head_commit, folder, root)
        else:
            if not cards.is_dir():
                raise UsageError(f"card folder not found: {args.cards}")
            head_label = "the working tree"
            head_files = working_files(cards)
        if not base_files and not head_files:
            raise UsageError(f"no cards in {folder}/ at either revision")
    except GitError as exc:
        raise UsageError(str(exc)) from None
    prefix = f"{folder}/"
    comparison = compare(read_snapshot(base_files, prefix), read_snapshot(head_files, prefix))
    code = 1 if comparison.invalid_at_head else 0
    try:
        print(FORMATS[args.format](comparison, base_label, head_label))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`); keep the verdict
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code
