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
            except UnicodeError:  # "idna" and "undefined" raise UnicodeError itself
                continue
    from charset_normalizer import from_bytes

    mixed = _mixed(data)
    if mixed is not None:
        return _checked(mixed)
    best = from_bytes(data).best()
    if best is None:
        raise NotAnArticle("binary or undecodable file (no text encoding fits)")
    return _checked(str(best))


def _mixed(data: bytes) -> str | None:
    """A file pasted together from a UTF-8 part and a legacy-encoded part (a
    cp1251 quote inside a UTF-8 article): each line in the encoding it is in.

    Only when some lines are real UTF-8 beyond ASCII (so UTF-8 is meant) and
    others are not UTF-8 at all; the latter are decoded together with
    charset-normalizer's guess for them. None when the file is not like that.
    """
    from charset_normalizer import from_bytes

    lines = data.split(b"\n")
    utf8: dict[int, str] = {}
    for i, line in enumerate(lines):
        try:
            utf8[i] = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
    other = [i for i in range(len(lines)) if i not in utf8]
    if not other or not any(not t.isascii() for t in utf8.values()):
        return None
    guess = from_bytes(b"\n".join(lines[i] for i in other)).best()
    encoding = guess.encoding if guess is not None else "cp1252"
    return "\n".join(
        utf8[i] if i in utf8 else lines[i].decode(encoding, errors="replace")
        for i in range(len(lines))
    )


def _checked(text: str) -> str:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise NotAnArticle("empty file")
    if "\x00" in text:
        raise NotAnArticle("binary file (contains NUL characters)")
    return text


def _known_codec(name: str) -> bool:
    """Whether ``name`` is a text encoding Python knows: a page may declare "base64"
    or "rot13", codecs that ``bytes.decode`` refuses with LookupError."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return False
    return getattr(info, "_is_text_encoding", True)


def declared_charset(data: bytes) -> str | None:
    head = data[:CHARSET_SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None
