"""Which decision pages a change can affect, for fast and correct rebuilds under preview."""

from __future__ import annotations

from .catalog import DECISIONS_DIR, Catalog


def neighbours(catalog: Catalog, card_id: str) -> set[str]:
    """Cards whose page shows something of `card_id` (its title or a note): both directions."""
    found = {b.source for b in catalog.backlinks.get(card_id, [])}
    entry = catalog.decisions.get(card_id)
    relations = entry.model.relations if entry else None
    if relations:
        for related in (relations.confused_with or []) + (relations.adjacent or []):
            found.add(related.card)
        found.update(relations.supersedes or [])
    return found


def affected_cards(old: Catalog | None, new: Catalog) -> set[str] | None:
    """Decision ids whose page must be rendered again after `new` was loaded, or None for all.

    Only decision files that were parsed again (`new.fresh`) count as changed. Their pages
    change, and so do the pages of every card they relate to, before or after the change
    (titles, notes and the relation diagram appear there). A change to categories, failure
    modes or the set of cards re-renders everything.
    """
    if old is None:
        return None
    if old.categories != new.categories or set(old.decisions) != set(new.decisions):
        return None
    if set(old.failure_modes) != set(new.failure_modes):
        return None
    if any(path.parent.name != DECISIONS_DIR for path in new.fresh):
        return None
    changed = {path.stem for path in new.fresh}
    affected = set(changed)
    for card_id in changed:
        affected |= neighbours(old, card_id) | neighbours(new, card_id)
    return affected
