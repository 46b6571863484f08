"""A small dated corpus: one story told across weeks with a different figure each time, by two
outlets, and one telling of it with no date at all."""

from __future__ import annotations

from pathlib import Path

from index.models import Document

QUESTION = "How big is the repair bill for the Harbour Bridge?"
# (key, outlet, published, updated, figure)
STORIES = (
    ("march", "Coastal Herald", "2017-03-20", None, "20 million"),
    ("april", "Coastal Herald", "2017-04-03", "2017-04-10", "35 million"),
    ("late-april", "Viral Thread", "2017-04-24", None, "48 million"),
    ("undated", "Harbour Gazette", None, None, "12 million"),
)


def _text(figure: str) -> str:
    return (
        f"The repair bill for the Harbour Bridge has reached {figure} pounds, the city council "
        "said on Monday.\n\n"
        "Engineers are replacing the corroded steel cables and resurfacing the deck."
    )


def dated_documents() -> list[Document]:
    return [
        Document(
            key=f"test:dated:{key}",
            title=f"Bridge repair bill reaches {figure} pounds",
            text=_text(figure),
            source=outlet,
            published=published,
            updated=updated,
        )
        for key, outlet, published, updated, figure in STORIES
    ]


def write_dated_corpus(folder: Path) -> Path:
    """The corpus as Markdown files with front matter, as `newsbot ingest` reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in dated_documents():
        dates = "".join(
            f"{name}: {value}\n"
            for name, value in (("published", doc.published), ("updated", doc.updated))
            if value
        )
        (folder / f"{doc.key.rsplit(':', 1)[1]}.md").write_text(
            f"---\ntitle: {doc.title}\nsource: {doc.source}\n{dates}---\n{doc.text}\n",
            encoding="utf-8",
        )
    return folder
