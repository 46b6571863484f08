"""The schema of a newsbot database in PostgreSQL, as numbered migrations.

Migration n (counting from 1) is `MIGRATIONS[n - 1]`, a tuple of statements run in one
transaction; `schema_version` records how many have run. The passage vectors' table is not
here: its column type needs the vectors' dimension, known only when the first are added (see
`vectors`).
"""

from __future__ import annotations

_UTC_NOW = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE EXTENSION IF NOT EXISTS vector",
        "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
        f"""CREATE TABLE articles (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            key text NOT NULL UNIQUE,
            title text NOT NULL,
            source text,
            url text,
            published text,
            author text,
            path text,
            content_hash text NOT NULL,
            scope text,
            added_by text,
            added_at text NOT NULL DEFAULT {_UTC_NOW},
            updated text,
            canonical_url text,
            text_hash text,
            minhash bytea
        )""",
        "CREATE INDEX articles_by_scope ON articles (scope)",
        "CREATE INDEX articles_by_canonical_url ON articles (canonical_url)",
        "CREATE INDEX articles_by_text_hash ON articles (text_hash)",
        # `sentences` holds [start, end] pairs and `sentence_notes` one note a sentence, as
        # JSON text (kept as written: jsonb would reorder the keys of a note); the sentence
        # vectors are float16 bytes, sentences × dimension.
        """CREATE TABLE passages (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            position integer NOT NULL,
            paragraph integer NOT NULL,
            text text NOT NULL,
            sentences text NOT NULL,
            sentence_vectors bytea NOT NULL,
            sentence_notes text,
            notes_version text
        )""",
        "CREATE INDEX passages_by_article ON passages (article_id, position)",
        """CREATE TABLE article_links (
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            other_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            similarity real NOT NULL,
            PRIMARY KEY (article_id, other_id)
        )""",
        "CREATE INDEX article_links_by_other ON article_links (other_id)",
        f"""CREATE TABLE feeds (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            url text NOT NULL UNIQUE,
            title text,
            etag text,
            last_modified text,
            last_polled text,
            last_error text,
            added_at text NOT NULL DEFAULT {_UTC_NOW}
        )""",
        f"""CREATE TABLE feed_entries (
            feed_id bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            entry text NOT NULL,
            url text NOT NULL,
            done boolean NOT NULL DEFAULT false,
            attempts integer NOT NULL DEFAULT 0,
            last_error text,
            seen_at text NOT NULL DEFAULT {_UTC_NOW},
            PRIMARY KEY (feed_id, entry)
        )""",
        # What the indexes hold, in one row every index write updates: the vectors' table
        # (its dimension and column type, NULL before the first vector) and its size, and the
        # lexical index's passage count and total length (for BM25's average length).
        """CREATE TABLE index_state (
            single boolean PRIMARY KEY DEFAULT true CHECK (single),
            vector_dimension integer,
            vector_type text CHECK (vector_type IN ('halfvec', 'vector')),
            vectors bigint NOT NULL DEFAULT 0,
            lexical_passages bigint NOT NULL DEFAULT 0,
            lexical_length bigint NOT NULL DEFAULT 0
        )""",
        "INSERT INTO index_state DEFAULT VALUES",
        # The lexical index (see `lexical`): each stem's document frequency; its postings in
        # blocks of packed arrays, one row a block; each passage's length and where its
        # postings are, to remove them.
        """CREATE TABLE lexical_terms (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            term text NOT NULL UNIQUE,
            df integer NOT NULL
        )""",
        """CREATE TABLE lexical_blocks (
            term_id integer NOT NULL,
            block integer NOT NULL,
            size integer NOT NULL,
            passage_ids bytea NOT NULL,
            tfs bytea NOT NULL,
            lengths bytea NOT NULL,
            PRIMARY KEY (term_id, block)
        )""",
        """CREATE TABLE lexical_passages (
            passage_id bigint PRIMARY KEY,
            length integer NOT NULL,
            term_ids integer[] NOT NULL,
            blocks integer[] NOT NULL
        )""",
    ),
    # 2: updated stories. Each text an article has had, as its sentences (a JSON list, kept as
    # text like `passages.sentences`); an article stored before has one version, its sentences
    # now, seen when it was added. A feed entry remembers what the feed said of it, to notice
    # when it is updated in place.
    (
        f"""CREATE TABLE article_versions (
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            version integer NOT NULL,
            seen_at text NOT NULL DEFAULT {_UTC_NOW},
            published text,
            updated text,
            sentences text NOT NULL,
            PRIMARY KEY (article_id, version)
        )""",
        """INSERT INTO article_versions (article_id, version, seen_at, published, updated,
             sentences)
           SELECT a.id, 1, a.added_at, a.published, a.updated, coalesce((
               SELECT json_agg(substr(p.text, (s.span ->> 0)::integer + 1,
                   (s.span ->> 1)::integer - (s.span ->> 0)::integer) ORDER BY p.position, s.n)
               FROM passages p
               CROSS JOIN LATERAL json_array_elements(p.sentences::json)
                 WITH ORDINALITY AS s(span, n)
               WHERE p.article_id = a.id
           )::text, '[]')
           FROM articles a""",
        "ALTER TABLE feed_entries ADD COLUMN revision text",
    ),
    # 3: near-duplicates found through an index of signature bands
    # (`index.storage.minhash_bands`: a band is one slot, keyed by its number above its uint32
    # value), not by reading every signature. No foreign key: a cascade would scan the table
    # for the article's rows, which the store instead deletes by their keys.
    (
        """CREATE TABLE minhash_bands (
            band bigint NOT NULL,
            article_id bigint NOT NULL,
            PRIMARY KEY (band, article_id)
        )""",
        # Each slot's value from its 4 little-endian bytes (PostgreSQL's bitwise operators
        # share one precedence, so each step is in brackets).
        """INSERT INTO minhash_bands (band, article_id)
           SELECT (s.slot::bigint << 32) | (get_byte(a.minhash, 4 * s.slot)::bigint)
               | (get_byte(a.minhash, 4 * s.slot + 1)::bigint << 8)
               | (get_byte(a.minhash, 4 * s.slot + 2)::bigint << 16)
               | (get_byte(a.minhash, 4 * s.slot + 3)::bigint << 24), a.id
           FROM articles a
           CROSS JOIN LATERAL generate_series(0, length(a.minhash) / 4 - 1) AS s(slot)
           WHERE a.minhash IS NOT NULL""",
        # Statistics now, so the first lookups use the key rather than scanning the table.
        "ANALYZE minhash_bands",
    ),
)
