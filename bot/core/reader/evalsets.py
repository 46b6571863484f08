"""The public question sets in ../shared/eval, as article files and gold answers.

Each paragraph (SQuAD) or text (QuAIL) becomes one `.txt` article, title on the first line, as
a user would ingest it. An article's number decides its half: SQuAD articles are numbered by
their position in the SQuAD 1.1 file (the SQuAD 2.0 file's articles take the same number),
QuAIL texts by their position in their own file. Even numbers train and tune; odd ones report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

SQUAD1 = "squad-dev-v1.1-first24.json"
SQUAD2 = "squad2-dev-10articles.json"
QUAIL = "quail-dev-other-domains.json"
# QuAIL's question types whose answer is a sentence of the text, or that have none.
QuailType = Literal["Factual", "Character_identity", "Unanswerable"]
QUAIL_TYPES: tuple[QuailType, ...] = get_args(QuailType)
# SQuAD's questions are answerable or not; QuAIL's keep their type.
GoldKind = Literal["answerable", "unanswerable", QuailType]

Half = Literal["even", "odd"]


@dataclass(frozen=True)
class Text:
    """One article file: `key` is its file name without `.txt`."""

    key: str
    number: int
    title: str
    text: str

    def file_text(self) -> str:
        return f"{self.title}\n\n{self.text}\n"


@dataclass(frozen=True)
class GoldQuestion:
    """A question, the article that answers it, and what a right quote contains.

    `answers` empty with `answerable` true: no answer is verbatim in the text, so a quote from
    the right article is what counts (QuAIL).
    """

    id: str
    text: str
    key: str
    number: int
    answerable: bool
    answers: tuple[str, ...]
    kind: GoldKind

    @property
    def half(self) -> Half:
        return "even" if self.number % 2 == 0 else "odd"


@dataclass(frozen=True)
class EvalSet:
    name: str
    texts: tuple[Text, ...]
    questions: tuple[GoldQuestion, ...]

    def write(self, folder: Path) -> Path:
        """Write one `.txt` file an article into `folder`; returns the folder."""
        folder.mkdir(parents=True, exist_ok=True)
        for text in self.texts:
            (folder / f"{text.key}.txt").write_text(text.file_text(), encoding="utf-8")
        return folder

    def half(self, half: Half) -> list[GoldQuestion]:
        return [q for q in self.questions if q.half == half]


def _squad_numbers(folder: Path) -> dict[str, int]:
    data = json.loads((folder / SQUAD1).read_text(encoding="utf-8"))["data"]
    return {article["title"]: n for n, article in enumerate(data)}


def load_squad(folder: Path, name: Literal["squad1", "squad2"]) -> EvalSet:
    """SQuAD 1.1 (every question answerable) or the SQuAD 2.0 articles (half unanswerable)."""
    numbers = _squad_numbers(folder)
    path = folder / (SQUAD1 if name == "squad1" else SQUAD2)
    texts, questions = [], []
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        number = numbers[article["title"]]
        title = article["title"].replace("_", " ")
        for p, paragraph in enumerate(article["paragraphs"]):
            key = f"{number:02d}-{p:03d}"
            texts.append(Text(key, number, title, " ".join(paragraph["context"].split())))
            for qa in paragraph["qas"]:
                answerable = not qa.get("is_impossible", False)
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                questions.append(
                    GoldQuestion(
                        qa["id"],
                        qa["question"],
                        key,
                        number,
                        answerable,
                        answers if answerable else (),
                        "answerable" if answerable else "unanswerable",
                    )
                )
    return EvalSet(name, tuple(texts), tuple(questions))


def load_quail(folder: Path) -> EvalSet:
    """QuAIL's fiction, blog and user-story texts, with the three question types it scores."""
    data = json.loads((folder / QUAIL).read_text(encoding="utf-8"))
    texts, key_of = [], {}
    for number, article in enumerate(data["articles"]):
        key = f"{number:02d}-{article['id']}"
        key_of[article["id"]] = (key, number)
        paragraphs = [" ".join(line.split()) for line in article["text"].splitlines()]
        body = "\n\n".join(p for p in paragraphs if p)
        texts.append(Text(key, number, article["title"].strip() or article["id"], body))
    by_key = {t.key: t for t in texts}
    questions = []
    for q in data["questions"]:
        if q["type"] not in QUAIL_TYPES:
            continue
        key, number = key_of[q["article_id"]]
        answer = " ".join(q["correct_text"].split())
        verbatim = q["answerable"] and answer.lower() in by_key[key].text.lower()
        questions.append(
            GoldQuestion(
                q["id"],
                q["question"],
                key,
                number,
                bool(q["answerable"]),
                (answer,) if verbatim else (),
                q["type"],
            )
        )
    return EvalSet("quail", tuple(texts), tuple(questions))


def load_all(folder: Path) -> list[EvalSet]:
    return [load_squad(folder, "squad1"), load_squad(folder, "squad2"), load_quail(folder)]


def holds_answer(quote: str, question: GoldQuestion) -> bool:
    """SQuAD's rule: a right quote contains one of the gold answers (whitespace-normalised)."""
    text = " ".join(quote.split()).lower()
    return any(" ".join(a.split()).lower() in text for a in question.answers)
