"""A data folder newsbot may not write to still answers; only a write fails, in one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index.library import Library
from index.models import Document
from index.storage.protocols import StoreError
from tests.support.corpus import (
    BRIDGE_TITLE,
    SEED_TITLE,
    TROOPS_QUESTION,
    assert_answers_troops_question,
    snapshot,
)
from tests.support.processes import start

READ_ONLY = "is read-only: newsbot can answer from it but not write to it"


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """`folder` and everything in it without write permission, for the block."""
    paths = [folder, *folder.rglob("*")]
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        path.chmod(modes[path] & ~0o222)
    try:
        yield
    finally:
        for path in paths:
            path.chmod(modes[path])


def test_an_unwritable_folder_answers_and_refuses_a_write(library: Library) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes whatever the permissions say (the mount test covers root)")
    before = snapshot(library)
    library.close()
    with unwritable(library.data_dir):
        reader = Library(library.data_dir, library.settings, library.embedder)
        try:
            assert snapshot(reader) == before
            assert_answers_troops_question(reader)
            with pytest.raises(StoreError) as caught:
                reader.ingest([Document(key="new", title="New", text="It lands nowhere.")])
            assert str(caught.value) == f"{library.data_dir} {READ_ONLY}"
            assert snapshot(reader) == before
        finally:
            reader.close()


def _read_only_mount(folder: Path) -> tuple[str, ...]:
    """A command prefix that runs what follows with `folder` mounted read-only over itself, in
    a mount namespace of its own: read-only even for root."""
    prefix = (
        "unshare",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        'mount --bind -o ro "$0" "$0" && exec "$@"',
        str(folder),
    )
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount a folder read-only")
    probe = subprocess.run([*prefix, sys.executable, "-c", ""], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a folder read-only here: {probe.stderr.strip()}")
    return prefix


@pytest.mark.parametrize("writer_open", [False, True], ids=["closed", "open elsewhere"])
def test_a_read_only_mount_answers_and_refuses_a_write(library: Library, writer_open: bool) -> None:
    """On a read-only file system: when no process has the database open there is no `-shm`
    file and none can be made; when one has, its `-shm` is there to read."""
    data_dir = library.data_dir
    if not writer_open:
        library.close()
    prefix = _read_only_mount(data_dir)
    before = sorted(path.name for path in data_dir.rglob("*"))

    reader = start("read", str(data_dir), TROOPS_QUESTION, prefix=prefix)
    out, err = reader.communicate(timeout=120)

    assert reader.returncode == 0, err
    assert "Traceback" not in err
    read = json.loads(out)
    assert sorted(read["titles"]) == sorted([SEED_TITLE, BRIDGE_TITLE])
    assert read["top"] == SEED_TITLE
    assert read["write_error"] == f"{data_dir} {READ_ONLY}"
    assert sorted(path.name for path in data_dir.rglob("*")) == before
