"""Where a build's time and memory go, event by event: one `mkdocs build` in this process, with
the wall clock, this process's CPU time, its resident set and its peak (VmHWM) printed after each
plugin event (the page events every `--every` pages).

    .venv/bin/python bench/timeline.py bench/out/project-1000 [--site DIR] [--no-index] [--every 1000]

Linux only (it reads /proc/self/status). CPU time is this process's alone: the forked workers'
and the indexer's are not in it, so wall clock beyond it is time the build waited for them or
for the disk.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

PAGE_EVENTS = {"pre_page", "page_read_source", "page_markdown", "page_content"}
PAGE_EVENTS |= {"page_context", "post_page", "pre_template", "template_context", "post_template"}


def memory_mib() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024
    return found["VmRSS"], found["VmHWM"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="a folder with mkdocs.yml")
    parser.add_argument("--site", type=Path, help="the site folder (default: a new temporary one)")
    parser.add_argument("--no-index", action="store_true", help="build without the search index")
    parser.add_argument("--every", type=int, default=1000, help="print page events every N pages")
    args = parser.parse_args()

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection

    started, cpu = time.perf_counter(), time.process_time()
    seen: dict[str, int] = {}
    run_event = PluginCollection.run_event

    def timed(self: PluginCollection, name: str, item: Any = None, **kwargs: Any) -> Any:
        result = run_event(self, name, item, **kwargs)
        seen[name] = seen.get(name, 0) + 1
        if name not in PAGE_EVENTS or seen[name] % args.every == 0:
            rss, hwm = memory_mib()
            label = f"{name} #{seen[name]}" if name in PAGE_EVENTS else name
            print(
                f"{time.perf_counter() - started:8.2f} s  CPU {time.process_time() - cpu:8.2f} s"
                f"  RSS {rss:6d} MiB  peak {hwm:6d} MiB  after {label}",
                flush=True,
            )
        return result

    PluginCollection.run_event = timed  # type: ignore[method-assign]
    site = args.site or Path(tempfile.mkdtemp(prefix="timeline-site-"))
    os.chdir(args.project)
    config = load_config("mkdocs.yml", site_dir=str(site.resolve()))
    if args.no_index:
        config.plugins["tradeoff-cards"].config.search_index = False
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    rss, hwm = memory_mib()
    print(
        f"{time.perf_counter() - started:8.2f} s  end  RSS {rss} MiB  peak {hwm} MiB  site {site}"
    )


if __name__ == "__main__":
    main()
