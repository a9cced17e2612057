"""`tradeoffs record`: write the decision taken with a card as an architecture decision record."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cards import InvalidCollection, load_catalog
from ..cards.problems import FORMATS
from ..cards.validation import did_you_mean
from ..engines.project import RECORDS_DIR, Project
from ..site.records import STATUS, STATUSES
from .usage import UsageError

DEFAULT_OUT = Path("docs") / RECORDS_DIR


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found '{text}'") from None


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `record` subcommand."""
    record = commands.add_parser(
        "record",
        help="write the decision taken with a card as an architecture decision record (MADR 4)",
        description="Draft an architecture decision record in the MADR 4 format from a card: "
        "context, drivers, the options considered, the outcome and its consequences, how to "
        "confirm it and when to look again. It is numbered after the highest NNNN-*.md in OUT "
        "and never replaces a file.",
    )
    record.add_argument("card_id", metavar="CARD_ID", help="the decision card, e.g. build-vs-buy")
    record.add_argument("--chose", required=True, metavar="OPTION_KEY", help="the option chosen")
    record.add_argument(
        "--out",
        metavar="DIR",
        help="the folder of decision records (default: the plugin's records_dir in docs_dir, "
        "docs/adr unless set); '-' prints the record",
    )
    record.add_argument("--title", help="the record's title (default: card title: option name)")
    record.add_argument(
        "--signal",
        dest="signals",
        action=OneSignalPerFlag,
        nargs="+",
        default=[],
        metavar="TEXT",
        help="a condition or signal seen to hold, listed among the decision drivers; one signal "
        "per --signal, repeat it for more. The words after it, up to the next option, are one "
        "signal (joined with spaces), so `--signal Only one model today` is one signal",
    )
    record.add_argument(
        "--against",
        dest="against",
        action=OneSignalPerFlag,
        nargs="+",
        default=[],
        metavar="TEXT",
        help="a condition or signal seen to hold that points to another option, listed among the "
        "drivers as considered against the choice; one per --against, as --signal",
    )
    record.add_argument(
        "--status",
        choices=STATUSES,
        default=STATUS,
        help=f"the record's status (default: {STATUS}, as an option is chosen)",
    )
    record.add_argument(
        "--date", type=_date, help="the decision's date, YYYY-MM-DD (default: today)"
    )
    record.add_argument(
        "--cards", metavar="CARDS_DIR", help="the card folder (default: from --config, or cards)"
    )
    record.add_argument(
        "--config",
        default="mkdocs.yml",
        help="the site's mkdocs.yml, for the card's address on the site (default: mkdocs.yml)",
    )
    record.set_defaults(handler=run)


class OneSignalPerFlag(argparse.Action):
    """Each --signal adds one signal: an unquoted text of several words stays one signal."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        words = [values] if isinstance(values, str) else [str(v) for v in values or []]
        signals = [*(getattr(namespace, self.dest, None) or []), " ".join(words)]
        setattr(namespace, self.dest, signals)


def run(args: argparse.Namespace) -> int:
    """Compose the record and write (or print) it."""
    from ..site.adr import compose, record_parts, slug, write_record

    config = Path(args.config)
    project = Project(config) if config.is_file() else None
    cards_dir = Path(args.cards) if args.cards else project.cards_dir if project else Path("cards")
    try:
        library = None
        if project is not None and project.cards_dir.resolve() == cards_dir.resolve():
            library = project.library()
        catalog = load_catalog(cards_dir, library=library)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except InvalidCollection as exc:
        print(FORMATS["text"](exc.problems, exc.files_checked), file=sys.stderr)
        return 1
    entry = catalog.decisions.get(args.card_id)
    if entry is None:
        raise UsageError(
            f"no decision card '{args.card_id}' in {cards_dir}"
            f"{did_you_mean(args.card_id, list(catalog.decisions))}"
        )
    keys = [option.key for option in entry.model.options]
    if args.chose not in keys:
        raise UsageError(
            f"'{args.chose}' is not an option of {args.card_id}"
            f"{did_you_mean(args.chose, keys)}; its options are: {', '.join(keys)}"
        )
    parts = record_parts(
        entry.id,
        entry.model,
        project.site_url if project else "",
        project.directory_urls if project else True,
    )
    text = compose(
        parts,
        args.chose,
        args.date or dt.date.today(),
        args.title,
        args.signals,
        args.against,
        args.status,
    )
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    title = args.title or f"{entry.model.title} {args.chose}"
    out = Path(args.out) if args.out else project.records_dir if project else DEFAULT_OUT
    if os.path.lexists(out) and not out.is_dir():
        raise UsageError(f"{out} is not a folder; --out names the folder of records (or '-')")
    try:
        path = write_record(out, text, slug(title) or f"{entry.id}-{args.chose}")
    except OSError as exc:
        raise UsageError(f"cannot write a record in {out}: {exc.strerror or exc}") from None
    print(f"wrote {path}")
    return 0
