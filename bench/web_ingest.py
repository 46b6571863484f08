"""Where the time goes when newsbot ingests web pages: 100 news pages served on loopback.

Run with `python -m bench.web_ingest`. Pages are cut from the SQuAD paragraphs in ../shared/eval
(real prose, about 640 words a page) when they are there, else generated. Each phase is timed
by wrapping the function that does it: fetch (HTTP, with its checks), extract (trafilatura),
chunk, embed, fingerprint (exact and MinHash), and write (the SQLite transaction and the
indexes catching up, of which the lexical index and the near-duplicate search are shown
apart). Then the same URLs are
ingested again (all unchanged), and a feed of them is polled twice (the second poll is a 304).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import index.linking
import index.planning
import index.preparation
import index.sources.extraction
from index.embedding import Embedder, EmbeddingSettings
from index.library import Library
from index.settings import IndexSettings
from index.sources.feeds import follow, poll
from index.sources.fetching import Fetcher, WebSettings
from index.storage.sqlite_indexes import SqliteIndexes
from tests.support.newssite import NewsSite, article_html, rss

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "eval" / "squad-dev-v1.1-first24.json"
PARAGRAPHS_PER_PAGE = 5
PHASES = (
    "fetch feed",
    "fetch",
    "extract",
    "fingerprint",
    "chunk",
    "embed",
    "write",
    "  of which near-duplicate search",
    "  of which FAISS + BM25 files",
)


class Timers:
    """Seconds spent in each wrapped function, summed over calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def wrap_context(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @contextmanager
        def timed(*args: Any, **kwargs: Any) -> Iterator[None]:
            start = time.perf_counter()
            try:
                with original(*args, **kwargs):
                    yield
            finally:
                self.seconds[label] += time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def reset(self) -> None:
        self.seconds.clear()

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()


def instrument() -> Timers:
    timers = Timers()
    timers.wrap(Fetcher, "page", "fetch")
    timers.wrap(Fetcher, "feed", "fetch feed")
    timers.wrap(index.sources.extraction, "extract_html", "extract")
    timers.wrap(index.preparation, "chunk_text", "chunk")
    timers.wrap(index.preparation, "embed_chunks", "embed")
    timers.wrap(index.planning, "text_fingerprint", "fingerprint")
    timers.wrap(index.preparation, "minhash", "fingerprint")
    timers.wrap_context(SqliteIndexes, "writing", "write")
    timers.wrap(SqliteIndexes, "_catch_up_lexical", "  of which the lexical index")
    timers.wrap(index.linking, "near_duplicates", "  of which near-duplicate search")
    return timers


def pages(count: int) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of `count` distinct articles."""
    if SQUAD.exists():
        found = []
        for article in json.loads(SQUAD.read_text())["data"]:
            contexts = [p["context"] for p in article["paragraphs"]]
            for start in range(0, len(contexts) - PARAGRAPHS_PER_PAGE + 1, PARAGRAPHS_PER_PAGE):
                part = len(found) + 1
                title = f"{article['title'].replace('_', ' ')}, part {part}"
                found.append((title, contexts[start : start + PARAGRAPHS_PER_PAGE]))
        if len(found) >= count:
            return found[:count]
    words = (ROOT / "seeds").glob("*.txt").__next__().read_text().split()
    rng = random.Random(1)
    return [
        (
            f"Generated article {n}",
            [" ".join(rng.choices(words, k=120)) + "." for _ in range(PARAGRAPHS_PER_PAGE)],
        )
        for n in range(count)
    ]


def serve(site: NewsSite, count: int) -> list[str]:
    urls = []
    for n, (title, paragraphs) in enumerate(pages(count)):
        path = f"/news/{n:03d}.html"
        html = article_html(
            title,
            paragraphs,
            outlet="Loopback Times",
            author="Staff reporter",
            published="2024-05-03T08:00:00Z",
            canonical=site.url(path),
        )
        urls.append(site.serve(path, html))
    return urls


def run(label: str, timers: Timers, action: Callable[[], Any]) -> dict[str, Any]:
    timers.reset()
    start = time.perf_counter()
    result = action()
    total = time.perf_counter() - start
    phases = {k: timers.seconds[k] for k in PHASES if k in timers.seconds}
    accounted = sum(v for k, v in phases.items() if not k.startswith(" "))
    phases["other (reports, lookups, progress)"] = total - accounted
    return {"run": label, "total_s": total, "phases": phases, "result": result}


def show(figures: dict[str, Any]) -> None:
    print(f"\n{figures['run']}: {figures['total_s']:.2f} s  {figures['result']}")
    for phase, seconds in figures["phases"].items():
        share = 100 * seconds / figures["total_s"] if figures["total_s"] else 0
        print(f"  {phase:<36} {seconds:8.3f} s  {share:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile summary")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    start = time.perf_counter()
    embedder = Embedder(EmbeddingSettings(backend="torch"))
    embedder.encode(["warm up"])
    model_load = time.perf_counter() - start
    fetcher = Fetcher(WebSettings(allow_private_networks=True, host_delay_seconds=0))
    timers = instrument()
    profile = cProfile.Profile()
    figures = []
    with NewsSite() as site, tempfile.TemporaryDirectory() as folder:
        urls = serve(site, args.pages)
        feed = site.serve(
            "/feed.xml",
            rss("Loopback Times", site.url("/"), [(u, u) for u in urls]),
            content_type="application/rss+xml",
            etag='"1"',
        )
        library = Library(Path(folder) / "urls", IndexSettings(), embedder)

        def ingest() -> str:
            report = library.ingest_urls(urls, fetcher)
            return (
                f"{len(report.added)} added, {len(report.unchanged)} unchanged, "
                f"{len(report.skipped)} skipped, {len(report.failed)} failed, "
                f"{report.passages} passages"
            )

        if args.profile:
            profile.enable()
        figures.append(run(f"ingest {len(urls)} URLs", timers, ingest))
        if args.profile:
            profile.disable()
        figures.append(run("ingest the same URLs again", timers, ingest))
        library.close()

        polled = Library(Path(folder) / "feed", IndexSettings(), embedder)
        follow(polled.feed_store, feed, fetcher)
        for label in ("poll a feed of them", "poll again (304)"):

            def poll_once() -> str:
                report = poll(polled, polled.feed_store, fetcher)
                return f"{report.feeds[0][1]}; {len(report.ingest.added)} added"

            figures.append(run(label, timers, poll_once))
        polled.close()
    timers.restore()

    if args.json:
        print(json.dumps({"model_load_s": model_load, "runs": figures}, indent=2))
    else:
        print(f"model load (not counted below): {model_load:.2f} s")
        for figure in figures:
            show(figure)
    if args.profile:
        print()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
