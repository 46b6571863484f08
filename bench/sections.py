"""The sections of bench/report.md: targets first, then quality, speed, scale, peers, profile."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.report import TARGETS_MS, Figures, table
from index.embedding import EmbeddingSettings

DEFAULT_BACKEND = EmbeddingSettings().backend


def write_report(results: dict, out: Path) -> None:
    box = results["machine"]
    figures = Figures(out, f"{box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB")
    parts = [
        _header(results),
        _chosen(results),
        _targets(results),
        _quality(results, figures),
        _answers(out),
        _speed(results, figures),
        _scale(results, figures),
        _kinds(results, figures),
        _peers(results),
        _profile(results),
        _method(results),
    ]
    (out / "report.md").write_text("\n\n".join(p for p in parts if p) + "\n")


def _header(results: dict) -> str:
    box, plan = results["machine"], results["plan"]
    sizes = ", ".join(f"{s:,}" for s in plan["sizes"])
    return (
        "# newsbot benchmarks\n\n"
        f"Mode **{plan['name']}** (`python -m bench.suite --{plan['name']}`), corpus sizes {sizes}"
        f" passages; written {time.strftime('%Y-%m-%d %H:%M')} after "
        f"{results['total_s']:.0f} s.\n\n"
        f"Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB; vector "
        f"instructions {box.get('simd_flags') or 'not reported'}; {box['versions']}."
        f" Load average (1 min) {box['load_1min_at_start']} at the start and "
        f"{box.get('load_1min_at_end', '?')} at the end: other work shares this machine, so "
        "absolute times are upper bounds and the comparable figures are the ratios measured in "
        "this one run."
    )


def _largest(results: dict, size: int) -> dict | None:
    return results.get("scale", {}).get(size) or results.get("scale", {}).get(str(size))


def _targets(results: dict) -> str:
    rows = []
    at100k = _largest(results, 100_000)
    if at100k:
        ask = at100k["measure"]["ask"]
        rows.append(_row("warm ask at 100k passages, p50 < 25 ms", ask["p50_ms"], 25, "ms"))
        rows.append(_row("warm ask at 100k passages, p95 < 50 ms", ask["p95_ms"], 50, "ms"))
    encoder = results.get("encoder")
    if encoder:
        best = max(
            (n for n in encoder if n != "sentence-transformers default"),
            key=lambda n: encoder[n]["speedup"],
        )
        rows.append(
            [
                f"embedding tokens/s ≥ 2.5× sentence-transformers' default ({best})",
                f"{encoder[best]['speedup']:.2f}×",
                _met(encoder[best]["speedup"] >= 2.5),
            ]
        )
    ingest = results.get("ingest")
    if ingest and "torch" in ingest:
        base = ingest["torch"]["tokens_per_s"]
        best = max(ingest, key=lambda n: ingest[n]["tokens_per_s"])
        ratio = ingest[best]["tokens_per_s"] / base
        rows.append(
            [
                f"`Library.ingest` tokens/s ≥ 2.5× the torch backend ({best})",
                f"{ratio:.2f}×",
                _met(ratio >= 2.5),
            ]
        )
    at1m = _largest(results, 1_000_000)
    if at1m:
        measured = at1m["measure"]
        rows.append(
            _row(
                "1M passages: index resident memory < 1 GB", measured["index_rss_mib"], 1024, "MiB"
            )
        )
        rows.append(
            _row(
                "1M passages: total process RSS < 1 GB (stricter)",
                measured["rss_ready_mib"],
                1024,
                "MiB",
            )
        )
        rows.append(_row("1M passages: warm ask p95 < 50 ms", measured["ask"]["p95_ms"], 50, "ms"))
        if "ingest_one" in measured:
            rows.append(
                _row(
                    "1M passages: one article ingested, commit included, < 2 s (p95)",
                    measured["ingest_one"]["p95_ms"] / 1000,
                    2,
                    "s",
                )
            )
    else:
        rows.append(
            ["1M passages: < 1 GB resident, p95 < 50 ms", "not run in this mode", "see full mode"]
        )
    cold = results.get("cold_start", {}).get(DEFAULT_BACKEND)
    if cold:
        name = f"cold `newsbot ask` < 3 s (default backend, {DEFAULT_BACKEND})"
        rows.append(_row(name, cold["median_s"], 3, "s"))
    rows += _ratio_targets(results)
    postgres = results.get("scale_postgres", {})
    pg1m = postgres.get(1_000_000) or postgres.get("1000000")
    if pg1m:
        rows.append(
            _row(
                "PostgreSQL, 1M passages: warm ask p95 < 100 ms",
                pg1m["measure"]["ask"]["p95_ms"],
                100,
                "ms",
            )
        )
    storage = results.get("quality", {}).get("storage", {})
    if {"sqlite", "postgres"} <= set(storage):
        gap = (
            storage["sqlite"]["answer"]["top_quote_has_answer"]
            - storage["postgres"]["answer"]["top_quote_has_answer"]
        )
        rows.append(
            [
                "PostgreSQL: SQuAD first-quote quality within 0.02 of the embedded default",
                f"{gap:+.3f}",
                _met(gap <= 0.02),
            ]
        )
    for backend, item in results.get("shared_corpus", {}).items():
        seen = item["seen_after_ingest_s"]
        slowest = max((x for x in seen if x is not None), default=None)
        ok = not item["errors"] and None not in seen and slowest is not None and slowest < 5
        measured = "never seen" if slowest is None or None in seen else f"{max(slowest, 0):.2f} s"
        rows.append(
            [
                f"{backend}: two bots and an ingest at once: no errors, seen by both < 5 s",
                f"{measured}, {len(item['errors'])} errors",
                _met(ok),
            ]
        )
    return "## Targets\n\n" + table(["target", "measured", "met"], rows)


def _row(name: str, value: float, limit: float, unit: str) -> list[object]:
    return [name, f"{value:,.1f} {unit}" if unit != "s" else f"{value:.2f} s", _met(value < limit)]


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _quality(results: dict, figures: Figures) -> str:
    if "squad_missing" in results:
        return f"## 1. Quality\n\nSkipped: no SQuAD file at `{results['squad_missing']}`."
    found = results["quality"]
    count = found["questions"]["report"]
    rows, chart = [], {}
    for name, metrics in found["ablation"].items():
        rows.append([name, metrics["R@1"], metrics["R@5"], metrics["R@20"], metrics["MRR"]])
    newsbot = found["newsbot"]["onnx"]["search"]
    rows.append(
        [
            "**newsbot `Library.search`** (top 20)",
            newsbot["R@1"],
            newsbot["R@5"],
            newsbot["R@20"],
            newsbot["MRR"],
        ]
    )
    for peer in results.get("peers", []):
        if "error" not in peer:
            rows.append(
                [f"peer: {peer['name']}", peer["R@1"], peer["R@5"], peer["R@20"], peer["MRR"]]
            )
    for row in rows:
        chart[str(row[0]).replace("**", "").replace("`", "")] = (row[1], row[4])
    answer = found["newsbot"]["onnx"]["answer"]
    tuning = found["tuning"]
    tune_rows = [
        [
            half,
            label,
            tuning[half][key]["R@1"],
            tuning[half][key]["R@5"],
            tuning[half][key]["R@20"],
            tuning[half][key]["MRR"],
        ]
        for half in ("even (tune)", "odd (report)")
        for key, label in (
            ("current", f"current {tuple(tuning['current'])}"),
            ("chosen", f"chosen {tuple(tuning['chosen'])}"),
        )
    ]
    backend_rows = [
        [
            name,
            row["search"]["R@1"],
            row["search"]["R@5"],
            row["search"]["MRR"],
            row["answer"]["top_quote_has_answer"],
            row["search"]["ms_p50"],
        ]
        for name, row in found["backends"].items()
    ]
    engines = found.get("lexical_engines", {})
    engine_rows = [
        [
            name,
            half,
            row[half]["R@1"],
            row[half]["R@5"],
            row[half]["MRR"],
            row[half]["answer"]["top_quote_has_answer"],
            row[half]["ms_p50"],
        ]
        for name, row in engines.items()
        for half in ("tune", "report")
    ]
    picture = figures.bars(
        "quality.png",
        f"SQuAD odd-half articles: {count:,} questions, {found['paragraphs']} paragraphs",
        list(chart),
        {"Recall@1": [v[0] for v in chart.values()], "MRR": [v[1] for v in chart.values()]},
        f"Right paragraph's rank; {found['passages']:,} newsbot passages; all-MiniLM-L6-v2",
        horizontal=True,
    )
    verdict = (
        "The chosen weights beat the current ones on the odd half: see the patch in "
        "docs/benchmarks.md."
        if tuning["better_on_odd"]
        else "The chosen weights do not beat the current defaults on the odd half, so "
        "`RetrievalWeights` keeps its defaults."
    )
    return "\n\n".join(
        [
            "## 1. Quality on SQuAD (odd-numbered articles)",
            f"{count:,} questions over {found['paragraphs']} paragraphs ({found['passages']:,} "
            "newsbot passages). A hit is the question's own paragraph. Rows above newsbot rank the "
            "same candidates newsbot fuses (dense top-50 ∪ BM25 top-50) by one signal.",
            table(["method", "R@1", "R@5", "R@20", "MRR"], rows),
            f"Answers: the top quoted sentence of `bot.core.answer.ask` contains a gold answer for "
            f"**{answer['top_quote_has_answer']:.1%}** of {answer['questions']:,} questions "
            f"(answered at all: {answer['answered']:.1%}).",
            f"![quality]({picture})",
            "### Weights tuned on the even half (`python -m bench.tune_retrieval`)",
            table(
                ["half", "weights (sentence, passage, lexical)", "R@1", "R@5", "R@20", "MRR"],
                tune_rows,
            ),
            verdict,
            "### Lexical engines: newsbot's index (tantivy) against bm25s, same passages and stems",
            table(
                ["engine", "half", "R@1", "R@5", "MRR", "top quote has answer", "query p50 ms"],
                engine_rows,
            ),
            "### Storage backends: the same corpus and questions on SQLite and on PostgreSQL",
            table(
                ["storage", "R@1", "R@5", "MRR", "top quote has answer", "search p50 ms"],
                [
                    [
                        name,
                        row["search"]["R@1"],
                        row["search"]["R@5"],
                        row["search"]["MRR"],
                        row["answer"]["top_quote_has_answer"],
                        row["search"]["ms_p50"],
                    ]
                    for name, row in found.get("storage", {}).items()
                ],
            ),
            "### Embedding backends: the cost of each in quality",
            table(
                ["backend", "R@1", "R@5", "MRR", "top quote has answer", "search p50 ms"],
                backend_rows,
            ),
        ]
    )


# What users see, written by `make bench-answers` (bench/answers.py) beside this report.
ANSWERS = Path(__file__).parent / "answers"


def _answers(out: Path) -> str:
    """The headline of `make bench-answers`, with its figures, when it has been run."""
    found = ANSWERS / "results.json"
    if not found.is_file():
        return "## 1b. Answers users see\n\nNot measured yet: run `make bench-answers`."
    import json

    results = json.loads(found.read_text())
    headline = {"squad1": "holds answer", "squad2": "right quote or right abstention"}
    headline["quail"] = "combined"
    rows = []
    for name in results["variants"]:
        row: list[object] = [name]
        for set_name, metric in headline.items():
            for half in ("odd", "even"):
                value = results["scores"].get(set_name, {}).get(half, {}).get(name, {})
                row.append(value.get(metric, "–") if isinstance(value, dict) else "–")
        rows.append(row)
    where = Path(os.path.relpath(ANSWERS, out))
    pictures = [f"![{f}]({where}/{f})" for f in results.get("figures", [])]
    columns = [f"{s} {m} ({h})" for s, m in headline.items() for h in ("odd", "even")]
    return "\n\n".join(
        [
            "## 1b. Answers users see (`make bench-answers`)",
            "Every set ingested as article files and asked through `newsbot ask --json`; "
            f"the whole report is [{where}/report.md]({where}/report.md).",
            table(["variant", *columns], rows),
            *pictures,
        ]
    )


def _speed(results: dict, figures: Figures) -> str:
    if "ingest" not in results:
        return ""
    ingest, encoder, query = results["ingest"], results["encoder"], results["query_embedding"]
    base = ingest["torch"]["tokens_per_s"]
    ingest_rows = [
        [
            name,
            r["passages"],
            r["tokens"],
            r["seconds"],
            r["passages_per_s"],
            r["tokens_per_s"],
            f"{r['tokens_per_s'] / base:.2f}×",
        ]
        for name, r in ingest.items()
    ]
    encoder_rows = [
        [name, r["sentences"], r["tokens_per_s"], f"{r['speedup']:.2f}×"]
        for name, r in encoder.items()
    ]
    query_rows = [[name, r["p50_ms"], r["p95_ms"]] for name, r in query.items()]
    picture = figures.bars(
        "ingest.png",
        "Embedding throughput by backend (tokens/s)",
        list(encoder),
        {
            "encoder alone": [r["tokens_per_s"] for r in encoder.values()],
            "Library.ingest": [ingest.get(n, {}).get("tokens_per_s", 0) for n in encoder],
        },
        f"Encoder: {next(iter(encoder.values()))['sentences']} SQuAD sentences, median of rounds; "
        f"ingest: {next(iter(ingest.values()))['passages']} passages, one run each",
        ylabel="tokens/s",
    )
    return "\n\n".join(
        [
            "## 2. Speed",
            "### Ingest (`Library.ingest` of the same SQuAD paragraphs, warm model, fresh folder)",
            table(
                ["backend", "passages", "tokens", "s", "passages/s", "tokens/s", "× torch"],
                ingest_rows,
            ),
            "### Encoder alone (the same sentences; each backend in its own process)",
            table(
                ["path", "sentences", "tokens/s", "× sentence-transformers default"], encoder_rows
            ),
            f"![ingest]({picture})",
            "### One query's embedding",
            table(["backend", "p50 ms", "p95 ms"], query_rows),
            _ingest_profile(results),
        ]
    )


def _ingest_profile(results: dict) -> str:
    found = results.get("ingest_profile")
    if not found:
        return ""
    rows = [
        [r["function"][:80], r["calls"], r["own_s"], r["cumulative_s"], f"{r['own_share']:.0%}"]
        for r in found["rows"]
    ]
    return "\n\n".join(
        [
            f"### Where `Library.ingest` spends its time with {found['backend']} (cProfile)",
            table(["function", "calls", "own s", "cumulative s", "share of own time"], rows),
        ]
    )


def _scale(results: dict, figures: Figures) -> str:
    sizes = results.get("scale", {})
    if not sizes:
        return ""
    rows, xs = [], []
    series: dict[str, list[float]] = {"ask p50": [], "ask p95": [], "search p50": []}
    memory: dict[str, list[float]] = {"process RSS": [], "index RSS": []}
    for size, item in sizes.items():
        m, b = item["measure"], item["build"]
        xs.append(int(size))
        rows.append(
            [
                int(size),
                m["kind"],
                m["ask"]["p50_ms"],
                m["ask"]["p95_ms"],
                m["ask"]["per_s"],
                m["search"]["p50_ms"],
                m["embed_query"]["p50_ms"],
                m["vector_search"]["p50_ms"],
                m["rss_ready_mib"],
                m["index_rss_mib"],
                b["database_mib"],
                m.get("ingest_one", {}).get("p50_ms", "-"),
                m.get("ingest_one", {}).get("p95_ms", "-"),
                m.get("ingest_while_asking", {}).get("articles_per_s", "-"),
                m.get("ingest_while_asking", {}).get("asks_meanwhile", {}).get("p95_ms", "-"),
            ]
        )
        series["ask p50"].append(m["ask"]["p50_ms"])
        series["ask p95"].append(m["ask"]["p95_ms"])
        series["search p50"].append(m["search"]["p50_ms"])
        memory["process RSS"].append(m["rss_ready_mib"])
        memory["index RSS"].append(m["index_rss_mib"])
    count = next(iter(sizes.values()))["measure"]["ask"]["count"]
    latency = figures.lines(
        "latency.png",
        "Warm `ask` latency by corpus size",
        xs,
        series,
        f"{count} SQuAD questions asked one at a time after 3 warm-up asks, onnx backend; "
        "synthetic corpora from real SQuAD sentences",
        "milliseconds",
        {"p50 target": TARGETS_MS["p50"], "p95 target": TARGETS_MS["p95"]},
    )
    resident = figures.lines(
        "memory.png",
        "Resident memory by corpus size",
        xs,
        memory,
        "RSS after model load and 3 asks; index RSS = that minus RSS with the model alone",
        "MiB",
        {"1 GB": 1024.0},
    )
    pool = results.get("pool", {})
    return "\n\n".join(
        [
            "## 3. Warm ask, throughput and memory by corpus size",
            f"Synthetic corpora: passages of 3-5 sentences drawn from one article of the "
            f"{pool.get('source', '?')} ({pool.get('sentences', 0):,} sentences), each with its "
            "real "
            "embedding plus noise (norm 0.1), written straight into a Library; then measured in a "
            "fresh process through `bot.core.answer.ask` (onnx backend, vector index chosen by "
            "`auto`).",
            table(
                [
                    "passages",
                    "index",
                    "ask p50 ms",
                    "ask p95 ms",
                    "asks/s",
                    "search p50 ms",
                    "embed p50 ms",
                    "FAISS p50 ms",
                    "RSS MiB",
                    "index RSS MiB",
                    "SQLite MiB",
                    "ingest 1 article p50 ms",
                    "p95 ms",
                    "articles/s while asking",
                    "ask p95 ms meanwhile",
                ],
                rows,
            ),
            "Ingest columns: `Library.ingest` of one new article of 30 real sentences (10 "
            "passages) into the full index, embedding, commit and both indexes catching up "
            "included; then 20 such articles one after another while another thread asks without "
            "pause.",
            f"![latency]({latency})",
            f"![memory]({resident})",
            _scale_postgres(results),
            _shared(results),
            _cold(results, figures),
        ]
    )


def _scale_postgres(results: dict) -> str:
    sizes = results.get("scale_postgres", {})
    if not sizes:
        return ""
    rows = []
    for size, item in sizes.items():
        m = item["measure"]
        rows.append(
            [
                int(size),
                m["ask"]["p50_ms"],
                m["ask"]["p95_ms"],
                m["search"]["p50_ms"],
                m["vector_search"]["p50_ms"],
                m.get("ingest_one", {}).get("p50_ms", "-"),
                m.get("ingest_one", {}).get("p95_ms", "-"),
                m.get("ingest_while_asking", {}).get("articles_per_s", "-"),
                m.get("ingest_while_asking", {}).get("asks_meanwhile", {}).get("p95_ms", "-"),
                m.get("recall_vs_exact", {}).get("recall10", "-"),
                m.get("recall_vs_exact", {}).get("recall10_at50", "-"),
                item["build"]["store_s"],
                item["build"]["indexes_and_commit_s"],
            ]
        )
    return "\n\n".join(
        [
            "### The same corpora on PostgreSQL (pgvector HNSW, BM25 in the database)",
            "A PostgreSQL 18 server with pgvector started for the run on this machine "
            "(tests/support/postgres.py), sharing its 2 cores with the benchmark. Vector "
            "recall: the HNSW graph's top 10 against an exact scan of the same rows, over 100 "
            "questions.",
            table(
                [
                    "passages",
                    "ask p50 ms",
                    "ask p95 ms",
                    "search p50 ms",
                    "vector search p50 ms",
                    "ingest 1 article p50 ms",
                    "p95 ms",
                    "articles/s while asking",
                    "ask p95 ms meanwhile",
                    "vector recall@10 vs exact",
                    "in 50 candidates",
                    "build: store s",
                    "graph and commit s",
                ],
                rows,
            ),
        ]
    )


def _shared(results: dict) -> str:
    shared = results.get("shared_corpus")
    if not shared:
        return ""
    rows = [
        [
            backend,
            item["ingest_s"],
            ", ".join(
                f"{s:+.2f}" if s is not None else "never" for s in item["seen_after_ingest_s"]
            ),
            "; ".join(item["errors"]) or "none",
        ]
        for backend, item in shared.items()
    ]
    return "\n\n".join(
        [
            "### Two bots and an ingest on one corpus (`python -m bench.shared_corpus`)",
            "Two reader processes open the corpus as `newsbot serve` does and ask, every 50 ms, "
            "a question only a new article answers; `newsbot ingest` then adds it from a third "
            "process. Seen: seconds from the end of the ingest command to each reader's first "
            "answer quoting it (negative: before the command had exited, since it commits first).",
            table(["backend", "`newsbot ingest` s", "seen by each reader, s", "errors"], rows),
        ]
    )


def _cold(results: dict, figures: Figures) -> str:
    cold = results.get("cold_start")
    if not cold:
        return ""
    rows = [
        [name, r["median_s"], r["min_s"], r["runs"], f"`{r['command'][:90]}`"]
        for name, r in cold.items()
    ]
    picture = figures.bars(
        "cold.png",
        "Cold `newsbot ask` (process start to answer)",
        list(cold),
        {"median s": [r["median_s"] for r in cold.values()]},
        "Subprocess, median of runs after one warm-up run; ~1k-passage SQuAD index",
        ylabel="seconds",
        line=3.0,
    )
    parts = ["### Cold start", table(["backend", "median s", "min s", "runs", "command"], rows)]
    imports = cold.get("torch", {}).get("imports_s")
    if imports is not None:
        parts.append(
            f'`python -c "import sentence_transformers"` alone takes {imports:.2f} s (median, '
            "same runs): the torch backend's start-up is bounded by importing torch and "
            f"transformers, which the {DEFAULT_BACKEND} backend never does."
        )
    return "\n\n".join([*parts, f"![cold]({picture})"])


def _kinds(results: dict, figures: Figures) -> str:
    sizes = results.get("scale", {})
    if not sizes:
        return ""
    size, item = list(sizes.items())[-1]
    kinds = item["measure"].get("kinds")
    if not kinds:
        return ""
    built = item["build"]["kinds"]
    flat = built["flat"]["file_mib"] or 1
    rows = [
        [
            k,
            r["recall10_at50"],
            r["top1_same"],
            r["top5_overlap"],
            r["rss_mib"],
            built[k]["file_mib"],
            f"{1 - built[k]['file_mib'] / flat:.0%}",
            built[k]["build_s"],
            r["search"]["p50_ms"],
            r["search"]["p95_ms"],
        ]
        for k, r in kinds.items()
    ]
    picture = figures.bars(
        "kinds.png",
        f"Vector index kinds at {int(size):,} passages",
        list(kinds),
        {"index MiB (file)": [built[k]["file_mib"] for k in kinds]},
        f"Recall vs flat: {kinds[next(iter(kinds))]['search']['count']} SQuAD questions; "
        f"file size of the saved FAISS index",
        ylabel="MiB",
    )
    return "\n\n".join(
        [
            f"## 4. Vector index kinds at {int(size):,} passages",
            "`recall10@50`: share of exact search's top 10 among the kind's 50 candidates; "
            "`top-1 same` / `top-5 overlap`: `Library.search` results (after exact re-ranking by "
            "sentence vectors and BM25 fusion) against those with the flat index.",
            table(
                [
                    "kind",
                    "recall10@50",
                    "top-1 same",
                    "top-5 overlap",
                    "RSS MiB",
                    "file MiB",
                    "memory saved",
                    "build s",
                    "search p50 ms",
                    "search p95 ms",
                ],
                rows,
            ),
            f"![kinds]({picture})",
        ]
    )


def _peers(results: dict) -> str:
    found = results.get("peers")
    if not found:
        return ""
    rows = []
    for peer in found:
        if "error" in peer:
            rows.append([peer["name"], "-", "-", "-", "-", "-", "-", peer["error"][:80]])
        else:
            rows.append(
                [
                    peer["name"],
                    peer["R@1"],
                    peer["R@5"],
                    peer["R@20"],
                    peer["MRR"],
                    peer["index_s"],
                    peer["query"]["p50_ms"],
                    "",
                ]
            )
    newsbot = results.get("quality", {}).get("newsbot", {}).get("onnx", {}).get("search")
    if newsbot:
        rows.append(
            [
                "newsbot `Library.search` (onnx)",
                newsbot["R@1"],
                newsbot["R@5"],
                newsbot["R@20"],
                newsbot["MRR"],
                "-",
                newsbot["ms_p50"],
                "same questions",
            ]
        )
    return "\n\n".join(
        [
            "## 5. Peers (same paragraphs, same model, same questions)",
            table(["system", "R@1", "R@5", "R@20", "MRR", "index s", "query p50 ms", "note"], rows),
        ]
    )


def _profile(results: dict) -> str:
    sizes = results.get("scale", {})
    if not sizes:
        return ""
    size, item = list(sizes.items())[-1]
    rows = item["measure"].get("profile")
    if not rows:
        return ""
    table_rows = [
        [r["function"][:80], r["calls"], r["own_s"], r["cumulative_s"], f"{r['own_share']:.0%}"]
        for r in rows
    ]
    return "\n\n".join(
        [
            f"## 6. Where a warm ask spends its time at {int(size):,} passages",
            "cProfile over up to 100 warm asks, functions by own time: what bounds the latency.",
            table(["function", "calls", "own s", "cumulative s", "share of own time"], table_rows),
        ]
    )


def _method(results: dict) -> str:
    seconds = results.get("seconds", {})
    parts = ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
    return (
        "## How this was measured\n\n"
        "- Latency: `time.perf_counter` around one call, questions one at a time, after warm-up; "
        "p95 is the 95th percentile of the run; throughput is calls/s of that sequential run.\n"
        "- Memory: `psutil` RSS of the measuring process (a fresh process per corpus size).\n"
        "- Cold start: a new `newsbot` process per run, median of the runs.\n"
        "- Quality: SQuAD v1.1 dev, first 24 articles; tune on even articles, report on odd.\n"
        f"- Time per part: {parts}."
    )


def _chosen(results: dict) -> str:
    """What `auto` chose on this machine in this run, and the timings it chose by."""
    auto = results.get("auto")
    if not auto:
        return ""
    choice = auto["backend"]
    baseline = next((t["seconds"] for t in choice["timings"] if t["name"] == "torch"), None)
    rows = [
        [
            t["name"],
            "—" if t["seconds"] is None else f"{t['seconds'] * 1000:.1f}",
            f"{baseline / t['seconds']:.2f}×" if baseline and t["seconds"] else "—",
            "—" if t["cosine"] is None else f"{t['cosine']:.4f}",
            "chosen" if t["name"] == choice["name"] else t["note"],
        ]
        for t in choice["timings"]
    ]
    kinds = [
        f"{int(size):,}: {item['measure']['kind']}"
        for size, item in results.get("scale", {}).items()
    ]
    return "\n\n".join(
        [
            "## What `auto` chose on this machine",
            f"Encoder backend **{choice['name']}**: {choice['reason']}. Measured in this run on "
            "the fixed sample of `index.embedding.choice` (each backend's fastest of three timed "
            "rounds over all of them, after one encoding that loads it); cosine is the mean "
            "against torch's vectors.",
            table(["backend", "sample ms", "× torch", "cosine", ""], rows),
            f"Exact vector search: {auto['flat_scan_ns_per_vector']:.1f} ns a passage for a "
            f'one-thread scan here, so `kind = "auto"` keeps it (under '
            f"{auto['flat_max_milliseconds']:g} ms a search) up to {auto['flat_limit']:,} "
            "passages, then builds HNSW. Kind at each size measured: "
            + (", ".join(kinds) or "none")
            + ".",
        ]
    )


def _ratio_targets(results: dict) -> list[list[object]]:
    """The targets stated as ratios of figures measured in this run."""
    rows: list[list[object]] = []
    ingest = results.get("ingest", {})
    if "auto" in ingest and "torch" in ingest:
        ratio = ingest["auto"]["tokens_per_s"] / ingest["torch"]["tokens_per_s"]
        rows.append(
            [
                "`Library.ingest` with the default settings (auto) ≥ 2.5× the torch path",
                f"{ratio:.2f}×",
                _met(ratio >= 2.5),
            ]
        )
    small, large = _largest(results, 1_000), _largest(results, 100_000)
    if small and large:
        ratio = large["measure"]["ask"]["p95_ms"] / small["measure"]["ask"]["p95_ms"]
        rows.append(
            [
                "warm ask p95 at 100k passages ≤ 1.5× the p95 at 1k",
                f"{ratio:.2f}×",
                _met(ratio <= 1.5),
            ]
        )
    if large:
        vector = large["measure"]["vector_search"]["p50_ms"]
        kind = large["measure"]["kind"]
        kinds = large["measure"].get("kinds", {})
        recall = kinds.get(kind, {}).get("recall10_at50")
        measured = f"{vector:.2f} ms ({kind})" + (
            f", recall10@50 {recall:.3f}" if recall is not None else ""
        )
        ok = vector < 2 and (recall is None or recall >= 0.95)
        rows.append(["vector search at 100k < 2 ms, recall@10 ≥ 0.95 vs exact", measured, _met(ok)])
    cli = results.get("cli_ingest", {})
    if "auto" in cli and "torch" in cli:
        ratio = cli["torch"]["median_s"] / cli["auto"]["median_s"]
        rows.append(
            [
                f"`newsbot ingest` of {cli['articles']} files, process start included: default "
                "settings ≥ 2× faster than torch",
                f"{ratio:.2f}× ({cli['auto']['median_s']:.2f} s against "
                f"{cli['torch']['median_s']:.2f} s)",
                _met(ratio >= 2),
            ]
        )
    cold = results.get("cold_start", {})
    if "auto" in cold and "onnx" in cold:
        ratio = cold["auto"]["median_s"] / cold["onnx"]["median_s"]
        rows.append(
            ["cold `newsbot ask`, auto no slower than onnx", f"{ratio:.2f}×", _met(ratio <= 1.05)]
        )
    return rows
