"""The `tradeoffs` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import __version__
from ..cards import InvalidCollection, load_catalog
from ..cards.library import Library
from ..cards.problems import FORMATS, Problem
from ..cards.wording import count
from ..engines import ENGINES
from . import diff, links, record, records
from .usage import UsageError

Handler = Callable[[argparse.Namespace], int]


def _library_of(cards_dir: Path) -> Library | None:
    """The library the site in the current folder builds `cards_dir` on, if it uses one: own
    cards may name library cards, and replace them."""
    from ..engines.project import Project

    config = Path("mkdocs.yml")
    if not config.is_file():
        return None
    project = Project(config)
    if project.cards_dir.resolve() != cards_dir.resolve():
        return None
    return project.library()


def _validate(args: argparse.Namespace) -> int:
    formatter = FORMATS[args.format]
    try:
        cards_dir = Path(args.cards_dir)
        catalog = load_catalog(cards_dir, library=_library_of(cards_dir))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except InvalidCollection as exc:
        print(formatter(exc.problems, exc.files_checked, todos=exc.todos, warnings=exc.warnings))
        return 1
    if args.no_drafts and catalog.drafts():
        problems = [
            Problem(
                e.display,
                *e.doc.position(("status",)),
                f"card is a draft ({count(len(e.todos), 'to-do')} left); finish it and set "
                "'status: published', or keep it off this branch",
            )
            for e in catalog.drafts()
        ]
        print(
            formatter(
                problems, catalog.files_checked, todos=catalog.todos, warnings=catalog.warnings
            )
        )
        return 1
    print(formatter([], catalog.files_checked, todos=catalog.todos, warnings=catalog.warnings))
    return 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, category_ids, new_entry

    cards = Path(args.cards)
    adding = args.new_category and args.category and args.category not in category_ids(cards)
    try:
        path = new_entry(args.kind, args.id, cards, args.category, new_category=args.new_category)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    if adding:
        print(
            f"added category '{args.category}' to {cards / 'categories.yaml'}: "
            "edit its title and description"
        )
    if args.kind == "decision":
        print(f"wrote {path}, a draft: `tradeoffs validate {args.cards}` lists what is left")
    else:
        print(f'wrote {path}: fill in every "", then run `tradeoffs validate {args.cards}`')
    return 0


def _init(args: argparse.Namespace) -> int:
    from .init import InitError, init_knowledge_base
    from .install_spec import InstallSpecError, parse_install

    target = Path(args.dir)
    try:
        install = parse_install(args.install)
        written = init_knowledge_base(
            target, allow_non_empty=args.existing, install=install, library=args.library
        )
    except (InitError, InstallSpecError) as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {count(len(written), 'file')} to {target}:")
    for path in written:
        print(f"  {path.relative_to(target)}")
    if target / ".gitignore" not in written:
        print("kept your .gitignore: add site/ and .venv/ to it if they are not there")
    wheel = Path(install.requirement)
    if install.is_file and (wheel.is_absolute() or not (target / wheel).is_file()):
        print(
            f"the workflow installs {install.requirement}, which is not in {target}: put the "
            "file in the repository and give its path relative to it, or give --install a URL"
        )
    print(f"next: cd {target} && tradeoffs validate && tradeoffs build --out site")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from ..cards.schema import stale_schemas, write_schemas

    if args.check:
        stale = stale_schemas(Path(args.out))
        for path in stale:
            print(f"{path}: out of date; run `tradeoffs schema --force --out {args.out}`")
        return 1 if stale else 0
    try:
        written = write_schemas(Path(args.out), force=args.force)
    except (FileExistsError, NotADirectoryError, FileNotFoundError) as exc:
        raise UsageError(str(exc)) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..engines.export import export_docs, markdown_folder
    from ..site.templating import TemplateProblem

    out = Path(args.out)
    config_out = Path(args.mkdocs_config_out) if args.mkdocs_config_out else None
    markdown_out = Path(args.markdown_out) if args.markdown_out else markdown_folder(out)
    try:
        pages = export_docs(Path(args.config), out, config_out, markdown_out, force=args.force)
    except (FileNotFoundError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    except InvalidCollection as exc:
        print(FORMATS["text"](exc.problems, exc.files_checked), file=sys.stderr)
        return 1
    except TemplateProblem as exc:
        print(f"tradeoffs export: a template failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count(pages, 'page')} to {out}")
    print(f"wrote the Markdown version of each card to {markdown_out}: copy it into the built site")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import BuildFailed, Terminated, build_site

    try:
        build_site(
            Path(args.config),
            Path(args.out),
            check_links=not args.no_check_links,
            engine=args.engine,
        )
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except BuildFailed as exc:
        print(f"tradeoffs build: {exc}", file=sys.stderr)
        print(f"tradeoffs build: {args.out}/ was left as it was", file=sys.stderr)
        return 1
    except (Terminated, KeyboardInterrupt) as exc:
        print(f"tradeoffs build: stopped; {args.out}/ was left as it was", file=sys.stderr)
        return int(exc.code or 1) if isinstance(exc, Terminated) else 130
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tradeoffs", description="Validate, scaffold and publish trade-off cards."
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every card and report all problems")
    validate.add_argument(
        "cards_dir",
        nargs="?",
        default="cards",
        metavar="CARDS_DIR",
        help="the card folder (default: cards)",
    )
    validate.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="text (default), json, or github (workflow annotations)",
    )
    validate.add_argument(
        "--no-drafts",
        action="store_true",
        help="fail while any card is still a draft (for release branches); without it a "
        "draft's unwritten text is listed as to-dos and does not fail",
    )
    validate.set_defaults(handler=_validate)

    new = commands.add_parser("new", help="write a commented scaffold for a new card")
    new.add_argument("kind", choices=["decision", "failure-mode"])
    new.add_argument("id", help="the new id, e.g. cache-vs-read-replica")
    new.add_argument("--category", help="category id for a decision card")
    new.add_argument(
        "--new-category",
        action="store_true",
        help="add --category to categories.yaml when it is not there yet (with a title and "
        "description to edit)",
    )
    new.add_argument("--cards", default="cards", help="the card folder (default: cards)")
    new.set_defaults(handler=_new)

    init = commands.add_parser(
        "init",
        help="create a new knowledge base (config, an example card, CI) that builds as it is",
    )
    init.add_argument("dir", metavar="DIR", help="the folder to create it in")
    init.add_argument(
        "--existing",
        action="store_true",
        help="allow a folder that already has files (none is ever overwritten)",
    )
    init.add_argument(
        "--install",
        metavar="SPEC",
        help="what the workflow and the pre-commit hooks install: a version (1.0.0), a wheel "
        "path relative to DIR or a URL, or a Git URL (git+https://…@v1.0.0) "
        f"(default: tradeoff-cards=={__version__}, this version)",
    )
    init.add_argument(
        "--library",
        action="store_true",
        help="build the site on the package's library of cards, with yours over it",
    )
    init.set_defaults(handler=_init)

    schema = commands.add_parser("schema", help="write the JSON Schemas exported from the models")
    schema.add_argument("--out", default="cards", help="output folder (default: cards)")
    schema.add_argument(
        "--force", action="store_true", help="replace schema files that differ from the models"
    )
    schema.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a schema in the folder is missing or out of date",
    )
    schema.set_defaults(handler=_schema)

    export = commands.add_parser(
        "export", help="write the complete docs tree as Markdown, for building without the plugin"
    )
    export.add_argument("out", help="output folder (must not exist or be empty)")
    export.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml")
    export.add_argument(
        "--mkdocs-config-out",
        metavar="FILE",
        help="also write a mkdocs.yml that builds OUT without the plugin (generated nav included)",
    )
    export.add_argument(
        "--markdown-out",
        metavar="DIR",
        help="where to write the Markdown version of each card, which cannot be in OUT (the "
        "engine would make pages of them); copy it into the built site (default: OUT-markdown)",
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace an existing --mkdocs-config-out file (OUT and the Markdown folder must "
        "still be empty or missing)",
    )
    export.set_defaults(handler=_export)

    build = commands.add_parser(
        "build", help="validate, build with --strict and check links; replace OUT only on success"
    )
    build.add_argument("--out", default="site", help="the site folder to replace (default: site)")
    build.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml")
    build.add_argument("--no-check-links", action="store_true", help="skip the link check")
    build.add_argument(
        "--engine",
        choices=ENGINES,
        default="mkdocs",
        help="mkdocs (default: MkDocs 1.6 with the plugin), properdocs (the maintained MkDocs "
        "fork, with the plugin) or zensical (builds the exported tree; no plugins)",
    )
    build.set_defaults(handler=_build)

    record.register(commands)
    records.register(commands)
    links.register(commands)
    diff.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; exit 0 on success, 1 for invalid cards, 2 for usage errors."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"tradeoffs {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
