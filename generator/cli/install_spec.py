"""`tradeoffs init --install SPEC`: what the written workflow installs, and which release the
pre-commit hooks pin to match it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import __version__

PACKAGE = "tradeoff-cards"

# A release number as this project tags them (1.0.0, 1.1.0rc1, 1.0.0.post1); a local label
# (+fork) names no tag the hooks could pin.
RELEASE = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")
# What a distribution file of the package is called: tradeoff_cards-1.0.0-py3-none-any.whl
DISTRIBUTION = re.compile(r"^tradeoff_cards-(?P<version>[^-/]+?)(-[^/]+\.whl|\.tar\.gz)$")
# The spec is written into a YAML string and a double-quoted shell word: none of the characters
# that would end or expand either (quotes, $, `, \, spaces) gets through.
SAFE = re.compile(r"^[A-Za-z0-9._~:/@+=,\[\]<>!%#-]+$")
PINNED = re.compile(r"^tradeoff-cards(\[[a-z,]+\])?==(?P<version>[^,;]+)$")

USAGE = (
    "--install takes a version (1.0.0), a requirement (tradeoff-cards==1.0.0), a wheel or sdist "
    "by path or URL (dist/tradeoff_cards-1.0.0-py3-none-any.whl) or a Git URL "
    "(git+https://github.com/tradeoff-cards/tradeoff-cards@v1.0.0)"
)


class InstallSpecError(ValueError):
    """The --install value is none of the forms it takes; the message lists them."""


@dataclass(frozen=True)
class Install:
    """What `pip install` is given, and the release it is when that is known."""

    requirement: str
    release: str | None

    @property
    def is_file(self) -> bool:
        """Whether the requirement is a distribution file in the repository (not a URL)."""
        return self.requirement.endswith((".whl", ".tar.gz")) and "://" not in self.requirement


def parse_install(spec: str | None) -> Install:
    """The install line for `spec`; without one, this very version from the package index."""
    if spec is None:
        return Install(f"{PACKAGE}=={__version__}", __version__)
    if not spec or not SAFE.match(spec):
        raise InstallSpecError(f"{spec!r}: {USAGE}")
    if RELEASE.match(spec):
        return Install(f"{PACKAGE}=={spec}", spec)
    if spec.endswith((".whl", ".tar.gz")):
        found = DISTRIBUTION.match(spec.rsplit("/", 1)[-1])
        if found is None:
            raise InstallSpecError(
                f"{spec}: not a distribution of {PACKAGE} (tradeoff_cards-VERSION-….whl or "
                "tradeoff_cards-VERSION.tar.gz)"
            )
        return Install(spec, _release(found["version"]))
    pinned = PINNED.match(spec)
    if pinned:
        return Install(spec, _release(pinned["version"]))
    # a Git URL, a direct reference (tradeoff-cards@URL), extras or a range: pip knows which
    # release it is only when it installs it
    if spec.startswith("git+") or re.match(r"^tradeoff-cards([\[@<>~!=]|$)", spec):
        return Install(spec, None)
    raise InstallSpecError(f"{spec}: {USAGE}")


def _release(version: str) -> str | None:
    return version if RELEASE.match(version) else None
