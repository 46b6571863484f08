"""The benchmark suite: quality on SQuAD, speed, scale, and peers; writes report.md.

    python -m bench.suite --full         # bench/report.md: up to 1M passages, every backend
    python -m bench.suite --quick        # bench/quick/: 1k-100k passages; ~5 minutes on 2 cores
    python -m bench.suite --smoke        # bench/smoke/: smallest size, few questions; a minute

SQuAD comes from --squad PATH, else $NEWSBOT_SQUAD, else ../shared/eval; without it the
quality part is skipped with a message and the scale corpora are built from the seed articles.
Every comparison is a ratio of figures measured in the same run, on the same machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench import peers, quality, scale, speed, tune_retrieval
from bench.common import (
    ROOT,
    Squad,
    first_articles,
    load_squad,
    machine,
    run_json,
    squad_path,
    thin,
)
from bench.sections import write_report
from index.embedding import Embedder, EmbeddingSettings


@dataclass(frozen=True)
class Plan:
    name: str
    sizes: tuple[int, ...]
    questions: int | None  # SQuAD questions a half for retrieval figures (None: all)
    asks: int | None  # questions put through bot.core.answer.ask
    quantized_questions: int | None
    peer_questions: int | None
    scale_questions: int
    ingest_paragraphs: int
    encoder_sentences: int
    encoder_rounds: int
    cold_runs: int
    backends: tuple[str, ...]  # compared for ingest speed and quality cost
    peers: tuple[str, ...] | None  # name patterns; None: every peer
    kinds: tuple[str, ...] = ("flat", "hnsw", "ivfpq")
    profile: bool = True
    squad_articles: int | None = None  # the first N SQuAD articles only (None: all 24)
    quality_backends: tuple[str, ...] = ("onnx-int8",)  # whose retrieval quality is compared
    # Articles ingested into the largest corpus, one at a time, while another thread asks.
    scale_ingests: int = 20
    # Corpus sizes measured on PostgreSQL (a server started for the run).
    postgres_sizes: tuple[int, ...] = (10_000,)


MODES = {
    "smoke": Plan(
        name="smoke",
        sizes=(1000,),
        questions=80,
        asks=40,
        quantized_questions=40,
        peer_questions=40,
        scale_questions=40,
        ingest_paragraphs=24,
        scale_ingests=2,
        postgres_sizes=(1000,),
        encoder_sentences=150,
        encoder_rounds=1,
        cold_runs=1,
        backends=("onnx-int8",),
        peers=("bm25",),
        squad_articles=4,
    ),
    "quick": Plan(
        name="quick",
        sizes=(1000, 10_000, 100_000),
        questions=None,
        asks=500,
        quantized_questions=600,
        peer_questions=600,
        scale_questions=200,
        ingest_paragraphs=200,
        encoder_sentences=400,
        encoder_rounds=2,
        cold_runs=5,
        backends=("onnx-int8", "openvino"),
        peers=None,
    ),
    "full": Plan(
        name="full",
        sizes=(1000, 10_000, 100_000, 1_000_000),
        postgres_sizes=(100_000, 1_000_000),
        questions=None,
        asks=None,
        quantized_questions=None,
        peer_questions=None,
        scale_questions=500,
        ingest_paragraphs=913,
        encoder_sentences=3000,
        encoder_rounds=3,
        cold_runs=5,
        backends=("onnx-int8", "openvino"),
        peers=None,
        quality_backends=("torch", "onnx-int8", "openvino"),
    ),
}


def embedder(name: str) -> Embedder:
    backend, _, quantize = name.partition("-")
    return Embedder(EmbeddingSettings(backend=backend, quantize=quantize or "none"))


@dataclass
class Run:
    plan: Plan
    work: Path
    out: Path
    squad_file: Path
    results: dict = field(default_factory=dict)

    def timed(self, part: str, call):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        print(f"[bench] {part} ...", flush=True)
        value = call()
        self.results.setdefault("seconds", {})[part] = round(time.perf_counter() - start, 1)
        return value


def run(plan: Plan, out: Path, squad_file: Path, work: Path | None = None) -> dict:
    """Run every part of `plan` and write `out`/report.md; returns the results."""
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="newsbot-bench-", dir=work))
    state = Run(plan, folder, out, squad_file)
    results = state.results
    results["plan"] = plan.__dict__
    results["machine"] = machine()
    results["auto"] = state.timed("auto choice", _auto_choice)
    main = embedder("onnx")
    squad = (
        first_articles(load_squad(squad_file), plan.squad_articles) if squad_file.exists() else None
    )
    try:
        if squad is None:
            results["squad_missing"] = str(squad_file)
        else:
            state.timed("quality", lambda: _quality(state, squad, main))
            state.timed("speed", lambda: _speed(state, squad, main))
        state.timed("scale", lambda: _scale(state, squad, main))
        results["shared_corpus"] = state.timed(
            "shared corpus",
            lambda: {
                backend: run_json(["-m", "bench.shared_corpus", "--backend", backend])
                for backend in ("sqlite", "postgres")
            },
        )
        data_dir = folder / "squad-onnx" if squad else folder / f"scale-{plan.sizes[0]}"
        question = squad.questions[1].text if squad else "How many Chinese troops?"
        results["cold_start"] = state.timed(
            "cold start", lambda: speed.cold_start(data_dir, plan.cold_runs, question)
        )
        if squad is not None:
            results["peers"] = state.timed(
                "peers",
                lambda: peers.run(
                    squad, thin(squad.half("report"), plan.peer_questions), plan.peers
                ),
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results["total_s"] = round(time.perf_counter() - started, 1)
    import os

    results["machine"]["load_1min_at_end"] = f"{os.getloadavg()[0]:.2f}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    write_report(results, out)
    return results


def _quality(state: Run, squad: Squad, main: Embedder) -> None:
    plan, results = state.plan, state.results
    built = quality.build_library(squad, state.work / "squad-onnx", main)
    report_half = thin(squad.half("report"), plan.questions)
    tune_half = thin(squad.half("tune"), plan.questions)
    found = {
        "report": quality.candidates(built, report_half, main),
        "tune": quality.candidates(built, tune_half, main),
    }
    results["quality"] = {
        "questions": {"report": len(report_half), "tune": len(tune_half)},
        "paragraphs": len(squad.paragraphs),
        "passages": built.ingest["passages"],
        "ablation": quality.signal_ablation(found["report"], report_half),
        "tuning": tune_retrieval.tune((tune_half, found["tune"]), (report_half, found["report"])),
        "lexical_engines": quality.lexical_engines(
            built, {"tune": tune_half, "report": report_half}, plan.asks
        ),
        "newsbot": {
            "onnx": {
                "search": quality.newsbot_search(built, report_half),
                "answer": quality.answer_accuracy(built, thin(report_half, plan.asks)),
            }
        },
    }
    quantized = thin(report_half, plan.quantized_questions)
    rows = {"onnx": _quality_row(built, quantized, plan)}
    built.library.close()
    for name in plan.quality_backends:
        other = quality.build_library(squad, state.work / f"squad-{name}", embedder(name))
        rows[name] = _quality_row(other, quantized, plan)
        other.library.close()
        shutil.rmtree(state.work / f"squad-{name}", ignore_errors=True)
    results["quality"]["backends"] = rows
    results["quality"]["storage"] = {
        "sqlite": rows["onnx"],
        "postgres": _postgres_quality(state, squad, main, quantized),
    }


def _postgres_quality(state: Run, squad: Squad, main: Embedder, questions: list) -> dict:
    """The same corpus and questions with the PostgreSQL backend (pgvector HNSW, SQL BM25)."""
    from tests.support.postgres import PostgresServer

    server = PostgresServer()
    try:
        with server.database() as url:
            built = quality.build_library(squad, state.work / "squad-postgres", main, url)
            row = _quality_row(built, questions, state.plan)
            built.library.close()
            return row
    finally:
        server.stop()


def _quality_row(built: quality.SquadLibrary, questions: list, plan: Plan) -> dict:
    return {
        "search": quality.newsbot_search(built, questions),
        "answer": quality.answer_accuracy(built, thin(questions, plan.asks)),
    }


def _auto_choice() -> dict:
    """What `auto` chooses on this machine, measured afresh in this run: each backend's time
    on the fixed sample (torch's the baseline), and the cost of an exact scan with the flat
    limit it gives. Recorded in the model cache as a first use would."""
    from index.embedding.choice import auto_backend
    from index.machine import cache_dir
    from index.storage.faiss import VectorIndexSettings
    from index.storage.vector_cost import flat_limit, flat_scan_cost

    settings = EmbeddingSettings()
    choice = auto_backend(settings, cache_dir(), remeasure=True)
    dimension = Embedder(replace(settings, backend="onnx")).dimension
    cost = flat_scan_cost(dimension, cache_dir(), remeasure=True)
    return {
        "backend": choice.as_dict(),
        "flat_scan_ns_per_vector": round(cost * 1e9, 2),
        "flat_limit": flat_limit(VectorIndexSettings(), cost),
        "flat_max_milliseconds": VectorIndexSettings().flat_max_milliseconds,
    }


def _speed(state: Run, squad: Squad, main: Embedder) -> None:
    plan = state.plan
    # "auto": the default settings, so the ingest target compares what a user gets to torch.
    names = ["torch", "onnx", "auto", *[b for b in plan.backends if b not in ("torch", "onnx")]]
    options = {
        "articles": plan.squad_articles or 0,
        "paragraphs": plan.ingest_paragraphs,
        "sentences": plan.encoder_sentences,
        "rounds": plan.encoder_rounds,
        "questions": 100,
    }
    state.results.update(speed.by_backend(state.squad_file, options, names))
    state.results["cli_ingest"] = speed.cli_ingest(
        squad, state.work, plan.ingest_paragraphs, max(1, min(plan.cold_runs, 3))
    )


def _scale(state: Run, squad: Squad | None, main: Embedder) -> None:
    plan = state.plan
    pool = state.work / "pool.json"
    state.results["pool"] = scale.make_pool(pool, squad, main)
    state.results["scale"] = _sizes(state, pool, plan.sizes, ",".join(plan.kinds), None)
    from tests.support.postgres import PostgresServer

    server = PostgresServer()
    try:
        with server.database() as url:
            state.results["scale_postgres"] = _sizes(state, pool, plan.postgres_sizes, "", url)
    finally:
        server.stop()


def _sizes(
    state: Run, pool: Path, sizes: tuple[int, ...], kinds: str, database_url: str | None
) -> dict:
    """Build and measure a corpus of each size (in `database_url`, else a data folder)."""
    plan, found = state.plan, {}
    where = ["--database-url", database_url] if database_url else []
    for size in sizes:
        folder = state.work / f"scale-{size}{'-postgres' if database_url else ''}"
        largest = size == sizes[-1]
        print(f"[bench]   {size:,} passages{' (PostgreSQL)' if where else ''}: build", flush=True)
        built = run_json(
            [
                *("-m", "bench.scale", "build", "--pool", str(pool), "--size", str(size)),
                *("--dir", str(folder), "--kinds", kinds if largest else "", *where),
            ]
        )
        print(f"[bench]   {size:,} passages: measure", flush=True)
        measured = run_json(
            [
                *("-m", "bench.scale", "measure", "--pool", str(pool), "--dir", str(folder)),
                *("--questions", str(plan.scale_questions), "--kinds", kinds if largest else ""),
                *("--ingests", str(plan.scale_ingests if largest else 0), *where),
                *(["--profile"] if largest and plan.profile and not where else []),
            ]
        )
        found[size] = {"build": built, "measure": measured}
        if size != sizes[0] or where:
            shutil.rmtree(folder, ignore_errors=True)
        if where and not largest:
            _empty(database_url)  # type: ignore[arg-type]
    return found


def _empty(database_url: str) -> None:
    """Drop every table of a benchmark database, for the next size to start afresh."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    for name in MODES:
        mode.add_argument(f"--{name}", dest="mode", action="store_const", const=name)
    parser.add_argument("--squad", help="SQuAD v1.1 JSON (default: $NEWSBOT_SQUAD or ../shared)")
    parser.add_argument(
        "--out", type=Path, help="where report.md goes (full: bench/, else bench/<mode>/)"
    )
    parser.add_argument("--sizes", help="comma-separated corpus sizes (overrides the mode's)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: /tmp)")
    args = parser.parse_args()
    plan = MODES[args.mode or "quick"]
    if args.sizes:
        plan = replace(plan, sizes=tuple(int(s) for s in args.sizes.split(",")))
    path = squad_path(args.squad)
    if not path.exists():
        print(f"[bench] no SQuAD file at {path}: skipping quality; pass --squad or NEWSBOT_SQUAD")
    out = args.out or ROOT / "bench" / ("" if plan.name == "full" else plan.name)
    results = run(plan, out, path, args.work)
    print(f"[bench] wrote {out / 'report.md'} in {results['total_s']:.0f} s")


if __name__ == "__main__":
    main()
