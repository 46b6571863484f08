"""What a user would write instead of newsbot, on the same SQuAD paragraphs and model.

- rank-bm25 and bm25s, used as their READMEs show (no stemming for rank-bm25, bm25s' own
  tokenizer with English stop words);
- sentence-transformers + FAISS: one vector a paragraph, exact inner product;
- txtai: an `Embeddings` index over the same bundled model with `hybrid=True` (its dense + BM25
  fusion), the framework a user would most likely pick for this job; it runs offline because
  the model path is a local folder.
Each peer indexes every paragraph once and answers the questions one at a time.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

import numpy as np

from bench.common import Question, Squad, latency_summary, rank_metrics, rank_of
from index.embedding import resolve_model

Search = Callable[[str], list[int]]


def evaluate(name: str, build: Callable[[], Search], questions: list[Question]) -> dict:
    start = time.perf_counter()
    search = build()
    index_s = time.perf_counter() - start
    ranks, timings = [], []
    for question in questions:
        start = time.perf_counter()
        found = search(question.text)
        timings.append((time.perf_counter() - start) * 1000)
        ranks.append(rank_of(question.paragraph, found))
    return {
        "name": name,
        **rank_metrics(ranks),
        "index_s": round(index_s, 2),
        "query": latency_summary(timings),
    }


def rank_bm25(paragraphs: list[str]) -> Search:
    from rank_bm25 import BM25Okapi

    model = BM25Okapi([text.lower().split() for text in paragraphs])

    def search(query: str) -> list[int]:
        scores = model.get_scores(query.lower().split())
        return np.argsort(-scores)[:20].tolist()

    return search


def bm25s_plain(paragraphs: list[str]) -> Search:
    import bm25s

    model = bm25s.BM25()
    model.index(
        bm25s.tokenize(paragraphs, stopwords="en", show_progress=False), show_progress=False
    )

    def search(query: str) -> list[int]:
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        docs, _ = model.retrieve(tokens, k=20, show_progress=False, n_threads=1)
        return docs[0].tolist()

    return search


def st_faiss(paragraphs: list[str]) -> Search:
    import faiss
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(resolve_model("all-MiniLM-L6-v2"), device="cpu")
    vectors = model.encode(paragraphs, normalize_embeddings=True, convert_to_numpy=True)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    def search(query: str) -> list[int]:
        query_vector = model.encode([query], normalize_embeddings=True, convert_to_numpy=True)
        return index.search(query_vector, 20)[1][0].tolist()

    return search


def txtai_hybrid(paragraphs: list[str]) -> Search:
    from txtai import Embeddings

    embeddings = Embeddings(path=resolve_model("all-MiniLM-L6-v2"), hybrid=True, content=False)
    embeddings.index([(i, text, None) for i, text in enumerate(paragraphs)])

    def search(query: str) -> list[int]:
        return [int(i) for i, _ in embeddings.search(query, 20)]

    return search


PEERS: dict[str, Callable[[list[str]], Search]] = {
    "rank-bm25 (BM25Okapi, whitespace tokens)": rank_bm25,
    "bm25s (plain, English stop words)": bm25s_plain,
    "sentence-transformers + FAISS flat (paragraph vectors)": st_faiss,
    "txtai 9 Embeddings(hybrid=True)": txtai_hybrid,
}


def run(squad: Squad, questions: list[Question], names: list[str] | None = None) -> list[dict]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    paragraphs = [text for _, text in squad.paragraphs]
    results = []
    for name, make in PEERS.items():
        if names is not None and not any(re.search(n, name) for n in names):
            continue
        try:
            results.append(evaluate(name, lambda make=make: make(paragraphs), questions))
        except Exception as error:  # a peer that fails to install or run is reported, not fatal
            results.append({"name": name, "error": f"{type(error).__name__}: {error}"})
    return results
