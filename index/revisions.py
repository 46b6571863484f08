"""What each version of an article changed, sentence by sentence.

Two consecutive versions are compared as sequences of sentences (difflib, with whitespace
evened out): what the later one has and the earlier lacks was added, the reverse removed. An
added sentence close enough to a removed one is that sentence reworded, so an answer quoting it
can say how it read before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from index.models import ArticleVersion

# An added sentence at least this similar (rapidfuzz ratio, 0-100) to a removed one rewords it:
# a figure or a name changed, a clause added. Unrelated news sentences score 30-50.
REWORDED = 70.0


@dataclass(frozen=True)
class Change:
    """What `version` changed from the version before it, dated `since` (an ISO day). The first
    version, where the history starts, added every sentence it has."""

    version: ArticleVersion
    since: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # (added sentence, the removed one it rewords), for the added sentences that reword one.
    reworded: tuple[tuple[str, str], ...] = ()

    def touched(self, sentence: str) -> bool:
        """Whether this version added `sentence` (or reworded it into what it is)."""
        return _key(sentence) in {_key(s) for s in self.added}

    def earlier(self, sentence: str) -> str | None:
        """The removed sentence that `sentence` rewords, as the version before had it."""
        wanted = _key(sentence)
        return next((before for after, before in self.reworded if _key(after) == wanted), None)


def history(versions: Sequence[ArticleVersion]) -> list[Change]:
    """Each version's change from the one before it, oldest first."""
    changes = []
    for i, version in enumerate(versions):
        if i == 0:
            changes.append(Change(version, version.seen_at[:10], version.sentences))
            continue
        previous = versions[i - 1]
        added, removed = compare(previous.sentences, version.sentences)
        reworded = tuple(
            (sentence, match[0])
            for sentence in added
            if (
                match := process.extractOne(
                    sentence, removed, scorer=fuzz.ratio, score_cutoff=REWORDED
                )
            )
        )
        changes.append(Change(version, _day(previous, version), added, removed, reworded))
    return changes


def compare(before: Sequence[str], after: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(added, removed): the sentences of `after` that `before` lacks, in `after`'s order, and
    those of `before` that `after` lacks, in `before`'s."""
    matcher = SequenceMatcher(
        None, [_key(s) for s in before], [_key(s) for s in after], autojunk=False
    )
    added: list[str] = []
    removed: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += before[i1:i2]
            added += after[j1:j2]
    # A sentence moved elsewhere is neither added nor removed.
    kept_before, kept_after = {_key(s) for s in before}, {_key(s) for s in after}
    return (
        tuple(s for s in added if _key(s) not in kept_before),
        tuple(s for s in removed if _key(s) not in kept_after),
    )


def _day(previous: ArticleVersion, version: ArticleVersion) -> str:
    """When the update that made `version` happened: the date the article gives it, when it
    moved on from the previous version's, else the day newsbot saw it."""
    if version.updated and version.updated != previous.updated:
        return version.updated[:10]
    return version.seen_at[:10]


def _key(sentence: str) -> str:
    return " ".join(sentence.split())
