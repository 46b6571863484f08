"""Decoding fetched bytes: which declared charsets count, in which order, and the fallbacks."""

from __future__ import annotations

import pytest

from index.sources.charsets import decode_text

FRENCH = "Le café a fermé ; les élèves sont partis à la plage où ils ont mangé des crêpes."


def test_a_byte_order_mark_beats_every_declaration() -> None:
    body = "\ufeff<meta charset='windows-1252'><p>café</p>".encode("utf-16-le")
    assert decode_text(body, "iso-8859-2") == "<meta charset='windows-1252'><p>café</p>"


def test_the_header_charset_beats_the_documents() -> None:
    body = f"<meta charset='utf-8'><p>{FRENCH}</p>".encode("cp1252")
    assert FRENCH in decode_text(body, "windows-1252")


@pytest.mark.parametrize(
    "declaration",
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        "<html><head><meta charset=latin1>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ],
)
def test_a_document_may_declare_its_own_charset(declaration: str) -> None:
    assert FRENCH in decode_text(f"{declaration}<p>{FRENCH}</p>".encode("cp1252"))


@pytest.mark.parametrize(
    "label", ["undefined", "idna", "punycode", "rot13", "uu", "base64", "zlib", "utf-7", "cp037"]
)
def test_a_label_outside_the_encoding_standard_is_ignored(label: str) -> None:
    utf8 = f"<p>{FRENCH}</p>".encode()
    assert decode_text(utf8, label) == f"<p>{FRENCH}</p>"
    assert decode_text(f"<meta charset={label}><p>{FRENCH}</p>".encode()).endswith(FRENCH + "</p>")
    assert FRENCH in decode_text(f"<p>{FRENCH}</p>".encode("cp1252"), label)  # guessed


def test_a_long_body_labelled_punycode_is_read_as_text() -> None:
    body = ("<p>" + "abcdefghij" * 100 + "</p>\n").encode() * 1300  # about 1.3 MB
    assert decode_text(body, "punycode") == body.decode()


def test_a_document_naming_utf_16_in_ascii_is_read_as_utf_8() -> None:
    assert (
        decode_text("<meta charset=utf-16><p>café</p>".encode())
        == "<meta charset=utf-16><p>café</p>"
    )


@pytest.mark.parametrize(
    ("text", "codec"),
    [(FRENCH, "cp1252"), ("Москва — столица России, крупнейший город страны.", "cp1251")],
)
def test_an_undeclared_legacy_charset_is_guessed(text: str, codec: str) -> None:
    assert decode_text(f"<p>{text}</p>\n".encode(codec) * 50).startswith(f"<p>{text}</p>")


def test_what_cannot_be_decoded_is_replaced_not_refused() -> None:
    text = decode_text(b"caf\xc3\xa9 \xff\xfe\xfd", "utf-8")
    assert text.startswith("café ") and "\ufffd" in text
