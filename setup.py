"""The build's one step beyond pyproject.toml: the wheel carries the card library.

The library is the collection in `cards/`, copied into `generator/library/` as the wheel is
built, so a release always ships the cards of its own commit and no copy is kept in the source
tree to drift from them. An editable install reads `cards/` itself (see generator/cards/library.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
# What the library is made of: the entries, the categories, the roles, the schemas and the
# content licence.
LIBRARY = {
    "cards": (
        "categories.yaml",
        "roles.yaml",
        "*.schema.json",
        "decisions/*.yaml",
        "failure-modes/*.yaml",
    ),
    ".": ("LICENSE-CARDS.md",),
}


class BuildWithLibrary(build_py):
    """`build_py` that also copies the card library into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "generator" / "library"
        for folder, patterns in LIBRARY.items():
            for pattern in patterns:
                for path in sorted((HERE / folder).glob(pattern)):
                    relative = path.relative_to(HERE / folder)
                    (target / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target / relative)


setup(cmdclass={"build_py": BuildWithLibrary})
