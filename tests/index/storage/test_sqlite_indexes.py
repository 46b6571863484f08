"""The embedded backend's indexes: the contract, then the passage log, snapshots, repair after a
crash and the file leases."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from index.storage import factory
from index.storage.faiss import VectorIndexSettings
from index.storage.protocols import Storage
from index.storage.sqlite_indexes import LEXICAL_FOLDER, VECTORS_FOLDER
from index.storage.tantivy import TantivyIndex
from tests.index.storage.contract import (
    LeasesContract,
    OpenStorage,
    PassageIndexesContract,
    unit,
    write_passages,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def open_storage(data_dir: Path) -> Iterator[OpenStorage]:
    opened: list[Storage] = []

    def open_() -> Storage:
        opened.append(factory.open_sqlite(data_dir, VectorIndexSettings(), wait_seconds=5))
        return opened[-1]

    yield open_
    for storage in opened:
        storage.articles.close()


class TestSqliteIndexes(PassageIndexesContract):
    pass


class TestFileLeases(LeasesContract):
    pass


HOLDER = """
import sys
from pathlib import Path
from index.storage.file_leases import FileLeases
leases = FileLeases(Path(sys.argv[1]))
print(leases.try_hold("feeds"), flush=True)
sys.stdin.readline()
"""


def test_a_lease_is_free_once_the_process_holding_it_is_killed(
    data_dir: Path, open_storage: OpenStorage
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir / "leases")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    try:
        assert holder.stdout.readline() == "True\n"  # type: ignore[union-attr]
        storage = open_storage()
        assert not storage.leases.try_hold("feeds")
        holder.kill()
        holder.wait()
        assert storage.leases.try_hold("feeds")
    finally:
        holder.kill()
        holder.communicate()


def test_the_lexical_folder_left_behind_by_a_crash_is_caught_up(
    open_storage: OpenStorage, data_dir: Path
) -> None:
    ids = write_passages(open_storage())
    # As if the writer died between its commit and updating the lexical folder.
    TantivyIndex(data_dir / LEXICAL_FOLDER, 1).apply({}, [], 0, replace_all=True)
    reader = open_storage()
    assert reader.indexes.lexical.search("troops", 5)[0].tolist() == [ids[0]]
    assert TantivyIndex(data_dir / LEXICAL_FOLDER, 1).applied() > 0


def test_applying_changes_again_doubles_nothing(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "lexical", 1)
    for _ in range(2):
        index.apply({7: "Troops crossed the border.", 8: "Bananas ripen."}, [], seq=2)
    assert len(index) == 2
    assert index.applied() == 2
    index.apply({}, [7, 99], seq=3)
    assert index.search("troops border bananas", 5)[0].tolist() == [8]


def test_a_snapshot_is_written_once_many_changes_would_be_replayed(
    open_storage: OpenStorage, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.storage.sqlite_indexes as module

    monkeypatch.setattr(module, "_SNAPSHOT_MIN_CHANGES", 6)
    storage = open_storage()
    write_passages(storage)  # 4 changes: replayed by whoever opens the corpus
    assert not list((data_dir / VECTORS_FOLDER).glob("*.faiss"))
    second = write_passages(storage, key="https://example.com/b")  # 8: worth a snapshot
    snapshots = list((data_dir / VECTORS_FOLDER).glob("*.faiss"))
    assert [p.name for p in snapshots] == ["8.faiss"]
    reader = open_storage()
    assert len(reader.indexes.vectors) == 8
    assert second[2] in reader.indexes.vectors.search(unit(0, 0, 1), 2)[0].tolist()


def test_the_log_is_trimmed_to_what_the_snapshot_and_folder_lack(
    open_storage: OpenStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.storage.sqlite_indexes as module

    monkeypatch.setattr(module, "_SNAPSHOT_MIN_CHANGES", 4)
    writer, reader = open_storage(), open_storage()
    assert len(reader.indexes.vectors) == 0  # loaded before the writes, at change 0
    write_passages(writer)  # 4 changes, and a snapshot of them
    write_passages(writer, key="https://example.com/b")  # trims changes 1-3 as it begins
    reader.indexes.refresh()  # too far behind to replay: it loads the snapshot first
    assert len(reader.indexes.vectors) == 8
    found = reader.indexes.vectors.search(unit(0, 0, 1), 2)[0]
    assert len(set(found.tolist())) == 2


def test_an_index_from_before_the_log_is_built_from_the_database(
    open_storage: OpenStorage, data_dir: Path
) -> None:
    ids = write_passages(open_storage())
    for folder in (LEXICAL_FOLDER, VECTORS_FOLDER):
        subprocess.run(["rm", "-rf", str(data_dir / folder)], check=True)
    reopened = open_storage()
    assert reopened.indexes.lexical.search("troops", 5)[0].tolist() == [ids[0]]
    assert reopened.indexes.vectors.search(unit(0, 1, 0), 1)[0].tolist() == [ids[1]]
    assert len(reopened.indexes.vectors) == 4
    np.testing.assert_array_equal(
        np.sort(reopened.indexes.vectors.search(unit(1), 10)[0]), np.sort(ids)
    )


def test_passages_stored_before_the_log_are_searched_after_the_migration(
    data_dir: Path, open_storage: OpenStorage
) -> None:
    ids = write_passages(open_storage())
    database = data_dir / "newsbot.sqlite3"
    with closing(sqlite3.connect(database)) as db:  # back to schema 5, as an older newsbot left it
        db.executescript(
            "DROP TRIGGER passage_inserted; DROP TRIGGER passage_deleted; DROP TABLE passage_log;"
            "DROP TABLE article_versions; ALTER TABLE feed_entries DROP COLUMN revision;"
            "DROP TABLE minhash_bands;"
            "PRAGMA user_version = 5;"
        )
    for folder in (LEXICAL_FOLDER, VECTORS_FOLDER):
        shutil.rmtree(data_dir / folder, ignore_errors=True)
    migrated = open_storage()
    assert migrated.indexes.lexical.search("troops", 5)[0].tolist() == [ids[0]]
    assert len(migrated.indexes.vectors) == 4
