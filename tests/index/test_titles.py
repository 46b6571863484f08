"""Finding an article by id or by a loosely typed title, with clear errors otherwise."""

from __future__ import annotations

import pytest

from index.models import Article
from index.titles import ArticleLookupError, resolve_article


def article(article_id: int, title: str) -> Article:
    return Article(article_id, f"key-{article_id}", title, None, None, None, None, None)


ARTICLES = [
    article(1, "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"),
    article(2, "Harbour Bridge Reopens After Two-Year Repair"),
    article(3, "Election Results Announced In Paris"),
    article(4, "Election Results Announced In Berlin"),
    article(12, "Bananas Grow Scarce"),
]


@pytest.mark.parametrize(("reference", "expected"), [("2", 2), (" 12 ", 12), ("1", 1)])
def test_by_id(reference: str, expected: int) -> None:
    assert resolve_article(ARTICLES, reference).id == expected


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("putin troops", 1),
        ("PUTIN SENDS TROOPS", 1),
        ("harbour bridge", 2),
        ("bridge reopens", 2),
        ("bananas", 12),
    ],
)
def test_fuzzy_title(reference: str, expected: int) -> None:
    assert resolve_article(ARTICLES, reference).id == expected


def test_unknown_number_falls_back_to_titles_and_fails_clearly() -> None:
    with pytest.raises(ArticleLookupError, match="no indexed article matches '99'"):
        resolve_article(ARTICLES, "99")


def test_no_match_is_an_error() -> None:
    with pytest.raises(ArticleLookupError, match="no indexed article matches 'zzqx vvkj'"):
        resolve_article(ARTICLES, "zzqx vvkj")


def test_nothing_indexed_is_an_error() -> None:
    with pytest.raises(ArticleLookupError, match="no indexed article"):
        resolve_article([], "putin")


@pytest.mark.parametrize("reference", ["", "   "])
def test_blank_reference_is_an_error(reference: str) -> None:
    with pytest.raises(ArticleLookupError, match="by its id or part of its title"):
        resolve_article(ARTICLES, reference)


def test_ambiguous_match_lists_the_candidates() -> None:
    with pytest.raises(ArticleLookupError, match="more than one article") as caught:
        resolve_article(ARTICLES, "election results")
    message = str(caught.value)
    assert "3: Election Results Announced In Paris" in message
    assert "4: Election Results Announced In Berlin" in message
    assert "Harbour" not in message


def test_identical_titles_are_ambiguous() -> None:
    twins = [article(5, "Storm Hits Coast"), article(6, "Storm Hits Coast")]
    with pytest.raises(ArticleLookupError, match="5: Storm Hits Coast; 6: Storm Hits Coast"):
        resolve_article(twins, "storm hits coast")
    assert resolve_article(twins, "6").id == 6


def test_non_decimal_digit_is_a_lookup_error_not_a_crash() -> None:
    with pytest.raises(ArticleLookupError):
        resolve_article(ARTICLES, "²")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("putin troops", "Putin Sends Troops To North Korean Border"),
        ("china troops", "China Sends Troops To Border"),
        ("election results paris", "Election Results Announced In Paris"),
        ("brige reopen", "Bridge Reopens After Repairs"),
    ],
)
def test_titles_sharing_a_word_are_told_apart(query, expected):
    titles = [
        "Putin Sends Troops To North Korean Border",
        "China Sends Troops To Border",
        "Election Results Announced In Paris",
        "Election Results Announced In Berlin",
        "Bridge Reopens After Repairs",
    ]
    articles = [
        Article(i, f"k{i}", t, None, None, None, None, None) for i, t in enumerate(titles, 1)
    ]
    assert resolve_article(articles, query).title == expected
