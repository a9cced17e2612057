"""The site's index of files, and what each link resolves to: a file of the site (and a fragment
in it), an external URL, or a scheme that needs no check."""

from __future__ import annotations

import os
import posixpath
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ...site.paths import API_CARDS, LLMS_FULL_TXT, LLMS_TXT

HTML_SUFFIXES = (".html", ".htm")
# Files of the site read as Markdown besides every `*.md`: the llms.txt convention's two files.
MARKDOWN_FILES = (LLMS_TXT, LLMS_FULL_TXT)

# --------------------------------------------------------------------------- resolving

_INTERNAL, _EXTERNAL, _ACCEPTED, _SKIPPED = 0, 1, 2, 3
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Schemes that are fine without any check; data: and javascript: are counted as checked.
_ACCEPTED_SCHEMES = frozenset({"mailto", "tel", "data", "javascript"})


@dataclass(frozen=True)
class _SiteIndex:
    files: frozenset[str]
    dirs: frozenset[str]
    folded: Mapping[str, str]  # lower-cased path -> real path, for "did you mean" hints
    base_path: str
    site_url: str = ""  # links under it are internal


def _nfc(path: str) -> str:
    # macOS stores names decomposed (NFD); links are almost always composed (NFC).
    return path if path.isascii() else unicodedata.normalize("NFC", path)


def _unreadable(path: str) -> str | None:
    """Why a site entry is not read: a symbolic link (never followed: it could lead out of the
    site, or to /dev/zero) or, for a file, anything but a regular file (a FIFO would block)."""
    if os.path.islink(path):
        try:
            target = f" to {os.readlink(path)}"
        except OSError:
            target = ""
        return f"symbolic link{target}, not followed: a site holds its files itself"
    if not os.path.isdir(path) and not stat.S_ISREG(os.stat(path).st_mode):
        return "not a regular file, not read"
    return None


def _index_site(
    root: Path, base_path: str, site_url: str = ""
) -> tuple[_SiteIndex, list[str], list[str], list[tuple[str, str]]]:
    """The site's files, its HTML pages, its other files with links (Markdown, JSON API), and
    the entries it does not read, with the reason (symbolic links, special files)."""
    files: set[str] = set()
    dirs: set[str] = {""}
    pages: list[str] = []
    data: list[str] = []
    unread: list[tuple[str, str]] = []
    root_str = str(root)
    for dirpath, dirnames, filenames in os.walk(root_str):
        rel_dir = os.path.relpath(dirpath, root_str)
        rel_dir = "" if rel_dir == "." else _nfc(rel_dir.replace(os.sep, "/"))
        prefix = rel_dir + "/" if rel_dir else ""
        for name in list(dirnames):
            reason = _unreadable(os.path.join(dirpath, name))
            if reason is not None:
                unread.append((prefix + _nfc(name), reason))
                dirnames.remove(name)
                continue
            dirs.add(prefix + _nfc(name))
        for name in filenames:
            rel = prefix + _nfc(name)
            reason = _unreadable(os.path.join(dirpath, name))
            if reason is not None:
                unread.append((rel, reason))
                continue
            files.add(rel)
            if name.lower().endswith(HTML_SUFFIXES):
                pages.append(rel)
            elif name.endswith(".md") or rel in MARKDOWN_FILES or rel == API_CARDS:
                data.append(rel)
    folded = {path.lower(): path for path in files | dirs}
    pages.sort()
    data.sort()
    index = _SiteIndex(frozenset(files), frozenset(dirs), folded, base_path, site_url)
    return index, pages, data, sorted(unread)


def _not_found(path: str, index: _SiteIndex) -> str:
    hint = index.folded.get(path.lower())
    if hint is not None and hint != path:
        return f"file not found: {path} (did you mean {hint}? the case differs)"
    return f"file not found: {path}"


def _resolve(
    link: str, page: str, page_dir: str, index: _SiteIndex
) -> tuple[int, str, str | None, str]:
    """(kind, target, fragment, error) for one link of `page` (in folder `page_dir`).

    The target is a site-relative file for internal links and the URL without its fragment
    for external ones; fragment is None when the link has no '#'.
    """
    match = _SCHEME.match(link)
    if match and index.site_url and link.startswith(index.site_url):
        # The site's own address: the file is in the folder being checked.
        link, match = index.base_path + link[len(index.site_url) :], None
    if match:
        scheme = match.group(1).lower()
        if scheme == "http" or scheme == "https":
            return _EXTERNAL, link.partition("#")[0], None, ""
        return (_ACCEPTED if scheme in _ACCEPTED_SCHEMES else _SKIPPED), "", None, ""
    if link.startswith("//"):
        # Protocol-relative: whatever the page is served over; https is the safe bet.
        return _EXTERNAL, "https:" + link.partition("#")[0], None, ""

    rest, hash_mark, fragment = link.partition("#")
    path = rest.partition("?")[0]  # the query never changes which file is served
    frag: str | None = fragment if hash_mark else None
    if "%" in path:
        path = unquote(path)  # files on disk have the decoded names
    if not path:
        return _INTERNAL, page, frag, ""

    if path.startswith("/"):
        norm = posixpath.normpath(path)  # ".." above "/" stops at "/", as in browsers
        base = index.base_path
        if base != "/":
            if norm == base[:-1]:
                norm = "/"
            elif norm.startswith(base):
                norm = norm[len(base) - 1 :]
            else:
                return _INTERNAL, "", frag, f"points outside the base path {base}"
        norm = norm.lstrip("/")
    else:
        norm = posixpath.normpath(f"{page_dir}/{path}" if page_dir else path)
        if norm == ".." or norm.startswith("../"):
            return _INTERNAL, "", frag, "points outside the site directory"
        if norm == ".":
            norm = ""
    if not norm.isascii():
        norm = _nfc(norm)

    found, error = _lookup(norm, path.endswith("/"), index)
    if error and path.startswith("/") and index.base_path == "/":
        # MkDocs writes 404.html with root-relative links that include site_url's path.
        prefix, _, rest = norm.partition("/")
        if rest and prefix not in index.dirs and not _lookup(rest, path.endswith("/"), index)[1]:
            error += f" (served under /{prefix}/? then pass --base-path /{prefix}/)"
    return _INTERNAL, found, frag, error


def _lookup(norm: str, is_dir: bool, index: _SiteIndex) -> tuple[str, str]:
    """(file, "") for the site-relative path `norm`, or ("", why not)."""
    files = index.files
    if norm and not is_dir:
        if norm in files:
            return norm, ""
        if norm not in index.dirs:
            return "", _not_found(norm, index)
    # A directory URL: the server answers with its index.html.
    target = f"{norm}/index.html" if norm else "index.html"
    if target in files:
        return target, ""
    if norm in index.dirs:
        return "", f"directory has no index.html: {norm}/" if norm else "the site has no index.html"
    return "", _not_found(target, index)


def _missing_fragment(fragment: str, target: str, ids: frozenset[str]) -> str | None:
    if not fragment or fragment in ids:
        return None
    decoded = unquote(fragment)
    if decoded in ids:
        return None
    reason = f'no element with id "{decoded}" in {target}'
    near = sorted(i for i in ids if i.lower() == decoded.lower())
    if near:
        reason += f' (did you mean "{near[0]}"? ids are case-sensitive)'
    return reason
