"""The lexical index in tantivy: BM25 over the passages' stems, kept on disk and updated in place.

tantivy (Lucene's design, in Rust) adds and deletes documents without rebuilding, answers a
question in about a millisecond at 100k passages, and lets other processes read the folder
while one writes: a commit swaps its metadata file atomically, and a reader sees it on
`reload()`. Texts are stored as `index.lexical` stems, so words match the answer core's.

The folder also records the last change of the passage log (`index.storage.sqlite_log`) it has
applied, written after tantivy's own commit. A crash between the two leaves that record behind,
never ahead, and applying changes again does no harm: an added passage replaces any copy of
itself.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from index.lexical import word_stems

APPLIED_FILE = "applied"
_WRITER_HEAP_BYTES = 64_000_000
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def _schema():  # type: ignore[no-untyped-def]
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    # Term frequencies without positions: BM25 needs no more, and the index stays small.
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    return builder.build()


class TantivyIndex:
    """BM25 search over passage stems in one tantivy folder, keyed by passage id."""

    def __init__(self, folder: Path | None, wait_seconds: float):
        """Open (or make) the index in `folder`; with None, an index in memory alone."""
        import tantivy

        self.folder = folder
        self._wait_seconds = wait_seconds
        self._schema = _schema()
        self._applied = 0  # of an index in memory
        if folder is None:
            self._index = tantivy.Index(self._schema)
            return
        folder.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(self._schema, path=str(folder), reuse=True)

    def __len__(self) -> int:
        return int(self._index.searcher().num_docs)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids and BM25 scores of the best `k` passages sharing a stem with the query."""
        import tantivy

        terms = sorted(set(word_stems([query])[0]))
        if not terms or k <= 0:
            return _EMPTY
        should = [
            (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "terms", term, "freq"))
            for term in terms
        ]
        searcher = self._index.searcher()
        hits = searcher.search(tantivy.Query.boolean_query(should), k, count=False).hits
        if not hits:
            return _EMPTY
        ids = searcher.fast_field_values("id", [address for _, address in hits])
        return np.asarray(ids, dtype=np.int64), np.asarray([s for s, _ in hits], dtype=np.float32)

    def reload(self) -> None:
        """See what another process (or this one) committed since."""
        self._index.reload()

    def applied(self) -> int:
        """:returns: the last change of the passage log this index is known to hold."""
        if self.folder is None:
            return self._applied
        try:
            return int((self.folder / APPLIED_FILE).read_text())
        except (OSError, ValueError):
            return 0

    def apply(
        self,
        added: dict[int, str],
        deleted: list[int],
        seq: int,
        replace_all: bool = False,
        wait: bool = True,
    ) -> bool:
        """Index the `added` texts by passage id and forget `deleted`, as of log change `seq`;
        `replace_all` drops every passage first.

        :param wait: wait for another process's write to the folder (up to the wait given at
            opening), rather than give up at once.
        :returns: whether it was applied (False: another process was writing and `wait` was
            false).
        :raises OSError: when the folder cannot be written.
        """
        writer = self._writer(wait)
        if writer is None:
            return False
        if replace_all:
            writer.delete_all_documents()
        for passage_id in [*deleted, *([] if replace_all else added)]:
            writer.delete_documents_by_term("id", passage_id)
        self._add(writer, added)
        writer.commit()
        writer.wait_merging_threads()  # the writer's lock goes with it
        if self.folder is None:
            self._applied = seq
        else:
            _write_atomically(self.folder / APPLIED_FILE, str(seq))
        self._index.reload()
        return True

    def _add(self, writer, added: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
        import tantivy

        ids = list(added)
        for start in range(0, len(ids), 10_000):
            batch = ids[start : start + 10_000]
            for passage_id, stems in zip(batch, word_stems([added[i] for i in batch]), strict=True):
                writer.add_document(tantivy.Document(id=passage_id, terms=" ".join(stems)))

    def _writer(self, wait: bool):  # type: ignore[no-untyped-def]
        """tantivy's writer, which holds the folder's lock file while it lives; None when
        another process holds it and we may not wait (or waited too long)."""
        deadline = time.monotonic() + (self._wait_seconds if wait else 0)
        while True:
            try:
                return self._index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as error:
                if "lock" not in str(error).lower():
                    raise OSError(
                        f"cannot write the lexical index {self.folder}: {error}"
                    ) from error
                if time.monotonic() >= deadline:
                    if wait:
                        raise OSError(
                            f"another process kept the lexical index {self.folder} locked for "
                            f"{self._wait_seconds:g} s"
                        ) from error
                    return None
                time.sleep(0.05)


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)
