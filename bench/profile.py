"""Where a build's time and memory go: cProfile, a per-page pass and tracemalloc.

    .venv/bin/python bench/profile.py 1000 [--base e077119] [--reuse]   # cProfile + per page
    .venv/bin/python bench/profile.py 10000 --memory [--reuse]          # tracemalloc by stage

The cards are those `run.py` records (the base's synth.py with --base); the project is
bench/out/project-N/. Output: bench/out/profile-N.txt (with the top 40 functions by cumulative
and by own time), bench/out/profile-N.prof and bench/out/profile-validate-N.prof. cProfile
inflates code that makes many small Python calls (Jinja, Python-Markdown) roughly two to three
times; the per-page pass runs without it. `--memory` builds in-process under tracemalloc and
prints the traced memory after each of the plugin's events and the largest allocations (by
line) at the moment the most was held.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import run

OUT, REPO = run.OUT, run.REPO

# Where a function's own time (tottime) is counted, by the path of its source file.
BUCKETS = [
    ("generator (our code)", ("/generator/",)),
    ("nh3 (sanitiser)", ("nh3",)),
    ("jinja2 (templates)", ("/jinja2/", "<template>", "/markupsafe/")),
    ("python-markdown", ("/markdown/",)),
    ("pymdownx", ("/pymdownx/",)),
    ("material (theme + plugins)", ("/material/",)),
    ("mkdocs", ("/mkdocs/",)),
    ("yaml", ("/yaml/", "_yaml")),
    ("pydantic", ("/pydantic", "pydantic_core")),
    ("html.parser / xml / re", ("html/parser", "xml/etree", "/re/", "_sre", "re.py")),
    ("json", ("/json/", "_json")),
    (
        "file I/O, os",
        ("posixpath", "shutil", "genericpath", "pathlib", "<built-in method io.", "os.py"),
    ),
]

# Stages of the build: (label, file suffix, function name); the cumulative time is reported.
STAGES = [
    ("whole build (mkdocs.commands.build.build)", "mkdocs/commands/build.py", "build"),
    ("plugin on_config: load + plan (ours)", "generator/engines/mkdocs/plugin.py", "on_config"),
    ("  load_catalog", "generator/cards/catalog.py", "load_catalog"),
    ("  build_plan", "generator/site/plan.py", "build_plan"),
    ("    search entries (page_entries)", "generator/site/search.py", "page_entries"),
    ("    card text Markdown (markup.inline)", "generator/site/markup.py", "inline"),
    ("plugin on_files (ours)", "generator/engines/mkdocs/plugin.py", "on_files"),
    (
        "plugin on_page_content: raw HTML back (ours)",
        "generator/engines/mkdocs/plugin.py",
        "on_page_content",
    ),
    ("plugin on_page_markdown (ours)", "generator/engines/mkdocs/plugin.py", "on_page_markdown"),
    ("plugin on_page_context (ours)", "generator/engines/mkdocs/plugin.py", "on_page_context"),
    (
        "plugin on_post_page: compact HTML (ours)",
        "generator/engines/mkdocs/plugin.py",
        "on_post_page",
    ),
    ("navigation (mkdocs get_navigation)", "mkdocs/structure/nav.py", "get_navigation"),
    ("_populate_page: read + Markdown -> HTML", "mkdocs/commands/build.py", "_populate_page"),
    ("  Page.render (Markdown conversion)", "mkdocs/structure/pages.py", "render"),
    ("    md_in_html block processor", "markdown/extensions/md_in_html.py", "run"),
    ("    inline patterns (markdown InlineProcessor)", "markdown/treeprocessors.py", "run"),
    ("_build_page: theme template + page hooks", "mkdocs/commands/build.py", "_build_page"),
    ("  jinja Template.render (theme)", "jinja2/environment.py", "render"),
    ("search on_page_context", "material/plugins/search/plugin.py", "on_page_context"),
    ("search on_post_build (index)", "material/plugins/search/plugin.py", "on_post_build"),
    ("tags plugin on_page_markdown", "material/plugins/tags/plugin.py", "on_page_markdown"),
    ("tags plugin on_env", "material/plugins/tags/plugin.py", "on_env"),
    ("tags plugin on_page_context", "material/plugins/tags/plugin.py", "on_page_context"),
    ("  mkdocs link rewriting/validation (treeprocessor)", "mkdocs/structure/pages.py", "run"),
]


VALIDATE_STAGES = [
    ("whole command (generator.cli.main)", "generator/cli/__init__.py", "main"),
    ("  load_catalog", "generator/cards/catalog.py", "load_catalog"),
    ("    read + parse YAML (loader.load)", "generator/cards/loader.py", "load"),
    ("    pydantic model_validate", "pydantic/main.py", "model_validate"),
    ("    reference checks (Linker.check)", "generator/cards/linking.py", "check"),
    ("imports (importlib _find_and_load)", "<frozen importlib._bootstrap>", "_find_and_load"),
]


def _summarize(prof: Path, stages: list[tuple[str, str, str]], head: str) -> list[str]:
    """Stage cumulative times and own time by package, from a cProfile output file."""
    import pstats

    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    raw = stats.stats  # type: ignore[attr-defined]

    def cumulative(suffix: str, name: str) -> float:
        return sum(
            v[3] for (file, _l, func), v in raw.items() if func == name and file.endswith(suffix)
        )

    whole = cumulative(*stages[0][1:]) or total
    lines = [
        f"{head} ({total:.2f} s profiled)",
        "",
        "Stages (cumulative seconds, share of the first line):",
    ]
    for label, suffix, name in stages:
        cum = cumulative(suffix, name)
        if cum:
            lines.append(f"  {label:58s} {cum:8.2f} s  {100 * cum / whole:5.1f} %")
    lines += ["", "Own time (tottime) by package (built-in functions count as 'other'):"]
    buckets: dict[str, float] = {}
    for (file, _line, func), v in raw.items():
        where = file if file != "~" else func
        for _label, needles in BUCKETS:
            if any(n in where for n in needles):
                break
        else:
            label = "other"
        buckets[label] = buckets.get(label, 0.0) + v[2]
    for label, tt in sorted(buckets.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {label:40s} {tt:8.2f} s  {100 * tt / total:5.1f} %")
    return lines


def profile(n_cards: int, seed: int, reuse: bool, base: str | None) -> None:
    """cProfile of the plugin build and of validate at N cards, plus an unprofiled per-page pass."""
    import pstats

    project = OUT / f"project-{n_cards}"
    if not (reuse and (project / "mkdocs.yml").exists()):
        tree = run.working_tree()
        synth_from = run.install_base(base) if base else tree
        project = run.assemble(tree, n_cards, run.recorded_cards(n_cards, seed, synth_from))
    cards_dir = project / "cards"
    prof = OUT / f"profile-{n_cards}.prof"
    vprof = OUT / f"profile-validate-{n_cards}.prof"
    report = OUT / f"profile-{n_cards}.txt"
    site = project / "site-profile"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(prof),
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(project / "mkdocs.yml"),
        "-d",
        str(site),
    ]
    print(f"profiling: {' '.join(cmd)}", flush=True)
    elapsed = run.run(cmd, project).wall
    lines = _summarize(
        prof,
        STAGES,
        f"cProfile of `mkdocs build` with the plugin, {n_cards} synthetic "
        f"cards: {elapsed:.1f} s wall under the profiler",
    )
    print("\n".join(lines), flush=True)

    cmd = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(vprof),
        "-m",
        "generator",
        "validate",
        str(cards_dir),
    ]
    elapsed = run.run(cmd, project).wall
    vlines = _summarize(
        vprof,
        VALIDATE_STAGES,
        f"cProfile of `tradeoffs validate`, {n_cards} synthetic "
        f"cards: {elapsed:.2f} s wall under the profiler",
    )
    print("\n" + "\n".join(vlines), flush=True)
    lines += ["", *vlines]

    print("\nper-page pass (an in-process build without the profiler) ...", flush=True)
    per_page_lines = per_page(project)
    lines += ["", *per_page_lines]
    print("\n".join(per_page_lines))
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with report.open("a", encoding="utf-8") as handle:
        for path, what in ((prof, "build"), (vprof, "validate")):
            for key in ("cumulative", "tottime"):
                handle.write(f"\n\n===== {what}: top 40 by {key} =====\n")
                pstats.Stats(str(path), stream=handle).sort_stats(key).print_stats(40)
    print(f"\nfull listing (top 40 by cumulative and by tottime): {report.relative_to(REPO)}")
    print(
        f"raw profiles: {prof.relative_to(REPO)}, {vprof.relative_to(REPO)} (`python -m pstats FILE`)"
    )


def _page_kind(uri: str) -> str:
    if uri.startswith("decisions/"):
        return "decision cards"
    if uri.startswith("failure-modes/") and uri != "failure-modes/index.md":
        return "failure modes"
    if uri.startswith("categories/"):
        return "category indexes"
    return uri  # the listings are few: each is shown on its own


def per_page(project: Path) -> list[str]:
    """Build in-process with timers around MkDocs' per-page steps; return a report by page kind.

    populate = read + Markdown -> HTML + page_content hooks (our sanitiser among them);
    page = template context + page_context hooks (search indexing among them) + theme template
    + write; search = Material's search indexing of the page (part of `page`).
    """
    import logging

    import mkdocs.commands.build as mkbuild
    from material.plugins.search import plugin as search_plugin
    from mkdocs.config import load_config

    project = project.resolve()
    times: dict[str, list[float]] = {}

    def timed(slot: int, func: Any, page_of: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                row = times.setdefault(page_of(*args).file.src_uri, [0.0, 0.0, 0.0])
                row[slot] += time.perf_counter() - start

        return wrapper

    saved = (
        mkbuild._populate_page,
        mkbuild._build_page,
        search_plugin.SearchIndex.add_entry_from_context,
    )
    mkbuild._populate_page = timed(0, saved[0], lambda page, *a: page)
    mkbuild._build_page = timed(1, saved[1], lambda page, *a: page)
    search_plugin.SearchIndex.add_entry_from_context = timed(2, saved[2], lambda self, page: page)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    cwd = os.getcwd()
    os.chdir(project)
    try:
        site = project / "site-per-page"
        shutil.rmtree(site, ignore_errors=True)
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        start = time.perf_counter()
        mkbuild.build(config)
        total = time.perf_counter() - start
    finally:
        os.chdir(cwd)
        mkbuild._populate_page, mkbuild._build_page = saved[0], saved[1]
        search_plugin.SearchIndex.add_entry_from_context = saved[2]

    kinds: dict[str, list[float]] = {}
    for uri, (populate, page, search) in times.items():
        row = kinds.setdefault(_page_kind(uri), [0, 0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += populate
        row[2] += page
        row[3] += search
    lines = [
        (
            f"Per-page timing of an in-process build (no profiler): {total:.1f} s in all; "
            f"{sum(r[1] + r[2] for r in kinds.values()):.1f} s in the per-page steps"
        ),
        f"  {'pages':40s} {'count':>5} {'populate s':>10} {'page s':>8} {'(search s)':>10} {'ms/page':>8}",
    ]
    for kind, (count, populate, page, search) in sorted(
        kinds.items(), key=lambda kv: -(kv[1][1] + kv[1][2])
    ):
        lines.append(
            f"  {kind:40s} {count:5d} {populate:10.2f} {page:8.2f} {search:10.2f} "
            f"{1000 * (populate + page) / count:8.1f}"
        )
    return lines


def memory(project: Path, top: int = 25) -> list[str]:
    """Build in-process under tracemalloc; the memory held after each build event, and the
    largest allocations by line where the most was held (page events are summed up as one)."""
    import logging
    import tracemalloc

    import mkdocs.commands.build as mkbuild
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection

    held: dict[str, list[float]] = {}  # event -> [calls, MiB after the last, most MiB after one]
    best: list[Any] = [0, None, ""]  # bytes, snapshot, event
    run_event = PluginCollection.run_event

    def traced(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
        result = run_event(self, name, item, **kwargs)
        current = tracemalloc.get_traced_memory()[0]
        row = held.setdefault(name, [0, 0.0, 0.0])
        row[0] += 1
        row[1] = current / 2**20
        row[2] = max(row[2], row[1])
        # Snapshots are slow; take them at the build-wide events only.
        if not name.startswith(("page_", "pre_page", "post_page")) and current > best[0]:
            best[:] = [current, tracemalloc.take_snapshot(), name]
        return result

    PluginCollection.run_event = traced  # type: ignore[method-assign]
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    cwd = os.getcwd()
    os.chdir(project)
    site = project / "site-memory"
    shutil.rmtree(site, ignore_errors=True)
    tracemalloc.start(1)
    try:
        start = time.perf_counter()
        mkbuild.build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
        total = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        os.chdir(cwd)
        PluginCollection.run_event = run_event  # type: ignore[method-assign]
    lines = [
        f"tracemalloc of an in-process build: {total:.1f} s, peak {peak / 2**20:.0f} MiB traced",
        f"  {'event':24s} {'calls':>6} {'MiB after last':>14} {'most MiB after one':>18}",
    ]
    for name, (calls, last, most) in held.items():
        lines.append(f"  {name:24s} {calls:6d} {last:14.1f} {most:18.1f}")
    if best[1] is not None:
        lines += ["", f"largest allocations by line after `{best[2]}` ({best[0] / 2**20:.0f} MiB):"]
        for stat in best[1].statistics("lineno")[:top]:
            frame = stat.traceback[0]
            where = f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}"
            lines.append(f"  {stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks  {where}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cards", type=int, help="collection size")
    parser.add_argument("--base", metavar="COMMIT", help="take the cards from this commit's synth")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="reuse bench/out/project-N")
    parser.add_argument(
        "--memory", action="store_true", help="tracemalloc by build event instead of cProfile"
    )
    args = parser.parse_args(argv)
    if args.memory:
        project = OUT / f"project-{args.cards}"
        if not (args.reuse and (project / "mkdocs.yml").exists()):
            tree = run.working_tree()
            synth_from = run.install_base(args.base) if args.base else tree
            cards = run.recorded_cards(args.cards, args.seed, synth_from)
            project = run.assemble(tree, args.cards, cards)
        lines = memory(project.resolve())
        (OUT / f"memory-{args.cards}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("\n".join(lines))
        return 0
    profile(args.cards, args.seed, args.reuse, args.base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
