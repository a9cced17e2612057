"""Decision records carry no hostile link, live where no card can collide with them."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest

from generator.site import adr

from .conftest import REPO, VALID, RunCli, make_project, mkdocs_build

HOSTILE_LINKS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    '[click](javascript:alert(1) "title")',
    "[click](javascript:a((1)))",
    "[a [nested] text](javascript:alert(1))",
    "[entity](javascript&#58;alert(1))",
    "[escape](javascript\\:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "[vb](vbscript:msgbox(1))",
    "[file](file:///etc/passwd)",
    "[ftp](ftp://files.example/x)",
    "[other host](//evil.example/x)",
    "![pixel](https://evil.example/pixel.png)",
    "![pixel](javascript:alert(2))",
    "![](https://evil.example/empty-alt.png)",
    "[![badge](https://evil.example/b.svg)](javascript:alert(3))",
    "[![badge](data:image/png;base64,AAAA)](https://ok.example/)",
    "<javascript:alert(4)>",
    "<https://autolink.example>",
    '<a href="javascript:alert(5)">raw</a>',
    '<img src="https://evil.example/raw.png">',
]

KEPT = [
    ("[site](https://ok.example/a_(b))", "https://ok.example/a_(b)"),
    ("[mail](mailto:team@ok.example)", "mailto:team@ok.example"),
    ("[page](../other/)", "../other/"),
    ("[anchor](#why)", "#why"),
    ("[http](HTTP://ok.example)", "HTTP://ok.example"),
]


def _links_and_images(text: str) -> tuple[list[str], list[str]]:
    html = markdown.markdown(text)  # the engine that builds record pages
    return re.findall(r'<a [^>]*href="([^"]*)"', html), re.findall(r"<img", html)


@pytest.mark.parametrize("text", HOSTILE_LINKS)
def test_records_reduce_hostile_links_and_images(text: str) -> None:
    line = adr.md_text(f"Before {text} after")
    hrefs, images = _links_and_images(line)
    assert images == []
    assert all(re.match(r"(?i)(https?://|mailto:|\.\./|#)", h) for h in hrefs), (line, hrefs)
    assert all("evil" not in h or h.startswith("https://evil") for h in hrefs)
    assert "Before" in line and "after" in line


def test_a_safe_image_becomes_a_link_and_an_unsafe_one_its_alt_text() -> None:
    assert adr.md_text("![pixel](https://evil.example/p.png)") == (
        "[pixel](https://evil.example/p.png)"
    )
    assert adr.md_text("![pixel](javascript:x)") == "pixel"
    assert adr.md_text("![](https://e.example/p.png)") == "[image](https://e.example/p.png)"


@pytest.mark.parametrize(("text", "address"), KEPT)
def test_records_keep_safe_links(text: str, address: str) -> None:
    hrefs, _ = _links_and_images(adr.md_text(text))
    assert hrefs == [address]


def test_the_page_script_reduces_links_exactly_as_the_cli() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (REPO / "generator" / "site" / "assets" / "decide.js").read_text(encoding="utf-8")
    code = script[script.index("  var BLOCK_START") : script.index("  function compose")]
    pieces = ["[", "]", "(", ")", "!", "<", ">", ":", "/", "\\", "&", "#", '"', "'", " ", "a"]
    pieces += ["javascript:", "https://", "mailto:", "&#58;", "\u017f", "\u00a0", "\ue000", "]("]
    rng = random.Random(17)
    cases = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 24))) for _ in range(3000)]
    cases += HOSTILE_LINKS + [text for text, _ in KEPT]
    result = subprocess.run(
        [
            node,
            "-e",
            code + "process.stdout.write(JSON.stringify("
            "JSON.parse(require('fs').readFileSync(0, 'utf8')).map(mdText)));",
        ],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    differ = [
        (case, adr.md_text(case), js)
        for case, js in zip(cases, json.loads(result.stdout), strict=True)
        if adr.md_text(case) != js
    ]
    assert differ == []


def _hostile_cards(root: Path) -> Path:
    cards = root / "cards"
    shutil.copytree(VALID, cards)
    card = cards / "decisions" / "cache-or-recompute.yaml"
    values = "".join(f"      - {json.dumps(v)}\n" for v in HOSTILE_LINKS)
    card.write_text(card.read_text().replace("    strengths:\n", "    strengths:\n" + values, 1))
    return cards


def test_record_from_hostile_card_text_has_only_safe_links(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project", _hostile_cards(tmp_path))
    code, out, err = run_cli("record", "cache-or-recompute", "--chose", "cache", cwd=project)
    assert code == 0, err
    written = sorted((project / "docs" / "adr").glob("0001-*.md"))
    assert len(written) == 1 and out == f"wrote {written[0]}\n"
    hrefs, images = _links_and_images(written[0].read_text(encoding="utf-8"))
    assert images == [] and hrefs
    assert all(re.match(r"https?://|mailto:", h) for h in hrefs), hrefs


def test_records_dir_setting_is_where_records_go(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    text = config.read_text()
    assert "      cards_dir: cards\n" in text
    config.write_text(
        text.replace(
            "      cards_dir: cards\n", "      cards_dir: cards\n      records_dir: decisions\n"
        )
    )
    code, _, err = run_cli("record", "cache-or-recompute", "--chose", "cache", cwd=project)
    assert code == 0, err
    assert len(list((project / "docs" / "decisions").glob("0001-*.md"))) == 1


@pytest.mark.slow
def test_a_page_sharing_a_cards_address_fails_the_build_naming_both(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", VALID)
    page = project / "docs" / "decisions" / "cache-or-recompute" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text("# A record named like a card\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert (
        "docs/decisions/cache-or-recompute/index.md and the page generated from "
        "cards/decisions/cache-or-recompute.yaml are both published at "
        "/decisions/cache-or-recompute/"
    ) in result.stderr


def test_export_refuses_two_pages_at_one_address(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project", VALID)
    page = project / "docs" / "decisions" / "cache-or-recompute" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text("# A record named like a card\n")
    out = tmp_path / "exported"
    code, _, err = run_cli("export", str(out), "--config", str(project / "mkdocs.yml"))
    assert code == 2
    assert (
        "docs/decisions/cache-or-recompute/index.md and the page generated from "
        "cards/decisions/cache-or-recompute.yaml are both published at "
        "/decisions/cache-or-recompute/"
    ) in err
    assert not out.exists()
