"""The relation diagram of a card, drawn at build time as inline SVG.

No script and no other host is needed to see it: the card sits at the top and every card it
relates to hangs below it, each a real link, with the kind of relation on its connector. The
layout is one column, so it stays readable at a phone's width; colours come from the page's CSS,
so light and dark schemes both read. The lists under "Related decisions" are its text equivalent.

Node links use `xlink:href` and `target="_self"`: Material's instant navigation rewrites every
`[href]` in a page and fails on SVG links (their `href` is read-only), and it leaves links with a
target to the browser, which follows them as ordinary links.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable

from markupsafe import Markup

from ..cards.wording import count

WIDTH = 440
SPINE_X, BOX_X, BOX_W = 34, 150, 280
LINE_H, PAD, GAP = 18, 14, 14
WRAP = 30  # characters per line of a node's title
# Edge labels sit between the spine and the boxes; a box is drawn over anything that reaches it,
# so a label line must end before it. Widths are estimated (no font metrics at build time) on
# the wide side: 0.62 em a character is more than the average lowercase letter of the sans-serif
# fonts a page falls back to, at the 12px the stylesheet gives `.tc-edge-label`.
LABEL_X, LABEL_SIZE, LABEL_EM, LABEL_LINE_H = SPINE_X + 8, 12, 0.62, 14
LABEL_ROOM = BOX_X - LABEL_X - 6

# How an edge reads from the current card's side: (kind, outgoing) -> label.
LABELS = {
    ("confused_with", True): "confused with",
    ("confused_with", False): "confused with",
    ("adjacent", True): "adjacent",
    ("adjacent", False): "adjacent",
    ("supersedes", True): "supersedes",
    ("supersedes", False): "superseded by",
}


def _lines(title: str, limit: int = 3) -> list[str]:
    lines = textwrap.wrap(title, WRAP) or [title]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1][: WRAP - 1].rstrip() + "…"
    return lines


def label_width(text: str) -> float:
    """The width an edge label's line takes at most, in the diagram's units (px)."""
    return len(text) * LABEL_SIZE * LABEL_EM


def _label_lines(kinds: list[str]) -> list[str]:
    """One line per kind of relation, each wrapped to the room between the spine and the box."""
    per_line = max(1, int(LABEL_ROOM // (LABEL_SIZE * LABEL_EM)))
    lines: list[str] = []
    for kind in kinds:
        lines.extend(textwrap.wrap(kind, per_line, break_long_words=True) or [kind])
    return lines


def _label(lines: list[str], mid: float) -> str:
    """The label of one connector: its first half of lines above the line, the rest below."""
    above = (len(lines) + 1) // 2
    spans = "".join(
        f'<tspan x="{LABEL_X}" y="{mid - 5 - (above - 1 - i) * LABEL_LINE_H:.0f}">'
        f"{html.escape(line)}</tspan>"
        if i < above
        else f'<tspan x="{LABEL_X}" y="{mid + 14 + (i - above) * LABEL_LINE_H:.0f}">'
        f"{html.escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return f'<text class="tc-edge-label">{spans}</text>'


def _text(lines: list[str], x: float, top: float, anchor: str = "start") -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" y="{top + (i + 1) * LINE_H - 4:.0f}">{html.escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}">{spans}</text>'


def relation_svg(
    current: str,
    edges: list[tuple[str, str, str]],
    title_of: Callable[[str], str],
    href_of: Callable[[str], str],
) -> Markup:
    """An SVG of `current` and every card it relates to; `edges` are (from, kind, to), and
    `title_of` and `href_of` give a card's title and the link to its page."""
    labels: dict[str, list[str]] = {}
    for a, kind, b in edges:
        other, outgoing = (b, True) if a == current else (a, False)
        label = LABELS.get((kind, outgoing), kind)
        if label not in labels.setdefault(other, []):
            labels[other].append(label)
    head = _lines(title_of(current))
    head_h = len(head) * LINE_H + PAD
    parts = [
        f'<g class="tc-node tc-node--current" aria-current="page"><rect x="10" y="6" '
        f'width="{WIDTH - 20}" height="{head_h}" rx="8"/>{_text(head, WIDTH / 2, 6 + PAD / 2, "middle")}</g>'
    ]
    y: float = 6 + head_h + GAP
    last_mid = y
    for other, kinds in labels.items():
        lines = _lines(title_of(other))
        edge_lines = _label_lines(kinds)
        # Label lines are centred on the connector: the box grows to hold the taller half twice.
        label_h = 2 * ((len(edge_lines) + 1) // 2) * LABEL_LINE_H if len(edge_lines) > 1 else 0
        box_h = max(len(lines) * LINE_H, label_h) + PAD
        mid = y + box_h / 2
        css = " ".join(f"tc-edge--{k.replace(' ', '-')}" for k in kinds)
        parts.append(
            f'<line class="tc-edge {css}" x1="{SPINE_X}" y1="{mid:.0f}" x2="{BOX_X}" y2="{mid:.0f}"/>'
            + _label(edge_lines, mid)
        )
        link = html.escape(href_of(other), quote=True)
        # xlink:href, not href: Material's instant navigation rewrites every [href] when a page
        # loads and fails on an SVG link (its href is read-only), which stops instant navigation.
        parts.append(
            f'<a class="tc-node" xlink:href="{link}" target="_self"><rect x="{BOX_X}" y="{y:.0f}" width="{BOX_W}" '
            f'height="{box_h}" rx="8"/>{_text(lines, BOX_X + 12, y + (box_h - len(lines) * LINE_H) / 2)}</a>'
        )
        last_mid = mid
        y += box_h + GAP
    if labels:
        parts.insert(
            1,
            f'<line class="tc-edge tc-spine" x1="{SPINE_X}" y1="{6 + head_h}" x2="{SPINE_X}" '
            f'y2="{last_mid:.0f}"/>',
        )
    height = y + 4
    name = html.escape(
        f"{title_of(current)} and the {count(len(labels), 'decision')} it is related to", quote=True
    )
    return Markup(
        f'<svg class="tc-diagram" viewBox="0 0 {WIDTH} {height:.0f}" role="group" aria-label="{name}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"{''.join(parts)}</svg>"
    )
