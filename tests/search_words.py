"""Words of the real cards that only the search index's full tier holds, for browser tests."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def words_only_in_text() -> dict[str, str]:
    """For each card page whose sections hold one: a word no page is named by (title, keywords,
    question, summary, tags, option names), nor any word that shares its first five letters
    (stemming), and that no other page holds. By page address, in the index's page order."""
    from generator.cards import load_catalog
    from generator.site.plan import build_plan
    from generator.site.search_index import quick_documents, search_documents

    plan = build_plan(load_catalog(REPO / "cards"))
    named = {w[:5] for d in quick_documents(plan) for w in re.findall(r"[a-z]+", d.html.lower())}
    pages: dict[str, set[str]] = {}  # by the first five letters of the words
    words: dict[str, str] = {}
    order: list[str] = []
    for document in search_documents(plan):
        order.append(document.url)
        text = re.sub(r"<[^>]+>", " ", document.html).lower()
        for word in set(re.findall(r"\b[a-z]+\b", text)):
            pages.setdefault(word[:5], set()).add(document.url)
            if len(word) >= 9:
                words.setdefault(word[:5], word)
    found: dict[str, str] = {}
    for stem in sorted(pages):
        urls = pages[stem]
        url = next(iter(urls))
        if stem in words and len(urls) == 1 and stem not in named and "/decisions/" in url:
            found.setdefault(url, words[stem])
    return {url: found[url] for url in order if url in found}
