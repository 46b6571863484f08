"""The lexical index in PostgreSQL: BM25 computed in SQL over postings kept by every write.

Texts are analysed by `index.lexical` (stop words out, Snowball stems), and scored as bm25s
scores them (`index.storage.bm25`, its Lucene variant): a passage's score is, over the query's
stems (a repeated stem counting again), idf · tf / (tf + k1 · (1 − b + b · length / average
length)), with idf = ln(1 + (N − df + 0.5) / (df + 0.5)). `lexical_terms` holds each stem's df,
`lexical_passages` each passage's length and stems, `lexical_postings` one row a (stem,
passage) with its count; N and the total length are in `index_state`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import psycopg

from index.lexical import word_stems
from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.state import COLUMNS, StateCache

K1 = 1.5
B = 0.75

_SEARCH = """
WITH stats AS (
    SELECT lexical_passages::float8 AS n,
        lexical_length::float8 / nullif(lexical_passages, 0) AS average
    FROM index_state
), query AS (
    SELECT t.id, count(*) * ln(1 + (s.n - t.df + 0.5) / (t.df + 0.5)) AS weight
    FROM unnest(%(stems)s::text[]) AS q(term) JOIN lexical_terms t USING (term) CROSS JOIN stats s
    GROUP BY t.id, t.df, s.n
)
SELECT p.passage_id,
    sum(q.weight * p.tf / (p.tf + %(k1)s * (1 - %(b)s + %(b)s * p.length / s.average))) AS score
FROM query q JOIN lexical_postings p ON p.term_id = q.id CROSS JOIN stats s
GROUP BY p.passage_id
ORDER BY score DESC, p.passage_id
LIMIT %(k)s
"""


class PostgresLexicalIndex:
    """The `LexicalIndex` in PostgreSQL; `add` and `remove` write through the open write
    transaction, costing about the passages they change."""

    def __init__(self, database: PostgresDatabase, state: StateCache):
        self._db = database
        self._state = state

    def __len__(self) -> int:
        return self._state.get().lexical_passages

    def add(self, ids: list[int], texts: list[str]) -> None:
        if not ids:
            return
        counts = [Counter(stems) for stems in word_stems(texts)]
        connection = self._db.writer()
        term_ids = self._count_terms(connection, counts)
        postings: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        for passage_id, passage in zip(ids, counts, strict=True):
            length = passage.total()
            for term, tf in passage.items():
                for column, value in zip(
                    postings, (term_ids[term], passage_id, tf, length), strict=True
                ):
                    column.append(value)
        connection.execute(
            """INSERT INTO lexical_passages (passage_id, length, term_ids)
               SELECT id, length, terms::integer[]
               FROM unnest(%s::bigint[], %s::integer[], %s::text[]) AS p(id, length, terms)""",
            (
                [int(i) for i in ids],
                [passage.total() for passage in counts],
                ["{" + ",".join(str(term_ids[t]) for t in passage) + "}" for passage in counts],
            ),
        )
        connection.execute(
            """INSERT INTO lexical_postings (term_id, passage_id, tf, length)
               SELECT * FROM unnest(%s::integer[], %s::bigint[], %s::integer[], %s::integer[])""",
            postings,
        )
        row = connection.execute(
            f"""UPDATE index_state SET lexical_passages = lexical_passages + %s,
                  lexical_length = lexical_length + %s
                RETURNING {COLUMNS}""",
            (len(ids), sum(passage.total() for passage in counts)),
        ).fetchone()
        self._state.keep(row)  # type: ignore[arg-type]

    def _count_terms(
        self, connection: psycopg.Connection, counts: list[Counter[str]]
    ) -> dict[str, int]:
        """Add one to each stem's df for every passage it is in; :returns: the stems' ids."""
        df = Counter(term for passage in counts for term in passage)
        if not df:
            return {}
        rows = connection.execute(
            """INSERT INTO lexical_terms (term, df)
               SELECT * FROM unnest(%s::text[], %s::integer[]) ORDER BY 1
               ON CONFLICT (term) DO UPDATE SET df = lexical_terms.df + excluded.df
               RETURNING term, id""",
            (list(df), list(df.values())),
        ).fetchall()
        return dict(rows)

    def remove(self, ids: list[int]) -> None:
        if not ids:
            return
        row = (
            self._db.writer()
            .execute(
                f"""WITH gone AS (
                    DELETE FROM lexical_passages WHERE passage_id = ANY(%s::bigint[])
                    RETURNING passage_id, length, term_ids
                ), postings AS (
                    DELETE FROM lexical_postings p
                    USING (SELECT passage_id, unnest(term_ids) AS term_id FROM gone) g
                    WHERE p.term_id = g.term_id AND p.passage_id = g.passage_id
                    RETURNING p.term_id
                ), terms AS (
                    UPDATE lexical_terms t SET df = t.df - c.n
                    FROM (SELECT term_id, count(*) AS n FROM postings GROUP BY term_id) c
                    WHERE t.id = c.term_id
                )
                UPDATE index_state
                SET lexical_passages = lexical_passages - (SELECT count(*) FROM gone),
                    lexical_length = lexical_length - (SELECT coalesce(sum(length), 0) FROM gone)
                RETURNING {COLUMNS}""",
                ([int(i) for i in ids],),
            )
            .fetchone()
        )
        self._state.keep(row)  # type: ignore[arg-type]

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        stems = word_stems([query])[0]
        if k <= 0 or not stems:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = self._db.rows(_SEARCH, {"stems": stems, "k1": K1, "b": B, "k": k})
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        return ids, np.array([row[1] for row in rows], dtype=np.float32)
