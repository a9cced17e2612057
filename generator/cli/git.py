"""The card folder at a git revision, read with git itself (no library): `ls-tree` lists the files,
one `cat-file --batch` reads them all."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..cards.reading import CATEGORIES_FILE, DECISIONS_DIR, FAILURE_MODES_DIR, ROLES_FILE

# Where the default branch may be, in the order they are tried.
DEFAULT_BRANCHES = ("origin/main", "origin/master", "main", "master")


class GitError(Exception):
    """git could not do what was asked (not a repository, an unknown revision, no git)."""


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> bytes:
    """Run git and return its output; GitError with git's own message when it fails."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(message.splitlines()[-1] if message else message)
    return result.stdout


def repository_root(folder: Path) -> Path:
    """The top folder of the repository `folder` is in."""
    return Path(git("rev-parse", "--show-toplevel", cwd=folder).decode().strip())


def commit_of(revision: str, root: Path) -> str:
    """The full commit id a revision names."""
    try:
        return (
            git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", cwd=root)
            .decode()
            .strip()
        )
    except GitError:
        raise GitError(f"unknown revision '{revision}'") from None


def default_branch(root: Path) -> str:
    """The default branch: what origin/HEAD points at, else the first of DEFAULT_BRANCHES."""
    try:
        ref = git("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", cwd=root)
        return ref.decode().strip()
    except GitError:
        pass
    for branch in DEFAULT_BRANCHES:
        try:
            commit_of(branch, root)
            return branch
        except GitError:
            continue
    raise GitError(
        "no default branch found (origin/HEAD, origin/main, origin/master, main or master); "
        "name the base revision"
    )


def merge_base(branch: str, root: Path) -> str:
    """The commit where HEAD left `branch`."""
    try:
        return git("merge-base", "HEAD", branch, cwd=root).decode().strip()
    except GitError:
        raise GitError(
            f"HEAD and {branch} have no common ancestor; name the base revision"
        ) from None


def _wanted(path: str) -> bool:
    """A file of the card folder that the comparison reads."""
    folder, _, name = path.rpartition("/")
    if not folder:
        return name in (CATEGORIES_FILE, ROLES_FILE)
    return folder in (DECISIONS_DIR, FAILURE_MODES_DIR) and name.endswith(".yaml")


def files_at(revision: str, folder: str, root: Path) -> dict[str, bytes]:
    """The card folder's files at a revision, by path in the folder. `folder` is relative to the
    repository root; a folder that did not exist at the revision has no files."""
    prefix = folder.strip("/") + "/" if folder.strip("/") else ""
    listing = git("ls-tree", "-r", "-z", "--full-tree", revision, "--", prefix or ".", cwd=root)
    blobs: list[tuple[str, str]] = []
    for line in listing.split(b"\0"):
        if not line:
            continue
        meta, _, path_bytes = line.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = path_bytes.decode("utf-8", "surrogateescape")
        inner = path[len(prefix) :] if path.startswith(prefix) else None
        if kind == "blob" and mode != "120000" and inner is not None and _wanted(inner):
            blobs.append((inner, sha))
    if not blobs:
        return {}
    output = git(
        "cat-file", "--batch", cwd=root, stdin="".join(f"{sha}\n" for _, sha in blobs).encode()
    )
    files: dict[str, bytes] = {}
    at = 0
    for inner, _sha in blobs:
        header_end = output.index(b"\n", at)
        size = int(output[at:header_end].split()[2])
        start = header_end + 1
        files[inner] = output[start : start + size]
        at = start + size + 1  # the newline after each object
    return files


def working_files(folder: Path) -> dict[str, bytes]:
    """The card folder's files as they are on disk (saved, whether or not git tracks them)."""
    files: dict[str, bytes] = {}
    # Symbolic links are never followed (validate reports them).
    for name in (CATEGORIES_FILE, ROLES_FILE):
        if (folder / name).is_file() and not (folder / name).is_symlink():
            files[name] = (folder / name).read_bytes()
    for sub in (DECISIONS_DIR, FAILURE_MODES_DIR):
        directory = folder / sub
        if directory.is_dir() and not directory.is_symlink():
            for path in sorted(directory.iterdir()):
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and not path.name.startswith(".")
                    and _wanted(f"{sub}/{path.name}")
                ):
                    files[f"{sub}/{path.name}"] = path.read_bytes()
    return files
