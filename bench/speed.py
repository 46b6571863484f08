"""Ingest throughput, encoder throughput, query embedding latency and cold start, by backend.

Worker (run by bench.suite, one process a backend):
  python -m bench.speed --squad PATH --backend onnx-int8 --paragraphs 100 --sentences 400 ...
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (
    Squad,
    first_articles,
    latency_summary,
    load_squad,
    run_json,
    thin,
    timed_runs,
)
from bench.quality import build_library
from index.chunking import split_sentences
from index.embedding import Embedder, EmbeddingSettings, resolve_model


def by_backend(squad_file: Path, plan_args: dict, names: list[str]) -> dict:
    """Each backend measured in its own fresh process, so no runtime's idle threads (torch's
    OpenMP, onnxruntime's and openvino's pools) compete with another's work."""
    results: dict = {"ingest": {}, "encoder": {}, "query_embedding": {}}
    profiled = "onnx-int8" if "onnx-int8" in names else names[-1]
    for name in ["sentence-transformers default", *names]:
        args = ["-m", "bench.speed", "--squad", str(squad_file), "--backend", name]
        args += [f"--{key}={value}" for key, value in plan_args.items()]
        args += [f"--profile={int(name == profiled)}"]  # the fast path: what is left to speed up
        measured = run_json(args)
        for part in results:
            if part in measured:
                results[part][name] = measured[part]
        if "ingest_profile" in measured:
            results["ingest_profile"] = {"backend": name, "rows": measured["ingest_profile"]}
    base = results["encoder"]["sentence-transformers default"]["tokens_per_s"]
    for row in results["encoder"].values():
        row["speedup"] = round(row["tokens_per_s"] / base, 2)
    return results


def measure_backend(
    squad: Squad,
    name: str,
    paragraphs: int,
    sentences: int,
    rounds: int,
    questions: int,
    profile: bool = False,
) -> dict:
    """Ingest, encoder and one-query figures of one backend (a worker process's whole job)."""
    subset = Squad(squad.titles, squad.paragraphs[:paragraphs], [])
    texts = [t[s.start : s.end] for _, t in squad.paragraphs for s in split_sentences(t)]
    texts = texts[:sentences]
    asked = [q.text for q in thin(squad.questions, questions)]
    if name == "sentence-transformers default":
        from sentence_transformers import SentenceTransformer

        plain = SentenceTransformer(resolve_model("all-MiniLM-L6-v2"), device="cpu")
        counter = Embedder(EmbeddingSettings(backend="onnx"))
        return {"encoder": _encoder(lambda: plain.encode(texts), texts, counter, rounds)}
    backend, _, quantize = name.partition("-")
    embedder = Embedder(EmbeddingSettings(backend=backend, quantize=quantize or "none"))
    embedder.encode(["warm up the model"])
    result: dict = {"encoder": _encoder(lambda: embedder.encode(texts), texts, embedder, rounds)}
    with tempfile.TemporaryDirectory() as folder:
        built = build_library(subset, Path(folder), embedder)
        result["ingest"] = built.ingest
        built.library.close()
    if profile:  # a second ingest, so the profiler's overhead never reaches the figure above
        from bench.scale import profile_rows

        with tempfile.TemporaryDirectory() as folder:
            rows, built = profile_rows(lambda: build_library(subset, Path(folder), embedder))
            result["ingest_profile"] = rows
            built.library.close()
    timings = []
    for question in asked:
        start = time.perf_counter()
        embedder.encode([question])
        timings.append((time.perf_counter() - start) * 1000)
    result["query_embedding"] = latency_summary(timings)
    return result


def _encoder(call, texts: list[str], counter: Embedder, rounds: int) -> dict:  # type: ignore[no-untyped-def]
    """Tokens a second of the encoder alone: median of `rounds` after a warm-up call."""
    tokens = sum(counter.count_tokens(t) for t in texts)
    call()
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    return {
        "sentences": len(texts),
        "tokens": tokens,
        "seconds_median": round(median, 3),
        "tokens_per_s": round(tokens / median),
    }


def cold_start(data_dir: Path, runs: int, question: str) -> dict:
    """Process start to answer printed, median of `runs` (after a run that warms the OS cache),
    for `newsbot ask` with each backend; and what importing torch's stack alone costs."""
    newsbot = str(Path(sys.executable).parent / "newsbot")
    results: dict = {}
    for backend in ("auto", "onnx", "torch"):
        config = data_dir.parent / f"cold-{backend}.toml"
        config.write_text(f'[model]\nbackend = "{backend}"\n')
        command = [newsbot, "--config", str(config), "--data-dir", str(data_dir), "ask", question]
        results[backend] = timed_runs(command, runs)
        results[backend]["command"] = " ".join(
            "<data-dir>" if c == str(data_dir) else Path(c).name if i < 4 else c
            for i, c in enumerate(command)
        )
    imports = [sys.executable, "-c", "import sentence_transformers"]
    results["torch"]["imports_s"] = timed_runs(imports, runs)["median_s"]
    return results


def cli_ingest(squad: Squad, work: Path, paragraphs: int, runs: int) -> dict:
    """`newsbot ingest FOLDER` as a user runs it, process start included, into a fresh data
    folder each run: the default settings (auto) against `backend = "torch"`, median of `runs`.
    The folder holds the first `paragraphs` SQuAD paragraphs, a file each."""
    newsbot = str(Path(sys.executable).parent / "newsbot")
    folder = work / "cli-ingest-articles"
    folder.mkdir(parents=True, exist_ok=True)
    for number, (article, text) in enumerate(squad.paragraphs[:paragraphs]):
        title = f"{squad.titles[article]} {number}"
        (folder / f"{number:04d}.md").write_text(f"---\ntitle: {title}\n---\n{text}\n")
    results: dict = {"articles": min(paragraphs, len(squad.paragraphs))}
    for backend in ("auto", "torch"):
        config = work / f"cli-ingest-{backend}.toml"
        config.write_text(f'[model]\nbackend = "{backend}"\n')
        seconds = []
        for run in range(runs):
            data = work / f"cli-ingest-{backend}-{run}"
            command = [newsbot, "--config", str(config), "--data-dir", str(data), "ingest"]
            start = time.perf_counter()
            subprocess.run([*command, str(folder)], check=True, capture_output=True)
            seconds.append(time.perf_counter() - start)
        results[backend] = {"median_s": round(statistics.median(seconds), 2), "runs": runs}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--squad", type=Path, required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--articles", type=int, default=0, help="first N articles (0: all)")
    parser.add_argument("--paragraphs", type=int, default=100)
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--profile", type=int, default=0, help="1: profile the ingest")
    args = parser.parse_args()
    squad = first_articles(load_squad(args.squad), args.articles or None)
    result = measure_backend(
        squad,
        args.backend,
        args.paragraphs,
        args.sentences,
        args.rounds,
        args.questions,
        bool(args.profile),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
