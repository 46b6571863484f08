"""Retrieval and answer quality on SQuAD paragraphs, as one newsbot corpus.

Every SQuAD paragraph is ingested as a Document; a passage maps back to its paragraph (a long
paragraph may become two passages). Questions of even-numbered articles tune, odd ones report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.common import Question, Squad, contains_answer, rank_metrics, rank_of
from bot.core.answer import ask
from bot.core.hedges.stored import CueAnnotator
from index.embedding import Embedder
from index.library import Library
from index.models import Document
from index.retrieval import RetrievalWeights
from index.settings import IndexSettings


@dataclass
class SquadLibrary:
    library: Library
    paragraph_of: dict[int, int]  # passage id -> paragraph number
    ingest: dict[str, float]


def build_library(
    squad: Squad, folder: Path, embedder: Embedder, database_url: str | None = None
) -> SquadLibrary:
    """Ingest every paragraph (timed: this is newsbot's real ingest path), into a data folder
    or the PostgreSQL database at `database_url`."""
    documents = [
        Document(key=f"squad-{p}", title=f"{squad.titles[a]} ({p})", text=text)
        for p, (a, text) in enumerate(squad.paragraphs)
    ]
    # The hedge annotator too: `newsbot ingest` runs it on every sentence it stores.
    settings = replace(IndexSettings(), backend="postgres" if database_url else "sqlite")
    library = Library(
        folder, settings, embedder, annotator=CueAnnotator(), database_url=database_url
    )
    start = time.perf_counter()
    report = library.ingest(documents)
    seconds = time.perf_counter() - start
    paragraph_of, tokens, sentences = {}, 0, 0
    for article in library.articles():
        number = int(article.key.removeprefix("squad-"))
        for passage in library.article_passages(article.id):
            paragraph_of[passage.id] = number
            for i in range(len(passage.sentences)):
                tokens += embedder.count_tokens(passage.sentence_text(i))
                sentences += 1
    ingest = {
        "documents": len(documents),
        "passages": report.passages,
        "sentences": sentences,
        "tokens": tokens,
        "seconds": round(seconds, 2),
        "passages_per_s": round(report.passages / seconds, 1),
        "tokens_per_s": round(tokens / seconds),
    }
    return SquadLibrary(library, paragraph_of, ingest)


@dataclass(frozen=True)
class Candidates:
    """What newsbot's fusion sees for one question: dense top-50 ∪ BM25 top-50 passages."""

    paragraphs: np.ndarray  # paragraph of each candidate passage
    features: np.ndarray  # columns: best sentence, passage mean, BM25 / best BM25
    lexical_order: np.ndarray  # paragraphs in BM25 order


def candidates(
    built: SquadLibrary, questions: list[Question], embedder: Embedder
) -> list[Candidates]:
    library = built.library
    settings = library.settings
    vectors = embedder.encode([q.text for q in questions])
    found = []
    for question, query in zip(questions, vectors, strict=True):
        dense_ids, _ = library.indexes.vectors.search(query, settings.dense_candidates)
        lexical_ids, lexical_scores = library.indexes.lexical.search(
            question.text, settings.lexical_candidates
        )
        ids = list(dict.fromkeys([*dense_ids.tolist(), *lexical_ids.tolist()]))
        sentence_vectors = library.sentence_vectors(ids)
        top = float(lexical_scores.max()) if len(lexical_scores) else 1.0
        lexical = dict(
            zip(lexical_ids.tolist(), (lexical_scores / (top or 1.0)).tolist(), strict=True)
        )
        rows = []
        for pid in ids:
            sentences = sentence_vectors[pid]
            mean = sentences.mean(axis=0)
            rows.append(
                (
                    float((sentences @ query).max()),
                    float(mean @ query / max(float(np.linalg.norm(mean)), 1e-12)),
                    lexical.get(pid, 0.0),
                )
            )
        found.append(
            Candidates(
                np.array([built.paragraph_of[i] for i in ids]),
                np.array(rows, dtype=np.float64).reshape(-1, 3),
                np.array([built.paragraph_of[i] for i in lexical_ids.tolist()]),
            )
        )
    return found


def fused_ranks(
    found: list[Candidates], questions: list[Question], weights: np.ndarray
) -> np.ndarray:
    """Paragraph rank of the right paragraph for each weight row (0 when not a candidate).

    A paragraph scores its best passage; ties count in the right paragraph's favour.
    """
    weights = np.atleast_2d(weights)
    ranks = np.zeros((len(weights), len(questions)), dtype=np.int64)
    for q, (cand, question) in enumerate(zip(found, questions, strict=True)):
        right = cand.paragraphs == question.paragraph
        if not right.any():
            continue
        scores = cand.features @ weights.T  # candidates x weight rows
        best_right = scores[right].max(axis=0)
        others = cand.paragraphs[~right]
        if len(others) == 0:
            ranks[:, q] = 1
            continue
        order = np.argsort(others, kind="stable")
        _, starts = np.unique(others[order], return_index=True)
        best_other = np.maximum.reduceat(scores[~right][order], starts, axis=0)
        ranks[:, q] = 1 + (best_other > best_right).sum(axis=0)
    return ranks


def metrics_from_ranks(ranks: np.ndarray) -> dict[str, float]:
    return rank_metrics([int(r) if r > 0 else None for r in ranks])


def signal_ablation(found: list[Candidates], questions: list[Question]) -> dict[str, dict]:
    """BM25 alone and each dense signal alone over the same candidates, and the fusion."""
    current = RetrievalWeights()
    rows = {
        "BM25 alone (newsbot's BM25 index)": [
            rank_of(q.paragraph, c.lexical_order.tolist())
            for c, q in zip(found, questions, strict=True)
        ]
    }
    table = {name: rank_metrics(ranks) for name, ranks in rows.items()}
    for name, weight in (
        ("dense best sentence (candidates ranked)", (1, 0, 0)),
        ("dense passage mean (candidates ranked)", (0, 1, 0)),
        (
            f"fusion, current weights ({current.sentence}, {current.passage}, {current.lexical})",
            (current.sentence, current.passage, current.lexical),
        ),
    ):
        table[name] = metrics_from_ranks(fused_ranks(found, questions, np.array(weight))[0])
    return table


def newsbot_search(built: SquadLibrary, questions: list[Question]) -> dict[str, float]:
    """`Library.search` as the bot calls it, top 20, with its latency."""
    ranks, timings = [], []
    for question in questions:
        start = time.perf_counter()
        hits = built.library.search(question.text, k=20)
        timings.append((time.perf_counter() - start) * 1000)
        ranks.append(rank_of(question.paragraph, [built.paragraph_of[h.passage.id] for h in hits]))
    return {**rank_metrics(ranks), "questions": len(questions), "ms_p50": _median(timings)}


def answer_accuracy(built: SquadLibrary, questions: list[Question]) -> dict[str, float]:
    """Share of questions whose first quoted sentence contains a gold answer."""
    right = answered = 0
    timings = []
    for question in questions:
        start = time.perf_counter()
        answer = ask(built.library, question.text)
        timings.append((time.perf_counter() - start) * 1000)
        if answer.answered:
            answered += 1
            right += contains_answer(answer.quotes[0].text, question.answers)
    count = len(questions) or 1
    return {
        "questions": len(questions),
        "top_quote_has_answer": round(right / count, 3),
        "answered": round(answered / count, 3),
        "ms_p50": _median(timings),
    }


def lexical_engines(
    built: SquadLibrary, halves: dict[str, list[Question]], asks: int | None
) -> dict[str, dict]:
    """newsbot's lexical index (tantivy) against bm25s over the same passages and stems, on
    each half: BM25 alone (right paragraph's rank among its top 50, query latency) and the
    answer's first quote with each as the lexical leg of the fusion."""
    from bench.bm25s_index import Bm25Index
    from bench.common import thin

    library = built.library
    tantivy = library.indexes.lexical
    start = time.perf_counter()
    bm25s = Bm25Index.build(*library.store.all_passage_texts())
    built_s = round(time.perf_counter() - start, 1)
    rows: dict[str, dict] = {}
    for name, index in (("tantivy (newsbot)", tantivy), ("bm25s", bm25s)):
        library.indexes._tantivy = index  # the bench's privilege: swap the lexical leg
        rows[name] = {}
        for half, questions in halves.items():
            ranks, timings = [], []
            for question in questions:
                begin = time.perf_counter()
                found, _ = index.search(question.text, 50)
                timings.append((time.perf_counter() - begin) * 1000)
                ranks.append(
                    rank_of(question.paragraph, [built.paragraph_of[i] for i in found.tolist()])
                )
            rows[name][half] = {
                **rank_metrics(ranks),
                "ms_p50": _median(timings),
                "answer": answer_accuracy(built, thin(questions, asks)),
            }
    library.indexes._tantivy = tantivy
    rows["bm25s"]["build_s"] = built_s
    return rows


def _median(values: list[float]) -> float:
    return round(float(np.median(values)), 2) if values else float("nan")
