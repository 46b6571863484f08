"""Figures for the core: question-set accuracy, warm and cold `ask`, ingest throughput.

Run with `make bench-core` (or `python -m bench.core`). Ingest throughput uses the SQuAD
paragraphs in ../shared/eval when they are there (real prose), else the seed article.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from bench.common import timed_runs
from bot.core.answer import ask
from index.embedding import Embedder, EmbeddingSettings
from index.library import Library
from index.models import Document
from index.settings import IndexSettings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "bot" / "core" / "seed_questions.toml"
SQUAD = ROOT.parent / "shared" / "eval" / "squad-dev-v1.1-first24.json"


def question_set(library: Library) -> dict[str, float]:
    data = tomllib.loads(QUESTIONS.read_text())
    right = sum(
        (a := ask(library, q["question"])).answered and q["quote"] in a.quotes[0].text
        for q in data["answerable"]
    )
    abstained = sum(not ask(library, q["question"]).answered for q in data["unanswerable"])
    return {
        "answerable": len(data["answerable"]),
        "answered_right": right,
        "unanswerable": len(data["unanswerable"]),
        "abstained": abstained,
    }


def warm_latency(library: Library, rounds: int) -> dict[str, float]:
    data = tomllib.loads(QUESTIONS.read_text())
    questions = [q["question"] for q in data["answerable"] + data["unanswerable"]]
    ask(library, questions[0])  # load the model and indexes
    timings = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            ask(library, question)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "asks": len(timings),
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(0.95 * (len(timings) - 1))],
    }


def cold_ask(data_dir: Path, runs: int) -> dict:
    """Process start to answer printed, the index already built."""
    newsbot = str(Path(sys.executable).parent / "newsbot")
    return timed_runs(
        [newsbot, "--data-dir", str(data_dir), "ask", "How many Chinese troops?"], runs
    )


def squad_documents(limit: int) -> list[Document]:
    data = json.loads(SQUAD.read_text())["data"]
    docs = []
    for article in data:
        text = "\n\n".join(p["context"] for p in article["paragraphs"])
        docs.append(
            Document(key=article["title"], title=article["title"].replace("_", " "), text=text)
        )
    return docs[:limit]


def ingest_throughput(embedder: Embedder, articles: int) -> dict[str, float]:
    if not SQUAD.exists():
        return {"skipped": 1}
    docs = squad_documents(articles)
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder), IndexSettings(), embedder)
        start = time.perf_counter()
        report = library.ingest(docs)
        elapsed = time.perf_counter() - start
        library.close()
    return {
        "articles": len(docs),
        "passages": report.passages,
        "seconds": elapsed,
        "passages_per_s": report.passages / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=4, help="SQuAD articles to ingest")
    args = parser.parse_args()
    embedder = Embedder(EmbeddingSettings(backend="torch"))
    embedder.encode(["warm up"])
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder), IndexSettings(), embedder)
        library.ingest_paths([ROOT / "seeds"])
        figures = {
            "question_set": question_set(library),
            "warm_ask": warm_latency(library, args.rounds),
            "cold_ask": cold_ask(Path(folder), args.cold_runs),
        }
        library.close()
    figures["ingest"] = ingest_throughput(embedder, args.articles)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
