"""Text from a chat: keyed by its content and who sent it, never by what it says of itself.

A pasted text or an uploaded file may claim any URL, outlet or canonical link (in front matter,
meta tags or `<link rel=canonical>`). Taken at its word it would replace the web article at that
URL and be quoted under that outlet's name. So a chat's text keeps only its title and its words:
its key names its scope, its uploader and a hash of its text, and its citation says who added it.
"""

from __future__ import annotations

import hashlib

from index.models import Contributor, Document


def chat_document(title: str, text: str, contributor: Contributor) -> Document:
    """The article a chat hands over, in the contributor's scope and under a key of its own.

    The same text from the same member is one article (sent again, with another title, it is
    updated); from another member it is another key, which the ingest finds to be the same text.
    """
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    where = contributor.scope or "shared"
    return Document(
        key=f"chat:{where}:{contributor.user}:{digest}",
        title=title,
        text=text,
        scope=contributor.scope,
        added_by=contributor.added_by,
    )
