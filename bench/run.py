"""Timings of validate, render and the site build on synthetic collections.

    .venv/bin/python bench/run.py --cards 100 --cards 1000 --json bench/out/results.json [--runs 3]
    .venv/bin/python bench/run.py --profile 1000          # cProfile of the plugin build

For each N a project is assembled in bench/out/project-N/: the repository's mkdocs.yml, docs/
and theme/ (the real configuration), with N synthetic cards (bench/synth.py) in the folder the
plugin's `cards_dir` names. Then, each the median of R runs:

- validate_s: `tradeoffs validate` as a whole process (wall clock, start-up included)
- load_s / render_s: generator.cards.load_catalog / generator.site.plan.build_plan, in-process
- build_s: `mkdocs build` with the plugin (whole process, wall clock)
- plain_build_s: `mkdocs build` of the `tradeoffs export` tree with the exported config, which
  has the same configuration without the plugin (only the build is timed)
- page_kb: median size of site/decisions/*/index.html, in KB (1 KB = 1,024 bytes)

The plugin and plain builds alternate run by run, so drift on a busy machine hits both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
OUT = BENCH / "out"
BIN = Path(sys.executable).parent  # the venv's bin/ when run with .venv/bin/python

sys.path.insert(0, str(BENCH))

from synth import synthesize  # noqa: E402  (after the path is set up above)

# The code under test: the working tree, or with --ref a commit extracted by `git archive` into
# bench/out/src-REF/ (generator/, mkdocs.yml, docs/, theme/), put first on PYTHONPATH.
SRC = REPO

# Targets (from the brief): checked against the figures measured.
TARGET_VALIDATE_1000_S = 1.0
TARGET_BUILD_1000_S = 15.0
TARGET_PLUGIN_OVER_PLAIN = 1.10
TARGET_SCALING_2000_OVER_1000 = 2.1
TARGET_PAGE_KB = 80.0

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


class StepFailed(Exception):
    pass


def use_source(ref: str | None) -> dict[str, Any]:
    """Select the code under test and import it; return a description of it for the results."""
    global SRC
    head = _git("rev-parse", "--short", "HEAD")
    if ref:
        commit = _git("rev-parse", "--short", f"{ref}^{{commit}}")
        if not commit:
            raise SystemExit(f"run.py: unknown git ref {ref!r}")
        SRC = OUT / f"src-{commit}"
        if not (SRC / "generator").is_dir():
            SRC.mkdir(parents=True, exist_ok=True)
            listed = _git("ls-tree", "--name-only", commit).split()
            wanted = [p for p in ("generator", "mkdocs.yml", "docs", "theme") if p in listed]
            archive = subprocess.run(
                ["git", "archive", commit, *wanted], cwd=REPO, capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(SRC)], input=archive.stdout, check=True)
        ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
        code = {"ref": ref, "commit": commit, "dirty": False}
    else:
        dirty = _git("status", "--porcelain", "--", "generator", "mkdocs.yml", "theme", "docs")
        code = {"ref": "working tree", "commit": head, "dirty": bool(dirty)}
    sys.path.insert(0, str(SRC))
    import generator

    if Path(generator.__file__).resolve().parent != (SRC / "generator").resolve():
        raise SystemExit(f"run.py: imported {generator.__file__}, expected {SRC / 'generator'}")
    return code


def _git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _run(cmd: list[str], cwd: Path, cpu: list[float] | None = None) -> float:
    """Run a command; return its wall-clock seconds; raise StepFailed on failure.

    With `cpu`, the child's user + system CPU seconds are appended to it: on a shared machine
    CPU time is much less disturbed by other load than wall-clock time.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=output, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if cpu is not None:
            cpu.append(usage.ru_utime + usage.ru_stime)
        if proc.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            tail = "\n".join(text.strip().splitlines()[-30:])
            raise StepFailed(f"{' '.join(cmd)} exited {proc.returncode}:\n{tail}")
    return elapsed


def make_project(n_cards: int, seed: int) -> Path:
    """bench/out/project-N: the real site configuration around N synthetic cards."""
    project = OUT / f"project-{n_cards}"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    from generator.engines.project import Project

    shutil.copy2(SRC / "mkdocs.yml", project / "mkdocs.yml")
    site = Project(project / "mkdocs.yml")
    for folder in {site.config.get("docs_dir", "docs"), site.theme.get("custom_dir")} - {None}:
        if (SRC / folder).is_dir():
            shutil.copytree(SRC / folder, project / folder)
    synthesize(n_cards, site.cards_dir, seed=seed)
    return project


def _median(values: list[float]) -> float:
    return statistics.median(values)


def measure(n_cards: int, runs: int, seed: int) -> dict[str, Any]:
    from generator.cards import load_catalog
    from generator.engines.project import Project
    from generator.site.plan import SiteSettings, build_plan

    project = make_project(n_cards, seed)
    config = Project(project / "mkdocs.yml")
    cards_dir = config.cards_dir
    settings = SiteSettings(
        config.template_dir, config.directory_urls, config.site_name, config.site_url
    )

    print(
        f"\n[{n_cards} cards] project in {project.relative_to(REPO)}, {runs} run(s) each",
        flush=True,
    )
    load_before = os.getloadavg()[0]
    validate_cpu: list[float] = []
    validate = [
        _run([_tool("tradeoffs"), "validate", str(cards_dir)], project, validate_cpu)
        for _ in range(runs)
    ]
    print(f"  validate      {_fmt_runs(validate)}", flush=True)

    load, render, load_cpu, render_cpu = [], [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        catalog = load_catalog(cards_dir, display_root=project)
        t1, c1 = time.perf_counter(), time.process_time()
        pages = build_plan(catalog, settings).pages
        t2, c2 = time.perf_counter(), time.process_time()
        load.append(t1 - t0)
        render.append(t2 - t1)
        load_cpu.append(c1 - c0)
        render_cpu.append(c2 - c1)
    n_pages = len(pages)
    markdown_kb = (
        statistics.median(
            len(p.markdown.encode()) for u, p in pages.items() if u.startswith("decisions/")
        )
        / 1024
    )
    print(f"  load          {_fmt_runs(load)}", flush=True)
    print(f"  render        {_fmt_runs(render)}  ({n_pages} pages)", flush=True)

    export_dir = project / "export"
    plain_config = project / "mkdocs.plain.yml"
    _run(
        [
            _tool("tradeoffs"),
            "export",
            str(export_dir),
            "--config",
            str(project / "mkdocs.yml"),
            "--mkdocs-config-out",
            str(plain_config),
        ],
        project,
    )
    site, plain_site = project / "site", project / "site-plain"
    build: list[float] = []
    plain: list[float] = []
    build_cpu: list[float] = []
    plain_cpu: list[float] = []
    for _ in range(runs):
        for target in (site, plain_site):
            shutil.rmtree(target, ignore_errors=True)
        mkdocs = [_tool("mkdocs"), "build", "-q", "-f"]
        build.append(
            _run([*mkdocs, str(project / "mkdocs.yml"), "-d", str(site)], project, build_cpu)
        )
        print(f"  build         {build[-1]:.2f} s  (CPU {build_cpu[-1]:.2f} s)", flush=True)
        plain.append(_run([*mkdocs, str(plain_config), "-d", str(plain_site)], project, plain_cpu))
        print(f"  plain build   {plain[-1]:.2f} s  (CPU {plain_cpu[-1]:.2f} s)", flush=True)

    sizes = [p.stat().st_size for p in (site / "decisions").glob("*/index.html")]
    plain_sizes = [p.stat().st_size for p in (plain_site / "decisions").glob("*/index.html")]
    if len(sizes) != n_cards:
        raise StepFailed(f"expected {n_cards} decision pages in {site}, found {len(sizes)}")
    html_total = sum(p.stat().st_size for p in site.rglob("*.html"))
    search_index = site / "search" / "search_index.json"
    return {
        "cards": n_cards,
        "failure_modes": len(catalog.failure_modes),
        "categories": len(catalog.categories),
        "generated_pages": n_pages,
        "runs": runs,
        "validate_s": round(_median(validate), 3),
        "load_s": round(_median(load), 3),
        "render_s": round(_median(render), 3),
        "build_s": round(_median(build), 3),
        "plain_build_s": round(_median(plain), 3),
        "plugin_over_plain": round(_median(build) / _median(plain), 3),
        "page_kb": round(statistics.median(sizes) / 1024, 1),
        "plain_page_kb": round(statistics.median(plain_sizes) / 1024, 1),
        "page_markdown_kb": round(markdown_kb, 1),
        "site_html_mb": round(html_total / 2**20, 1),
        "search_index_mb": round(search_index.stat().st_size / 2**20, 1)
        if search_index.exists()
        else None,
        "cpu_s": {
            "validate": round(_median(validate_cpu), 3),
            "load": round(_median(load_cpu), 3),
            "render": round(_median(render_cpu), 3),
            "build": round(_median(build_cpu), 3),
            "plain_build": round(_median(plain_cpu), 3),
        },
        "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "all_s": {
            "validate": [round(x, 3) for x in validate],
            "load": [round(x, 3) for x in load],
            "render": [round(x, 3) for x in render],
            "build": [round(x, 3) for x in build],
            "plain_build": [round(x, 3) for x in plain],
        },
    }


def _fmt_runs(values: list[float]) -> str:
    return f"median {_median(values):.3f} s  (" + ", ".join(f"{v:.3f}" for v in values) + ")"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'cards':>6} {'runs':>4} {'validate_s':>10} {'load_s':>7} {'render_s':>8} {'build_s':>8} "
        f"{'plain_s':>8} {'plugin/plain':>12} {'page_kb':>8} {'build_cpu':>9} {'plain_cpu':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['cards']:>6} {r['runs']:>4} {r['validate_s']:>10.3f} {r['load_s']:>7.3f} "
            f"{r['render_s']:>8.3f} {r['build_s']:>8.2f} {r['plain_build_s']:>8.2f} "
            f"{r['plugin_over_plain']:>12.3f} {r['page_kb']:>8.1f} "
            f"{r['cpu_s']['build']:>9.2f} {r['cpu_s']['plain_build']:>9.2f}"
        )
    by_n = {r["cards"]: r for r in rows}
    for n, r in sorted(by_n.items()):
        big = by_n.get(2 * n)
        if big:
            ratios = ", ".join(
                f"{key[:-2]} {big[key] / r[key]:.2f}x"
                for key in ("validate_s", "load_s", "render_s", "build_s", "plain_build_s")
                if r[key]
            )
            lines.append(f"scaling {2 * n}/{n}: {ratios}")
            cpu = ", ".join(
                f"{key} {big['cpu_s'][key] / r['cpu_s'][key]:.2f}x"
                for key in ("validate", "load", "render", "build", "plain_build")
                if r["cpu_s"][key]
            )
            lines.append(f"scaling {2 * n}/{n} on CPU time: {cpu}")
    return "\n".join(lines)


def targets(rows: list[dict[str, Any]], cpu: bool = False) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/FAIL/n/a) for each target of the brief.

    With `cpu`, the child processes' CPU time stands in for wall-clock time: on a shared
    machine it is close to what a single-threaded run would take with the machine to itself
    (where the code uses several cores, it is an upper bound instead).
    """

    def get(row: dict[str, Any] | None, key: str) -> float | None:
        if row is None:
            return None
        return row["cpu_s"][key[:-2]] if cpu else row[key]

    by_n = {r["cards"]: r for r in rows}
    thousand, two = by_n.get(1000), by_n.get(2000)
    out: list[tuple[str, str, str]] = []

    def check(name: str, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            out.append((name, "not measured", "n/a"))
        else:
            out.append((name, f"{value:.3f}{unit}", "PASS" if value <= limit else "FAIL"))

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if (a is not None and b) else None

    check(
        f"validate at 1,000 cards <= {TARGET_VALIDATE_1000_S} s",
        get(thousand, "validate_s"),
        TARGET_VALIDATE_1000_S,
        " s",
    )
    check(
        f"full build at 1,000 cards <= {TARGET_BUILD_1000_S:.0f} s",
        get(thousand, "build_s"),
        TARGET_BUILD_1000_S,
        " s",
    )
    check(
        f"plugin build <= {TARGET_PLUGIN_OVER_PLAIN}x plain build (1,000 cards)",
        ratio(get(thousand, "build_s"), get(thousand, "plain_build_s")),
        TARGET_PLUGIN_OVER_PLAIN,
        "x",
    )
    check(
        f"build at 2,000 cards <= {TARGET_SCALING_2000_OVER_1000}x build at 1,000",
        ratio(get(two, "build_s"), get(thousand, "build_s")),
        TARGET_SCALING_2000_OVER_1000,
        "x",
    )
    if rows:
        worst = max(rows, key=lambda r: r["page_kb"])
        out.append(
            (
                f"median decision page <= {TARGET_PAGE_KB:.0f} KB (worst N: {worst['cards']})",
                f"{worst['page_kb']:.1f} KB",
                "PASS" if worst["page_kb"] <= TARGET_PAGE_KB else "FAIL",
            )
        )
    return out


# --- profiling -------------------------------------------------------------------------------

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


def profile(n_cards: int, seed: int, reuse: bool) -> None:
    """cProfile of the plugin build and of validate at N cards, plus an unprofiled per-page pass."""
    import pstats

    project = OUT / f"project-{n_cards}"
    if not (reuse and (project / "mkdocs.yml").exists()):
        project = make_project(n_cards, seed)
    from generator.engines.project import Project

    cards_dir = Project(project / "mkdocs.yml").cards_dir
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
    elapsed = _run(cmd, project)
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
    elapsed = _run(cmd, project)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cards",
        type=int,
        action="append",
        default=[],
        help="collection size to measure (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="write the results here (a list of objects)")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per measurement; the median is kept"
    )
    parser.add_argument(
        "--large-runs",
        type=int,
        metavar="R",
        help="runs for collections of 2,000 cards or more (default: --runs)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="profile the plugin build at N cards with cProfile (after any --cards)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --profile: reuse bench/out/project-N if it exists",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="only print the table and targets of a results file written earlier",
    )
    parser.add_argument(
        "--ref",
        metavar="REF",
        help="measure the code of a git commit (extracted with git archive) "
        "instead of the working tree",
    )
    args = parser.parse_args(argv)
    if args.report:
        _print_results(json.loads(args.report.read_text(encoding="utf-8")))
        return 0
    if not args.cards and not args.profile:
        parser.error("give --cards N (repeatable) and/or --profile N")

    OUT.mkdir(parents=True, exist_ok=True)
    # One benchmark at a time: two would share bench/out/project-N and each other's CPU.
    lock = (OUT / ".run.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("waiting for another bench/run.py to finish ...", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    code = use_source(args.ref)
    dirty = " with uncommitted changes" if code["dirty"] else ""
    print(f"code under test: {code['ref']} at {code['commit']}{dirty} ({SRC / 'generator'})")
    rows: list[dict[str, Any]] = []
    for n in args.cards:
        runs = args.large_runs if (args.large_runs and n >= 2000) else args.runs
        try:
            rows.append({**measure(n, runs, args.seed), "code": code})
        except StepFailed as exc:
            print(f"[{n} cards] FAILED: {exc}", file=sys.stderr)
            return 1
        if args.json:  # written after every size, so a long run keeps what it has
            _write_json(args.json, rows)

    if rows:
        print()
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        )
        _print_results(rows)
        if args.json:
            print(f"\nwrote {args.json}")
    if args.profile:
        profile(args.profile, args.seed, args.reuse)
    return 0


def _print_results(rows: list[dict[str, Any]]) -> None:
    codes = {f"{r['code']['ref']} at {r['code']['commit']}" for r in rows if "code" in r}
    if codes:
        print("code under test: " + "; ".join(sorted(codes)))
    print(table(rows))
    print()
    print("targets, on wall-clock medians | on CPU-time medians (CPU time is barely moved by other")
    print("load on the machine, but exceeds wall time where the code runs on several cores):")
    for (name, value, verdict), (_, cpu_value, cpu_verdict) in zip(
        targets(rows), targets(rows, cpu=True), strict=False
    ):
        print(f"  {verdict:4s} | {cpu_verdict:4s}  {name}: {value} | {cpu_value}")


def _write_json(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = [{**row, "measured_at": stamp} for row in rows]
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
