"""What finds a PostgreSQL article again, and its near-duplicates: canonical URLs, text hashes,
MinHash signatures filed under their bands (`index.storage.minhash_bands`), and the links
between near-duplicates; part of `PostgresArticleStore`."""

from __future__ import annotations

import numpy as np

from index.models import Article, Scope
from index.storage.minhash_bands import band_keys, signature_bytes, stored_signature
from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.sql import COUNTED_COLUMNS, VISIBLE
from index.storage.rows import article_of


class PostgresDuplicates:
    """The `ArticleStore` methods on fingerprints and links, for the article store to inherit."""

    _db: PostgresDatabase

    def set_fingerprints(
        self, article_id: int, canonical_url: str | None, text_hash: str, minhash: np.ndarray
    ) -> None:
        blob = signature_bytes(minhash)
        with self._db.transaction():
            stored = self._db.row(
                """UPDATE articles a SET canonical_url = %s, text_hash = %s, minhash = %s
                   FROM articles old WHERE a.id = %s AND old.id = a.id RETURNING old.minhash""",
                (canonical_url, text_hash, blob, article_id),
            )
            if stored is None or stored[0] == blob:
                return
            self._forget_bands(article_id, stored[0])
            self._db.run(
                "INSERT INTO minhash_bands (band, article_id) SELECT unnest(%s::bigint[]), %s",
                (band_keys(minhash), article_id),
            )

    def _forget_bands(self, article_id: int, stored: bytes | None) -> None:
        """Delete the bands of the article's stored signature, by their keys."""
        if stored is not None:
            self._db.run(
                "DELETE FROM minhash_bands WHERE band = ANY(%s::bigint[]) AND article_id = %s",
                (band_keys(stored_signature(stored)), article_id),
            )

    def unfingerprinted(self) -> list[int]:
        rows = self._db.rows("SELECT id FROM articles WHERE text_hash IS NULL ORDER BY id")
        return [row[0] for row in rows]

    def key_by_canonical_url(self, url: str, scope: Scope) -> str | None:
        row = self._db.row(
            "SELECT key FROM articles WHERE canonical_url = %s "
            "AND scope IS NOT DISTINCT FROM %s ORDER BY id LIMIT 1",
            (url, scope),
        )
        return row[0] if row else None

    def has_key(self, key: str, scope: Scope) -> bool:
        row = self._db.row(
            "SELECT 1 FROM articles WHERE (key = %(key)s OR canonical_url = %(key)s) "
            "AND scope IS NOT DISTINCT FROM %(scope)s LIMIT 1",
            {"key": key, "scope": scope},
        )
        return row is not None

    def article_by_text_hash(
        self, text_hash: str, scope: Scope, other_than: int | None = None
    ) -> Article | None:
        row = self._db.row(
            f"""SELECT {COUNTED_COLUMNS} FROM articles a WHERE a.text_hash = %(hash)s
                AND a.id IS DISTINCT FROM %(other)s::bigint AND {VISIBLE}
                ORDER BY a.id LIMIT 1""",
            {"hash": text_hash, "other": other_than, "scope": scope},
        )
        return article_of(row) if row else None

    def minhash_matches(self, signature: np.ndarray, at_least: int) -> dict[int, int]:
        rows = self._db.rows(
            """SELECT article_id, count(*) FROM minhash_bands WHERE band = ANY(%s::bigint[])
               GROUP BY article_id HAVING count(*) >= %s""",
            (band_keys(signature), max(at_least, 1)),
        )
        return {article_id: shared for article_id, shared in rows}

    def replace_links(self, article_id: int, similar: list[tuple[int, float]]) -> None:
        # Both directions of each link, the last similarity given for a pair winning, as one
        # INSERT OR REPLACE a pair does in SQLite.
        pairs: dict[tuple[int, int], float] = {}
        for other, score in similar:
            pairs[(article_id, other)] = pairs[(other, article_id)] = score
        self._db.run(
            "DELETE FROM article_links WHERE article_id = %(id)s OR other_id = %(id)s",
            {"id": article_id},
        )
        if pairs:
            self._db.run(
                """INSERT INTO article_links (article_id, other_id, similarity)
                   SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::real[])""",
                (
                    [one for one, _ in pairs],
                    [two for _, two in pairs],
                    [float(score) for score in pairs.values()],
                ),
            )

    def linked_articles(self, article_id: int, scope: Scope) -> list[Article]:
        rows = self._db.rows(
            f"""SELECT {COUNTED_COLUMNS} FROM article_links l
                JOIN articles a ON a.id = l.other_id
                WHERE l.article_id = %(id)s AND {VISIBLE}
                ORDER BY l.similarity DESC, a.id""",
            {"id": article_id, "scope": scope},
        )
        return [article_of(row) for row in rows]
