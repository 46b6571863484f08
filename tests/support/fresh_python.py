"""A script run in a new Python process of the project: what it imports starts from nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.corpus import ROOT


def run_fresh(script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` with `python -c` from the project's root; output captured as text."""
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
