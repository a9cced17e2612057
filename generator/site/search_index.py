"""The site's search index: a chunked Pagefind index written beside the pages, built from the plan.

Every engine writes the same index: the records come from the site plan (each card's sections and
options as `search.py` derives them, its title, question and keywords from the card itself), never
from the HTML an engine wrote. Each page becomes a small HTML document made only for the indexer:
the fields readers search by are weighted above body text, and what a result shows (category,
undo cost, status, kind) travels as metadata, so no excerpt is cut from a badge, a date or a URL.

Pagefind splits the index into fragments that the browser fetches only for the words typed; the
binary comes from the `pagefind[bin]` package and runs as a separate process, so it indexes on the
other core while the engine writes pages (`IndexJob`).

The index holds each page twice, in two tiers that share one bundle and one search engine file:

- the quick tier: only what a reader names a card by (title, keywords, question, option names,
  summary, tags). It is small at any size, so the first results show after a few small files;
- the full tier: every section's text, read right after, which adds the pages it finds besides
  after those the quick tier found (assets/.../search.js).

At 10,000 cards each word of the full tier is on thousands of pages, and the chunk of one word
weighs hundreds of kilobytes; the quick tier's are a tenth of that. Pagefind keeps one index per
page language, so the quick tier is indexed as the private-use language `en-x-quick` (English
stemming, the same engine file) from documents under `QUICK_PREFIX`, which the script takes off
the addresses it shows.

The indexer holds what it indexes in memory (about 0.4 MiB per page of the full tier), so the full
tier is indexed in parts of at most `PART_PAGES` pages, one Pagefind run per part and two runs at a
time where there are two cores (`INDEXERS_AT_ONCE`; each run uses about one): the first
part with the quick tier in the index's own folder, each other part in a folder of its own
(`part-1/`, ...) that the script merges into the full tier (Pagefind's `mergeIndex`, which reuses
the first part's engine). `PARTS` lists those folders. Pages go to the parts in turn, each part
as far behind its share as the others, so each holds a like mix of cards, failure modes and
listings, and their scores compare; the first part, which also holds the quick tier, has a
smaller share (`part_shares`), so that runs side by side end together.
"""

from __future__ import annotations

import contextlib
import ctypes
import html
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, ClassVar

from ..cards.parallel import HELD_SIGNALS, fork_is_safe, held_signals
from ..cards.wording import count
from .markup import inline
from .paths import page_url
from .plan import Page, SitePlan
from .search import SearchEntry, plain

INDEX_DIR = "pagefind"
FULL_LANGUAGE, QUICK_LANGUAGE = "en", "en-x-quick"
QUICK_PREFIX = "tc-quick/"  # where the quick tier's documents sit; results show the page's address
ENTRY = "pagefind-entry.json"
PARTS = "tc-parts.json"  # {"parts": ["part-1/", ...]}: the full tier's other folders, in order
PART_PAGES = 1000  # full-tier pages per indexer run (see the module docstring)
# What a part's folder keeps: the script reads the rest from the index's own folder.
PART_KEEPS = (ENTRY, "index", "fragment")
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
INDEXER_NICENESS = 10  # added to the build's, for the indexing thread and the indexer
INDEXERS_AT_ONCE = 2  # indexer runs at a time (parts), at most one per core
QUICK_COST = 1 / 7  # what indexing a page of the quick tier costs, against one of the full tier
# Pagefind's ready-made interfaces, not kept: the site has its own (assets/.../search.js).
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
# Weights on Pagefind's scale (body text 1, at most 10).
TITLE_WEIGHT, KEYWORD_WEIGHT, QUESTION_WEIGHT, OPTION_WEIGHT = 10, 8, 6, 5
# Sections every card has in the same words, or that name other cards, dates or addresses:
# matching them says nothing about this card.
SKIPPED_SECTIONS = frozenset({"decide", "related", "changes", "sources", "reached-from"})
_CITATION = re.compile(r"\s*\[@[^\]]*\]")


@dataclass(frozen=True)
class SearchDocument:
    """One page as the indexer reads it."""

    url: str  # from the site root, starting with "/"
    html: str
    quick: bool = False  # a document of the quick tier (see the module docstring)


def _words(markdown: str) -> str:
    """Plain words of a card's Markdown text, citation markers removed."""
    return plain(str(inline(_CITATION.sub("", markdown))))


def _tag(name: str, text: str, weight: int | None = None, anchor: str = "") -> str:
    attrs = f' id="{html.escape(anchor)}"' if anchor else ""
    if weight is not None:
        attrs += f' data-pagefind-weight="{weight}"'
    return f"<{name}{attrs}>{html.escape(text, quote=False)}</{name}>"


def _meta(name: str, value: str) -> str:
    return f'<span data-pagefind-meta="{name}">{html.escape(value, quote=False)}</span>'


def _sections(entries: tuple[SearchEntry, ...]) -> list[str]:
    """A heading and a paragraph per section. An entry's title and text are escaped already, the
    text as one paragraph of words (search.py), so they go in as they are."""
    parts = []
    for entry in entries:
        if not entry.anchor or entry.anchor in SKIPPED_SECTIONS:
            continue
        words = entry.text.removeprefix("<p>").removesuffix("</p>")
        if "[@" in words:
            words = _CITATION.sub("", words)
        if words.startswith(entry.title + " "):  # an option's cell repeats its name
            words = words[len(entry.title) + 1 :]
        weight = f' data-pagefind-weight="{OPTION_WEIGHT}"' if entry.anchor[:7] == "option-" else ""
        parts.append(f'<h2 id="{html.escape(entry.anchor)}"{weight}>{entry.title}</h2>')
        if words:
            parts.append(f"<p>{words}</p>")
    return parts


def _entry_parts(
    keywords: list[str] | None, tags: list[str] | None, summary: str
) -> tuple[list[str], list[str]]:
    """(parts weighted high, parts weighted as body text) shared by both kinds of entry."""
    high = [_tag("p", ", ".join(keywords), KEYWORD_WEIGHT)] if keywords else []
    body = [_tag("p", _words(summary))]
    if tags:
        body.append(_tag("p", " ".join(t.replace("-", " ") for t in tags)))
    return high, body


def _named(plan: SitePlan, page: Page) -> tuple[list[str], bool]:
    """What a page is named by, as the indexer reads it: its title; for a card its keywords,
    question, summary and tags; for a failure mode its keywords, summary and tags. And whether
    the page is a card or a failure mode."""
    catalog = plan.catalog
    parts = [_tag("h1", page.title, TITLE_WEIGHT)]
    decision = catalog.decisions.get(page.id or "") if page.kind == "decision" else None
    mode = catalog.failure_modes.get(page.id or "") if page.kind == "failure-mode" else None
    if decision is not None:
        card = decision.model
        high, body = _entry_parts(card.keywords, card.tags, card.summary)
        parts += [*high, _tag("p", _words(card.decision), QUESTION_WEIGHT), *body]
    elif mode is not None:
        high, body = _entry_parts(mode.model.keywords, mode.model.tags, mode.model.summary)
        parts += [*high, *body]
    return parts, decision is not None or mode is not None


def _document(plan: SitePlan, page: Page) -> str:
    """The HTML the full tier reads for one page (see the module docstring)."""
    parts, entry = _named(plan, page)
    if entry:
        parts += _sections(page.search)
    elif page.kind == "category":
        described = [c.description for c in plan.catalog.categories if c.id == page.id]
        parts += [_tag("p", _words(text)) for text in described]
    return _html(page.title, parts, _facts(plan, page), FULL_LANGUAGE)


def _html(title: str, parts: list[str], hidden: list[str], language: str) -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><title>{html.escape(title)}</title></head>'
        f"<body><main data-pagefind-body>{''.join(parts)}<div data-pagefind-ignore>"
        f"{''.join(hidden)}</div></main></body></html>"
    )


def _facts(plan: SitePlan, page: Page) -> list[str]:
    """What a result shows besides its title, as metadata (never indexed text). Metadata rather
    than Pagefind filters, whose files differ from one run to the next: the page filters the
    results it shows by these (assets/.../search.js)."""
    hidden = [_meta("kind", page.kind)]
    decision = plan.catalog.decisions.get(page.id or "") if page.kind == "decision" else None
    if decision is not None:
        card = decision.model
        facts = {
            "category": plan.catalog.category(card.category).title,
            "undo": card.reversibility.undo_cost,
            "status": card.status,
        }
        hidden += [_meta(k, v) for k, v in facts.items()]
    return hidden


def _quick_document(plan: SitePlan, page: Page) -> str:
    """The page in the quick tier: what it is named by, weighted as in the full tier, and a
    card's option names as headings with the full tier's anchors (sub-results)."""
    parts, _ = _named(plan, page)
    parts += [
        f'<h2 id="{html.escape(e.anchor)}" data-pagefind-weight="{OPTION_WEIGHT}">{e.title}</h2>'
        for e in page.search
        if page.kind == "decision" and e.anchor[:7] == "option-"
    ]
    return _html(page.title, parts, _facts(plan, page), QUICK_LANGUAGE)


def search_documents(plan: SitePlan) -> Iterator[SearchDocument]:
    """Every generated page as the full tier reads it, in path order, made one at a time."""
    directory_urls = plan.settings.directory_urls
    for path, page in plan.pages.items():
        yield SearchDocument("/" + page_url(path, directory_urls), _document(plan, page))


def quick_documents(plan: SitePlan) -> Iterator[SearchDocument]:
    """Every generated page as the quick tier reads it, in path order, made one at a time."""
    directory_urls = plan.settings.directory_urls
    for path, page in plan.pages.items():
        url = "/" + page_url(path, directory_urls)
        yield SearchDocument(url, _quick_document(plan, page), True)


def index_documents(plan: SitePlan) -> Iterator[SearchDocument]:
    """What the index is made of: both tiers, made one at a time (written as they come, they
    are never all held at once)."""
    yield from search_documents(plan)
    yield from quick_documents(plan)


def part_count(pages: int) -> int:
    """How many parts the full tier of `pages` pages is indexed in."""
    return max(1, -(-pages // PART_PAGES))


def _executable() -> str:
    from pagefind.service import get_executable  # imported late: only builds that index need it

    found = get_executable()
    if found is None:
        raise FileNotFoundError(
            "the Pagefind binary is missing; install it with pip install 'pagefind[bin]'"
        )
    return str(found)


SCRATCH_PREFIX = "pagefind-src-"  # then the process id of the build, a dash and a random part
_SCRATCH_OF = re.compile(re.escape(SCRATCH_PREFIX) + r"([0-9]+)-")


def scratch_folder() -> Path:
    """A new folder for the indexer's documents, named after this process. The folders of
    builds that were killed outright (nothing of theirs could remove them) are removed first:
    those named after a process that no longer runs."""
    base = Path(_scratch() or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for folder in base.iterdir():
            owner = _SCRATCH_OF.match(folder.name)
            if owner is not None and not _running(int(owner.group(1))):
                shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=base))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: running
        return True
    return True


@contextlib.contextmanager
def _own_scratch_folder() -> Iterator[Path]:
    """A `scratch_folder`, taken away when left."""
    folder = scratch_folder()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _scratch() -> str | None:
    """Where the indexer's input goes: a memory-backed folder where the system has one (it is
    written once, read once and deleted; on a disk, opening 1,000 small files costs more than
    indexing them), else the system's temporary folder."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def _write(root: Path, document: SearchDocument) -> None:
    relative = document.url.lstrip("/")
    if document.quick:
        relative = QUICK_PREFIX + relative
    path = root / (relative + "index.html" if relative.endswith("/") or not relative else relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document.html, encoding="utf-8")


def die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this process when the one that started it (`parent`)
    ends, however it ends: a build killed outright (`tradeoffs build` kills its MkDocs process
    when stopped) must not leave an indexer writing into a folder that is being removed."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)


def _start_indexer(
    source: Path, out: Path, said: Any, started: Callable[[subprocess.Popen[str]], None] | None
) -> subprocess.Popen[str]:
    # Each document names its language (its tier); none is forced.
    command = [_executable(), "--site", str(source), "--output-path", str(out), "--silent"]
    # From the forked indexer (one thread): the run ends with it, however the indexer ends.
    alone = threading.active_count() == 1  # preexec_fn is unsafe in a threaded process
    process = subprocess.Popen(
        command,
        stdout=said,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=partial(die_with_parent, os.getpid()) if alone else None,
    )
    if started is not None:
        started(process)
    return process


def _run_indexers(
    runs: list[tuple[Path, Path]],
    started: Callable[[subprocess.Popen[str]], None] | None,
    at_once: int,
) -> None:
    """Index each (source, out) folder pair with one Pagefind run, `at_once` runs at a time;
    each source is deleted once read. Raise when a run fails (the others are stopped)."""
    waiting = list(runs)
    running: list[tuple[subprocess.Popen[str], Path, Any]] = []
    try:
        while waiting or running:
            while waiting and len(running) < at_once:
                source, out = waiting.pop(0)
                said = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed when the run ends)
                running.append((_start_indexer(source, out, said, started), source, said))
            ended = [run for run in running if run[0].poll() is not None]
            if not ended:
                time.sleep(0.02)
                continue
            for process, source, said in ended:
                running.remove((process, source, said))
                shutil.rmtree(source)  # a memory-backed folder: freed as soon as it is read
                if process.returncode != 0:
                    said.seek(0)
                    raise RuntimeError(f"pagefind failed:\n{said.read().strip()}")
                said.close()
    finally:
        for process, _source, said in running:
            process.kill()
            process.wait()
            said.close()


def part_shares(parts: int, pages: int) -> list[float]:
    """How many of `pages` full-tier pages each part is meant to hold. The first part also holds
    the quick tier, so it takes fewer, for the runs indexed side by side to end together (never
    fewer than half a share)."""
    if parts < 2:
        return [float(pages)] * max(parts, 1)
    first = max(pages / (2 * parts), pages * (1 + QUICK_COST) / parts - pages * QUICK_COST)
    return [first] + [(pages - first) / (parts - 1)] * (parts - 1)


def index_into(
    documents: Iterable[SearchDocument],
    out: Path,
    started: Callable[[subprocess.Popen[str]], None] | None = None,
    *,
    parts: int = 1,
    pages: int | None = None,
    scratch: Path | None = None,
) -> None:
    """Index `documents` and write the index's files into the folder `out`, the full tier in
    `parts` parts (see the module docstring), as `part_shares` shares out `pages` pages (by
    default in equal shares). The documents are written into `scratch`, an empty folder (by
    default a temporary folder of its own), and each part's are deleted once indexed.

    The documents are written as files and each part is indexed by one run of the Pagefind
    binary, which reads them on every core it has (its Python API answers one file per 0.1 s
    poll). `started` is given each indexer's process as soon as it runs (to stop it early)."""
    with contextlib.nullcontext(scratch) if scratch else _own_scratch_folder() as work:
        sources = [work / f"part-{number}" for number in range(parts)]
        shares = part_shares(parts, pages) if pages else [1.0] * parts
        held = [0] * parts
        for document in documents:
            if document.quick:
                _write(sources[0], document)
                continue
            # in turn, each part as far behind its share as the others: like shares of each kind
            number = min(range(parts), key=lambda n: held[n] / shares[n])
            _write(sources[number], document)
            held[number] += 1
        runs = [(source, out / f"part-{n}" if n else out) for n, source in enumerate(sources)]
        _run_indexers(runs, started, at_once=min(INDEXERS_AT_ONCE, os.cpu_count() or 1))
    for unused in out.glob("pagefind-*"):
        if unused.name.startswith(UNUSED):
            shutil.rmtree(unused) if unused.is_dir() else unused.unlink()
    for number in range(1, parts):
        for unused in (out / f"part-{number}").iterdir():
            if unused.name in PART_KEEPS or unused.suffix == ".pf_meta":
                continue
            shutil.rmtree(unused) if unused.is_dir() else unused.unlink()
        _sorted_entry(out / f"part-{number}" / ENTRY)
    listed = {"parts": [f"part-{number}/" for number in range(1, parts)]}
    (out / PARTS).write_text(json.dumps(listed, separators=(",", ":")), encoding="utf-8")
    _share_the_engine(out)


def _sorted_entry(path: Path, entry: dict[str, Any] | None = None) -> None:
    """Write an entry file with its keys sorted: Pagefind lists the languages in no fixed
    order, and two builds of the same cards write the same bytes."""
    if entry is None:
        entry = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")


def _share_the_engine(out: Path) -> None:
    """Point the quick tier at the full tier's search engine file. Pagefind writes one per
    language, and these two are the same English engine: readers fetch it once."""
    entry_path = out / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    languages = entry.get("languages", {})
    full, quick = languages.get(FULL_LANGUAGE), languages.get(QUICK_LANGUAGE)
    if full is not None and quick is not None and quick.get("wasm") != full.get("wasm"):
        engine = out / f"wasm.{full['wasm']}.pagefind"
        own = out / f"wasm.{quick['wasm']}.pagefind"
        if engine.is_file() and own.is_file() and engine.read_bytes() == own.read_bytes():
            quick["wasm"] = full["wasm"]
            own.unlink()
    _sorted_entry(entry_path, entry)


def staging(site_dir: Path) -> Path:
    """A new hidden folder in `site_dir` to write an index into: on the same disk as the site,
    so that putting it in place is a rename, not a copy."""
    site_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site_dir))


def install_index(staged: Path, site_dir: Path) -> Path:
    """Put the index written into `staged` (a folder made by `staging(site_dir)`) in place in
    `site_dir`, replacing the previous one in one step, so that a page open during a live
    preview never reads half an old index and half a new one."""
    target = site_dir / INDEX_DIR
    old = None
    if target.exists():
        old = target.with_name(f"{staged.name}-old")
        target.rename(old)
    staged.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def write_search_index(plan: SitePlan, site_dir: Path, parts: int | None = None) -> Path:
    """Index every page of the plan and write the index into `site_dir`, the full tier in
    `parts` parts (by default as many as `PART_PAGES` asks for)."""
    staged = staging(site_dir)
    try:
        count = parts or part_count(len(plan.pages))
        index_into(index_documents(plan), staged, parts=count, pages=len(plan.pages))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return install_index(staged, site_dir)


class _Forked:
    """The indexer's forked process (see `IndexJob`) with the indexer runs it starts, all in one
    process group, handled as `_kill` and `_discard` handle an indexer run. It writes the
    documents into `scratch`, which the job that made it takes away."""

    def __init__(self, plan: SitePlan, staged: Path, parts: int, scratch: Path) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_index_in_child,
            args=(plan, staged, parts, scratch, sender, os.getpid()),
            daemon=True,
        )
        self.process.start()
        # Its own process group from here on, set from both sides (the child sets it too): a
        # kill right after the fork, before the child ran a line, still reaches it.
        with contextlib.suppress(OSError):  # the child ended already
            os.setpgid(self.process.pid or 0, self.process.pid or 0)
        sender.close()  # the child's end only: its death then reads as end of file here

    def result(self) -> None:
        """Wait for the child; raise what stopped it, if anything did."""
        try:
            error = self._receiver.recv()
        except EOFError:
            self.process.join()
            error = RuntimeError(f"the indexer stopped (exit status {self.process.exitcode})")
        finally:
            self._receiver.close()
        self.process.join()
        if error is not None:
            raise error

    def poll(self) -> int | None:
        return self.process.exitcode

    def kill(self) -> None:
        if self.process.pid is not None:
            with contextlib.suppress(OSError):  # gone already
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):  # in case its group was not set yet
                os.kill(self.process.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> None:
        self.process.join(timeout)


def _index_in_child(
    plan: SitePlan, staged: Path, parts: int, scratch: Path, sender: Connection, parent: int
) -> None:
    os.setpgid(0, 0)  # its indexer runs are stopped with it (`_Forked.kill`)
    die_with_parent(parent)
    if hasattr(signal, "pthread_sigmask"):  # forked while they were held (`held_signals`)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    try:
        _yield_to_the_pages()
        documents = index_documents(plan)
        index_into(documents, staged, parts=parts, pages=len(plan.pages), scratch=scratch)
        sender.send(None)
    except BaseException as exc:  # raised in the build by `install`
        try:
            sender.send(exc)
        except Exception:  # an exception that does not pickle: its message
            sender.send(RuntimeError(f"{type(exc).__name__}: {exc}"))


def _kill(processes: list[Any]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()


def _discard(staged: Path, processes: list[Any], scratch: Path | None = None) -> None:
    """Stop the indexer if it still runs (a build or preview that ends while a rebuild's index
    is on its way: left running, it would write the folder again), and take its folder away,
    and the folder of its documents (`scratch`)."""
    _kill(processes)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    shutil.rmtree(staged, ignore_errors=True)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def _yield_to_the_pages() -> None:
    """Give this thread, and the indexer it starts, a lower priority than the build's: the pages
    are what the build waits for, and the index fits in the time a core is idle. (Linux keeps
    a priority per thread, and a process started from a thread inherits that thread's.)"""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        # not allowed here: indexing at the build's priority costs time, nothing else
        with contextlib.suppress(OSError):
            niceness = os.getpriority(os.PRIO_PROCESS, thread) + INDEXER_NICENESS
            os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))


class IndexJob:
    """Indexing in a thread (or, with `fork`, a forked process waited on by a thread), started
    as soon as the plan is known and installed when the engine has written the site: the
    indexer runs while the pages are written. It writes into a hidden
    folder of `site_dir`, which is taken away if the build fails or stops.

    A preview's rebuild need not wait for it (`finish(wait=False)`): the pages refresh first and
    the index follows from the indexer's thread, the previous one serving meanwhile. Of several
    jobs for one site, only the newest puts its index in place."""

    _newest: ClassVar[dict[Path, IndexJob]] = {}

    def __init__(self, plan: SitePlan, site_dir: Path, *, fork: bool = False):
        self.error: BaseException | None = None
        self.seconds = 0.0  # how long indexing took, in its thread
        self.waited = 0.0  # how long the build waited for it after writing the pages
        self._site_dir = site_dir
        self._key = site_dir.resolve()  # the site, for the newest job of each
        self._pages = len(plan.pages)
        self._staged = staging(site_dir)
        # The documents' folder is made here, in the build's process: whatever stops the indexer
        # (a killed child, a process that ends under a preview's running thread), this process
        # takes it away, at the latest when it exits.
        self._scratch_dir = scratch_folder()
        self._processes: list[Any] = []  # the indexer runs once started, or the forked indexer
        # also when the process ends without installing it (a stopped build or preview)
        self._remove = weakref.finalize(
            self, _discard, self._staged, self._processes, self._scratch_dir
        )
        self._plan: SitePlan | None = plan  # read by the thread, which makes the documents
        self._lock = threading.Lock()
        self._done = False
        self._discarded = False  # set by discard: an indexer run started after it is stopped
        self._report: Callable[[str], None] | None = None  # set by finish(wait=False)
        older = IndexJob._newest.get(self._key)
        IndexJob._newest[self._key] = self
        if older is not None:
            older._stop()  # its index would be replaced by this one's: not worth the cores
        # With `fork` (a one-off build), the documents are made and written in a forked process
        # where nothing else runs: in a thread, each file written waits for the build's thread
        # to let go of the interpreter (at 1,000 cards, 2.4 s where 0.6 s would do).
        forked = fork and fork_is_safe()
        parts = part_count(self._pages)
        with held_signals():  # a Ctrl-C now would leave a child that nothing knows to stop
            self._forked = _Forked(plan, self._staged, parts, self._scratch_dir) if forked else None
            if self._forked is not None:
                self._processes.append(self._forked)
        if self._forked is not None:
            self._plan = None
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            if self._forked is not None:
                self._forked.result()
            else:
                _yield_to_the_pages()
                assert self._plan is not None
                documents = index_documents(self._plan)
                index_into(
                    documents,
                    self._staged,
                    self._started,
                    parts=part_count(self._pages),
                    pages=self._pages,
                    scratch=self._scratch_dir,
                )
        except BaseException as exc:  # re-raised in the build's thread by install()
            self.error = exc
        shutil.rmtree(self._scratch_dir, ignore_errors=True)
        self._plan = None  # not held past the build by a preview's job
        self.seconds = time.perf_counter() - started
        with self._lock:
            self._done = True
            report = self._report
        if report is not None:
            self._install_later(report)

    def summary(self) -> str:
        """What indexing cost, for the build's log."""
        return f"search index of {count(self._pages, 'page')} in {self.seconds:.2f} s, {self.waited:.2f} s after the pages"

    def finish(self, report: Callable[[str], None], *, wait: bool = True) -> None:
        """Put the index in place and report what it cost: now, waiting for the indexer, or,
        without `wait`, from the indexer's thread once it is done (see the class docstring)."""
        if wait:
            self.install()
            report(self.summary())
            return
        with self._lock:
            self._report = report
            done = self._done
        if done:
            self._install_later(report)

    def _install_later(self, report: Callable[[str], None]) -> None:
        if IndexJob._newest.get(self._key) is not self:
            self._remove()  # a newer rebuild's index is on its way
        elif self.error is not None:
            self._remove()
            report(f"the search index was not updated: {self.error}")
        else:
            try:
                install_index(self._staged, self._site_dir)
            except OSError as exc:  # the preview's site folder was cleaned meanwhile
                self._remove()
                report(f"the search index was not updated: {exc}")
                return
            self._remove.detach()
            report(f"{self.summary()} (after the pages refreshed)")

    def _started(self, process: subprocess.Popen[str]) -> None:
        with self._lock:
            self._processes.append(process)
            stopped = self._discarded or IndexJob._newest.get(self._key) is not self
        if stopped:
            process.kill()

    def _stop(self) -> None:
        """Stop the indexer if it still runs (a newer job for the site has started); what it
        wrote is then taken away by `_install_later`."""
        with self._lock:
            processes = [] if self._done else list(self._processes)
        _kill(processes)

    def wait(self) -> None:
        """Wait until the indexer's thread is done, with what it does at the end."""
        self._thread.join()

    def install(self) -> Path:
        """Wait for the index and put it in place in the site."""
        started = time.perf_counter()
        self._thread.join()
        self.waited = time.perf_counter() - started
        if self.error is not None:
            self.discard()
            raise self.error
        target = install_index(self._staged, self._site_dir)
        self._remove.detach()
        return target

    def discard(self) -> None:
        """Stop the indexer, and take away what it wrote once it has stopped (the build
        failed)."""
        with self._lock:
            self._discarded = True
            processes = list(self._processes)
        _kill(processes)
        self._thread.join()
        self._remove()
