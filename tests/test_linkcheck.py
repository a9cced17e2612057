"""`tradeoffs check-links`, offline: internal links, anchors, reports and exit codes."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.checks.links import BrokenLink, check_site, extract, parse_srcset, scan
from generator.cli import main

PAGE = "<!doctype html><html><head><title>t</title></head><body>{}</body></html>"


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> HTML body, or raw content for non-HTML) under root."""
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(body) if rel.endswith(".html") else body, encoding="utf-8")
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`tradeoffs ARGS` in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def broken(site: Path, **kwargs: object) -> list[tuple[str, str, str]]:
    report = check_site(site, **kwargs)  # type: ignore[arg-type]
    return [(b.page, b.link, b.reason) for b in report.broken]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small valid site in the shape MkDocs writes (directory URLs)."""
    return write_site(
        tmp_path / "site",
        {
            "index.html": (
                '<a href="decisions/foo/">foo</a> <a href="decisions/bar/#options">bar</a>'
                '<a href="#">top</a> <a href="#intro">intro</a> <h1 id="intro">Intro</h1>'
                '<a href="mailto:a@example.org">mail</a> <a href="tel:+1555">tel</a>'
                '<a href="javascript:void(0)">js</a> <img src="data:image/png;base64,AAAA">'
                '<a href="https://example.org/">external</a> <a href="//cdn.example.org/x.js">cdn</a>'
                '<link rel="stylesheet" href="assets/main.css"><script src="assets/app.js"></script>'
                '<link rel="preconnect" href="https://fonts.gstatic.com">'
            ),
            "decisions/foo/index.html": (
                '<a href="../bar/">bar</a> <a href="../bar/index.html#options">options</a>'
                '<a href="../../">home</a> <a href="..">up</a> <a href="./">self</a>'
                '<a href="../../assets/logo.png">logo</a> <a name="legacy"></a>'
                '<a href="#legacy">legacy anchor</a>'
            ),
            "decisions/bar/index.html": '<h2 id="options">Options</h2><a href="../foo/#legacy">x</a>',
            "decisions/index.html": "<p>all decisions</p>",
            "assets/main.css": "body{}",
            "assets/app.js": "",
            "assets/logo.png": "png",
        },
    )


# --------------------------------------------------------------------------- the valid site


def test_valid_site_reports_nothing_and_exits_0(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check-links", str(site))
    assert code == 0, out
    assert "→" not in out
    assert out.splitlines()[-1].startswith("checked ")
    assert ": 0 broken" in out
    assert "2 external links not checked; use --external" in out
    assert err == ""


def test_summary_counts_links_and_pages(site: Path) -> None:
    report = check_site(site)
    assert report.pages == 4
    # every href/src/srcset on the 4 pages except the 2 external ones (and the preconnect
    # hint, which names an origin, not a document)
    assert report.links == 10 + 7 + 1
    assert report.external_unchecked == 2
    assert report.ok


# --------------------------------------------------------------------------- broken links


def test_broken_internal_link_reports_page_and_link(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(site, {"decisions/foo/index.html": '<a name="legacy"></a><a href="../baz/">b</a>'})
    code, out, _ = run(capsys, "check-links", str(site))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "decisions/foo/index.html → ../baz/: file not found: decisions/baz/index.html"
    )
    assert lines[-1].startswith("checked ") and lines[-1].split(": ")[1].startswith("1 broken")


def test_missing_anchor_in_target_page(site: Path) -> None:
    write_site(site, {"decisions/bar/index.html": '<h2 id="choices">Choices</h2>'})
    assert broken(site) == [
        (
            "decisions/foo/index.html",
            "../bar/index.html#options",
            'no element with id "options" in decisions/bar/index.html',
        ),
        (
            "index.html",
            "decisions/bar/#options",
            'no element with id "options" in decisions/bar/index.html',
        ),
    ]


def test_anchor_with_wrong_case_is_broken(site: Path) -> None:
    write_site(site, {"decisions/bar/index.html": '<h2 id="Options">Options</h2>'})
    problems = broken(site)
    assert [(page, link) for page, link, _ in problems] == [
        ("decisions/foo/index.html", "../bar/index.html#options"),
        ("index.html", "decisions/bar/#options"),
    ]
    assert 'did you mean "Options"?' in problems[0][2]


def test_same_page_anchor_must_exist(site: Path) -> None:
    write_site(site, {"index.html": '<a href="#">top</a><a href="#nowhere">x</a><p id="here"></p>'})
    assert broken(site) == [
        ("index.html", "#nowhere", 'no element with id "nowhere" in index.html')
    ]


def test_deleted_page_is_reported_on_every_page_linking_to_it(site: Path) -> None:
    assert broken(site) == []
    (site / "decisions/bar/index.html").unlink()
    (site / "decisions/bar").rmdir()
    assert broken(site) == [
        ("decisions/foo/index.html", "../bar/", "file not found: decisions/bar/index.html"),
        (
            "decisions/foo/index.html",
            "../bar/index.html#options",
            "file not found: decisions/bar/index.html",
        ),
        ("index.html", "decisions/bar/#options", "file not found: decisions/bar/index.html"),
    ]


def test_directory_without_index_html(site: Path) -> None:
    (site / "empty").mkdir()
    write_site(site, {"index.html": '<a href="empty/">e</a> <a href="assets">a</a>'})
    assert broken(site) == [
        ("index.html", "empty/", "directory has no index.html: empty/"),
        ("index.html", "assets", "directory has no index.html: assets/"),
    ]


def test_file_name_case_must_match(site: Path) -> None:
    write_site(site, {"index.html": '<a href="Decisions/foo/">x</a>'})
    [(page, link, reason)] = broken(site)
    assert (page, link) == ("index.html", "Decisions/foo/")
    assert reason.startswith("file not found: Decisions/foo/index.html")
    assert "did you mean decisions/foo/index.html?" in reason


def test_identical_page_and_link_pairs_are_reported_once(site: Path) -> None:
    write_site(site, {"index.html": '<a href="gone/">1</a><a href="gone/">2</a><img src="gone/">'})
    report = check_site(site)
    assert [b.link for b in report.broken] == ["gone/"]
    assert report.links == 3 + 7 + 1  # repeats still count as checked links


def test_query_strings_and_percent_encoding(tmp_path: Path) -> None:
    site = write_site(
        tmp_path / "site",
        {
            "index.html": (
                '<a href="caf%C3%A9/">ok</a> <a href="caf%C3%A9/?lang=fr#menu">ok</a>'
                '<a href="café/index.html?x=1&amp;y=2">ok</a> <img src="img/file%20name.png">'
                '<a href="?page=2">same page</a> <a href="caf%C3%A9/#m%C3%A9nu">encoded id</a>'
                '<a href="caf%C3%A9/?q=1#nomenu">bad</a> <a href="caf%25C3%25A9/">double</a>'
            ),
            "café/index.html": '<nav id="menu"></nav><p id="ménu"></p>',
            "img/file name.png": "png",
        },
    )
    assert broken(site) == [
        ("index.html", "caf%C3%A9/?q=1#nomenu", 'no element with id "nomenu" in café/index.html'),
        ("index.html", "caf%25C3%25A9/", "file not found: caf%C3%A9/index.html"),
    ]


def test_root_relative_links(site: Path) -> None:
    write_site(
        site,
        {
            "decisions/foo/index.html": (
                '<a name="legacy"></a>'
                '<a href="/decisions/bar/#options">ok</a> <a href="/">home</a>'
                '<img src="/assets/logo.png"> <a href="/nope/">bad</a>'
            )
        },
    )
    assert broken(site) == [
        ("decisions/foo/index.html", "/nope/", "file not found: nope/index.html")
    ]


def test_root_relative_link_with_a_subpath_suggests_base_path(site: Path) -> None:
    write_site(site, {"404.html": '<a href="/project/decisions/bar/">bar</a>'})
    assert broken(site) == [
        (
            "404.html",
            "/project/decisions/bar/",
            "file not found: project/decisions/bar/index.html "
            "(served under /project/? then pass --base-path /project/)",
        )
    ]
    assert broken(site, base_path="/project/") == []


def test_base_path_for_sites_served_under_a_subpath(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(
        site,
        {
            "decisions/foo/index.html": (
                '<a name="legacy"></a>'
                '<a href="/project/decisions/bar/#options">ok</a> <a href="/project/">home</a>'
                '<a href="/project">home too</a> <a href="/decisions/bar/">outside</a>'
            )
        },
    )
    assert broken(site, base_path="/project/") == [
        ("decisions/foo/index.html", "/decisions/bar/", "points outside the base path /project/"),
    ]
    code, out, _ = run(capsys, "check-links", str(site), "--base-path", "project")
    assert code == 1 and "/decisions/bar/: points outside the base path /project/" in out
    code, _, err = run(capsys, "check-links", str(site), "--base-path", "https://x.org/p/")
    assert code == 2 and "not a URL" in err


def test_link_escaping_the_site_dir_is_broken_even_if_the_file_exists(tmp_path: Path) -> None:
    (tmp_path / "outside.html").write_text("<p>not part of the site</p>")
    site = write_site(
        tmp_path / "site",
        {
            "index.html": '<a href="../../etc/passwd">x</a> <a href="../outside.html">y</a>',
            "sub/index.html": '<a href="../../site/index.html">z</a>',
        },
    )
    assert broken(site) == [
        ("index.html", "../../etc/passwd", "points outside the site directory"),
        ("index.html", "../outside.html", "points outside the site directory"),
        ("sub/index.html", "../../site/index.html", "points outside the site directory"),
    ]


def test_srcset_candidates_are_each_checked(site: Path) -> None:
    write_site(
        site,
        {
            "index.html": (
                '<img src="assets/logo.png" srcset="assets/logo.png 1x, assets/logo@2x.png 2x">'
                '<picture><source srcset="assets/wide.png 800w,assets/logo.png 400w"></picture>'
            )
        },
    )
    assert broken(site) == [
        ("index.html", "assets/logo@2x.png", "file not found: assets/logo@2x.png"),
        ("index.html", "assets/wide.png", "file not found: assets/wide.png"),
    ]


def test_other_link_sources_are_checked(site: Path) -> None:
    write_site(
        site,
        {
            "index.html": (
                '<meta http-equiv="refresh" content="0; url=moved/">'
                '<iframe src="embed.html"></iframe> <video poster="poster.jpg"></video>'
                '<map><area href="area/" alt=""></map> <object data="doc.svg"></object>'
                '<a href="assets/logo.png#frag">fragment on a non-HTML file is not checked</a>'
                '<A HREF="UPPER.html">upper-case markup</A>'
            )
        },
    )
    assert [link for _, link, _ in broken(site)] == [
        "moved/",
        "embed.html",
        "poster.jpg",
        "area/",
        "doc.svg",
        "UPPER.html",
    ]


def test_links_in_comments_and_scripts_are_not_links(site: Path) -> None:
    write_site(
        site,
        {
            "index.html": (
                '<!-- <a href="gone-comment/">x</a> -->'
                "<script>document.write('<a href=\"gone-script/\">x</a>')</script>"
                '<pre><code>&lt;a href="gone-code/"&gt;</code></pre>'
            )
        },
    )
    assert broken(site) == []


# --------------------------------------------------------------------------- output and exit codes


def test_json_format(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(site, {"index.html": '<a href="gone/">x</a>'})
    code, out, _ = run(capsys, "check-links", str(site), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["broken"] == [
        {"page": "index.html", "link": "gone/", "reason": "file not found: gone/index.html"}
    ]
    assert data["summary"]["broken"] == 1
    assert data["summary"]["pages"] == 4


def test_exit_2_when_site_dir_is_missing_or_not_a_dir_or_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check-links", str(tmp_path / "nope"))
    assert (code, out) == (2, "")
    assert "site directory not found" in err
    (tmp_path / "file.txt").write_text("x")
    assert run(capsys, "check-links", str(tmp_path / "file.txt"))[0] == 2
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "check-links", str(tmp_path / "empty"))
    assert code == 2 and "no HTML pages" in err


def test_bad_option_values_are_usage_errors(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)  # no pyproject.toml here; and nothing is ever fetched
    assert run(capsys, "check-links", str(site), "--jobs", "0")[0] == 2
    assert run(capsys, "check-links", str(site), "--external", "--timeout", "0")[0] == 2
    assert run(capsys, "check-links", str(site), "--external", "--concurrency", "0")[0] == 2
    code, _, err = run(capsys, "check-links", str(site), "--external", "--ignore", "(")
    assert code == 2 and "invalid ignore pattern" in err


# --------------------------------------------------------------------------- internals


@pytest.mark.parametrize(
    ("value", "urls"),
    [
        ("a.png", ["a.png"]),
        ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
        ("a.png 480w,b.png 800w", ["a.png", "b.png"]),
        ("  a.png  ,  b.png 2x  ", ["a.png", "b.png"]),
        # As in browsers: a URL runs to the next whitespace, so this is one (odd) URL.
        ("a.png,b.png", ["a.png,b.png"]),
        ("a.png, b.png", ["a.png", "b.png"]),
        ("a.png 1x (note, here), b.png", ["a.png", "b.png"]),
        ("data:image/png;base64,AA,BB 1x, c.png 2x", ["data:image/png;base64,AA,BB", "c.png"]),
        ("", []),
    ],
)
def test_parse_srcset(value: str, urls: list[str]) -> None:
    assert parse_srcset(value) == urls


class _ReferenceParser(extract._PageParser):
    """The same collector without the fast path for quiet tags."""

    parse_starttag = HTMLParser.parse_starttag
    parse_endtag = HTMLParser.parse_endtag


TRICKY = """<!doctype html><HTML lang=en><head><title>a <a href="in-title">x</a></title>
<style>.a{background:url(x.png)} </style><span class=a></span></style>
<script>var s = '<a href="in-script">'; if (a<b) {}</script></head>
<body><div class="md" data-md-component='x' hidden><span class=a>t</span>
<DIV ID="upper">x</DIV><div class="a" id="mixed">y</div><p title="a > b">z</p>
<a
  href="multi-line.html">m</a><a href=bare.html>b</a><span class="x" / >
<svg><a href="in-svg.html"><path d="M0 0"/></a></svg><math><mi id="mi">x</mi></math>
<textarea><a href="in-textarea"></a></textarea><li class="x" data-a="1"><a class="y"
href="../z/#k">k</a></li><!-- <a href="in-comment"> --><p id=last></p>
<section class="s"><h2 id="h" class="c">h</h2></section><img alt="" src="i.png" />
<br/><hr ><input type="image" src="btn.png"><span data-x="<a href='fake'>"></span>
</body></HTML>"""


def test_fast_path_parses_exactly_like_html_parser() -> None:
    fast, reference = extract._PageParser(), _ReferenceParser()
    for parser in (fast, reference):
        parser.feed(TRICKY)
        parser.close()
    assert fast.links == reference.links
    assert fast.ids == reference.ids
    assert "multi-line.html" in fast.links and "in-script" not in fast.links
    assert {"upper", "mixed", "mi", "last", "h"} <= fast.ids


def test_process_pool_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {
        f"p{i}/index.html": f'<h1 id="t{i}"></h1><a href="../p{j}/#t{j}">next</a>'
        for i, j in ((i, (i + 1) % 30) for i in range(30))
    }
    pages["p7/index.html"] = '<p id="t7"></p><a href="../p8/#wrong">x</a><a href="../gone/">y</a>'
    site = write_site(tmp_path / "site", pages)
    monkeypatch.setattr(scan, "_PARALLEL_MIN_PAGES", 2)
    serial = check_site(site, jobs=1)
    parallel = check_site(site, jobs=2)
    assert parallel == serial
    assert [b.link for b in parallel.broken] == ["../p8/#wrong", "../gone/"]


def test_broken_link_text() -> None:
    assert str(BrokenLink("a/index.html", "../b/#x", "why")) == "a/index.html → ../b/#x: why"
