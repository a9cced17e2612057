"""Preview latency: from saving a card to the refreshed page under `mkdocs serve`.

    python bench/preview.py --cards 1000 [--edits 3] [--json FILE]

Builds a synthetic project (bench/synth.py) around the real site configuration, starts
`mkdocs serve --dirty` (as `make serve` does) and then, for each edit, appends a marker to one
card's summary, saves it and polls the served page until the marker is there. Also measures a
title change (which rebuilds every page) and, for comparison, the same edit under a plain
`mkdocs serve` (no --dirty). Only 127.0.0.1 is contacted; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

from synth import synthesize  # noqa: E402

TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_project(n_cards: int, root: Path, src: Path = REPO) -> Path:
    """The mkdocs.yml, docs/ and theme/ of `src` (the repository) around N synthetic cards."""
    project = root / f"preview-{n_cards}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy2(src / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(src / "docs", project / "docs")
    shutil.copytree(src / "theme", project / "theme")
    synthesize(n_cards, project / "cards", seed=1)
    return project


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait_for(url: str, marker: str, started: float) -> float:
    while time.monotonic() - started < TIMEOUT_S:
        page = _fetch(url)
        if page is not None and marker in page:
            return time.monotonic() - started
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {marker!r} within {TIMEOUT_S} s")


class Server:
    """`mkdocs serve` in a project, on a free loopback port."""

    def __init__(self, project: Path, dirty: bool, python: Path | str = sys.executable) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/tradeoff-cards/"
        args = [str(python), "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"]
        if dirty:
            args.append("--dirty")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (open for the server's lifetime)
        self.process = subprocess.Popen(
            args,
            cwd=project,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )

    def wait_ready(self) -> float:
        started = time.monotonic()
        while time.monotonic() - started < TIMEOUT_S:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("mkdocs serve exited:\n" + self.log.read().decode()[-2000:])
            if _fetch(self.base) is not None:
                return time.monotonic() - started
            time.sleep(0.1)
        raise TimeoutError("mkdocs serve did not start")

    def stop(self) -> None:
        # Ctrl-C, as a writer stops it: the server ends its indexer and removes what it wrote
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _category(card: Path) -> str:
    for line in card.read_text().splitlines():
        if line.startswith("category:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    raise ValueError(f"no category in {card}")


def _edit(card: Path, marker: str, field: str = "summary") -> None:
    """Put `marker` at the start of a top-level text field (plain or folded)."""
    lines = card.read_text().splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(f"{field}:"):
            value = line[len(field) + 1 :].strip()
            if value.startswith((">", "|")):
                indent = len(lines[index + 1]) - len(lines[index + 1].lstrip())
                lines[index + 1] = " " * indent + marker + " " + lines[index + 1].lstrip()
            else:
                lines[index] = f"{field}: {marker} {value.strip(chr(34))}\n"
            break
    else:
        raise ValueError(f"no top-level {field} in {card}")
    card.write_text("".join(lines))


def measure(
    n_cards: int,
    edits: int,
    root: Path,
    python: Path | str = sys.executable,
    src: Path = REPO,
    plain: bool = True,
) -> dict[str, Any]:
    """Preview latencies at N cards, with `python`'s MkDocs and the site files of `src`;
    without `plain`, no comparison with a plain `mkdocs serve`."""
    project = make_project(n_cards, root, src)
    cards = sorted((project / "cards" / "decisions").glob("*.yaml"))
    results: dict[str, Any] = {"cards": n_cards}
    for dirty in (True, False) if plain else (True,):
        server = Server(project, dirty, python)
        try:
            results["first_build_s" if dirty else "first_build_plain_s"] = round(
                server.wait_ready(), 2
            )
            times, follow = [], []
            for number in range(edits if dirty else 1):
                card = cards[(number * 97 + (0 if dirty else 500)) % len(cards)]
                marker = f"zqxmarker{number}{int(dirty)}"
                started = time.monotonic()
                _edit(card, marker)
                times.append(_wait_for(f"{server.base}decisions/{card.stem}/", marker, started))
                # the pages that show the card follow: its category's page lists its summary
                listing = f"{server.base}categories/{_category(card)}/"
                follow.append(_wait_for(listing, marker, started))
                time.sleep(1.0)  # the next save starts from a settled preview
            key = "edit_s" if dirty else "edit_plain_s"
            results[key] = round(statistics.median(times), 2)
            results[key + "_all"] = [round(t, 2) for t in times]
            results[key.replace("edit", "follow")] = round(statistics.median(follow), 2)
            if dirty:
                card = cards[7]
                marker = f"Zqxtitle{n_cards}"
                started = time.monotonic()
                _edit(card, marker, "title")
                # every page is rebuilt; the page of a card in another category shows it in search
                # only, so wait for the edited card's own page, written among the last
                results["title_edit_s"] = round(
                    _wait_for(f"{server.base}decisions/{card.stem}/", marker, started), 2
                )
        finally:
            server.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args(argv)
    results = measure(args.cards, args.edits, args.out)
    print(
        f"{args.cards} cards: first build {results['first_build_s']} s; saved card -> refreshed page "
        f"{results['edit_s']} s with --dirty (each: {results['edit_s_all']}), "
        f"{results['edit_plain_s']} s without; its category's page {results['follow_s']} s after the "
        f"save; title change (every page) {results['title_edit_s']} s"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
