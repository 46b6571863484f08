"""One story updated twice, as the outlet's page and as a Markdown file: the figure in its first
sentence changes, a sentence is added, then one is dropped and another added."""

from __future__ import annotations

from pathlib import Path

from tests.support.newssite import article_html

TITLE = "Bridge repair bill rises"
OUTLET = "Coastal Herald"
PUBLISHED = "2017-05-01"

FIRST_BILL = (
    "The repair bill for the Harbour Bridge has reached 35 million pounds, the city council "
    "said on Monday."
)
SECOND_BILL = (
    "The repair bill for the Harbour Bridge has reached 40 million pounds, the city council "
    "said on Wednesday."
)
CABLES = (
    "Engineers are replacing the corroded steel cables installed in 1932 and resurfacing the "
    "deck with a lighter composite material."
)
CAFES = "Cafés near the ferry terminal say trade has fallen by almost a third since it closed."
REOPENING = "The bridge is expected to reopen to traffic in September."
FERRIES = "Ferry operators have added extra sailings for commuters during the closure."
INQUIRY = "A public inquiry into the cost overruns will begin in June, the mayor announced."

# (updated, paragraphs) of each version; the first is the story as published.
VERSIONS: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (None, (FIRST_BILL, CABLES, CAFES, REOPENING)),
    ("2017-05-03", (SECOND_BILL, CABLES, CAFES, REOPENING, FERRIES)),
    ("2017-05-08", (SECOND_BILL, CABLES, CAFES, FERRIES, INQUIRY)),
)
BILL_QUESTION = "How big is the repair bill for the Harbour Bridge?"
FERRY_QUESTION = "What have ferry operators added during the closure?"


def write_version(path: Path, number: int, updated: str | None = None) -> Path:
    """The story's version `number` (from 1) as a Markdown file at `path`, dated `updated`
    instead of its own update date when given."""
    own, paragraphs = VERSIONS[number - 1]
    when = updated or own
    front = [f"title: {TITLE}", f"source: {OUTLET}", f"published: {PUBLISHED}"]
    front += [f"updated: {when}"] if when else []
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(paragraphs) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def version_html(number: int, updated: str | None = None) -> str:
    """The story's version `number` as the outlet's page, with its dates in its meta tags."""
    own, paragraphs = VERSIONS[number - 1]
    return article_html(
        TITLE, list(paragraphs), outlet=OUTLET, published=PUBLISHED, updated=updated or own
    )
