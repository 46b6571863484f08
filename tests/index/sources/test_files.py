"""Reading article files: titles, verbatim bodies, metadata, sidecars and clear errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from index.models import Contributor
from index.sources.files import DocumentError, find_files, read_document, uploaded_document
from tests.support.corpus import SEED

MEMBER = Contributor("discord:1", "discord:5", "a member of Newsroom")

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<title>Harbour Bridge Reopens After Two-Year Repair | Coastal Herald</title>
<meta property="og:site_name" content="Coastal Herald">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2017-04-18T10:00:00Z">
<link rel="canonical" href="https://example.com/news/bridge-reopens">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather forecast</a></li></ul></nav>
<article>
<h1>Harbour Bridge Reopens After Two-Year Repair</h1>
<p>The Harbour Bridge reopened to traffic on Tuesday morning after a two-year repair programme
that cost the city council more than 40 million pounds and forced tens of thousands of commuters
onto crowded ferries.</p>
<p>Engineers replaced the corroded steel cables that had been installed when the bridge was built
in 1932, and resurfaced the entire deck with a lighter composite material designed to last at
least another half a century.</p>
<p>“This is a proud day for everyone who worked through two winters on the structure,” said the
chief engineer, Maria Lopez, speaking to reporters at the southern approach as the first buses
crossed.</p>
<p>Local businesses on the northern shore said trade had fallen by almost a third during the
closure, and several cafés near the ferry terminal warned that they would struggle to survive
another season without the passing trade.</p>
</article>
<footer><p>Copyright 2017 Coastal Herald. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body></html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_txt_first_line_is_title_and_body_is_verbatim(tmp_path: Path) -> None:
    body = (
        "The council said \u201cno\u201d \u2013 twice.\n"
        "A second line   of the same paragraph.\n"
        "\n"
        "Second paragraph."
    )
    path = write(tmp_path / "story.txt", "\n\n  Council Rejects Plan  \n\n\n" + body + "\n\n")
    doc = read_document(path)
    assert doc.title == "Council Rejects Plan"
    assert doc.text == body
    assert doc.key == doc.path == str(path.resolve())
    assert (doc.source, doc.url, doc.published, doc.author) == (None, None, None, None)


def test_txt_line_endings_and_bom_are_normalised(tmp_path: Path) -> None:
    data = "\ufeffTitle\r\n\r\nOne.\r\nTwo.\rThree.".encode()
    doc = read_document(write(tmp_path / "crlf.txt", data))
    assert doc.title == "Title"
    assert doc.text == "One.\nTwo.\nThree."


def test_single_line_txt_is_title_and_body(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "one.txt", "Only a headline here\n"))
    assert doc.title == doc.text == "Only a headline here"


def test_seed_article_reads() -> None:
    doc = read_document(SEED)
    assert doc.title == "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"
    assert "150,000 troops" in doc.text
    assert not doc.text.startswith("Putin Sends Troops")
    assert "\n\n" in doc.text


def test_markdown_front_matter_and_markup_stripped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "post.md",
        "---\n"
        "title: Floods Close Main Road\n"
        "outlet: Valley Times\n"
        "link: https://valley.example/floods\n"
        "date: 2021-03-05\n"
        "author: Sam Reed\n"
        "---\n"
        "# Floods Close Main Road\n\n"
        "Heavy **rain** closed the [A40](https://roads.example/a40) on *Monday*.\n\n"
        "## Repairs\n\n"
        "- Crews expect to `reopen` it by Friday.\n",
    )
    doc = read_document(path)
    assert doc.title == "Floods Close Main Road"
    assert doc.source == "Valley Times"
    assert doc.url == doc.key == "https://valley.example/floods"
    assert doc.published == "2021-03-05"
    assert doc.author == "Sam Reed"
    assert (
        doc.text
        == "Heavy rain closed the A40 on Monday.\n\nRepairs\n\nCrews expect to reopen it by Friday."
    )


def test_markdown_canonical_key_beats_alias(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.markdown",
        "---\nsite_name: Alias Outlet\nsource: Real Outlet\npublished: March 5, 2021\n---\nText.\n",
    )
    doc = read_document(path)
    assert doc.source == "Real Outlet"
    assert doc.published == "2021-03-05"


def test_markdown_heading_becomes_title_when_front_matter_has_none(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "h.md", "## Storm *Warning* Issued\n\nStay indoors.\n"))
    assert doc.title == "Storm Warning Issued"
    assert doc.text == "Stay indoors."


def test_markdown_first_line_becomes_title_without_heading(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "p.md", "Plain headline\n\nFirst paragraph.\n"))
    assert doc.title == "Plain headline"
    assert doc.text == "First paragraph."


def test_markdown_bad_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nBody.\n")
    with pytest.raises(DocumentError, match=r"bad\.md: front matter is not valid YAML"):
        read_document(path)


def test_html_article_with_metadata_and_no_boilerplate(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "bridge.html", ARTICLE_HTML))
    assert doc.title == "Harbour Bridge Reopens After Two-Year Repair"
    assert doc.source == "Coastal Herald"
    assert doc.author == "Jane Doe"
    assert doc.published == "2017-04-18"
    assert doc.url == doc.key == "https://example.com/news/bridge-reopens"
    paragraphs = doc.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("The Harbour Bridge reopened to traffic on Tuesday morning")
    assert "\u201cThis is a proud day" in paragraphs[2]
    for boilerplate in ("Weather forecast", "Privacy policy", "All rights reserved", "Home"):
        assert boilerplate not in doc.text


def test_html_date_is_not_guessed_from_copyright_line(tmp_path: Path) -> None:
    tag = '<meta property="article:published_time" content="2017-04-18T10:00:00Z">'
    html = ARTICLE_HTML.replace(tag, "")
    assert tag in ARTICLE_HTML and "Copyright 2017" in html
    doc = read_document(write(tmp_path / "nodate.htm", html))
    assert doc.published is None
    assert doc.source == "Coastal Herald"


@pytest.mark.parametrize("html", ["<html><body><div>", "\x01\x02 garbage <<<>>>", "<p></p>"])
def test_broken_html_has_no_article_text(tmp_path: Path, html: str) -> None:
    path = write(tmp_path / "broken.html", html)
    with pytest.raises(DocumentError, match=r"broken\.html: no article text found"):
        read_document(path)


def test_sidecar_overrides_file_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "bridge.html", ARTICLE_HTML)
    sidecar = {
        "title": "  Better Title ",
        "source": "Wire Service",
        "url": "https://wire.example/1",
        "published": "18 April 2017",
        "author": "",
    }
    write(tmp_path / "bridge.json", json.dumps(sidecar))
    doc = read_document(path)
    assert doc.title == "Better Title"
    assert doc.source == "Wire Service"
    assert doc.url == doc.key == "https://wire.example/1"
    assert doc.published == "2017-04-18"
    assert doc.author == "Jane Doe"


@pytest.mark.parametrize("name", ["updated", "modified", "date_modified"])
def test_front_matter_and_sidecars_give_the_last_update(tmp_path: Path, name: str) -> None:
    path = write(
        tmp_path / "floods.md",
        f"---\npublished: 2021-03-05\n{name}: March 7, 2021 14:00\n---\n# Floods\n\nRain.\n",
    )
    assert (read_document(path).published, read_document(path).updated) == (
        "2021-03-05",
        "2021-03-07",
    )
    write(tmp_path / "floods.json", json.dumps({name: "2021-03-09"}))
    assert read_document(path).updated == "2021-03-09"


def test_sidecar_gives_txt_metadata_and_keeps_unparsed_date(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", "Headline\n\nBody.\n")
    write(tmp_path / "story.json", json.dumps({"source": "Gazette", "published": "last spring"}))
    doc = read_document(path)
    assert (doc.title, doc.source, doc.published) == ("Headline", "Gazette", "last spring")
    assert doc.key == str(path.resolve())


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_bad_sidecar_is_named(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "story.txt", "Headline\n\nBody.\n")
    write(tmp_path / "story.json", content)
    with pytest.raises(DocumentError, match=r"story\.json: ") as caught:
        read_document(path)
    assert str(caught.value).startswith(str(tmp_path / "story.json"))


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("notes.txt", b"PK\x03\x04\x00\x00binary", "not a UTF-8 text file"),
        (
            "latin.txt",
            "Caf\u00e9 news\n\nR\u00e9sum\u00e9".encode("latin-1"),
            "not a UTF-8 text file",
        ),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\t\r\n", "empty file"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    path = write(tmp_path / name, data)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: {problem}"


def test_find_files_expands_folders(tmp_path: Path) -> None:
    root = tmp_path / "news"
    expected = [
        write(root / "a.txt", "A"),
        write(root / "b.md", "B"),
        write(root / "sub" / "c.HTML", "<p>C</p>"),
        write(root / "sub" / "deeper" / "d.htm", "<p>D</p>"),
    ]
    write(root / "a.json", "{}")
    write(root / ".hidden.txt", "H")
    write(root / ".git" / "e.txt", "E")
    write(root / "sub" / "f.pdf", "F")
    assert find_files([root]) == expected


def test_find_files_keeps_explicit_files_and_drops_duplicates(tmp_path: Path) -> None:
    one = write(tmp_path / "dir" / "one.txt", "One")
    hidden = write(tmp_path / ".two.md", "Two")
    assert find_files([hidden, tmp_path / "dir", one]) == [hidden, one]


def test_find_files_rejects_unsupported_explicit_file(tmp_path: Path) -> None:
    pdf = write(tmp_path / "x.pdf", "%PDF")
    with pytest.raises(DocumentError) as caught:
        find_files([pdf])
    assert str(caught.value) == f"{pdf}: unsupported file type (use .txt, .md or .html)"


def test_find_files_rejects_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DocumentError) as caught:
        find_files([missing])
    assert str(caught.value) == f"{missing}: no such file or folder"


def test_an_upload_keeps_its_title_and_text_but_none_of_its_claims(tmp_path: Path) -> None:
    on_disk = read_document(write(tmp_path / "bridge.html", ARTICLE_HTML))
    assert on_disk.url == on_disk.key == "https://example.com/news/bridge-reopens"
    uploaded = uploaded_document("bridge.html", ARTICLE_HTML.encode(), MEMBER)
    assert (uploaded.title, uploaded.text) == (on_disk.title, on_disk.text)
    assert (uploaded.url, uploaded.source, uploaded.author, uploaded.published) == (None,) * 4
    assert uploaded.key.startswith("chat:discord:1:discord:5:")
    assert (uploaded.scope, uploaded.added_by) == ("discord:1", "a member of Newsroom")


@pytest.mark.parametrize("claim", ["url", "link", "canonical_url"])
def test_front_matter_gives_an_upload_no_url_and_no_outlet(claim: str) -> None:
    markdown = (
        f"---\ntitle: Bridge closes again\n{claim}: https://example.com/news/bridge-reopens\n"
        "source: Coastal Herald\npublished: 2017-04-18\n---\n\nThe bridge closed again.\n"
    )
    uploaded = uploaded_document("bridge.md", markdown.encode(), MEMBER)
    assert uploaded.title == "Bridge closes again"
    assert uploaded.key.startswith("chat:discord:1:")
    assert (uploaded.url, uploaded.source, uploaded.published) == (None, None, None)


def test_an_upload_is_keyed_by_its_text_its_uploader_and_its_scope() -> None:
    text = b"Port reopens\r\nThe port reopened on Monday."
    first = uploaded_document("port.txt", text, MEMBER)
    assert (first.title, first.text, first.url) == (
        "Port reopens",
        "The port reopened on Monday.",
        None,
    )
    assert uploaded_document("other name.txt", text, MEMBER).key == first.key
    assert uploaded_document("port.txt", text + b" Ships queued.", MEMBER).key != first.key
    someone_else = uploaded_document("port.txt", text, replace(MEMBER, user="discord:6"))
    another_server = uploaded_document("port.txt", text, replace(MEMBER, scope="discord:2"))
    assert len({first.key, someone_else.key, another_server.key}) == 3


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("notes.txt", b"PK\x03\x04\x00\x00binary", "notes.txt: not a UTF-8 text file"),
        ("empty.md", b"", "empty.md: empty file"),
        ("scan.pdf", b"%PDF-1.7", "scan.pdf: unsupported file type (use .txt, .md or .html)"),
    ],
)
def test_an_unreadable_upload_is_named_in_the_error(name: str, data: bytes, problem: str) -> None:
    with pytest.raises(DocumentError) as caught:
        uploaded_document(name, data, MEMBER)
    assert str(caught.value) == problem
