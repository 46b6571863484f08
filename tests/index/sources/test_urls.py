"""URLs as keys: one canonical spelling of each address."""

from __future__ import annotations

import pytest

from index.sources.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.COM:443/a?id=3#top", "https://news.example.com/a?id=3"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/a?utm_source=x&id=2&fbclid=y", "http://example.com:8080/a?id=2"),
        ("http://[::1]:80/x", "http://[::1]/x"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
