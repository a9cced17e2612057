"""The links of a file: the URLs and anchors of an HTML page, the links of a Markdown text and
the URLs of the JSON API."""

from __future__ import annotations

import functools
import json
import re
from html.parser import HTMLParser

# --------------------------------------------------------------------------- parsing


def parse_srcset(value: str) -> list[str]:
    """The URLs of a `srcset` attribute (`a.png 1x, b.png 2x`), following the HTML spec's
    tokenizer closely enough that commas inside URLs (`data:` URLs) survive."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if not url:
            break
        if url.endswith(","):
            # "a.png,b.png": a trailing comma ends the candidate without descriptors.
            url = url.rstrip(",")
        else:
            depth = 0  # skip the descriptors, up to a comma outside parentheses
            while i < n:
                c = value[i]
                if c == "(":
                    depth += 1
                elif c == ")" and depth:
                    depth -= 1
                elif c == "," and not depth:
                    break
                i += 1
        if url:
            urls.append(url)
    return urls


_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?['"]?([^'"]*)""", re.I)
# Resource hints name an origin, not a document: fetching one proves nothing.
_HINT_RELS = frozenset({"preconnect", "dns-prefetch"})


# Most tags of a generated page (the nav's <li>/<span>, highlighted code's <span class>) can
# carry neither a URL nor an anchor. Recognising those with one regex and skipping
# HTMLParser's attribute parsing for them halves the parse time. The skip is deliberately
# conservative: only lower-case names from these lists and well-formed attributes qualify;
# anything else (href, src, id, name, unusual syntax, upper case) takes the normal path.
# Elements that switch the tokenizer's state (script, style, textarea, title, svg, math...)
# are never in the lists, so skipping a tag never changes how the rest is tokenized.
_QUIET_TAGS = (
    "span|div|li|a|p|code|ul|ol|nav|label|em|strong|b|i|u|s|small|sup|sub|kbd|mark|pre|"
    "table|thead|tbody|tfoot|tr|td|th|caption|colgroup|col|section|article|header|footer|"
    "main|aside|button|dl|dt|dd|blockquote|figure|figcaption|details|summary|hr|br|"
    "h[1-6]|abbr|cite|q|time|wbr|input|select|option|form|fieldset|legend|picture|"
    "body|html|head"
)
_QUIET_ATTRS = (
    r"class|title|style|dir|lang|role|tabindex|hidden|type|alt|width|height|for|"
    r"aria-[a-z-]+|data-[a-z0-9_.-]+|open|colspan|rowspan|value|checked|disabled|"
    r"autocomplete|placeholder|translate|spellcheck|loading|decoding|align"
)
_QUIET_START = re.compile(
    rf"""<(?:{_QUIET_TAGS})"""
    rf"""(?:\s+(?:{_QUIET_ATTRS})(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
)
_QUIET_END = re.compile(rf"</(?:{_QUIET_TAGS})\s*>")


class _PageParser(HTMLParser):
    """Collects the URLs and the anchor targets (ids, `<a name>`) of one page."""

    # Only declared: newer HTMLParsers (3.14+) set it in reset(), older ones never do.
    _open_elements: list[tuple[str, str, bool]]

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._tracks_foreign = hasattr(self, "_open_elements")
        self.links: dict[str, int] = {}  # link as written -> occurrences, in document order
        self.ids: set[str] = set()

    # HTMLParser tracks line numbers for getpos(), which we never call; skipping that
    # bookkeeping saves about a tenth of the parse time on large sites.
    def updatepos(self, i: int, j: int) -> int:
        return j

    def parse_starttag(self, i: int) -> int:
        # Only outside script/style-like raw text and (Python 3.14+) outside SVG/MathML, where
        # the parser keeps a stack of open elements that skipped tags would upset.
        if self.cdata_elem is None and not (self._tracks_foreign and self._open_elements):
            match = _QUIET_START.match(self.rawdata, i)
            if match:
                return match.end()
        return super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        if self.cdata_elem is None and not (self._tracks_foreign and self._open_elements):
            match = _QUIET_END.match(self.rawdata, i)
            if match:
                return match.end()
        return super().parse_endtag(i)

    def _add(self, url: str) -> None:
        url = url.strip()
        self.links[url] = self.links.get(url, 0) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" or tag == "meta":
            self._special(tag, attrs)
            return
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "poster", "xlink:href"):
                if tag != "base":
                    self._add(value)
            elif name == "id":
                self.ids.add(value)
            elif name == "srcset":
                for url in parse_srcset(value):
                    self._add(url)
            elif name == "name" and tag == "a":
                self.ids.add(value)
            elif name == "data" and tag == "object":
                self._add(value)

    def _special(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if "href" in values and not rels & _HINT_RELS:
                self._add(values["href"])
        elif values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH_URL.match(values.get("content", ""))
            if match and match.group(1).strip():
                self._add(match.group(1))


# A Markdown backslash escape, a run of backticks (which may open a code span), the `](` between
# a link's text and its destination, a bracket, or an autolink. Escapes and code spans are
# skipped, so a `](` after an open `[` outside them starts a destination.
_MARKDOWN_TOKEN = re.compile(
    r"\\[!-/:-@\[-`{-~]|`+|\]\(|[\[\]]|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>"
)
# A link destination, an optional title and the closing parenthesis.
_DESTINATION = re.compile(
    r"[ \t]*(?:<([^<>\n]*)>|([^\s()]*(?:\([^\s()]*\)[^\s()]*)*))"
    r"""(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*\)"""
)


@functools.lru_cache(maxsize=16)
def _closing_ticks(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`)`{{{count}}}(?!`)")


def markdown_links(text: str) -> dict[str, int]:
    """The link targets of a Markdown text (inline links and autolinks), with their counts.

    Reads the constructs a CommonMark parser would: backslash escapes and code spans hide what
    they contain; reference-style links and HTML are not read.
    """
    links: dict[str, int] = {}
    at = brackets = 0
    while True:
        match = _MARKDOWN_TOKEN.search(text, at)
        if match is None:
            return links
        token, at = match.group(), match.end()
        if token == "[":
            brackets += 1
        elif token == "]":
            brackets = max(0, brackets - 1)
        elif token[0] == "`":
            # A code span runs to the next run of exactly as many backticks, if there is one.
            close = _closing_ticks(len(token)).search(text, at)
            if close is not None:
                at = close.end()
        elif token == "](" and brackets:
            brackets -= 1
            destination = _DESTINATION.match(text, at)
            if destination is not None:
                url = destination.group(1)
                url = destination.group(2) if url is None else url
                links[url] = links.get(url, 0) + 1
                at = destination.end()
        elif token[0] == "<":
            url = token[1:-1]
            links[url] = links.get(url, 0) + 1


def _api_links(text: str) -> dict[str, int]:
    """The `url` of every entry of `api/cards.json`."""
    links: dict[str, int] = {}
    data = json.loads(text)
    for group in ("decisions", "failure_modes"):
        for item in data.get(group) or []:
            url = item.get("url") if isinstance(item, dict) else None
            if isinstance(url, str):
                links[url] = links.get(url, 0) + 1
    return links
