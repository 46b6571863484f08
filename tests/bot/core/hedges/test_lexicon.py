"""Tests for the hedge and attribution cue finder in bot.core.hedges."""

import itertools

import pytest

from bot.core.hedges.lexicon import _LEXICON, CUE_KINDS, Cue, find_cues, hedge_phrases

SEED_APPEARS = (
    "It appears that Putin is hedging his bets in case military action does become a reality "
    "on the Korean peninsula, after reports emerged suggesting that the Russian President has "
    "ordered troops to Russia’s border with North Korea in anticipation of a mass exodus of "
    "refugees, should Donald Trump exert military force over the country."
)
SEED_PURPORTING = (
    "Images surfaced today purporting to show Russian military troops and equipment on its way "
    "to the border in the south-east of the country, although officials have not confirmed the "
    "intent behind the movement of soldiers and resources."
)
SEED_THOUGHT = (
    "It is thought that North Korea intends to go ahead with plans to conduct a sixth nuclear "
    "test, in what would be an open resistance to sanctions put in place against them from "
    "several other countries and international bodies."
)

# (sentence, cue text, kind): the cue text occurs once in the sentence.
KIND_CASES = [
    ("The claim has not been confirmed by the army.", "has not been confirmed", "unconfirmed"),
    ("The video, which is unverified, shows a convoy.", "unverified", "unconfirmed"),
    ("The ministry declined to confirm the numbers.", "declined to confirm", "unconfirmed"),
    ("There was no official confirmation of the deal.", "no official confirmation", "unconfirmed"),
    ("Rebels purportedly seized the airport.", "purportedly", "unconfirmed"),
    ("The strike might delay the election.", "might", "speculation"),
    ("Talks may resume next week.", "may", "speculation"),
    ("The minister reportedly resigned overnight.", "reportedly", "speculation"),
    ("The alleged plot was foiled.", "alleged", "speculation"),
    ("Reports suggest the ship sank.", "Reports suggest", "speculation"),
    ("The motive remains unclear.", "unclear", "speculation"),
    ("Analysts cast doubt on the figures.", "cast doubt", "speculation"),
    ("She was rumoured to be leaving.", "rumoured", "speculation"),
    ("The crew is believed to have escaped.", "is believed", "belief"),
    ("The fire is suspected arson.", "suspected", "belief"),
    ("Prices are expected to rise.", "expected to", "belief"),
    ("An estimated 3,000 people marched.", "estimated", "belief"),
    ("Nurses will strike unless pay improves.", "unless", "condition"),
    ("Troops will move if the talks fail.", "if", "condition"),
    ("Police are investigating the crash.", "investigating", "investigation"),
    ("The bank is under investigation.", "under investigation", "investigation"),
    ("It is not known whether anyone was hurt.", "whether", "investigation"),
    ("Experts met to determine the cause.", "to determine", "investigation"),
    ("Turnout was low, according to the commission.", "according to", "attribution"),
    ("The mayor told reporters the road was shut.", "told", "attribution"),
    ("The company claimed the data was safe.", "claimed", "attribution"),
    ("Local officials reported two deaths.", "reported", "attribution"),
    ("Sources close to the deal were upbeat.", "Sources", "attribution"),
    ("A spokesperson declined to comment.", "A spokesperson", "attribution"),
    ("Officials said the bridge was closed.", "Officials said", "attribution"),
]

MONTH_SENTENCES = [
    "The summit was held in May 2017.",
    "Voting closes on May 3.",
    "The law took effect on 1 May.",
    "Sales have fallen since May.",
    "The plant closed last May.",
    "Work starts in early May.",
    "Results are due by mid-May.",
    "The report of May 12th was late.",
    "Theresa May resigned as leader.",
]

NEGATIVE_SENTENCES = [
    "The bridge opened in 1932 and carries six lanes.",
    "The so-called peace plan was unveiled.",
    "The Mayor opened the library.",
    "She praised the film “If Beale Street Could Talk” on Tuesday.",
    'She praised the film "If Beale Street Could Talk" on Tuesday.',
]

OTHER_SENTENCES = [
    SEED_APPEARS,
    SEED_PURPORTING,
    SEED_THOUGHT,
    "The footage could not be independently verified.",
    "A deal is unlikely before Friday.",
    "The ministry said on Tuesday that the road had reopened.",
    "He said: “If we lose, we go home.”",
    "May I ask whether, in May, it may rain?",
    "It hasn’t been confirmed, and police haven't confirmed it either.",
    "Turnout was high, according\nto  the commission.",
    "It is thought to be a test, and it is thought the test failed.",
]

ALL_SENTENCES = [case[0] for case in KIND_CASES] + MONTH_SENTENCES + NEGATIVE_SENTENCES
ALL_SENTENCES += OTHER_SENTENCES


def pairs(text: str) -> list[tuple[str, str]]:
    return [(cue.text, cue.kind) for cue in find_cues(text)]


@pytest.mark.parametrize(("sentence", "phrase", "kind"), KIND_CASES)
def test_each_kind_found_with_exact_offsets(sentence: str, phrase: str, kind: str) -> None:
    start = sentence.index(phrase)
    assert Cue(start, start + len(phrase), phrase, kind) in find_cues(sentence)


def test_seed_sentence_with_it_appears() -> None:
    assert pairs(SEED_APPEARS) == [
        ("It appears", "speculation"),
        ("in case", "condition"),
        ("reports emerged suggesting", "speculation"),
    ]


def test_seed_sentence_with_purporting() -> None:
    assert pairs(SEED_PURPORTING) == [
        ("purporting", "unconfirmed"),
        ("officials have not confirmed", "unconfirmed"),
    ]


def test_seed_sentence_with_it_is_thought() -> None:
    assert find_cues(SEED_THOUGHT) == [Cue(0, 13, "It is thought", "belief")]


@pytest.mark.parametrize("sentence", MONTH_SENTENCES)
def test_month_may_is_not_a_cue(sentence: str) -> None:
    assert find_cues(sentence) == []


def test_modal_may_stays_a_cue_next_to_the_month() -> None:
    text = "May I ask whether, in May, it may rain?"
    assert find_cues(text) == [
        Cue(0, 3, "May", "speculation"),
        Cue(10, 17, "whether", "investigation"),
        Cue(30, 33, "may", "speculation"),
    ]


def test_could_is_absorbed_by_the_longer_unconfirmed_cue() -> None:
    text = "The footage could not be independently verified."
    phrase = "could not be independently verified"
    assert find_cues(text) == [Cue(12, 12 + len(phrase), phrase, "unconfirmed")]


def test_unlikely_is_one_cue() -> None:
    assert pairs("A deal is unlikely before Friday.") == [("unlikely", "speculation")]


def test_capitalised_if_in_quoted_title_is_skipped_but_quoted_speech_keeps_it() -> None:
    assert find_cues("She praised the film “If Beale Street Could Talk” on Tuesday.") == []
    assert pairs("He said: “If we lose, we go home.”") == [
        ("said", "attribution"),
        ("If", "condition"),
    ]


def test_lowercase_if_inside_quotes_is_kept() -> None:
    assert pairs("He warned: “we will leave if they refuse.”") == [("if", "condition")]


def test_said_alone_gives_only_attribution() -> None:
    assert pairs("The ministry said on Tuesday that the road had reopened.") == [
        ("said", "attribution")
    ]


@pytest.mark.parametrize("sentence", NEGATIVE_SENTENCES)
def test_plain_sentences_have_no_cues(sentence: str) -> None:
    assert find_cues(sentence) == []


def test_curly_and_straight_apostrophes_and_contractions() -> None:
    text = "It hasn’t been confirmed, and police haven't confirmed it either."
    assert pairs(text) == [
        ("hasn’t been confirmed", "unconfirmed"),
        ("haven't confirmed", "unconfirmed"),
    ]


def test_phrases_match_across_line_breaks_with_exact_text() -> None:
    text = "Turnout was high, according\nto  the commission."
    assert pairs(text) == [("according\nto", "attribution")]


def test_overlapping_candidates_keep_the_earliest_longest() -> None:
    text = "It is thought to be a test, and it is thought the test failed."
    assert pairs(text) == [("It is thought", "belief"), ("it is thought", "belief")]


@pytest.mark.parametrize("sentence", ALL_SENTENCES)
def test_cues_are_sorted_exact_and_non_overlapping(sentence: str) -> None:
    cues = find_cues(sentence)
    for cue in cues:
        assert sentence[cue.start : cue.end] == cue.text
        assert cue.kind in CUE_KINDS
    for before, after in itertools.pairwise(cues):
        assert before.end <= after.start


def test_lexicon_phrases_belong_to_one_kind() -> None:
    phrases = [phrase for kind in CUE_KINDS for phrase in _LEXICON[kind]]
    assert len(phrases) == len(set(phrases))
    assert set(_LEXICON) == set(CUE_KINDS)


def test_hedge_phrases_deduplicates_in_order_and_filters_kinds() -> None:
    cues = find_cues("Officials said it may rain. It May be late, police said, if at all.")
    assert hedge_phrases(cues) == ["Officials said", "may", "said", "if"]
    assert hedge_phrases(cues, ["speculation", "condition"]) == ["may", "if"]
    assert hedge_phrases(cues, []) == []


def test_hedge_phrases_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="hedging"):
        hedge_phrases([], ["hedging"])
