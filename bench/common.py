"""What every benchmark part shares: the machine, timing, memory, and the SQuAD data."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQUAD = ROOT.parent / "shared" / "eval" / "squad-dev-v1.1-first24.json"


def squad_path(option: str | None = None) -> Path:
    """--squad PATH, else $NEWSBOT_SQUAD, else ../shared/eval relative to the repo."""
    return Path(option or os.environ.get("NEWSBOT_SQUAD") or DEFAULT_SQUAD).expanduser()


def machine() -> dict[str, str]:
    """One line a reader can compare: processor, cores, memory, versions, load at the start."""
    import faiss
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    versions = {"python": platform.python_version(), "numpy": numpy.__version__}
    versions["faiss"] = faiss.__version__
    for name in ("torch", "onnxruntime", "openvino", "sentence_transformers"):
        versions[name] = _version(name)
    from index.machine import this_machine

    here = this_machine()
    return {
        "cpu": cpu,
        "simd_flags": " ".join(here.simd_flags()),
        "key": here.key(),
        "cores": str(os.cpu_count()),
        "memory_gib": f"{memory:.0f}",
        "load_1min_at_start": f"{load:.2f}",
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items() if v),
        "short": f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python "
        f"{platform.python_version()}",
    }


def _version(module: str) -> str:
    from importlib import metadata

    names = {"sentence_transformers": "sentence-transformers"}
    try:
        return metadata.version(names.get(module, module))
    except metadata.PackageNotFoundError:
        return ""


def rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_summary(milliseconds: list[float]) -> dict[str, float]:
    total_s = sum(milliseconds) / 1000
    return {
        "count": len(milliseconds),
        "p50_ms": round(statistics.median(milliseconds), 2),
        "p95_ms": round(percentile(milliseconds, 0.95), 2),
        "per_s": round(len(milliseconds) / total_s, 1) if total_s else 0.0,
    }


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def run_json(args: list[str], timeout: float = 3600) -> dict:
    """Run a bench worker in a fresh process (so its memory is its own); its last line is JSON."""
    done = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- SQuAD ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    article: int
    paragraph: int  # index into Squad.paragraphs
    text: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Squad:
    titles: list[str]
    paragraphs: list[tuple[int, str]]  # (article index, context)
    questions: list[Question]

    def half(self, name: str) -> list[Question]:
        """`tune`: questions of even-numbered articles; `report`: of odd-numbered ones."""
        parity = 0 if name == "tune" else 1
        return [q for q in self.questions if q.article % 2 == parity]


def load_squad(path: Path) -> Squad:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    titles, paragraphs, questions = [], [], []
    for a, article in enumerate(data):
        titles.append(article["title"].replace("_", " "))
        for paragraph in article["paragraphs"]:
            number = len(paragraphs)
            paragraphs.append((a, paragraph["context"]))
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(x["text"] for x in qa["answers"]))
                questions.append(Question(a, number, qa["question"].strip(), answers))
    return Squad(titles, paragraphs, questions)


def first_articles(squad: Squad, count: int | None) -> Squad:
    """The corpus and questions of the first `count` articles (all when None)."""
    if count is None or count >= len(squad.titles):
        return squad
    paragraphs = [p for p in squad.paragraphs if p[0] < count]
    questions = [q for q in squad.questions if q.article < count]
    return Squad(squad.titles[:count], paragraphs, questions)


def thin(questions: list[Question], limit: int | None) -> list[Question]:
    """An evenly spread subset of at most `limit` questions (all when no limit)."""
    if not limit or len(questions) <= limit:
        return questions
    step = len(questions) / limit
    return [questions[int(i * step)] for i in range(limit)]


def contains_answer(sentence: str, answers: Iterable[str]) -> bool:
    text = " ".join(sentence.split()).casefold()
    return any(" ".join(a.split()).casefold() in text for a in answers)


def rank_metrics(ranks: list[int | None]) -> dict[str, float]:
    """Recall@1/5/20 and MRR from the 1-based rank of the right item (None: not returned)."""
    count = len(ranks) or 1
    found = [r for r in ranks if r is not None]
    return {
        "R@1": round(sum(r <= 1 for r in found) / count, 3),
        "R@5": round(sum(r <= 5 for r in found) / count, 3),
        "R@20": round(sum(r <= 20 for r in found) / count, 3),
        "MRR": round(sum(1 / r for r in found) / count, 3),
    }


def rank_of(wanted: int, ranked: Iterable[int]) -> int | None:
    """1-based position of `wanted` among distinct items of `ranked`."""
    seen: list[int] = []
    for item in ranked:
        if item not in seen:
            seen.append(item)
            if item == wanted:
                return len(seen)
    return None


def timed_runs(command: list[str], runs: int) -> dict:
    """Wall time of `command` as a new process: median and least of `runs`."""
    if runs > 1:  # warm the OS file cache (a single run is a smoke test: no need)
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        seconds.append(time.perf_counter() - start)
    return {
        "runs": runs,
        "median_s": round(statistics.median(seconds), 2),
        "min_s": round(min(seconds), 2),
    }
