"""Hostile content, paths, deterministic and atomic builds."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
import yaml

from generator.cards import InvalidCollection, load_catalog

from .conftest import VALID, RunCli, make_project, mkdocs_build

HOSTILE = [
    "<script>alert('x')</script>",
    '<iframe src="https://evil.example"></iframe>',
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](javascript:alert(2))",
    "&lt;b&gt; entities &amp; &#60;script&#62;",
    "{{ config.secret }} and {% include 'x' %} and {# comment #}",
    "# A heading in a one-line field",
    "| a | table |\n|---|---|\n| in | a field |",
    "`</li></ul><script>alert(3)</script>`",
    '[x](https://ok.example){: onclick="alert(4)" }',
    '<a href="javascript:alert(5)">link</a>',
    "<svg onload=alert(6)>",
    "</textarea><style>body{display:none}</style>",
]


def _hostile_collection(root: Path) -> Path:
    cards = root / "cards"
    shutil.copytree(VALID, cards)
    path = cards / "decisions" / "cache-or-recompute.yaml"
    data = path.read_text()
    values = [
        f"        {yaml.safe_dump(v, default_style=chr(34), width=10_000).strip()}" for v in HOSTILE
    ]
    data = data.replace(
        "    strengths:\n",
        "    strengths:\n" + "".join(f"      - {v.strip()}\n" for v in values),
        1,
    )
    data = data.replace(
        "heuristic: Recompute until a profile says otherwise.",
        f"heuristic: {yaml.safe_dump(HOSTILE[0] + ' ' + HOSTILE[7], default_style=chr(34), width=10_000).strip()}",
    )
    data = data.replace(
        "title: Cache | recompute | precompute",
        f"title: {yaml.safe_dump('<script>t</script> {{ x }} | # T', default_style=chr(34)).strip()}",
    )
    path.write_text(data)
    load_catalog(cards)  # still a valid collection
    return cards


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    project = make_project(root / "project", _hostile_collection(root))
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def _content(html: str) -> str:
    match = re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', html, re.S)
    assert match
    return match.group(1)


@pytest.mark.slow
def test_hostile_text_is_visible_and_never_live(hostile_site: Path) -> None:
    html = (hostile_site / "decisions" / "cache-or-recompute" / "index.html").read_text()
    content = _content(html)
    # nothing live: no element or attribute that runs code
    for pattern in (
        r"<script",
        r"<iframe",
        r"<img",
        r"<svg",
        r"<style",
        r"\son\w+\s*=",
        r"javascript:",
        r"data:text",
    ):
        live = list(re.finditer(pattern, content, re.I))
        assert not [m for m in live if not _inside_text(content, m.start())], pattern
    # everything visible as written
    text = unescape(re.sub(r"<[^>]+>", "", content))
    # a real https link stays a link; the attr_list syntax after it stays visible text
    assert '<a href="https://ok.example">x</a>{: onclick="alert(4)" }' in unescape(content)
    for value in HOSTILE:
        if value.startswith("[x](https://"):
            continue
        for line in value.splitlines():
            assert line.replace("`", "") in text.replace("`", ""), line
    # Jinja syntax was not evaluated
    assert "{{ config.secret }}" in text and "{% include 'x' %}" in text
    # a heading or table written in a field is not a heading or table
    assert content.count("<h1") == 1  # the theme's page title, nothing from a field
    assert content.count("<table") == 1


def _inside_text(html: str, index: int) -> bool:
    """True when `index` is inside text content (after a '>' with no '<' in between)."""
    before = html[:index]
    return before.rfind(">") > before.rfind("<")


@pytest.mark.slow
def test_hostile_title_is_escaped_everywhere(hostile_site: Path) -> None:
    html = (hostile_site / "decisions" / "cache-or-recompute" / "index.html").read_text()
    assert "<script>t</script>" not in html
    assert "&lt;script&gt;t&lt;/script&gt; {{ x }} | # T" in html
    nav_elsewhere = (hostile_site / "index.html").read_text()
    assert "<script>t</script>" not in nav_elsewhere


@pytest.mark.parametrize(
    "stem",
    [
        "..",
        "a..b",
        "../evil",
        "sub/dir",
        "CAPS-card",
        "caf\u00e9-card",
        "zero\u200bwidth",
        "\u0430pple-card",
        "a_b-c",
        "-leading",
        "trailing-",
        "double--hyphen",
        "ab",
    ],
)
def test_ids_that_could_escape_or_confuse_are_refused(stem: str, tmp_path: Path) -> None:
    from generator.cards.reading import id_problem

    assert id_problem(stem) is not None


def test_look_alike_and_zero_width_file_names_are_reported(collection: Path) -> None:
    source = (collection / "decisions" / "queue-or-direct-call.yaml").read_text()
    (collection / "decisions" / "queue-or-direct\u200b-call.yaml").write_text(source)
    (collection / "decisions" / "\u0441ache-or-recompute.yaml").write_text(source)  # Cyrillic es
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(collection)
    messages = [p.message for p in caught.value.problems]
    assert any("U+200B (ZERO WIDTH SPACE)" in m for m in messages)
    assert any("U+0441 (CYRILLIC SMALL LETTER ES)" in m for m in messages)


def test_ids_colliding_across_kinds_or_case_are_errors(collection: Path) -> None:
    shutil.copy(
        collection / "failure-modes" / "stale-cache-storm.yaml",
        collection / "decisions" / "stale-cache-storm.yaml",
    )
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(collection)
    assert any("clashes with" in p.message for p in caught.value.problems)


def test_category_and_references_cannot_make_paths(collection: Path) -> None:
    path = collection / "decisions" / "queue-or-direct-call.yaml"
    path.write_text(
        path.read_text()
        .replace("category: integration", "category: ../../etc")
        .replace("supersedes: [old-rpc-guidance]", "supersedes: [../index]")
    )
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(collection)
    lines = [str(p).split(": ", 1)[1] for p in caught.value.problems]
    assert any("'../../etc' is not a valid category" in line for line in lines)
    assert any("'../index' is not a valid card id" in line for line in lines)


@pytest.mark.slow
def test_builds_are_byte_identical(tmp_path: Path, built_example: Path) -> None:
    project = make_project(tmp_path / "project", VALID)
    site = tmp_path / "site"
    result = mkdocs_build(project, site, env={"SOURCE_DATE_EPOCH": "1790000000"})
    assert result.returncode == 0, result.stderr
    first = sorted(
        p.relative_to(built_example).as_posix() for p in built_example.rglob("*") if p.is_file()
    )
    second = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert first == second
    different = [f for f in first if not filecmp.cmp(built_example / f, site / f, shallow=False)]
    assert different == []
    assert "sitemap.xml.gz" in first and "search/search_index.json" in first


def _tradeoffs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.slow
def test_atomic_build_keeps_the_previous_site_on_any_failure(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", VALID)
    first = _tradeoffs(project, "build", "--out", "site")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "==> validating" in first.stdout and "checking links" in first.stdout
    before = _snapshot(project / "site")

    # 1. invalid card: validation fails
    card = project / "cards" / "decisions" / "queue-or-direct-call.yaml"
    good = card.read_text()
    card.write_text(good.replace("undo_cost: moderate", "undo_cost: medium"))
    failed = _tradeoffs(project, "build", "--out", "site")
    assert failed.returncode == 1
    assert "validation failed" in failed.stderr and "queue-or-direct-call.yaml:" in failed.stderr
    assert "left as it was" in failed.stderr
    assert _snapshot(project / "site") == before

    # 2. the strict build fails (a broken link in a hand-written page)
    card.write_text(good)
    (project / "docs" / "contribute" / "index.md").write_text(
        "# Guide\n\n[gone](missing-page.md)\n"
    )
    failed = _tradeoffs(project, "build", "--out", "site")
    assert failed.returncode == 1 and "mkdocs build --strict failed" in failed.stderr
    assert _snapshot(project / "site") == before

    # 3. the build passes but the link check fails (MkDocs does not check raw HTML links)
    (project / "docs" / "contribute" / "index.md").write_text(
        '# Guide\n\n<a href="../gone/">gone</a>\n'
    )
    failed = _tradeoffs(project, "build", "--out", "site")
    assert failed.returncode == 1 and "link check failed" in failed.stderr
    assert "contribute/index.html → ../gone/" in failed.stderr
    assert _snapshot(project / "site") == before
    assert not [
        p for p in project.iterdir() if p.name.startswith(".site-")
    ]  # no staging left behind


BYTE_CASES = {
    # "title: café " is 12 characters (é is two bytes), so the bad byte is column 13
    "invalid-utf8": (b"summary: ok\ntitle: caf\xc3\xa9 \xff\n", "2:13", "not valid UTF-8"),
    "nul-byte": (b"title: a\x00b\n", "1:9", "NUL byte"),
    "two-mebibytes": (
        b"title: " + b"x" * (2 * 1024 * 1024) + b"\n",
        "1:1",
        "limit is 1,048,576 bytes",
    ),
    "control-character": (b"title: a\x07b\n", "1:9", "U+0007"),
    "deep-nesting": (b"title: " + b"[" * 1000 + b"]" * 1000 + b"\n", None, "nested more than"),
    "long-line": (b"title: " + b"y" * 100_000 + b"\n", None, "missing required key"),
}


@pytest.mark.parametrize("case", sorted(BYTE_CASES))
def test_bad_bytes_are_reported_with_file_line_and_column(
    case: str, collection: Path, run_cli: RunCli
) -> None:
    raw, position, fragment = BYTE_CASES[case]
    (collection / "decisions" / f"{case}.yaml").write_bytes(raw)
    code, out, err = run_cli("validate", str(collection))
    assert code == 1 and "Traceback" not in out + err
    lines = [line for line in out.splitlines() if f"{case}.yaml:" in line]
    assert lines, out
    if position:
        assert f"{case}.yaml:{position}: " in lines[0], lines[0]
    if fragment:
        assert any(fragment in line for line in lines), lines


def test_bom_and_crlf_cards_load_exactly(collection: Path) -> None:
    source = collection / "decisions" / "queue-or-direct-call.yaml"
    text = source.read_text()
    source.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    catalog = load_catalog(collection)
    card = catalog.decisions["queue-or-direct-call"].model
    assert card.title == "Queue or direct call"
    assert card.options[0].best_when == [
        "The caller needs the result to continue.",
        "Latency budget is tight.",
    ]


def test_lookalikes_as_option_keys_and_items_survive_validation(collection: Path) -> None:
    path = collection / "decisions" / "queue-or-direct-call.yaml"
    text = (
        path.read_text()
        .replace("  - key: direct", "  - key: no")
        .replace("  - key: queue", "  - key: off")
    )
    text = text.replace(
        "misuse: [Chains of five synchronous hops.]",
        "misuse: [yes, 1:10, 0755, ~, .nan, 2026-01-01]",
    )
    path.write_text(text)
    card = load_catalog(collection).decisions["queue-or-direct-call"].model
    assert [o.key for o in card.options] == ["no", "off"]
    assert card.options[0].misuse == ["yes", "1:10", "0755", "~", ".nan", "2026-01-01"]
