"""The article in an HTML page, saved as a file or fetched from the web.

Trafilatura keeps the article and drops navigation, footers and comments; the metadata comes
from the page's tags. A fetched page must also read as an article (enough words), and may name
a canonical URL only on its own host, or on one `[web] canonical_hosts` lists for it.

Trafilatura and htmldate are imported on the first page extracted: together they take a tenth
of a second to import, which every `newsbot ask` would otherwise pay for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from tqdm import tqdm

from index.models import Document
from index.sources.fetching import Fetcher, WebError
from index.sources.metadata import Meta, document, metadata
from index.sources.urls import WEB_PORTS, canonical_url, may_name

# htmldate's extensive search guesses a date from any year on the page (a copyright line, say),
# so only dates stated in the markup are trusted.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def extract_html(html: str, url: str | None = None) -> tuple[str, Meta]:
    """The article's text (paragraphs split by blank lines; "" when the page has none) and its
    metadata."""
    import trafilatura
    from htmldate import find_date
    from trafilatura.settings import Document as ExtractedPage

    page = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        date_extraction_params=_DATE_PARAMS,
    )
    found = page.as_dict() if isinstance(page, ExtractedPage) else {}
    # The newest date the markup states; an update only when it is not the publication date.
    latest = find_date(html, url=url, original_date=False, extensive_search=False)
    paragraphs = [line.strip() for line in (found.get("text") or "").split("\n") if line.strip()]
    meta = metadata(
        {
            "title": found.get("title"),
            "source": found.get("sitename"),
            "url": found.get("url"),
            "published": found.get("date"),
            "author": found.get("author"),
            "updated": latest if latest != found.get("date") else None,
        }
    )
    if len(paragraphs) > 1 and paragraphs[0] == meta.get("title"):
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs), meta


def fetch_article(fetcher: Fetcher, url: str) -> Document:
    """The article on a web page, keyed by its canonical URL when the page may name it."""
    fetched = fetcher.page(url)
    body, meta = extract_html(fetched.text(), fetched.url)
    if not body:
        raise WebError(f"{url}: no article text found on the page")
    page = document(body, meta, key=fetched.url, untitled=fetched.url)
    # A front page, a login wall or an error page still yields a few words of text.
    count = len(page.text.split())
    if count < fetcher.settings.min_article_words:
        raise WebError(
            f"{url}: not an article ({count} words of text; an article has at least "
            f"{fetcher.settings.min_article_words})"
        )
    named = urljoin(fetched.url, page.url or "")
    # A page naming another site's URL would replace the article stored under it.
    hosts = fetcher.settings.canonical_hosts
    trusted = urlsplit(named).scheme in WEB_PORTS and may_name(fetched.url, named, hosts)
    key = canonical_url(named if trusted else fetched.url)
    return Document(
        key=key,
        title=page.title,
        text=page.text,
        source=page.source,
        url=key,
        published=page.published,
        author=page.author,
        updated=page.updated,
    )


def fetch_articles(
    fetcher: Fetcher, urls: Iterable[str], progress: bool = False
) -> tuple[list[Document], list[tuple[str, str]]]:
    """The articles on these pages, and (URL, why) for each one that cannot be had: a bad URL
    is reported and skipped, not fatal."""
    documents: list[Document] = []
    failed: list[tuple[str, str]] = []
    urls = list(urls)
    for url in tqdm(urls, desc="Fetching", unit="page", disable=not progress or not urls):
        try:
            documents.append(fetch_article(fetcher, url))
        except WebError as error:
            failed.append((url, str(error)))
    return documents, failed
