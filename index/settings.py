"""How the library cuts, searches and links articles: the `[index]` and `[retrieval]` tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from index.retrieval import RetrievalWeights
from index.storage.faiss import VectorIndexSettings
from index.storage.postgres.settings import PostgresSettings


@dataclass(frozen=True)
class IndexSettings:
    """How passages are cut, searched and linked; the vector index (`[index.vectors]`) and the
    fusion weights (`[retrieval]`) are settings of their own, nested here."""

    # Where the corpus is kept: "sqlite", the data folder (SQLite, tantivy and FAISS, no
    # server), or "postgres", one PostgreSQL database with pgvector that every process shares
    # (docs/scaling.md); its address comes from NEWSBOT_DATABASE_URL.
    backend: Literal["sqlite", "postgres"] = "sqlite"
    # Token budget of one passage; a longer paragraph is cut between sentences.
    chunk_tokens: int = 200
    # Passages fetched from each of the dense and lexical indexes before fusing.
    dense_candidates: int = 50
    lexical_candidates: int = 50
    # Estimated Jaccard similarity of word 5-grams above which two articles are linked as one
    # story reported twice (0.5: about half their 5-grams are shared).
    near_duplicate_threshold: float = 0.5
    # How long a read or a write waits for another process's write to the same corpus to
    # finish before it gives up, saying to try again.
    wait_for_writer_seconds: float = 120.0
    # `[index.vectors]`: which FAISS index holds the passage vectors (the sqlite backend).
    vectors: VectorIndexSettings = field(default_factory=VectorIndexSettings)
    # `[index.postgres]`: connections and the pgvector index (the postgres backend).
    postgres: PostgresSettings = field(default_factory=PostgresSettings)
    # `[retrieval]`: the weights of the scores fused into a passage's rank.
    retrieval: RetrievalWeights = field(default_factory=RetrievalWeights)
