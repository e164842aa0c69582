"""Bytes to text: the decoding every reader shares.

Decoding tries, in order: a byte-order mark, the charset the document
declares (HTML ``<meta charset>``, XML ``encoding=``, the HTTP header in a
WARC record), UTF-8, and finally charset-normalizer's guess (Russian sites
still serve cp1251). Input that is not text raises :class:`NotAnArticle`,
whose message becomes the ``Problem`` the reader reports.
"""

from __future__ import annotations

import codecs
import re

#: Declared charsets are looked for in the first bytes only, as browsers do.
CHARSET_SNIFF_BYTES = 4096

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class NotAnArticle(Exception):
    """An input that cannot be an article; its message is the Problem's reason."""


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: BOM, declared charset, UTF-8, then charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    if b"\x00" in data:
        raise NotAnArticle("binary file (contains NUL bytes)")
    for encoding in [declared or "utf-8", "utf-8"]:
        if _known_codec(encoding):
            try:
                return _checked(data.decode(encoding))
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise NotAnArticle("binary or undecodable file (no text encoding fits)")
    return _checked(str(best))


def _checked(text: str) -> str:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise NotAnArticle("empty file")
    if "\x00" in text:
        raise NotAnArticle("binary file (contains NUL characters)")
    return text


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def declared_charset(data: bytes) -> str | None:
    head = data[:CHARSET_SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None
