"""Bytes from the web as text, in the encoding the server or the document names, if it is one.

Every fetched body (pages, feeds, robots.txt) is decoded here. A label counts only if the WHATWG
Encoding Standard knows it (webencodings holds its labels): anything else, `undefined`, `idna`,
`punycode` or `zlib` say, names a codec that raises, takes quadratic time or is not text at all,
and is ignored. The order is the standard's: a byte-order mark, the Content-Type charset, the
document's own declaration (an XML declaration or an HTML <meta>), then UTF-8 if the bytes are
valid UTF-8, charset-normalizer's guess among the standard's encodings, and at last UTF-8 with
replacement characters. Each of these decoders takes linear time.
"""

from __future__ import annotations

import codecs
import re

import webencodings
from charset_normalizer import from_bytes
from webencodings.labels import LABELS

_PRESCAN = 1024  # how far into the document its declaration is looked for, as in HTML
_SAMPLE = 64 * 1024  # how much of an undeclared, non-UTF-8 body the guess reads
_XML_DECLARATION = re.compile(rb"""\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?\bcharset\s*=\s*["']?\s*([^\s"';/>]*)""", re.I)
# The standard's stand-in for encodings it refuses as unsafe: no encoding of text.
_UNTRUSTED = {"replacement"}
# A document that names UTF-16 in ASCII bytes was not written in UTF-16; and the standard reads
# x-user-defined, named there, as windows-1252.
_IN_DOCUMENT = {"utf-16le": "utf-8", "utf-16be": "utf-8", "x-user-defined": "windows-1252"}
# The standard's encodings by the Python codec that decodes them, for the guess to choose among;
# it reads an undeclared body as ASCII-compatible, so UTF-16 is left out.
_GUESSABLE = {
    codecs.lookup(found.codec_info.name).name: found
    for found in (webencodings.lookup(name) for name in set(LABELS.values()))
    if found is not None
    and found.name not in {"replacement", "x-user-defined"}
    and not found.name.startswith("utf-16")
}


def decode_text(body: bytes, charset: str | None = None) -> str:
    """`body` as text; `charset` is the one the Content-Type header gave, if any."""
    encoding = _known(charset) or _declared(body) or _guessed(body)
    return webencodings.decode(body, encoding, errors="replace")[0]  # a BOM overrides


def _known(label: str | None) -> webencodings.Encoding | None:
    found = webencodings.lookup(label) if label else None
    return None if found is None or found.name in _UNTRUSTED else found


def _declared(body: bytes) -> webencodings.Encoding | None:
    head = body[:_PRESCAN]
    found = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    if found is None:
        return None
    encoding = _known(found.group(1).decode("ascii", errors="replace"))
    if encoding is not None and encoding.name in _IN_DOCUMENT:
        return webencodings.lookup(_IN_DOCUMENT[encoding.name])
    return encoding


def _guessed(body: bytes) -> webencodings.Encoding:
    try:
        body.decode("utf-8")
        return webencodings.UTF8
    except UnicodeDecodeError:
        pass
    sample = body[:_SAMPLE]
    if len(body) > _SAMPLE and b"\n" in sample:  # end on a line: never inside a character
        sample = sample[: sample.rindex(b"\n") + 1]
    best = from_bytes(sample, cp_isolation=list(_GUESSABLE)).best()
    guess = _GUESSABLE.get(codecs.lookup(best.encoding).name) if best is not None else None
    return guess or webencodings.UTF8
