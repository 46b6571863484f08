"""What users see: newsbot's answers to public question sets, asked through its command line.

    python -m bench.answers            # bench/answers/: every question of every set
    python -m bench.answers --smoke    # a few texts and questions a set, plus the seed questions

Each set's articles are written as `.txt` files, ingested with `newsbot ingest` and asked with
`newsbot ask --json -`, one process a variant, as a user would run them. Two baselines computed
here (always abstain; the top BM25 sentence) say what the numbers are worth. Even-numbered
articles tune newsbot; odd-numbered ones report, so the odd half is the headline.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from bench.common import ROOT, machine
from bench.report import Figures, table
from bot.core.reader.evalsets import (
    QUAIL_TYPES,
    EvalSet,
    GoldQuestion,
    Text,
    holds_answer,
    load_all,
)
from index.chunking import paragraphs, split_sentences
from bench.bm25s_index import Bm25Index

DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_OUT = ROOT / "bench" / "answers"
SEEDS = ROOT / "seeds"
SEED_QUESTIONS = ROOT / "tests" / "bot" / "core" / "seed_questions.toml"

NEWSBOT = "newsbot"
SIMILARITY = "similarity (today's scorer)"
ABSTAIN = "always abstain"
BM25 = "top BM25 sentence"
# Variants are newsbot itself under a config file; baselines are computed here, without it.
VARIANTS = {NEWSBOT: "", SIMILARITY: '[answer]\nreader = "similarity"\n'}
BASELINES = (ABSTAIN, BM25)
LEVELS = ("high", "medium", "low")
# The sets whose odd halves are pooled for the headline; the seed questions tuned newsbot.
PUBLIC = ("squad1", "squad2", "quail")
HEADLINE = {
    "squad1": "holds answer",
    "squad2": "right quote or right abstention",
    "quail": "combined",
    "seeds": "right",
}
BINS = 10


# -- the questions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A gold question with its half and what its first quote must hold to be right.

    `match`: "squad" (SQuAD's rule), "article" (a quote from the right article is enough) or
    "verbatim" (the seed rule: the gold string, exactly, in the first quote).
    """

    gold: GoldQuestion
    half: str
    match: Literal["squad", "article", "verbatim"]

    @property
    def line(self) -> str:
        """The question as one line of `ask -` input."""
        return " ".join(self.gold.text.split())

    def holds(self, quote: str) -> bool:
        if self.match == "article":
            return True
        if self.match == "verbatim":
            return any(a in quote for a in self.gold.answers)
        return holds_answer(quote, self.gold)


@dataclass(frozen=True)
class Corpus:
    """One question set: its article files, its questions, and its halves."""

    name: str
    texts: tuple[Text, ...]
    cases: tuple[Case, ...]
    halves: tuple[str, ...]
    files: tuple[Path, ...] = ()  # original files to copy, when the set has them

    def write(self, folder: Path) -> Path:
        if not self.files:
            return EvalSet(self.name, self.texts, ()).write(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for path in self.files:
            shutil.copyfile(path, folder / path.name)
        return folder

    def canonical(self) -> dict[str, str]:
        """Each key to the first key of the same text: newsbot indexes identical texts once."""
        first: dict[str, str] = {}
        found: dict[str, str] = {}
        for text in self.texts:
            body = " ".join(text.text.split()).lower()
            found[text.key] = first.setdefault(body, text.key)
        return found

    def half(self, half: str) -> list[int]:
        """Positions of the cases in `half`."""
        return [i for i, case in enumerate(self.cases) if case.half == half]


def from_evalset(evalset: EvalSet) -> Corpus:
    match: Literal["squad", "article"] = "article" if evalset.name == "quail" else "squad"
    cases = tuple(Case(q, q.half, match) for q in evalset.questions)
    return Corpus(evalset.name, evalset.texts, cases, ("odd", "even"))


def seed_corpus(seeds: Path = SEEDS, questions: Path = SEED_QUESTIONS) -> Corpus:
    """The seed articles with the questions the tests ask of them; one half, "all"."""
    files = tuple(sorted(seeds.glob("*.txt")))
    texts = []
    for number, path in enumerate(files):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        texts.append(Text(path.stem, number, title.strip(), body.strip()))
    key = files[0].stem
    data = tomllib.loads(questions.read_text(encoding="utf-8"))
    cases = [
        Case(
            GoldQuestion(f"a{i}", q["question"], key, 0, True, (q["quote"],), "answerable"),
            "all",
            "verbatim",
        )
        for i, q in enumerate(data["answerable"])
    ]
    cases += [
        Case(
            GoldQuestion(f"u{i}", q["question"], key, 0, False, (), "unanswerable"),
            "all",
            "verbatim",
        )
        for i, q in enumerate(data["unanswerable"])
    ]
    return Corpus("seeds", tuple(texts), tuple(cases), ("all",), files)


def shrink(corpus: Corpus, texts_per_half: int = 2, per_kind: int = 2) -> Corpus:
    """A few texts of each half, those with the most kinds of question first, and a few
    questions of each kind a text: enough to exercise every metric in seconds."""
    by_key: dict[str, list[Case]] = {}
    for case in corpus.cases:
        by_key.setdefault(case.gold.key, []).append(case)
    chosen: list[str] = []
    for half in corpus.halves:
        keys = [t.key for t in corpus.texts if by_key.get(t.key) and by_key[t.key][0].half == half]
        keys.sort(key=lambda k: -len({c.gold.kind for c in by_key[k]}))
        chosen += keys[:texts_per_half]
    cases: list[Case] = []
    for key in chosen:
        taken: dict[str, int] = {}
        for case in by_key[key]:
            if taken.get(case.gold.kind, 0) < per_kind:
                taken[case.gold.kind] = taken.get(case.gold.kind, 0) + 1
                cases.append(case)
    texts = tuple(t for t in corpus.texts if t.key in set(chosen))
    return Corpus(corpus.name, texts, tuple(cases), corpus.halves, corpus.files)


def load_corpora(folder: Path, smoke: bool) -> list[Corpus]:
    try:
        corpora = [from_evalset(s) for s in load_all(folder)]
    except FileNotFoundError as error:
        raise SystemExit(
            f"no evaluation set at {error.filename}; give the folder with --eval"
        ) from None
    if smoke:
        corpora = [shrink(c) for c in corpora]
    return [*corpora, seed_corpus()]


# -- what a user was shown -----------------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    """A quote newsbot showed (or held back as related): its article's key and its text."""

    key: str | None
    text: str


@dataclass(frozen=True)
class Shown:
    answered: bool
    confidence: str = "none"
    probability: float | None = None
    first: Quoted | None = None  # the first quote, when answered
    related: Quoted | None = None  # the closest passage held back, when not
    error: str | None = None


ABSTAINED = Shown(False)


def parse_answer(line: dict, key_of: dict[int, str]) -> Shown:
    """One `ask --json` object; an error line (a refused question) is an abstention."""
    if "error" in line:
        return Shown(False, error=str(line["error"]))

    def quoted(quotes: list[dict]) -> Quoted | None:
        if not quotes:
            return None
        return Quoted(key_of.get(quotes[0].get("article_id")), quotes[0]["text"])

    answered = bool(line["answered"])
    probability = line.get("probability")
    return Shown(
        answered,
        line.get("confidence", "none"),
        None if probability is None else float(probability),
        quoted(line.get("quotes", [])) if answered else None,
        None if answered else quoted(line.get("related", [])),
    )


# -- the command line, run as a user would -------------------------------------------------


class VariantFailed(Exception):
    """A newsbot run that gave no usable answers; its message says why, in newsbot's words."""


def newsbot_command() -> list[str]:
    """The console script of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "newsbot"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("newsbot")
    if found is None:
        raise SystemExit("no `newsbot` command next to this Python or on PATH; run `make setup`")
    return [found]


@dataclass(frozen=True)
class Cli:
    """`newsbot --config CONFIG --data-dir DATA ...`, run in `work` so no ./config.toml applies."""

    work: Path
    timeout_s: float = 4 * 3600
    command: tuple[str, ...] = field(default_factory=lambda: tuple(newsbot_command()))

    def run(
        self, config: Path, data: Path, args: Sequence[str], stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.command, "--config", str(config), "--data-dir", str(data), *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.work,
            timeout=self.timeout_s,
        )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


@dataclass(frozen=True)
class Indexed:
    key_of: dict[int, str]  # article id -> file stem
    summary: str  # newsbot's own last line of the ingest
    seconds: float


def ingest(cli: Cli, config: Path, corpus: Corpus, folder: Path) -> Indexed:
    files = corpus.write(folder / "files")
    start = time.perf_counter()
    done = cli.run(config, folder / "data", ["ingest", str(files)])
    seconds = time.perf_counter() - start
    listed = cli.run(config, folder / "data", ["sources", "--json"])
    if listed.returncode != 0:
        raise RuntimeError(f"newsbot sources failed: {_last_line(listed.stderr)}")
    articles = json.loads(listed.stdout)
    if not articles:
        raise RuntimeError(f"newsbot ingest indexed nothing: {_last_line(done.stderr)}")
    key_of = {a["id"]: Path(a["path"]).stem for a in articles if a.get("path")}
    return Indexed(key_of, _last_line(done.stdout), seconds)


@dataclass(frozen=True)
class Asked:
    shown: list[Shown]
    seconds: float
    refused: int


def ask_all(
    cli: Cli, config: Path, data: Path, cases: Sequence[Case], key_of: dict[int, str]
) -> Asked:
    """Every question in one `ask --json -` process; the answers come back one a line, in order."""
    lines = [case.line for case in cases]
    sent = [line for line in lines if line]  # `ask -` skips blank lines
    start = time.perf_counter()
    try:
        done = cli.run(config, data, ["ask", "--json", "-"], stdin="".join(f"{s}\n" for s in sent))
    except subprocess.TimeoutExpired as error:
        raise VariantFailed(f"no answers within {error.timeout:.0f} s") from error
    seconds = time.perf_counter() - start
    printed = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(printed) != len(sent):
        raise VariantFailed(
            f"exit {done.returncode}, {len(printed)} answers to {len(sent)} questions: "
            f"{_last_line(done.stderr)}"
        )
    replies = iter(printed)
    shown: list[Shown] = []
    for line in lines:
        if not line:
            shown.append(Shown(False, error="the question is empty"))
            continue
        reply = next(replies)
        asked = str(reply.get("question", ""))
        if asked != line and not ("error" in reply and line.startswith(asked)):
            raise VariantFailed(f"answers out of step: sent {line!r}, answered {asked!r}")
        shown.append(parse_answer(reply, key_of))
    return Asked(shown, seconds, sum(s.error is not None for s in shown))


# -- baselines -----------------------------------------------------------------------------


def always_abstain(corpus: Corpus) -> list[Shown]:
    return [ABSTAINED for _ in corpus.cases]


def top_sentence(corpus: Corpus) -> list[Shown]:
    """The single best BM25 sentence of the whole corpus (newsbot's tokenizer and splitter);
    no sentence sharing a term with the question means no answer."""
    keys: list[str] = []
    sentences: list[str] = []
    for text in corpus.texts:
        for start, end in paragraphs(text.text):
            body = text.text[start:end]
            for span in split_sentences(body):
                keys.append(text.key)
                sentences.append(body[span.start : span.end])
    index = Bm25Index.build(list(range(len(sentences))), sentences)
    shown = []
    for case in corpus.cases:
        ids, _ = index.search(case.line, 1)
        if len(ids) == 0:
            shown.append(ABSTAINED)
        else:
            best = int(ids[0])
            shown.append(Shown(True, first=Quoted(keys[best], sentences[best])))
    return shown


# -- scores --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judge:
    """Whether a quote answers a question, with identical texts counted as one article."""

    same: dict[str, str]

    def same_article(self, case: Case, quote: Quoted | None) -> bool:
        if quote is None or quote.key is None:
            return False
        return self.same.get(quote.key, quote.key) == self.same.get(case.gold.key, case.gold.key)

    def right_quote(self, case: Case, quote: Quoted | None) -> bool:
        """Would this quote be a right answer if it were shown?"""
        if quote is None or not case.gold.answerable:
            return False
        return self.same_article(case, quote) and case.holds(quote.text)

    def on_article(self, case: Case, shown: Shown) -> bool:
        return shown.answered and self.same_article(case, shown.first)

    def right(self, case: Case, shown: Shown) -> bool:
        return self.right_quote(case, shown.first) if shown.answered else not case.gold.answerable

    def right_if_shown(self, case: Case, shown: Shown) -> bool:
        """What the probability is about: the answer, or the candidate held back as related."""
        return self.right_quote(case, shown.first if shown.answered else shown.related)


def share(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return round(sum(values) / len(values), 4) if values else None


def metrics(name: str, cases: Sequence[Case], shown: Sequence[Shown], judge: Judge) -> dict:
    """The set's own measures, each a share of its questions (None: no such question)."""
    graded = [(c, s, judge.right(c, s)) for c, s in zip(cases, shown, strict=True)]

    def right(keep: Callable[[Case], bool] = lambda c: True) -> float | None:
        return share(r for c, _, r in graded if keep(c))

    def abstained(keep: Callable[[Case], bool] = lambda c: True) -> float | None:
        return share(not s.answered for c, s, _ in graded if keep(c))

    def answerable(case: Case) -> bool:
        return case.gold.answerable

    def unanswerable(case: Case) -> bool:
        return not case.gold.answerable

    if name == "squad1":
        return {
            "right paragraph": share(judge.on_article(c, s) for c, s, _ in graded),
            "holds answer": right(),
            "abstained": abstained(),
        }
    if name == "squad2":
        return {
            "right quote or right abstention": right(),
            "holds answer (answerable)": right(answerable),
            "abstained (unanswerable)": abstained(unanswerable),
            "abstained (answerable)": abstained(answerable),
        }
    if name == "quail":
        by_type = {kind: right(lambda c, k=kind: c.gold.kind == k) for kind in QUAIL_TYPES}
        return {"combined": right(), **by_type, "abstained": abstained()}
    return {
        "right": right(),
        "answerable right": right(answerable),
        "unanswerable right": right(unanswerable),
    }


def confidence(judged: Sequence[tuple[Case, Shown, Judge]]) -> dict:
    """Of the answered questions: the share at each confidence level, and how often it is right.

    Each question comes with its own set's judge, so sets can be pooled.
    """
    answered = [(c, s, judge) for c, s, judge in judged if s.answered]
    levels = {}
    for level in LEVELS:
        at = [judge.right(c, s) for c, s, judge in answered if s.confidence == level]
        levels[level] = {
            "share": share(s.confidence == level for _, s, _ in answered),
            "right": share(at),
            "n": len(at),
        }
    return {"answered": len(answered), **levels}


def calibration(points: Sequence[tuple[float, bool]]) -> dict:
    """Reliability in ten equal-width bins, and the expected calibration error."""
    bins = []
    error = 0.0
    for b in range(BINS):
        inside = [(p, r) for p, r in points if min(int(p * BINS), BINS - 1) == b]
        found = {"low": b / BINS, "high": (b + 1) / BINS, "n": len(inside)}
        found |= {"mean_probability": None, "observed": None}
        if inside:
            mean = sum(p for p, _ in inside) / len(inside)
            observed = sum(r for _, r in inside) / len(inside)
            error += len(inside) / len(points) * abs(mean - observed)
            found |= {"mean_probability": round(mean, 4), "observed": round(observed, 4)}
        bins.append(found)
    return {"n": len(points), "ece": round(error, 4) if points else None, "bins": bins}


# -- the run -------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"[answers] {message}", flush=True)


def run(corpora: Sequence[Corpus], work: Path, cli: Cli | None = None) -> dict:
    """Ingest and ask every set under every variant; compute every baseline and score."""
    cli = cli or Cli(work)
    configs = {}
    for n, (name, text) in enumerate(VARIANTS.items()):
        configs[name] = work / "configs" / f"variant-{n}.toml"
        configs[name].parent.mkdir(parents=True, exist_ok=True)
        configs[name].write_text(text, encoding="utf-8")
    results: dict = {
        "sets": {},
        "variants": {
            name: {"kind": "newsbot", "config": text, "runs": {}, "failed": {}}
            for name, text in VARIANTS.items()
        },
        "scores": {},
        "right_counts": {},
        "confidence": {},
        "calibration": {},
    }
    for name in BASELINES:
        results["variants"][name] = {"kind": "baseline", "runs": {}, "failed": {}}
    shown_by: dict[str, dict[str, list[Shown]]] = {name: {} for name in results["variants"]}
    for corpus in corpora:
        folder = work / corpus.name
        shutil.rmtree(folder, ignore_errors=True)
        _progress(f"{corpus.name}: ingest {len(corpus.texts)} articles")
        indexed = ingest(cli, configs[NEWSBOT], corpus, folder)
        results["sets"][corpus.name] = {
            "articles": len(corpus.texts),
            "indexed": len(indexed.key_of),
            "questions": {h: len(corpus.half(h)) for h in corpus.halves},
            "ingest": indexed.summary,
            "ingest_s": round(indexed.seconds, 1),
        }
        for name, config in configs.items():
            _progress(f"{corpus.name}: ask {len(corpus.cases)} questions, {name}")
            record = results["variants"][name]
            try:
                asked = ask_all(cli, config, folder / "data", corpus.cases, indexed.key_of)
            except VariantFailed as error:
                record["failed"][corpus.name] = str(error)
                _progress(f"{corpus.name}: {name} failed: {error}")
                continue
            shown_by[name][corpus.name] = asked.shown
            record["runs"][corpus.name] = {
                "questions": len(corpus.cases),
                "seconds": round(asked.seconds, 2),
                "per_s": round(len(corpus.cases) / asked.seconds, 1),
                "refused": asked.refused,
            }
        baselines: dict[str, Callable[[Corpus], list[Shown]]] = {
            ABSTAIN: always_abstain,
            BM25: top_sentence,
        }
        for name, baseline in baselines.items():
            start = time.perf_counter()
            shown_by[name][corpus.name] = baseline(corpus)
            results["variants"][name]["runs"][corpus.name] = {
                "questions": len(corpus.cases),
                "seconds": round(time.perf_counter() - start, 2),
            }
    _score(results, corpora, shown_by)
    return results


def _score(results: dict, corpora: Sequence[Corpus], shown_by: dict) -> None:
    pooled: dict[str, dict[str, list]] = {}
    for corpus in corpora:
        judge = Judge(corpus.canonical())
        scores = results["scores"].setdefault(corpus.name, {})
        counts = results["right_counts"].setdefault(corpus.name, {})
        for name, by_set in shown_by.items():
            shown = by_set.get(corpus.name)
            if shown is None:
                continue
            for half in corpus.halves:
                at = corpus.half(half)
                cases = [corpus.cases[i] for i in at]
                answers = [shown[i] for i in at]
                scores.setdefault(half, {})[name] = metrics(corpus.name, cases, answers, judge)
                counts.setdefault(half, {})[name] = sum(
                    judge.right(c, s) for c, s in zip(cases, answers, strict=True)
                )
                if results["variants"][name]["kind"] != "newsbot":
                    continue
                judged = [(c, s, judge) for c, s in zip(cases, answers, strict=True)]
                kept = results["confidence"].setdefault(name, {})
                kept.setdefault(corpus.name, {})[half] = confidence(judged)
                if corpus.name in PUBLIC:
                    pooled.setdefault(name, {}).setdefault(half, []).extend(judged)
                points = [
                    (s.probability, judge.right_if_shown(c, s))
                    for c, s, _ in judged
                    if s.probability is not None
                ]
                if points:
                    calibrated = results["calibration"].setdefault(name, {})
                    calibrated.setdefault(corpus.name, {})[half] = calibration(points)
    for name, halves in pooled.items():
        for half, entries in halves.items():
            results["confidence"][name].setdefault("pooled", {})[half] = confidence(entries)


# -- the report ----------------------------------------------------------------------------


def _cell(value: float | None) -> object:
    return "–" if value is None else value


def _set_table(results: dict, name: str) -> str:
    scores = results["scores"].get(name, {})
    halves = list(results["sets"][name]["questions"])
    columns = next(
        (list(v) for half in halves for v in scores.get(half, {}).values()), [HEADLINE[name]]
    )
    headers = ["variant"] + [f"{m} ({h})" for h in halves for m in columns] + ["questions/s"]
    rows = []
    for variant, record in results["variants"].items():
        if name in record["failed"]:
            rows.append([variant, *["failed"] * (len(headers) - 2), "–"])
            continue
        row: list[object] = [variant]
        for half in halves:
            got = scores.get(half, {}).get(variant, {})
            if name == "seeds":
                n = results["sets"][name]["questions"][half]
                count = results["right_counts"][name][half].get(variant)
                row += [f"{count} / {n}", *(_cell(got.get(m)) for m in columns[1:])]
            else:
                row += [_cell(got.get(m)) for m in columns]
        per_s = record["runs"].get(name, {}).get("per_s")
        rows.append([*row, "–" if per_s is None else f"{per_s:.1f}"])
    about = results["sets"][name]
    counts = ", ".join(f"{h} {n:,}" for h, n in about["questions"].items())
    failures = [
        f"- {variant} failed: {record['failed'][name]}"
        for variant, record in results["variants"].items()
        if name in record["failed"]
    ]
    return "\n".join(
        [
            f"### {name}",
            "",
            f"Articles: {about['articles']:,}; questions: {counts}. "
            f"Ingest ({about['ingest_s']:.1f} s): {about['ingest']}",
            "",
            table(headers, rows),
            *(["", *failures] if failures else []),
        ]
    )


def _confidence_table(results: dict) -> str:
    headers = ["variant", "scope", "answered"]
    headers += [f"{level} {what}" for level in LEVELS for what in ("share", "right")]
    rows = []
    for variant, scopes in results["confidence"].items():
        for scope, half in [("pooled", "odd"), *((s, "odd") for s in PUBLIC), ("seeds", "all")]:
            got = scopes.get(scope, {}).get(half)
            if got is None:
                continue
            label = "squad1 + squad2 + quail" if scope == "pooled" else scope
            row: list[object] = [variant, f"{label} ({half})", got["answered"]]
            for level in LEVELS:
                row += [_cell(got[level]["share"]), _cell(got[level]["right"])]
            rows.append(row)
    return table(headers, rows) if rows else "No newsbot variant ran."


def _ece_table(results: dict) -> str:
    rows = []
    for variant, sets in results["calibration"].items():
        for name, halves in sets.items():
            for half, got in halves.items():
                rows.append([variant, name, half, got["n"], _cell(got["ece"])])
    return table(["variant", "set", "half", "questions", "ECE"], rows)


def _headline_lines(results: dict) -> list[str]:
    lines = []
    for variant, scopes in results["confidence"].items():
        got = scopes.get("pooled", {}).get("odd")
        if got and got["high"]["right"] is not None:
            lines.append(
                f"- **{variant}**: {got['high']['right']:.1%} of its {got['high']['n']:,} "
                f'"high" answers are right ({got["high"]["share"]:.0%} of what it answered).'
            )
    return lines or ['- No newsbot variant gave a "high" answer on the odd halves.']


def figures(results: dict, out: Path) -> list[str]:
    box = results["machine"]
    drawn = Figures(out, f"{box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB")
    names = list(results["sets"])
    halves = {
        name: "odd" if "odd" in results["sets"][name]["questions"] else "all" for name in names
    }
    series = {}
    for variant in results["variants"]:
        values = [
            results["scores"][name].get(halves[name], {}).get(variant, {}).get(HEADLINE[name])
            for name in names
        ]
        if all(v is not None for v in values):
            series[variant] = values
    drawn.bars(
        "headline.png",
        "Headline score per set (odd half; seeds: all)",
        [f"{name}\n{HEADLINE[name]}" for name in names],
        series,
        "Each set asked through `newsbot ask --json -`; baselines computed on the same files.",
        ylabel="share of questions right",
    )
    for variant, sets in results["calibration"].items():
        for half in ("odd", "even"):
            lines = {name: by[half] for name, by in sets.items() if half in by}
            if lines:
                reliability(drawn, variant, half, lines)
    return drawn.written


def reliability(drawn: Figures, variant: str, half: str, lines: dict[str, dict]) -> str:
    """Mean predicted probability against the share right, a line a set, counts beside."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5.5, 5))
    axes.plot([0, 1], [0, 1], color="#888", linestyle="--", linewidth=1, label="calibrated")
    for name, got in lines.items():
        filled = [b for b in got["bins"] if b["n"]]
        x = [b["mean_probability"] for b in filled]
        y = [b["observed"] for b in filled]
        (drawn_line,) = axes.plot(x, y, marker="o", label=f"{name} (ECE {got['ece']:.3f})")
        for b in filled:
            axes.annotate(
                str(b["n"]),
                (b["mean_probability"], b["observed"]),
                textcoords="offset points",
                xytext=(3, 3),
                fontsize=6,
                color=drawn_line.get_color(),
            )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("mean predicted probability (10 equal bins)")
    axes.set_ylabel("share whose quote is right")
    axes.set_title(f"Reliability of {variant}, {half} half", fontsize=9)
    axes.legend(fontsize=7)
    axes.grid(alpha=0.3)
    slug = re.sub(r"[^a-z0-9]+", "-", variant.lower()).strip("-")
    return drawn._save(
        figure,
        f"reliability-{slug}-{half}.png",
        "Answered and abstained alike; right = the first quote, or the held-back related one.",
    )


def write_report(results: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in [out / "headline.png", *out.glob("reliability-*.png")]:
        old.unlink(missing_ok=True)  # a variant that no longer reports must lose its figure
    written = figures(results, out)
    results["figures"] = written
    mode = "smoke run: a few texts and questions a set" if results["smoke"] else "every question"
    parts = [
        "# What users see: newsbot's answers on public question sets",
        "Each set's articles are written as `.txt` files (title on the first line), indexed with "
        "`newsbot ingest` and asked with `newsbot ask --json -`, one process a variant, exactly "
        "as a user would run them. A question is right when newsbot quotes the right article "
        "and, for SQuAD, the first quote contains a gold answer; for an unanswerable question, "
        "when it abstains. A refused question counts as an abstention. The baselines run "
        "inside the bench on the same texts: *always abstain*, and *top BM25 sentence* (every "
        "sentence indexed with newsbot's own splitter and BM25 tokenizer; the best one is the "
        "answer). Even-numbered articles may be used to tune newsbot; odd-numbered ones report. "
        "The seed questions tuned newsbot's tests and are shown whole.",
        f"Command: `{results['command']}` ({mode}); evaluation data `{results['eval']}`. "
        f"Machine: {results['machine']['short']}. Date: {results['date']}; "
        f"{results['total_s']:.0f} s in all. Questions/s is one `ask -` process over the whole "
        "set, model loading included.",
        '## Headline: how often a "high" answer is right',
        "Odd halves of squad1, squad2 and quail together:\n\n"
        + "\n".join(_headline_lines(results)),
        "![headline scores](headline.png)",
        "## Scores by set",
        *(_set_table(results, name) for name in results["sets"]),
        "## Confidence",
        "Of the answered questions: the share at each level, and the share of those that are "
        "right.\n\n" + _confidence_table(results),
        "## Calibration",
    ]
    if results["calibration"]:
        parts.append(
            "The probability newsbot reports is that its first quote answers. Each question "
            "counts, answered or not; it is right when the quote it shows (or, when it abstains, "
            "the related passage it held back) would be a right answer. Abstentions without a "
            "related passage count as not right. Expected calibration error over ten "
            "equal-width bins:\n\n" + _ece_table(results)
        )
        parts += [f"![reliability diagram]({name})" for name in written if "reliability" in name]
    else:
        parts.append("No variant reported a probability, so there is nothing to calibrate.")
    (out / "report.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="evaluation folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder")
    parser.add_argument("--smoke", action="store_true", help="a few texts and questions a set")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (kept)")
    args = parser.parse_args(argv)
    given = list(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    corpora = load_corpora(args.eval, args.smoke)
    with tempfile.TemporaryDirectory(prefix="newsbot-answers-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        results = run(corpora, work.resolve())
    results |= {
        "command": "make bench-answers"
        if not given
        else shlex.join(["python", "-m", "bench.answers", *given]),
        "eval": str(args.eval),
        "smoke": args.smoke,
        "date": date.today().isoformat(),
        "machine": machine(),
        "total_s": round(time.perf_counter() - started, 1),
    }
    write_report(results, args.out)
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    _progress(f"wrote {args.out / 'report.md'}")
    return results


if __name__ == "__main__":
    main()
