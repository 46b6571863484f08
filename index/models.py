"""The data that crosses the index boundary: frozen, plain, and free of storage details."""

from __future__ import annotations

from dataclasses import dataclass, field

# Which corpus an article belongs to: None for the operator's shared corpus (the command line,
# feeds), answered everywhere; "discord:<guild id>" or "slack:<team id>" for what was added in
# one server or workspace, answered only there (and beside the shared corpus).
Scope = str | None


@dataclass(frozen=True)
class Document:
    """An article as read from a file, before it is indexed.

    `key` identifies the article across re-ingests (its canonical URL, else its resolved path),
    so a changed file replaces its old passages instead of adding a second copy. Keys are
    unique across scopes: what a chat adds carries its scope in its key.
    """

    key: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    path: str | None = None
    scope: Scope = None
    # When the article was last changed, as it says itself; None when it never says.
    updated: str | None = None
    # Text from a chat: who added it, as newsbot names them ("a member of Newsroom"); None for
    # articles from files, feeds and the web, whose own metadata says where they come from.
    added_by: str | None = None


@dataclass(frozen=True)
class Filters:
    """What a search may draw on beyond its scope: articles dated (updated, else published)
    from `since` to `until`, both ISO days and inclusive, and from the outlet `source`. A bound
    that is set leaves out undated articles. None everywhere filters nothing."""

    since: str | None = None
    until: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Contributor:
    """Who adds text through a chat: it goes into `scope`, is keyed by `user` (a platform id,
    "discord:<user id>"), and its citation says `added_by` ("a member of Newsroom")."""

    scope: Scope
    user: str
    added_by: str


@dataclass(frozen=True)
class Article:
    """An indexed article."""

    id: int
    key: str
    title: str
    source: str | None
    url: str | None
    published: str | None
    author: str | None
    path: str | None
    passage_count: int = 0
    scope: Scope = None
    added_by: str | None = None
    added_at: str | None = None  # when it was first indexed, "YYYY-MM-DD HH:MM:SS" in UTC
    updated: str | None = None  # when it was last changed, as it says itself

    def visible_from(self, scope: Scope) -> bool:
        """Whether a question asked in `scope` may see this article: shared ones, or its own."""
        return self.scope is None or self.scope == scope


@dataclass(frozen=True)
class ArticleVersion:
    """One text an article has had: its sentences as passages quote them, the dates it gave,
    and when newsbot first saw it ("YYYY-MM-DD HH:MM:SS" in UTC). An ingest that changes an
    article's words adds one; a change of its dates alone does not."""

    number: int  # 1 for the first text seen, then 2, 3, …
    seen_at: str
    published: str | None
    updated: str | None
    sentences: tuple[str, ...]


# What the annotator given at ingest says of a passage's sentences: for each chunk, the
# annotator's version and its note on each sentence.
Notes = list[tuple[str, list[object]]]


@dataclass(frozen=True)
class Span:
    """A character range [start, end) into some text."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A passage before it is stored: text cut from a document, with sentence offsets into it."""

    paragraph: int
    text: str
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class Passage:
    """A stored chunk of an article; FAISS ids are passage ids."""

    id: int
    article_id: int
    position: int
    paragraph: int
    text: str
    sentences: tuple[Span, ...]
    # What the annotator given at ingest said of each sentence, and which version of it spoke.
    notes: tuple[object, ...] | None = None
    notes_version: str | None = None

    def sentence_text(self, i: int) -> str:
        span = self.sentences[i]
        return self.text[span.start : span.end]


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with the scores that ranked it.

    `sentence_scores` holds the dense similarity of the question to each sentence of the passage,
    in order, so the answer core can pick a sentence without running the model again.
    """

    passage: Passage
    article: Article
    score: float
    dense: float
    lexical: float
    sentence_scores: tuple[float, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed that is followed, with what its last poll left behind."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_polled: str | None
    last_error: str | None
    entries: int = 0  # entries already indexed or given up on


@dataclass(frozen=True)
class FeedEntryState:
    """What polling has done with one feed entry: `done` once indexed or given up on."""

    url: str  # the entry's link; once its page is indexed, the key of that page's article
    done: bool
    attempts: int  # at its current revision
    # What the feed last said of the entry (see `index.sources.feeds.FeedEntry.revision`);
    # None for entries recorded before revisions were kept.
    revision: str | None = None


@dataclass
class IngestReport:
    """What one ingest did, for the user to read."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0
    # (what, why): the same article as one already indexed, so not indexed again.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # (title, title of a near-duplicate it was linked to): one story, two outlets.
    linked: list[tuple[str, str]] = field(default_factory=list)
