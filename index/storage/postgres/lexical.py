"""The lexical index in PostgreSQL: BM25 over postings that every write keeps in step.

Texts are analysed by `index.lexical` (stop words out, Snowball stems) and scored as bm25s
scores them (bm25s, its Lucene variant): over the query's stems, a repeated
stem counting again, idf · tf / (tf + k1 · (1 − b + b · length / average length)) with
idf = ln(1 + (N − df + 0.5) / (df + 0.5)), k1 = 1.5, b = 0.75.

`lexical_terms` holds each stem's df, `lexical_blocks` its postings (see `postings`),
`lexical_passages` each passage's length and which blocks hold its postings; N and the total
length are in `index_state`. Adding a passage appends to its stems' last blocks; removing one
rewrites the blocks that held it: a write costs about the passages it changes. A search reads
its stems' blocks in one query and scores them in numpy.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np
import psycopg

from index.lexical import word_stems
from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.postings import Postings, blocks, bm25, idf
from index.storage.postgres.state import COLUMNS, StateCache

_SEARCH = """
SELECT t.term, t.df, b.passage_ids, b.tfs, b.lengths, s.lexical_passages, s.lexical_length
FROM lexical_terms t JOIN lexical_blocks b ON b.term_id = t.id CROSS JOIN index_state s
WHERE t.term = ANY(%s::text[])
"""
# Count the new passages into their stems' df; with each stem's id, its last block and size.
_COUNT_TERMS = """
WITH t AS (
    INSERT INTO lexical_terms (term, df)
    SELECT * FROM unnest(%s::text[], %s::integer[]) ORDER BY 1
    ON CONFLICT (term) DO UPDATE SET df = lexical_terms.df + excluded.df
    RETURNING term, id
)
SELECT t.term, t.id, last.block, last.size FROM t LEFT JOIN LATERAL (
    SELECT block, size FROM lexical_blocks b WHERE b.term_id = t.id ORDER BY block DESC LIMIT 1
) last ON true
"""
_APPEND = """
UPDATE lexical_blocks b SET size = b.size + x.size, passage_ids = b.passage_ids || x.ids,
    tfs = b.tfs || x.tfs, lengths = b.lengths || x.lengths
FROM unnest(%s::integer[], %s::integer[], %s::integer[], %s::bytea[], %s::bytea[], %s::bytea[])
    AS x(term_id, block, size, ids, tfs, lengths)
WHERE b.term_id = x.term_id AND b.block = x.block
"""
_INSERT = """
INSERT INTO lexical_blocks (term_id, block, size, passage_ids, tfs, lengths)
SELECT * FROM unnest(%s::integer[], %s::integer[], %s::integer[], %s::bytea[], %s::bytea[],
    %s::bytea[])
"""
_REPLACE = """
UPDATE lexical_blocks b SET size = x.size, passage_ids = x.ids, tfs = x.tfs,
    lengths = x.lengths
FROM unnest(%s::integer[], %s::integer[], %s::integer[], %s::bytea[], %s::bytea[], %s::bytea[])
    AS x(term_id, block, size, ids, tfs, lengths)
WHERE b.term_id = x.term_id AND b.block = x.block
"""
_BLOCK_KEYS = "(term_id, block) IN (SELECT * FROM unnest(%s::integer[], %s::integer[]))"

BlockKey = tuple[int, int]


class PostgresLexicalIndex:
    """The `LexicalIndex` in PostgreSQL. The store's writes add and remove its passages
    (through `index.storage.postgres.indexes`)."""

    def __init__(self, database: PostgresDatabase, state: StateCache):
        self._db = database
        self._state = state

    def __len__(self) -> int:
        return self._state.get().lexical_passages

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        times = Counter(word_stems([query])[0])
        if not times or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        with self._db.connection() as connection:
            rows = connection.execute(_SEARCH, (list(times),), binary=True).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        passages, total_length = rows[0][-2:]
        found = [(times[term] * idf(df, passages), *packed) for term, df, *packed, _, _ in rows]
        return bm25(found, total_length / passages, k)

    def add(self, ids: list[int], texts: list[str]) -> None:
        """In the open write: index each text under its passage id."""
        if not ids:
            return
        passages = [Counter(stems) for stems in word_stems(texts)]
        lengths = [passage.total() for passage in passages]
        by_term: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for passage_id, counts, length in zip(ids, passages, lengths, strict=True):
            for term, tf in counts.items():
                by_term[term].append((int(passage_id), tf, length))
        connection = self._db.writer()
        placed = self._place(connection, by_term)
        connection.execute(
            """INSERT INTO lexical_passages (passage_id, length, term_ids, blocks)
               SELECT id, length, terms::integer[], blocks::integer[]
               FROM unnest(%s::bigint[], %s::integer[], %s::text[], %s::text[])
                 AS p(id, length, terms, blocks)""",
            ([int(i) for i in ids], lengths, *_columns(_arrays(placed[int(i)]) for i in ids)),
        )
        self._change_totals(connection, len(ids), sum(lengths))

    def _place(
        self, connection: psycopg.Connection, by_term: dict[str, list[tuple[int, int, int]]]
    ) -> dict[int, list[BlockKey]]:
        """Write the new postings into their stems' blocks, counting them into each stem's df.

        :returns: for each passage, the (stem id, block) of every block holding its postings.
        """
        placed: dict[int, list[BlockKey]] = defaultdict(list)
        if not by_term:
            return placed
        terms = connection.execute(
            _COUNT_TERMS, (list(by_term), [len(rows) for rows in by_term.values()])
        ).fetchall()
        appended: list[tuple] = []
        created: list[tuple] = []
        for term, term_id, last, last_size in terms:
            for block, postings in blocks(Postings.of(by_term[term]), last, last_size or 0):
                (appended if block == last else created).append(
                    (term_id, block, len(postings), *postings.encode())
                )
                for passage_id in postings.passage_ids.tolist():
                    placed[passage_id].append((term_id, block))
        with connection.pipeline():
            if appended:
                connection.execute(_APPEND, _columns(appended))
            if created:
                connection.execute(_INSERT, _columns(created))
        return placed

    def remove(self, ids: list[int]) -> None:
        """In the open write: forget these passages, ignoring ids it does not hold."""
        if not ids:
            return
        connection = self._db.writer()
        gone = connection.execute(
            "DELETE FROM lexical_passages WHERE passage_id = ANY(%s::bigint[]) "
            "RETURNING passage_id, length, term_ids, blocks",
            ([int(i) for i in ids],),
        ).fetchall()
        if not gone:
            return
        leaving: dict[BlockKey, list[int]] = defaultdict(list)
        for passage_id, _, term_ids, block_numbers in gone:
            for key in zip(term_ids, block_numbers, strict=True):
                leaving[key].append(passage_id)
        kept, emptied = [], []
        for term_id, block, *packed in connection.execute(
            f"SELECT term_id, block, passage_ids, tfs, lengths FROM lexical_blocks "
            f"WHERE {_BLOCK_KEYS}",
            _columns(leaving.keys()),
            binary=True,
        ):
            rest = Postings.decode(*packed).without(leaving[(term_id, block)])
            if len(rest):
                kept.append((term_id, block, len(rest), *rest.encode()))
            else:
                emptied.append((term_id, block))
        df: Counter[int] = Counter()
        for (term_id, _), passage_ids in leaving.items():
            df[term_id] += len(passage_ids)
        with connection.pipeline():
            if kept:
                connection.execute(_REPLACE, _columns(kept))
            if emptied:
                connection.execute(
                    f"DELETE FROM lexical_blocks WHERE {_BLOCK_KEYS}", _columns(emptied)
                )
            connection.execute(
                """UPDATE lexical_terms t SET df = t.df - x.n
                   FROM unnest(%s::integer[], %s::integer[]) AS x(id, n) WHERE t.id = x.id""",
                (list(df), list(df.values())),
            )
        self._change_totals(connection, -len(gone), -sum(length for _, length, _, _ in gone))

    def _change_totals(self, connection: psycopg.Connection, passages: int, length: int) -> None:
        row = connection.execute(
            f"""UPDATE index_state SET lexical_passages = lexical_passages + %s,
                  lexical_length = lexical_length + %s
                RETURNING {COLUMNS}""",
            (passages, length),
        ).fetchone()
        self._state.keep(row)  # type: ignore[arg-type]


def _columns(rows: Iterable[tuple]) -> list[list]:
    """Rows as columns, one array parameter each for `unnest`."""
    return [list(column) for column in zip(*rows, strict=True)]


def _arrays(keys: list[BlockKey]) -> tuple[str, str]:
    """A passage's (stem id, block) pairs as two PostgreSQL array literals."""
    return (
        "{" + ",".join(str(term_id) for term_id, _ in keys) + "}",
        "{" + ",".join(str(block) for _, block in keys) + "}",
    )
