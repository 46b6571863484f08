"""Synthetic corpora of 1k to 1M passages built from real sentences, and what they cost to ask.

A passage is 3-5 sentences drawn from one SQuAD article (or seed article), with each sentence's
real embedding plus a little Gaussian noise, so texts, BM25 statistics and vector geometry are
those of real prose while no model runs during the build. The build writes straight into a
Library's store and vector index through its internals (the bench's privilege); everything is
then measured through the public path, `bot.core.answer.ask`, in a fresh process so that its memory
is its own.

Workers (run by bench.suite, one process each):
  python -m bench.scale build   --pool POOL --size N --dir DIR [--kinds flat,hnsw,ivfpq]
  python -m bench.scale measure --pool POOL --dir DIR [--kinds ...] [--profile] [--ingests N]
  (either with --database-url URL: the corpus in that PostgreSQL database)
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import time
import tomllib
from pathlib import Path

import numpy as np

from bench.common import ROOT, Squad, latency_summary, rss_mib
from index.embedding import Embedder, EmbeddingSettings
from index.models import Chunk, Document, Span

PASSAGES_PER_ARTICLE = 8
SEED_QUESTIONS = ROOT / "tests" / "bot" / "core" / "seed_questions.toml"
NOISE = 0.1  # norm of the noise added to a sentence vector (cosine to the original ~0.995)


# -- the sentence pool -----------------------------------------------------------------------


def save_pool(path: Path, articles: list[list[str]], vectors: np.ndarray, questions: list[str]):
    """Sentences grouped by article, their embeddings, and questions to ask."""
    np.save(path.with_suffix(".npy"), vectors.astype(np.float32))
    path.write_text(json.dumps({"articles": articles, "questions": questions}))


def load_pool(path: Path) -> tuple[list[list[str]], np.ndarray, list[str]]:
    data = json.loads(path.read_text())
    return data["articles"], np.load(path.with_suffix(".npy")), data["questions"]


def make_pool(path: Path, squad: Squad | None, embedder: Embedder) -> dict:
    """Sentences and questions from SQuAD (or the seed articles when SQuAD is absent)."""
    from index.chunking import paragraphs, split_sentences

    if squad is not None:
        grouped: dict[int, list[str]] = {}
        for article, text in squad.paragraphs:
            grouped.setdefault(article, []).extend(
                text[s.start : s.end] for s in split_sentences(text)
            )
        articles = list(grouped.values())
        questions = [q.text for q in squad.questions]
        source = "SQuAD paragraphs"
    else:
        articles = []
        for file in sorted((ROOT / "seeds").glob("*.txt")):
            text = file.read_text(encoding="utf-8")
            articles.append(
                [
                    text[a:b][s.start : s.end]
                    for a, b in paragraphs(text)
                    for s in split_sentences(text[a:b])
                ]
            )
        questions = [q["question"] for q in tomllib.loads(SEED_QUESTIONS.read_text())["answerable"]]
        source = "seed articles"
    questions = [questions[i] for i in np.random.default_rng(1).permutation(len(questions))]
    flat = [s for a in articles for s in a]
    save_pool(path, articles, embedder.encode(flat), questions)
    return {"source": source, "sentences": len(flat), "articles": len(articles)}


# -- build -------------------------------------------------------------------------------------


def synthetic_articles(articles: list[list[str]], vectors: np.ndarray, size: int, seed: int = 0):
    """Yield (title, chunks, sentence vectors) until `size` passages have been made."""
    rng = np.random.default_rng(seed)
    offsets = np.cumsum([0] + [len(a) for a in articles])
    made = number = 0
    while made < size:
        source = int(rng.integers(len(articles)))
        sentences = articles[source]
        chunks, chunk_vectors = [], []
        for paragraph in range(1, min(PASSAGES_PER_ARTICLE, size - made) + 1):
            count = min(len(sentences), int(rng.integers(3, 6)))
            picked = np.sort(rng.choice(len(sentences), count, replace=False))
            spans, cursor, parts = [], 0, []
            for i in picked:
                text = sentences[i]
                spans.append(Span(cursor, cursor + len(text)))
                parts.append(text)
                cursor += len(text) + 1
            noisy = vectors[offsets[source] + picked] + rng.normal(
                0, NOISE / np.sqrt(vectors.shape[1]), (count, vectors.shape[1])
            ).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            chunks.append(Chunk(paragraph, " ".join(parts), tuple(spans)))
            chunk_vectors.append(noisy.astype(np.float32))
        made += len(chunks)
        number += 1
        yield f"Synthetic {number}: {sentences[0][:60]}", chunks, chunk_vectors


def _settings(database_url: str | None):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from index.settings import IndexSettings

    return replace(IndexSettings(), backend="postgres" if database_url else "sqlite")


def build(
    pool: Path, size: int, folder: Path, kinds: list[str], database_url: str | None = None
) -> dict:
    """Write a corpus of `size` passages into a new Library in `folder` (or the PostgreSQL
    database at `database_url`)."""
    from index.library import Library
    from index.neardup import minhash, text_fingerprint
    from index.storage.faiss import VectorIndexSettings, build_vector_index
    from index.storage.passages import passage_vectors

    articles, vectors, _ = load_pool(pool)
    dimension = vectors.shape[1]
    library = Library(
        folder,
        _settings(database_url),
        Embedder(EmbeddingSettings(backend="onnx")),
        database_url=database_url,
    )
    store = library.store
    figures: dict = {"size": size}
    all_ids, means = [], []
    start = time.perf_counter()
    with library.indexes.writing():
        store.set_meta("model", library.embedder.name)
        store.set_meta("dimension", str(dimension))
        for title, chunks, chunk_vectors in synthetic_articles(articles, vectors, size):
            key = f"synthetic:{hashlib.sha1(title.encode()).hexdigest()}:{len(all_ids)}"
            article_id = store.upsert_article(Document(key, title, ""), key)
            all_ids += store.insert_passages(article_id, chunks, chunk_vectors)
            # Fingerprinted as an ingest would, so the next real ingest has none to catch up on.
            text = "\n\n".join(chunk.text for chunk in chunks)
            store.set_fingerprints(article_id, None, text_fingerprint(text), minhash(text))
            means.append(passage_vectors(chunk_vectors))
        figures["store_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
    # The commit, then the lexical and vector indexes catching up with every passage.
    figures["indexes_and_commit_s"] = round(time.perf_counter() - start, 1)
    figures["kind"] = getattr(library.indexes.vectors, "kind", "pgvector hnsw")
    ids, matrix = np.asarray(all_ids, dtype=np.int64), np.concatenate(means)
    library.close()
    if database_url:
        return figures
    figures["database_mib"] = round((folder / "newsbot.sqlite3").stat().st_size / 2**20, 1)
    figures["kinds"] = {}
    for kind in kinds:
        start = time.perf_counter()
        index = build_vector_index(dimension, ids, matrix, VectorIndexSettings(kind=kind))
        seconds = time.perf_counter() - start
        index.save(folder / f"vectors-{kind}.faiss")
        figures["kinds"][kind] = {
            "build_s": round(seconds, 1),
            "file_mib": round((folder / f"vectors-{kind}.faiss").stat().st_size / 2**20, 1),
            "actual_kind": index.kind,
        }
    return figures


# -- measure -----------------------------------------------------------------------------------


def measure(
    pool: Path,
    folder: Path,
    backend: str,
    questions: int,
    kinds: list[str],
    profile: bool,
    ingests: int = 0,
    database_url: str | None = None,
) -> dict:
    """Warm `ask` latency, throughput and resident memory on a built corpus."""
    from bot.core.answer import ask
    from index.library import Library

    _, _, asked = load_pool(pool)
    asked = asked[:questions]
    figures: dict = {"rss_start_mib": round(rss_mib(), 1)}
    embedder = Embedder(EmbeddingSettings(backend=backend))
    embedder.encode(["warm up the model"])
    figures["rss_model_mib"] = round(rss_mib(), 1)
    library = Library(folder, _settings(database_url), embedder, database_url=database_url)
    for question in asked[:3]:
        ask(library, question)
    figures["rss_ready_mib"] = round(rss_mib(), 1)
    figures["index_rss_mib"] = round(figures["rss_ready_mib"] - figures["rss_model_mib"], 1)
    figures["kind"] = getattr(library.indexes.vectors, "kind", "pgvector hnsw")
    figures["passages"] = len(library.indexes.vectors)
    figures["ask"] = latency_summary(_timings(lambda q: ask(library, q), asked))
    figures["search"] = latency_summary(_timings(lambda q: library.search(q, k=5), asked))
    query_vectors = embedder.encode(asked)
    figures["embed_query"] = latency_summary(_timings(lambda q: embedder.encode([q]), asked))
    figures["vector_search"] = latency_summary(
        _timings(lambda v: library.indexes.vectors.search(v, 50), list(query_vectors))
    )
    if profile:
        figures["profile"] = _profile(lambda: [ask(library, q) for q in asked[:100]])
    if kinds:
        figures["kinds"] = compare_kinds(library, folder, kinds, asked, query_vectors)
    if database_url:
        figures["recall_vs_exact"] = pgvector_recall(library, list(query_vectors[:100]))
    if ingests:
        articles, _, _ = load_pool(pool)
        figures["ingest_one"] = ingest_one_at_a_time(library, articles, min(ingests, 5))
        figures["ingest_while_asking"] = ingest_while_asking(library, articles, asked, ingests)
    figures["rss_end_mib"] = round(rss_mib(), 1)
    library.close()
    return figures


def _new_articles(articles: list[list[str]], count: int, seed: int) -> list[Document]:
    """Articles of 30 real sentences not yet in the corpus (each keyed anew)."""
    rng = np.random.default_rng(seed)
    documents = []
    for number in range(count):
        sentences = articles[int(rng.integers(len(articles)))]
        start = int(rng.integers(max(1, len(sentences) - 30)))
        text = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(start, start + 30, 3))
        documents.append(Document(f"new:{seed}:{number}", f"New story {seed}-{number}", text))
    return documents


def ingest_one_at_a_time(library, articles, count: int) -> dict:  # type: ignore[no-untyped-def]
    """`Library.ingest` of one new article into the full index, embedding and commit included,
    with the indexes caught up: what a feed poll that finds one story costs. The articles are
    drawn afresh for the corpus's size, so one measured before is new again to a corpus reused."""
    documents = _new_articles(articles, count, seed=library.store.passage_count())
    return latency_summary(_timings(lambda d: library.ingest([d]), documents))


def ingest_while_asking(library, articles, asked, count: int) -> dict:  # type: ignore[no-untyped-def]
    """Articles ingested one by one on one thread while another asks questions without pause:
    ingest throughput, and the asks' latency meanwhile."""
    import threading

    from bot.core.answer import ask

    documents = _new_articles(articles, count, seed=library.store.passage_count() + 1)
    stop, latencies = threading.Event(), []

    def asking() -> None:
        while not stop.is_set():
            for question in asked:
                if stop.is_set():
                    break
                start = time.perf_counter()
                ask(library, question)
                latencies.append((time.perf_counter() - start) * 1000)

    thread = threading.Thread(target=asking)
    thread.start()
    start = time.perf_counter()
    for document in documents:
        library.ingest([document])
    seconds = time.perf_counter() - start
    stop.set()
    thread.join()
    return {
        "articles_per_s": round(count / seconds, 2),
        "asks_meanwhile": latency_summary(latencies),
    }


def compare_kinds(library, folder, kinds, asked, query_vectors) -> dict:  # type: ignore[no-untyped-def]
    """Each kind against exact (flat) search: vector recall, end-to-end agreement, memory, speed.

    `recall10_at50`: share of the exact top 10 among the kind's 50 candidates (what fusion
    re-ranks); `top1_same` / `top5_overlap`: `Library.search` results against exact search's.
    """
    from index.storage.faiss import FaissIndex, VectorIndexSettings

    current = library.indexes.vectors
    results, exact_top, baseline = {}, None, None
    for kind in ["flat", *[k for k in kinds if k != "flat"]]:
        before = rss_mib()
        index = FaissIndex.load(folder / f"vectors-{kind}.faiss", VectorIndexSettings())
        loaded = rss_mib() - before
        found = [index.search(v, 50)[0] for v in query_vectors]
        library.indexes._faiss = index
        hits = [[h.passage.id for h in library.search(q, k=5)] for q in asked]
        if exact_top is None:
            exact_top = [f[:10] for f in found]
            baseline = hits
        pairs = list(zip(hits, baseline, strict=True))
        results[kind] = {
            "recall10_at50": _mean(
                len(set(t) & set(f)) / max(len(t), 1) for t, f in zip(exact_top, found, strict=True)
            ),
            "top1_same": _mean(a[:1] == b[:1] for a, b in pairs),
            "top5_overlap": _mean(len(set(a) & set(b)) / max(len(b), 1) for a, b in pairs),
            "rss_mib": round(loaded, 1),
            "search": latency_summary(
                _timings(lambda v, i=index: i.search(v, 50), list(query_vectors))
            ),
        }
        library.indexes._faiss = current
        del index
    return results


def pgvector_recall(library, query_vectors) -> dict:  # type: ignore[no-untyped-def]
    """The HNSW graph's top 10 against exact search over the same rows (a scan with the graph
    turned off): `recall10`, the share of the exact top 10 it finds in its own top 10, and in
    the 50 candidates fusion re-ranks (`recall10_at50`)."""
    from index.storage.postgres.vectors import _SEARCH, _literal

    database = library.indexes.vectors._db
    exact_ms, at10, at50 = [], [], []
    for vector in query_vectors:
        found = library.indexes.vectors.search(vector, 50)[0].tolist()
        start = time.perf_counter()
        with database.connection() as connection, connection.transaction():
            connection.execute("SET LOCAL enable_indexscan = off")
            rows = connection.execute(_SEARCH, (_literal(vector), 10)).fetchall()
        exact_ms.append((time.perf_counter() - start) * 1000)
        exact = {row[0] for row in rows}
        at10.append(len(exact & set(found[:10])) / max(len(exact), 1))
        at50.append(len(exact & set(found)) / max(len(exact), 1))
    return {
        "questions": len(query_vectors),
        "recall10": _mean(at10),
        "recall10_at50": _mean(at50),
        "exact_scan_p50_ms": round(float(np.median(exact_ms)), 1),
    }


def _mean(values) -> float:  # type: ignore[no-untyped-def]
    return round(float(np.mean(list(values))), 3)


def _timings(call, items) -> list[float]:  # type: ignore[no-untyped-def]
    timings = []
    for item in items:
        start = time.perf_counter()
        call(item)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _profile(work) -> list[dict]:  # type: ignore[no-untyped-def]
    return profile_rows(work)[0]


def profile_rows(work):  # type: ignore[no-untyped-def]
    """The functions that take the time of `work`, by own time, top 15; and its result."""
    profiler = cProfile.Profile()
    result = profiler.runcall(work)
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({name})",
                "calls": calls,
                "own_s": round(own, 3),
                "cumulative_s": round(cumulative, 3),
                "own_share": round(own / total, 3) if total else 0.0,
            }
        )
    rows.sort(key=lambda r: r["own_s"], reverse=True)
    return rows[:15], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("build", "measure"))
    parser.add_argument("--pool", type=Path, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--kinds", default="")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--ingests", type=int, default=0)
    parser.add_argument("--database-url", help="build or measure in this PostgreSQL database")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    if args.action == "build":
        result = build(args.pool, args.size, args.dir, kinds, args.database_url)
    else:
        result = measure(
            args.pool,
            args.dir,
            args.backend,
            args.questions,
            kinds,
            args.profile,
            args.ingests,
            args.database_url,
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
