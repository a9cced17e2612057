"""The build of the working tree against a base commit, side by side on the same cards.

    .venv/bin/python bench/run.py --base e077119 [--sizes 1000,2000,5000,10000] [--runs 3]
        [--large-runs 1] [--preview] [--json bench/out/results.json]
    .venv/bin/python bench/run.py --report bench/out/results.json     # print a results file again

The base commit is installed in a virtualenv of its own, cached in bench/out/base-<commit>/:
its tree (`git archive`) in `src/` and `venv/` with `pip install -c requirements.lock src`, not
editable, so the base's `mkdocs build` loads the base's plugin, templates and theme overrides.
The synthetic cards come from the base's `bench/synth.py` (the working tree's without --base)
and are kept in bench/out/cards-<commit>-<N>/, so both versions read the same bytes.

For each size N a project is assembled for each version (its own mkdocs.yml, docs/ and theme/,
with the same cards): bench/out/project-N/ and bench/out/base-<commit>/project-N/. Then, run by
run, base and working tree alternate (validate, then build), so drift on a busy machine hits both
alike. Each run records wall-clock seconds, CPU seconds (user + system of the process and of the
children it waited for) and peak memory (the largest resident set of the process or of any child
it waited for, from wait4). The base is measured at the sizes of --base-sizes only (default
1,000); the working tree at every size, the larger ones one run each (--large-runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
OUT = BENCH / "out"
BIN = Path(sys.executable).parent  # the venv's bin/ when run with .venv/bin/python
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ENV.pop("PYTHONPATH", None)  # each version imports its own installed package only
# Both versions read compiled bytecode (pip compiles the base; the editable tree writes its own).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)

# Targets: (key, description, limit). Every row is printed, PASS, FAIL or not measured.
TARGETS = [
    ("build_ratio", "1,000-card build, working tree / base (wall)", 0.80),
    ("peak_ratio", "peak memory at 1,000 cards, working tree / base", 1.10),
    ("validate_ratio", "validate at 1,000 cards, working tree / base (wall)", 1.00),
    ("scale_2000", "build 2,000 / 1,000 cards (wall)", 2.05),
    ("scale_10000", "build 10,000 / 1,000 cards (wall)", 10.5),
    ("peak_10000_gib", "peak memory at 10,000 cards, GiB", 1.5),
    ("preview_s", "preview: saved card -> refreshed page, 1,000 cards, s", 1.0),
]


class StepFailed(Exception):
    pass


@dataclass
class Version:
    """A version of the code: where its commands are and its project files come from."""

    label: str  # "base" or "tree"
    commit: str
    bin: Path  # the virtualenv's bin/
    src: Path  # mkdocs.yml, docs/, theme/ and bench/synth.py
    home: Path  # projects are assembled under here

    def tool(self, name: str) -> str:
        return str(self.bin / name)


def _git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def working_tree() -> Version:
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--", "generator", "mkdocs.yml", "theme", "docs"):
        commit += "+changes"
    return Version("tree", commit, BIN, REPO, OUT)


def install_base(ref: str, label: str = "base") -> Version:
    """A commit in its own virtualenv (made once, then reused)."""
    commit = _git("rev-parse", "--short", f"{ref}^{{commit}}")
    if not commit:
        raise SystemExit(f"run.py: unknown git ref {ref!r}")
    home = OUT / f"base-{commit}"
    src, venv = home / "src", home / "venv"
    stamp = home / ".installed"
    if not stamp.exists():
        print(f"installing {commit} into {venv.relative_to(REPO)} ...", flush=True)
        shutil.rmtree(home, ignore_errors=True)
        src.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", commit], cwd=REPO, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run(
            [*pip, "--disable-pip-version-check", "-c", str(src / "requirements.lock"), str(src)],
            check=True,
        )
        stamp.write_text(commit + "\n")
    return Version(label, commit, venv / "bin", src, home)


def recorded_cards(n_cards: int, seed: int, synth_from: Version) -> Path:
    """bench/out/cards-<commit>-N[-sS]: N synthetic cards written by that version's synth.py."""
    suffix = f"-s{seed}" if seed != 1 else ""
    cards = OUT / f"cards-{synth_from.commit}-{n_cards}{suffix}"
    if not (cards / ".complete").exists():
        shutil.rmtree(cards, ignore_errors=True)
        synth = synth_from.src / "bench" / "synth.py"
        python = synth_from.tool("python")
        cmd = [python, str(synth), "--cards", str(n_cards), "--out", str(cards)]
        subprocess.run([*cmd, "--seed", str(seed)], check=True, env=ENV, stdout=subprocess.DEVNULL)
        (cards / ".complete").write_text(_digest(cards) + "\n")
    return cards


def _digest(folder: Path) -> str:
    """sha256 over every file's path and bytes, to show two runs read the same cards."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".complete"):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def assemble(version: Version, n_cards: int, cards: Path) -> Path:
    """The version's mkdocs.yml, docs/ and theme/ with a copy of the recorded cards."""
    project = version.home / f"project-{n_cards}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy2(version.src / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("docs", "theme"):
        if (version.src / folder).is_dir():
            shutil.copytree(version.src / folder, project / folder)
    shutil.copytree(cards, project / "cards", ignore=shutil.ignore_patterns(".complete"))
    return project


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float


def run(cmd: list[str], cwd: Path) -> Run:
    """Run a command to its end; raise StepFailed when it fails.

    wait4 gives the usage of the process and of every descendant it waited for (the forked
    workers too): CPU is their sum, ru_maxrss (KiB on Linux) the largest of them.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=output, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            output.seek(0)
            tail = "\n".join(output.read().decode("utf-8", "replace").strip().splitlines()[-30:])
            raise StepFailed(f"{' '.join(cmd)} exited {proc.returncode}:\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _summary(runs: list[Run]) -> dict[str, Any]:
    return {
        "wall_s": round(statistics.median(r.wall for r in runs), 3),
        "cpu_s": round(statistics.median(r.cpu for r in runs), 3),
        "peak_mib": round(statistics.median(r.peak_mib for r in runs), 1),
        "all": [[round(r.wall, 3), round(r.cpu, 3), round(r.peak_mib, 1)] for r in runs],
    }


def output_sizes(site: Path) -> dict[str, Any]:
    """What a reader downloads: the median card page and the largest page and file."""
    cards = sorted(p.stat().st_size for p in (site / "decisions").glob("*/index.html"))
    files = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*")]
    files = [f for f in files if Path(site / f[1]).is_file()]
    pages = [f for f in files if f[1].endswith(".html")]
    biggest_page, biggest_file = max(pages), max(files)
    return {
        "decision_pages": len(cards),
        "page_kb": round(statistics.median(cards) / 1024, 1) if cards else None,
        "largest_page": [biggest_page[1], round(biggest_page[0] / 1024, 1)],
        "largest_file": [biggest_file[1], round(biggest_file[0] / 1024, 1)],
        "site_mb": round(sum(f[0] for f in files) / 2**20, 1),
    }


def measure(
    n_cards: int, runs: int, versions: list[Version], synth_from: Version, seed: int
) -> dict[str, Any]:
    """Validate and build each version on the same N cards, alternating, `runs` times."""
    cards = recorded_cards(n_cards, seed, synth_from)
    projects = {v.label: assemble(v, n_cards, cards) for v in versions}
    print(f"\n[{n_cards} cards] {cards.relative_to(REPO)}, {runs} run(s) each", flush=True)
    validate: dict[str, list[Run]] = {v.label: [] for v in versions}
    build: dict[str, list[Run]] = {v.label: [] for v in versions}
    load = [os.getloadavg()[0]]
    for number in range(runs):
        for v in versions:
            project = projects[v.label]
            validate[v.label].append(run([v.tool("tradeoffs"), "validate", "cards"], project))
        for v in versions:
            project = projects[v.label]
            shutil.rmtree(project / "site", ignore_errors=True)
            cmd = [v.tool("mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"]
            build[v.label].append(run(cmd, project))
            b, c = build[v.label][-1], validate[v.label][-1]
            print(
                f"  run {number + 1} {v.label:4s} build {b.wall:6.2f} s  CPU {b.cpu:6.2f} s  "
                f"peak {b.peak_mib:6.0f} MiB | validate {c.wall:5.2f} s",
                flush=True,
            )
    load.append(os.getloadavg()[0])
    row: dict[str, Any] = {
        "cards": n_cards,
        "runs": runs,
        "cards_sha256": (cards / ".complete").read_text().strip(),
        "loadavg_1min": [round(x, 2) for x in load],
    }
    for v in versions:
        row[v.label] = {
            "commit": v.commit,
            "build": _summary(build[v.label]),
            "validate": _summary(validate[v.label]),
            "output": output_sizes(projects[v.label] / "site"),
        }
    return row


def evaluate(rows: list[dict[str, Any]], preview: dict[str, Any] | None) -> dict[str, float]:
    """The measured value of each target that was measured."""
    by_n = {r["cards"]: r for r in rows}
    values: dict[str, float] = {}
    one = by_n.get(1000)
    if one and "base" in one:
        tree, base = one["tree"], one["base"]
        values["build_ratio"] = tree["build"]["wall_s"] / base["build"]["wall_s"]
        values["peak_ratio"] = tree["build"]["peak_mib"] / base["build"]["peak_mib"]
        values["validate_ratio"] = tree["validate"]["wall_s"] / base["validate"]["wall_s"]
    if one:
        for n in (2000, 10000):
            if n in by_n:
                values[f"scale_{n}"] = (
                    by_n[n]["tree"]["build"]["wall_s"] / one["tree"]["build"]["wall_s"]
                )
    if 10000 in by_n:
        values["peak_10000_gib"] = by_n[10000]["tree"]["build"]["peak_mib"] / 1024
    if preview:
        values["preview_s"] = preview["edit_s"]
    return values


def report(results: dict[str, Any]) -> None:
    rows = results["sizes"]
    print(f"\nbase {results.get('base') or '(none)'}; working tree {results['tree']}")
    head = (
        f"{'cards':>6} {'version':8} {'runs':>4} {'build_s':>8} {'cpu_s':>7} {'peak_MiB':>8} "
        f"{'validate_s':>10} {'page_kb':>7}  largest page / largest file (KB)"
    )
    print(head + "\n" + "-" * len(head))
    for r in rows:
        for label in ("base", "tree"):
            if label not in r:
                continue
            m = r[label]
            out = m["output"]
            print(
                f"{r['cards']:>6} {label:8} {r['runs']:>4} {m['build']['wall_s']:>8.2f} "
                f"{m['build']['cpu_s']:>7.2f} {m['build']['peak_mib']:>8.0f} "
                f"{m['validate']['wall_s']:>10.2f} {out['page_kb'] or 0:>7.1f}  "
                f"{out['largest_page'][0]} {out['largest_page'][1]:.0f} / "
                f"{out['largest_file'][0]} {out['largest_file'][1]:.0f}"
            )
        if "base" in r:
            t, b = r["tree"]["build"], r["base"]["build"]
            print(
                f"{'':>6} {'ratio':8} {'':>4} {t['wall_s'] / b['wall_s']:>8.2f} "
                f"{t['cpu_s'] / b['cpu_s']:>7.2f} {t['peak_mib'] / b['peak_mib']:>8.2f} "
                f"{r['tree']['validate']['wall_s'] / r['base']['validate']['wall_s']:>10.2f}"
            )
    if results.get("preview"):
        p = results["preview"]
        print(
            f"\npreview at {p['cards']} cards: saved card -> refreshed page {p['edit_s']} s "
            f"(each {p['edit_s_all']}); its category's page {p.get('follow_s')} s; "
            f"title change {p['title_edit_s']} s; "
            f"first build {p['first_build_s']} s"
        )
    values = evaluate(rows, results.get("preview"))
    print("\ntargets:")
    for key, name, limit in TARGETS:
        if key in values:
            verdict = "PASS" if values[key] <= limit else "FAIL"
            print(f"  {verdict}  {name}: {values[key]:.3f} (target <= {limit})")
        else:
            print(f"  n/a   {name}: not measured (target <= {limit})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", metavar="COMMIT", help="the commit to compare with")
    parser.add_argument(
        "--sizes", default="1000,2000", help="collection sizes, comma-separated (default 1000,2000)"
    )
    parser.add_argument(
        "--base-sizes", default="1000", help="sizes at which the base is measured too"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per version up to 1,000 cards")
    parser.add_argument(
        "--large-runs", type=int, default=1, help="runs per version above 1,000 cards"
    )
    parser.add_argument(
        "--tree",
        metavar="COMMIT",
        help="measure this commit, installed like the base, instead of the working tree",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--preview", action="store_true", help="also run bench/preview.py at 1,000 cards"
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--report", type=Path, metavar="JSON", help="print a results file again")
    args = parser.parse_args(argv)
    if args.report:
        report(json.loads(args.report.read_text(encoding="utf-8")))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    base_sizes = {int(s) for s in args.base_sizes.split(",") if s}

    OUT.mkdir(parents=True, exist_ok=True)
    # One benchmark at a time: two would share bench/out/ and each other's CPU.
    lock = (OUT / ".run.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("waiting for another bench/run.py to finish ...", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    tree = install_base(args.tree, "tree") if args.tree else working_tree()
    base = install_base(args.base) if args.base else None
    results: dict[str, Any] = {
        "base": base.commit if base else None,
        "tree": tree.commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "sizes": [],
        "preview": None,
    }
    for n in sizes:
        versions = [base, tree] if base and n in base_sizes else [tree]
        runs = args.runs if n <= 1000 else args.large_runs
        try:
            results["sizes"].append(measure(n, runs, versions, base or tree, args.seed))
        except StepFailed as exc:
            print(f"[{n} cards] FAILED: {exc}", file=sys.stderr)
            return 1
        _write(args.json, results)  # after every size, so a long run keeps what it has
    if args.preview:
        import preview

        print("\n[preview] bench/preview.py --cards 1000 ...", flush=True)
        python = tree.bin / "python"
        results["preview"] = preview.measure(1000, 3, OUT, python, tree.src, plain=False)
        _write(args.json, results)
    report(results)
    return 0


def _write(path: Path | None, results: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps({**results, "measured_at": stamp}, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    sys.exit(main())
