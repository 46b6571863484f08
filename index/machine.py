"""This machine as speed depends on it, and what was measured on it, kept in the model cache.

Defaults that depend on speed (the encoder backend, how far exact vector search stays cheap) are
measured once and recorded under a key made of the CPU (model and instruction-set flags) and the
versions of the packages that run the measured code. Another machine sharing the cache folder,
or an upgrade of any of those packages, has another key, so it measures afresh.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The packages whose versions change what is measured: the encoder runtimes and FAISS.
PACKAGES = (
    "numpy",
    "faiss-cpu",
    "onnxruntime",
    "openvino",
    "tokenizers",
    "torch",
    "sentence-transformers",
)
# The instruction-set flags that matter to matrix products, shown to people (all are keyed).
_SIMD = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512", "amx", "vnni", "neon", "asimd", "sve")
_RECORDS = "measured"


@dataclass(frozen=True)
class Machine:
    """The CPU and the package versions measurements here hold for."""

    cpu: str
    flags: tuple[str, ...]
    cores: int
    packages: tuple[tuple[str, str], ...]  # (name, version); absent packages are left out

    def key(self) -> str:
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode())
        return digest.hexdigest()[:16]

    def simd_flags(self) -> tuple[str, ...]:
        """The flags that matter to vector arithmetic, for a report."""
        return tuple(flag for flag in self.flags if flag.startswith(_SIMD))

    def describe(self) -> dict[str, Any]:
        return {
            "cpu": self.cpu,
            "cores": self.cores,
            "simd_flags": list(self.simd_flags()),
            "packages": dict(self.packages),
            "key": self.key(),
        }


@cache
def this_machine() -> Machine:
    cpu, flags = _cpu()
    packages = []
    for name in PACKAGES:
        try:
            packages.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return Machine(cpu, flags, os.cpu_count() or 1, tuple(packages))


def _cpu() -> tuple[str, tuple[str, ...]]:
    """The CPU's model name and flags from /proc/cpuinfo, or what `platform` says elsewhere."""
    name, flags = "", ""
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        field, _, value = line.partition(":")
        field = field.strip().lower()
        if field in ("model name", "hardware", "cpu model") and not name:
            name = value.strip()
        elif field in ("flags", "features") and not flags:
            flags = value
    return name or platform.processor() or platform.machine(), tuple(sorted(set(flags.split())))


def cache_dir() -> Path:
    """The model cache: $NEWSBOT_CACHE_DIR, else the user's cache folder."""
    if os.environ.get("NEWSBOT_CACHE_DIR"):
        return Path(os.environ["NEWSBOT_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbot" / "models"


def record_path(folder: Path, topic: str, machine: Machine | None = None) -> Path:
    machine = machine or this_machine()
    return folder / _RECORDS / f"{topic}-{machine.key()}.json"


def read_record(folder: Path, topic: str, machine: Machine | None = None) -> dict[str, Any] | None:
    """What was measured about `topic` on this machine, or None when it never was (or the
    record is unreadable, which is measured again the same way)."""
    path = record_path(folder, topic, machine)
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("ignoring the unreadable measurement %s: %s", path, error)
        return None
    return record if isinstance(record, dict) else None


def write_record(
    folder: Path, topic: str, record: dict[str, Any], machine: Machine | None = None
) -> None:
    """Keep `record` for this machine; written aside and renamed, so a reader never sees half.
    A cache that cannot be written only means measuring again next time."""
    machine = machine or this_machine()
    path = record_path(folder, topic, machine)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({**record, "machine": machine.describe()}, indent=1))
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        log.warning("could not record a measurement in %s: %s", path.parent, error)
