"""bench/report.md and its figures, from the suite's results."""

from __future__ import annotations

from pathlib import Path

TARGETS_MS = {"p50": 25.0, "p95": 50.0}


def table(headers: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


class Figures:
    """Small PNGs (matplotlib, Agg), each with a footer saying machine, corpus and method."""

    def __init__(self, folder: Path, machine: str):
        import matplotlib

        matplotlib.use("Agg")
        self.folder = folder
        self.machine = machine
        self.written: list[str] = []

    def _save(self, figure, name: str, footer: str) -> str:  # type: ignore[no-untyped-def]
        height = figure.get_size_inches()[1]
        figure.tight_layout(rect=(0, 0.5 / height, 1, 1))
        figure.text(0.01, 0.08 / height, f"{self.machine}\n{footer}", fontsize=6.5, color="#444")
        path = self.folder / name
        figure.savefig(path, dpi=80)
        import matplotlib.pyplot as plt

        plt.close(figure)
        self.written.append(name)
        return name

    def bars(
        self,
        name: str,
        title: str,
        labels: list[str],
        series: dict[str, list[float]],
        footer: str,
        ylabel: str = "",
        line: float | None = None,
        horizontal: bool = False,
    ) -> str:
        import matplotlib.pyplot as plt
        import numpy as np

        height = max(3.2, 0.32 * len(labels) * max(1, len(series)) + 1.6) if horizontal else 3.4
        figure, axes = plt.subplots(figsize=(7, height))
        positions = np.arange(len(labels))
        width = 0.8 / max(1, len(series))
        for i, (label, values) in enumerate(series.items()):
            offset = positions + (i - (len(series) - 1) / 2) * width
            if horizontal:
                axes.barh(offset, values, height=width, label=label)
            else:
                axes.bar(offset, values, width=width, label=label)
        if horizontal:
            axes.set_yticks(positions, labels, fontsize=7)
            axes.invert_yaxis()
            axes.set_xlabel(ylabel)
            if line is not None:
                axes.axvline(line, color="red", linestyle="--", linewidth=1)
        else:
            axes.set_xticks(positions, labels, fontsize=7)
            axes.set_ylabel(ylabel)
            if line is not None:
                axes.axhline(line, color="red", linestyle="--", linewidth=1)
        if len(series) > 1:
            axes.legend(fontsize=7)
        axes.set_title(title, fontsize=9)
        return self._save(figure, name, footer)

    def lines(
        self,
        name: str,
        title: str,
        x: list[int],
        series: dict[str, list[float]],
        footer: str,
        ylabel: str,
        targets: dict[str, float] | None = None,
    ) -> str:
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(7, 3.4))
        for label, values in series.items():
            axes.plot(x, values, marker="o", label=label)
        for label, value in (targets or {}).items():
            axes.axhline(value, color="red", linestyle="--", linewidth=1)
            axes.text(x[0], value, f" {label}", color="red", fontsize=7, va="bottom")
        axes.set_xscale("log")
        axes.set_xlabel("passages in the corpus")
        axes.set_ylabel(ylabel)
        axes.set_title(title, fontsize=9)
        axes.legend(fontsize=7)
        axes.grid(alpha=0.3)
        return self._save(figure, name, footer)
