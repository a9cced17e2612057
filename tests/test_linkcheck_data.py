"""`tradeoffs check-links` on the data files: Markdown links, the JSON API's URLs, the site URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from generator.cards import load_catalog
from generator.checks.links import check_site, markdown_links
from generator.site.plan import SiteSettings, data_exports

from .conftest import REPO, VALID
from .test_linkcheck import broken, run, write_site

SITE_URL = "https://example.org/docs/"


def _api(*urls: str) -> str:
    return json.dumps(
        {
            "schema_version": 1,
            "decisions": [{"id": f"c{i}", "url": url} for i, url in enumerate(urls)],
            "failure_modes": [],
        }
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with pages and the data files beside them, linking relatively."""
    return write_site(
        tmp_path / "site",
        {
            "index.html": '<a href="decisions/a/">a</a>',
            "decisions/a/index.html": '<h2 id="options">Options</h2><a href="../../">home</a>',
            "decisions/a/index.md": (
                "# A\n\n- [Home](../../)\n- [Options](../a/#options)\n- [Me](index.md)\n"
                "- `[not](a-link.md)` and \\[not](either.md) and ``[nor `this`](x.md)``\n"
                "- [With parens](<../a/index.md>)\n"
            ),
            "llms.txt": "# Site\n\n> Summary\n\n## Cards\n\n- [A](decisions/a/index.md): a card\n",
            "llms-full.txt": "# Site\n\n[llms.txt](llms.txt)\n",
            "api/cards.json": _api("decisions/a/"),
        },
    )


def test_data_files_with_good_links_pass(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check-links", str(site))
    assert code == 0, out
    assert out.splitlines()[-1].startswith("checked 9 links in 2 pages and 4 data files: 0 broken")


def test_a_broken_llms_txt_link_fails(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(site, {"llms.txt": "# Site\n\n## Cards\n\n- [Gone](decisions/gone/index.md): x\n"})
    code, out, _ = run(capsys, "check-links", str(site))
    assert code == 1
    assert out.splitlines()[0] == (
        "llms.txt → decisions/gone/index.md: file not found: decisions/gone/index.md"
    )


def test_broken_links_in_card_markdown_full_text_and_api(site: Path) -> None:
    write_site(
        site,
        {
            "decisions/a/index.md": "- [B](../b/index.md)\n- [Anchor](../a/#choices)\n",
            "llms-full.txt": "see [a card](decisions/c/index.md)\n",
            "api/cards.json": _api("decisions/a/", "decisions/gone/"),
        },
    )
    assert broken(site) == [
        ("api/cards.json", "decisions/gone/", "file not found: decisions/gone/index.html"),
        ("decisions/a/index.md", "../b/index.md", "file not found: decisions/b/index.md"),
        (
            "decisions/a/index.md",
            "../a/#choices",
            'no element with id "choices" in decisions/a/index.html',
        ),
        ("llms-full.txt", "decisions/c/index.md", "file not found: decisions/c/index.md"),
    ]


def test_an_unreadable_json_api_is_reported(site: Path) -> None:
    write_site(site, {"api/cards.json": "{not json"})
    [(page, _link, reason)] = broken(site)
    assert page == "api/cards.json" and reason.startswith("cannot read links: ")


def test_links_under_the_site_url_are_checked_against_the_folder(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(
        site,
        {
            "llms.txt": (
                f"- [A]({SITE_URL}decisions/a/index.md)\n- [Page]({SITE_URL}decisions/a/#options)\n"
                f"- [Gone]({SITE_URL}decisions/gone/index.md)\n- [Else](https://example.com/x)\n"
            ),
            "api/cards.json": _api(f"{SITE_URL}decisions/a/"),
        },
    )
    code, out, _ = run(capsys, "check-links", str(site), "--site-url", SITE_URL.rstrip("/"))
    assert code == 1
    assert [line for line in out.splitlines() if "→" in line] == [
        f"llms.txt → {SITE_URL}decisions/gone/index.md: file not found: decisions/gone/index.md"
    ]
    assert "1 external link not checked" in out
    # without the site URL, the same links are external
    report = check_site(site)
    assert report.ok and report.external_unchecked == 5


def test_the_base_path_follows_the_site_url(site: Path) -> None:
    write_site(site, {"index.html": '<a href="/docs/decisions/a/">a</a>'})
    assert broken(site, site_url=SITE_URL) == []
    assert broken(site) != []


def test_a_site_url_must_be_an_address(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check-links", str(site), "--site-url", "/docs/")
    assert code == 2 and "--site-url must be an http(s) URL" in err


def _links_by_markdown_it(text: str) -> list[str]:
    parser = MarkdownIt("commonmark").enable("table")
    found = []
    for token in parser.parse(text):
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrGet("href")))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("cards", [VALID, REPO / "cards"], ids=["examples", "real"])
def test_the_link_reader_finds_what_a_markdown_parser_finds(cards: Path) -> None:
    files, _ = data_exports(load_catalog(cards), SiteSettings(site_url=SITE_URL))
    for path, text in files.items():
        if path.endswith((".md", ".txt")):
            expected = _links_by_markdown_it(text)
            found = markdown_links(text)
            assert sum(found.values()) == len(expected), path
            assert set(found) == set(expected), path


@pytest.mark.slow
def test_the_built_example_passes(built_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site_url = "https://tradeoff-cards.github.io/tradeoff-cards/"  # mkdocs.yml's
    code, out, _ = run(capsys, "check-links", str(built_example), "--site-url", site_url)
    assert code == 0, out
    # the 3 JSON Schemas are not read; the JSON API, 2 llms files and 4 entries' Markdown are
    assert " and 7 data files: 0 broken" in out
