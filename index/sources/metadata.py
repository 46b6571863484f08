"""What an article says about itself (title, outlet, URL, date, author), whichever format said it.

Front matter, sidecars and HTML meta tags name these fields in their own ways; they are mapped
onto the Document's fields here, once, so a file and a web page become the same Document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from dateutil import parser as date_parser

from index.models import Document

METADATA_FIELDS = ("title", "source", "url", "published", "author", "updated")
_ALIASES = {
    "outlet": "source",
    "publisher": "source",
    "site_name": "source",
    "link": "url",
    "canonical_url": "url",
    "date": "published",
    "modified": "updated",
    "last_modified": "updated",
    "date_modified": "updated",
}
# Meta maps Document field names to non-empty stripped strings.
Meta = dict[str, str]


def metadata(raw: Mapping[Any, Any]) -> Meta:
    """Maps front matter or sidecar keys (and their aliases) onto fields, dropping empty values."""
    meta: Meta = {}
    # Aliases first, so a canonical key in the same mapping wins.
    for key, value in sorted(raw.items(), key=lambda item: str(item[0]) in METADATA_FIELDS):
        name = _ALIASES.get(str(key).lower(), str(key).lower())
        text = _as_text(value)
        if name in METADATA_FIELDS and text:
            meta[name] = text
    return meta


def document(body: str, meta: Meta, key: str, untitled: str, path: str | None = None) -> Document:
    """The Document of a parsed article; `untitled` is its title when its metadata has none."""
    published, updated = meta.get("published"), meta.get("updated")
    return Document(
        key=key,
        title=meta.get("title") or untitled,
        text=body,
        source=meta.get("source"),
        url=meta.get("url"),
        published=normalise_date(published),
        author=meta.get("author"),
        path=path,
        updated=normalise_date(updated),
    )


def _as_text(value: Any) -> str | None:
    """A metadata value as a stripped string; YAML dates become ISO dates, lists are joined."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(text for item in value if (text := _as_text(item))) or None
    return str(value).strip() or None


def normalise_date(value: str | None) -> str | None:
    """ISO `YYYY-MM-DD` when the value is a date with a year; otherwise the value as given."""
    if not value or not re.search(r"\d{4}", value):
        return value
    try:
        return date_parser.parse(value, default=datetime(2000, 1, 1)).date().isoformat()
    except (ValueError, OverflowError):
        return value
