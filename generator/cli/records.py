"""`tradeoffs records`: the site's decision records, and which are due for a re-visit."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..cards import InvalidCollection
from ..cards.problems import FORMATS, printable
from ..cards.wording import count
from ..engines.project import Project
from ..site.records import decided, read_records
from .usage import UsageError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `records` subcommand."""
    records = commands.add_parser(
        "records",
        help="list the decision records, or those due for a re-visit (--due)",
        description="List the decision records in the site's records folder with their status, "
        "date, card and option. A record is due for a re-visit when its card changed after the "
        "record's date, when the card's review interval has passed since that date, or when its "
        "card or option is gone. Exit status: 0, or 1 with --strict when a record is due.",
    )
    records.add_argument("--due", action="store_true", help="only the records due for a re-visit")
    records.add_argument(
        "--strict", action="store_true", help="exit 1 when a record is due for a re-visit"
    )
    records.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml")
    records.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the records (or those due) and return the exit status."""
    config = Path(args.config)
    if not config.is_file():
        raise UsageError(f"MkDocs config not found: {config}")
    project = Project(config)
    try:
        catalog = project.catalog()
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except InvalidCollection as exc:
        print(FORMATS["text"](exc.problems, exc.files_checked), file=sys.stderr)
        return 1
    shown = decided(
        read_records(project.docs_dir, project.records_folder), catalog, dt.date.today()
    )
    due = [item for item in shown if item.reasons]
    folder = os.path.relpath(project.docs_dir, Path.cwd())
    for item in due if args.due else shown:
        record = item.record
        place = printable(Path(folder, record.path).as_posix())
        what = ", ".join(
            part
            for part in (
                record.status,
                record.date.isoformat() if record.date else "",
                f"card {record.card}" if record.card else "",
                f"option {record.option}" if record.option else "",
            )
            if part
        )
        print(
            printable(
                f"{place}: {record.label + ' ' if record.label else ''}{record.title} ({what})"
            )
        )
        for reason in item.reasons:
            print(f"    due for a re-visit: {printable(reason)}")
    summary = f"{len(due)} of {count(len(shown), 'record')} due for a re-visit"
    print(summary, file=sys.stderr)
    return 1 if args.strict and due else 0
