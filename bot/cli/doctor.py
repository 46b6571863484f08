"""`newsbot doctor`: what newsbot chose for this machine's speed, with the timings behind it."""

from __future__ import annotations

import json

import click

from bot.cli.session import opened
from bot.config import Config
from index.embedding.choice import REFERENCE
from index.tuning import Tuning


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.option("--remeasure", is_flag=True, help="Time the backends and the exact scan again.")
@click.pass_obj
def doctor(config: Config, as_json: bool, remeasure: bool) -> None:
    """Show the encoder backend and vector index kind chosen for this machine, and why."""
    with opened(config, seed=False) as service:
        found = service.tuning(remeasure)
    click.echo(json.dumps(found.as_dict(), indent=1) if as_json else "\n".join(described(found)))


def described(tuning: Tuning) -> list[str]:
    machine = tuning.machine
    lines = [
        f"Machine: {machine.cpu}, {machine.cores} cores",
        f"  vector instructions: {' '.join(machine.simd_flags()) or 'none reported'}",
        f"  measurements recorded under key {machine.key()}",
    ]
    how = "measured on this machine" if tuning.backend_setting == "auto" else "set by the config"
    lines.append(f"Encoder backend: {tuning.backend} ({how})")
    choice = tuning.choice
    if choice is None:
        lines.append('  not measured here yet; backend = "auto" (or --remeasure) would')
    else:
        if tuning.backend_setting == "auto":
            lines.append(f"  why: {choice.reason}")
        else:
            lines.append(f"  auto would choose {choice.name}: {choice.reason}")
        lines.append(
            f"  measured {choice.measured_at}; time to encode the sample, lower is faster:"
        )
        baseline = next((t.seconds for t in choice.timings if t.name == REFERENCE), None)
        for timing in choice.timings:
            if timing.seconds is None:
                lines.append(f"    {timing.name:<10} {timing.note}")
                continue
            ratio = f"{baseline / timing.seconds:5.2f}x {REFERENCE}" if baseline else ""
            mark = "chosen" if timing.name == choice.name else timing.note
            lines.append(
                f"    {timing.name:<10} {timing.seconds * 1000:8.1f} ms  {ratio}  "
                f"cosine {timing.cosine:.4f}  {mark}"
            )
    lines += vector_lines(tuning)
    return lines


def vector_lines(tuning: Tuning) -> list[str]:
    kinds = tuning.vectors
    if kinds is None:
        return ["Vector index: pgvector HNSW in PostgreSQL (no choice to make)"]
    lines = [
        f"Vector index: {kinds.in_use} for {kinds.passages} passages (kind = {kinds.setting!r})"
    ]
    if kinds.in_use != kinds.kind:
        lines.append(
            f"  {kinds.kind} is due: "
            + ("rebuilding now" if kinds.rebuilding else "at the next write")
        )
    if kinds.seconds_per_vector is not None:
        lines.append(
            f"  an exact scan costs {kinds.seconds_per_vector * 1e9:.0f} ns a passage here, so "
            f"exact search stays under {kinds.flat_max_milliseconds:g} ms up to "
            f"{kinds.flat_limit:,} passages"
        )
    if kinds.setting == "auto":
        lines.append(
            f"  flat up to {kinds.flat_limit:,} passages, HNSW up to "
            f"{kinds.hnsw_max_passages:,}, IVF-PQ beyond"
        )
    return lines
