"""SQL the PostgreSQL article store's parts share."""

from __future__ import annotations

from collections.abc import Iterable

from index.storage.rows import ARTICLE_COLUMNS

COUNTED_COLUMNS = f"{ARTICLE_COLUMNS}, (SELECT count(*) FROM passages p WHERE p.article_id = a.id)"
# Articles a question asked in scope %(scope)s may see: the shared corpus and that scope's own.
VISIBLE = "(a.scope IS NULL OR a.scope = %(scope)s)"


def ids_of(ids: Iterable[int]) -> list[int]:
    """Ids as Python ints (numpy's are not adapted), for one `= ANY` array."""
    return [int(i) for i in ids]
