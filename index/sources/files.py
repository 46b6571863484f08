"""Reads news articles from text, Markdown and HTML files into Documents, with optional sidecars.

Files come from disk (`find_files`, `read_document`) or from a chat upload (`uploaded_document`);
both are parsed the same way. A sidecar `<stem>.json` beside a file on disk overrides what the
file says about itself; an upload's claims about itself (URL, outlet, canonical link) are
dropped, as `index.sources.chat` explains.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from itertools import dropwhile, pairwise
from pathlib import Path

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.errors import NewsbotError
from index.models import Contributor, Document
from index.sources.chat import chat_document
from index.sources.extraction import extract_html
from index.sources.metadata import Meta, document, metadata

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_MARKDOWN = MarkdownIt("commonmark")


class DocumentError(NewsbotError):
    """A file that cannot be read as an article; the message names the file and the problem."""


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Expands the given files and folders into the article files to ingest, in a stable order."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            found.update(dict.fromkeys(_walk(path)))
        elif path.exists():
            if not _is_supported(path):
                raise DocumentError(f"{path}: unsupported file type (use .txt, .md or .html)")
            found[path] = None
        else:
            raise DocumentError(f"{path}: no such file or folder")
    return list(found)


def read_files(paths: Iterable[Path]) -> tuple[list[Document], list[tuple[str, str]]]:
    """The articles in these files and folders, and (path, why) for each one that cannot be
    read: a bad file is reported and skipped, not fatal."""
    documents: list[Document] = []
    failed: list[tuple[str, str]] = []
    files: list[Path] = []
    for path in paths:
        try:
            files += [f for f in find_files([path]) if f not in files]
        except DocumentError as error:
            failed.append((str(path), str(error)))
    for path in files:
        try:
            documents.append(read_document(path))
        except DocumentError as error:
            failed.append((str(path), str(error)))
    return documents, failed


def read_document(path: Path) -> Document:
    """Reads one article file, letting its sidecar's metadata override what the file says."""
    body, meta = _parser(path)(path, _read_text(path))
    meta.update(_read_sidecar(path))
    resolved = str(path.resolve())
    return document(body, meta, key=meta.get("url") or resolved, untitled=path.stem, path=resolved)


def uploaded_document(filename: str, data: bytes, contributor: Contributor) -> Document:
    """An article file sent through a chat rather than read from disk: its title and text, as
    text from that chat (`chat_document`); whatever else it says of itself is left out."""
    name = Path(filename)
    body, meta = _parser(name)(name, _decode(data, filename))
    return chat_document(meta.get("title") or name.stem, body, contributor)


def _parser(path: Path) -> Callable[[Path, str], tuple[str, Meta]]:
    parse = _PARSERS.get(path.suffix.lower())
    if parse is None:
        raise DocumentError(f"{path}: unsupported file type (use .txt, .md or .html)")
    return parse


def _is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def _walk(folder: Path) -> list[Path]:
    """Supported files under a folder, skipping hidden entries such as .git or editor files."""
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        files.extend(
            Path(root, name)
            for name in names
            if not name.startswith(".") and _is_supported(Path(name))
        )
    return sorted(files)


def _read_text(path: Path) -> str:
    """A file's text, decoded by `_decode`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file or folder") from None
    except OSError as error:
        raise DocumentError(f"{path}: cannot read ({error.strerror})") from None
    return _decode(data, str(path))


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text with \\n line endings, refusing binary and empty files."""
    try:
        text: str | None = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise DocumentError(f"{name}: not a UTF-8 text file")
    if not text.strip():
        raise DocumentError(f"{name}: empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_text(path: Path, text: str) -> tuple[str, Meta]:
    """The first non-empty line is the title; the rest is kept verbatim as the body."""
    lines = ["" if not line.strip() else line for line in text.split("\n")]
    content = list(dropwhile(lambda line: not line, lines))
    title = content[0].strip()
    body = "\n".join(dropwhile(lambda line: not line, content[1:])).rstrip()
    return body or title, {"title": title}


def _parse_markdown(path: Path, text: str) -> tuple[str, Meta]:
    """Front matter gives metadata; the Markdown body is flattened to plain paragraphs."""
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise DocumentError(f"{path}: front matter is not valid YAML ({problem})") from None
    meta = metadata(post.metadata)
    blocks = _markdown_blocks(post.content)
    if not blocks:
        raise DocumentError(f"{path}: no article text found")
    first, is_heading = blocks[0]
    if "title" not in meta:
        if is_heading:
            meta["title"] = first
            blocks = blocks[1:]
        else:
            title, _, rest = first.partition("\n")
            meta["title"] = title.strip()
            blocks = [(rest.strip(), False), *blocks[1:]]
    elif is_heading and first == meta["title"]:
        blocks = blocks[1:]
    body = "\n\n".join(block for block, _ in blocks if block)
    return body or meta["title"], meta


def _markdown_blocks(markdown: str) -> list[tuple[str, bool]]:
    """Plain text of each block (paragraph, heading, list item, code), flagged when a heading."""
    blocks: list[tuple[str, bool]] = []
    for previous, token in pairwise(_MARKDOWN.parse(markdown)):
        if token.type == "inline":
            text = _inline_text(token).strip()
        elif token.type in ("fence", "code_block"):
            # An indented paragraph parses as a code block; dropping it would lose article text.
            text = token.content.strip()
        else:
            continue
        if text:
            blocks.append((text, previous.type == "heading_open"))
    return blocks


def _inline_text(token: Token) -> str:
    """The visible text of an inline token: link text without URLs, no emphasis marks or images."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _parse_html(path: Path, text: str) -> tuple[str, Meta]:
    body, meta = extract_html(text)
    if not body:
        raise DocumentError(f"{path}: no article text found")
    return body, meta


def _read_sidecar(path: Path) -> Meta:
    """Metadata from `<stem>.json` beside the article, for formats that cannot carry their own."""
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return {}
    try:
        raw = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise DocumentError(f"{sidecar}: cannot read ({error.strerror})") from None
    except ValueError as error:
        raise DocumentError(f"{sidecar}: not valid JSON ({error})") from None
    if not isinstance(raw, dict):
        raise DocumentError(f"{sidecar}: sidecar must be a JSON object")
    return metadata(raw)


_PARSERS: dict[str, Callable[[Path, str], tuple[str, Meta]]] = {
    ".txt": _parse_text,
    ".md": _parse_markdown,
    ".markdown": _parse_markdown,
    ".html": _parse_html,
    ".htm": _parse_html,
}
