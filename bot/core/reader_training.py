"""Rebuild the reader's weights from the public question sets (`make train-answers`).

    python -m bot.core.reader_training [--eval ../shared/eval] [--work DIR] [--out PATH]

Each set is ingested as article files, one a paragraph or text, exactly as `newsbot ingest`
would; every question of an even-numbered article is put through the same candidate pool that
`newsbot ask` builds. The first model learns which candidate sentence answers; the second is
fitted on the first model's held-out predictions (five folds by article) and learns how likely
the best candidate is to be right. Odd-numbered articles are never read here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.answer import AnswerSettings, candidate_pool
from bot.core.questions import analyse
from bot.core.reader.evalsets import EvalSet, GoldQuestion, holds_answer, load_all
from bot.core.reader.features import Pool
from bot.core.reader.model import WEIGHTS, Logistic, TrainedReader, answer_rows, leading
from index.embedding import Embedder, EmbeddingSettings
from index.library import Library
from index.settings import IndexSettings

ROOT = Path(__file__).resolve().parents[2]
FOLDS = 5
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)
HIGH_CUTS = (0.7, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class Example:
    """One even-half question: its candidate pool and which candidates answer it."""

    set_name: str
    question: GoldQuestion
    pool: Pool
    right_article: np.ndarray  # each candidate comes from the question's article
    answers: np.ndarray  # each candidate is a right quote

    @property
    def group(self) -> str:
        return f"{self.set_name}-{self.question.number}"


def examples(evalset: EvalSet, work: Path, settings: AnswerSettings) -> list[Example]:
    """Ingest the set's articles as files and pool the candidates of its even questions."""
    folder = evalset.write(work / evalset.name / "files")
    library = Library(work / evalset.name / "data", IndexSettings(), Embedder(EmbeddingSettings()))
    try:
        if library.is_empty():
            library.ingest_paths([folder])
        key_of = {a.id: Path(a.path or "").stem for a in library.articles()}
        found = []
        for question in evalset.half("even"):
            pool = candidate_pool(library, analyse(question.text), settings)
            right = np.array([key_of[c.hit.article.id] == question.key for c in pool.candidates])
            if question.answers:
                holds = np.array([holds_answer(c.text, question) for c in pool.candidates])
                answers = right & holds if len(right) else right
            else:
                # Unanswerable: nothing answers. Answerable with no verbatim answer (QuAIL):
                # which sentence answers is unknown, so only the second model learns from it.
                answers = right if question.answerable else np.zeros(len(right), dtype=bool)
            found.append(Example(evalset.name, question, pool, right, answers))
        return found
    finally:
        library.close()


def _sentence_data(found: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    usable = [e for e in found if len(e.pool.candidates) and _labelled(e)]
    return (
        np.vstack([e.pool.features for e in usable]).astype(np.float64),
        np.concatenate([e.answers for e in usable]).astype(int),
    )


def _labelled(example: Example) -> bool:
    """Sentence labels are known: the gold answer is verbatim, or there is none."""
    return bool(example.question.answers) or not example.question.answerable


def fit_logistic(rows: np.ndarray, labels: np.ndarray, c: float = 1.0) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=5000).fit((rows - mean) / scale, labels)
    return Logistic(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def _held_out_scores(found: list[Example]) -> list[np.ndarray]:
    """The first model's scores for each question from a model that did not see its article."""
    groups = sorted({e.group for e in found})
    fold_of = {g: n % FOLDS for n, g in enumerate(groups)}
    scores: list[np.ndarray] = [np.zeros(0)] * len(found)
    for fold in range(FOLDS):
        train = [e for e in found if fold_of[e.group] != fold]
        model = fit_logistic(*_sentence_data(train))
        for n, e in enumerate(found):
            if fold_of[e.group] == fold and len(e.pool.candidates):
                scores[n] = model.probabilities(e.pool.features.astype(np.float64))
    return scores


def train(found: list[Example]) -> tuple[TrainedReader, dict]:
    held_out = _held_out_scores(found)
    rows, labels = [], []
    for e, scores in zip(found, held_out, strict=True):
        if not len(scores):
            continue
        chosen = leading(scores)
        rows.append(answer_rows(e.pool, scores, chosen))
        labels += [bool(e.question.answerable and e.answers[i]) for i in chosen]
    answer = fit_logistic(np.vstack(rows), np.array(labels, dtype=int))
    reader = TrainedReader(fit_logistic(*_sentence_data(found)), answer)
    return reader, _held_out_report(found, held_out, answer)


def _held_out_report(
    found: list[Example], held_out: list[np.ndarray], answer: Logistic
) -> dict[str, dict[str, float]]:
    """On the even half, from held-out first-model scores: each set's score at several values
    of `[answer] min_probability`, and how often answers at several values of
    `high_probability` are right. The defaults were chosen from these."""
    verdicts = []  # (set, answerable, probability of the first candidate, it is right)
    for e, scores in zip(found, held_out, strict=True):
        if not len(scores):
            verdicts.append((e.set_name, e.question.answerable, 0.0, False))
            continue
        chosen = leading(scores)
        p = answer.probabilities(answer_rows(e.pool, scores, chosen))
        best = chosen[int(np.argmax(p))]
        right = bool(e.question.answerable and e.answers[best])
        verdicts.append((e.set_name, e.question.answerable, float(p.max()), right))
    report: dict[str, dict[str, float]] = {}
    for threshold in THRESHOLDS:
        by_set: dict[str, list[bool]] = {}
        for name, answerable, p, right in verdicts:
            by_set.setdefault(name, []).append(right if p >= threshold else not answerable)
        report[f"min_probability {threshold:.2f}"] = {
            name: round(float(np.mean(values)), 4) for name, values in by_set.items()
        }
    for cut in HIGH_CUTS:
        above = [right for _, _, p, right in verdicts if p >= cut]
        report[f"high_probability {cut:.2f}"] = {
            "answers": len(above),
            "right": round(float(np.mean(above)), 4) if above else float("nan"),
        }
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--work", type=Path, default=None, help="keep ingested sets here")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "reader" / WEIGHTS)
    args = parser.parse_args(argv)
    if not args.eval.is_dir():
        sys.exit(f"error: no evaluation sets at {args.eval}")
    settings = AnswerSettings()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        start = time.perf_counter()
        found = [e for evalset in load_all(args.eval) for e in examples(evalset, work, settings)]
        print(f"pooled {len(found):,} even-half questions in {time.perf_counter() - start:.0f} s")
    reader, report = train(found)
    trained_on = {"questions": len(found), "even_half_held_out": report}
    reader.save(args.out, trained_on)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    for setting, figures in report.items():
        print(f"  even half, held out, {setting}: {figures}")


if __name__ == "__main__":
    main()
