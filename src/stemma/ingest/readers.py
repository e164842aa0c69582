"""Read articles from files, folders and stdin into :class:`~stemma.model.Article`.

``load(paths)`` walks the given files and folders (recursively, in sorted
order, skipping hidden files and folders) and yields one ``Article`` per
article found, or one ``Problem`` per input that could not be read. It never
raises for a bad input: a binary, empty, unreadable, too large or malformed
file becomes a ``Problem`` with a one-line reason, and loading goes on.

Formats, chosen by extension (and by sniffing the content where the
extension does not say, e.g. ``.xml`` or a file named on the command line
with an unknown extension):

- ``.txt`` / ``.md``: one article per file (``source_format="text"``).
- ``.html`` / ``.htm``: text and metadata (title, date, site name, author,
  canonical URL) extracted with trafilatura, reader comments excluded.
- ``.jsonl`` / ``.json``: one article per record (a ``.json`` file holds a list
  of records or one record); fields ``text`` or ``html``, optional ``url``,
  ``title``, ``outlet``, ``published``, ``author``.
- ``.rss`` / ``.atom`` / ``.xml`` feeds (feedparser): one article per entry
  that has content or a summary.
- ``.warc`` / ``.warc.gz`` (warcio): one HTML article per ``response`` record
  of type ``text/html``; ``max_bytes`` applies per record, not to the archive.
- ``-``: the text on ``stdin`` as one article, with path ``<stdin>``.

Decoding (BOM, declared charset, UTF-8, a guess) is :mod:`stemma.ingest.decode`.

Every article then goes through :func:`stemma.ingest.clean.clean`. ``raw_text`` is
the extracted text before cleaning and ``id`` hashes it (normalised), so a
change of cleaning rules does not change ids.

**Titles of plain-text articles.** When the first kept line of a ``.txt``,
``.md`` or stdin article reads as a headline (a few words, no sentence-final
punctuation, not a byline), it becomes ``title`` and is *moved out of*
``text``, the same as for HTML, where trafilatura's title is not repeated in
the body. The move is recorded as a ``Removed`` span with reason
``"headline (moved to title)"``, so ``raw_text`` still accounts for it.

**Outlet** comes from metadata (``outlet_evidence="metadata"``), else from the
URL's host name without ``www.`` (``"url"``), else from a removed footer that
names the site, such as "download the Moneycontrol App" (``"footer"``).
Nothing is guessed beyond that: unknown stays ``None``.

**Paths** of articles from multi-article files name the record:
``file.jsonl:3`` (line 3), ``feed.xml#2`` / ``crawl.warc.gz#5`` (2nd entry,
5th record), ``list.json#4`` (4th element).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import astuple, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlparse

from stemma.ingest.clean import PROMO, clean
from stemma.ingest.decode import CHARSET_SNIFF_BYTES, NotAnArticle, declared_charset, decode
from stemma.ingest.html import html_to_text, nesting_depth, page_text
from stemma.model import Article, Problem, Removed

if TYPE_CHECKING:
    from lingua import LanguageDetector

Item = Article | Problem

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
WARC_SUFFIXES = frozenset({".warc", ".warc.gz"})
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")

# A headline is short: most run 6-14 words; 20 leaves room for long ones while
# a real first paragraph of reporting (25+ words) is never taken for one.
HEADLINE_MAX_WORDS = 20
HEADLINE_MAX_CHARS = 200
# Below this many letters lingua's guess is unreliable (a name, a date line).
MIN_LANGUAGE_CHARS = 20
# Language detection reads only the start: a few paragraphs decide as well as
# the whole text and cost a fraction of the time.
LANGUAGE_SAMPLE_CHARS = 3000
# Below this confidence the top language is not trusted (mixed or odd text).
MIN_LANGUAGE_CONFIDENCE = 0.5
# An article longer than this is cut (at a paragraph or word break before it)
# and the cut recorded as removed: news articles run to tens of thousands of
# characters; a file of millions is a book, a dump or a broken page, and the
# parser's working memory grows with the length of one text (spaCy refuses
# texts over 1,000,000 characters outright).
MAX_ARTICLE_CHARS = 200_000
#: How the reason of that cut begins (the engine reports such articles as notes).
LENGTH_CUT = "over the length limit"
# libxml2 (under lxml, under trafilatura) gives up on elements nested deeper
# than this; such a page is read with the standard library's parser instead.
LXML_MAX_DEPTH = 255
# An extract shorter than this may be such a cut page (the depth is measured
# only then: it costs a second parse).
SHORT_EXTRACT_CHARS = 500
# Number of characters of the content shown when saying why it was not parsed.
SNIPPET_CHARS = 60

# Languages the detector chooses among: those of the outlets stemma is likely to
# meet on a story (the major world news languages). Fewer candidates make
# detection faster and more accurate than lingua's full set of 75.
LANGUAGES = (
    "ENGLISH",
    "RUSSIAN",
    "UKRAINIAN",
    "BELARUSIAN",
    "GERMAN",
    "FRENCH",
    "SPANISH",
    "ITALIAN",
    "PORTUGUESE",
    "DUTCH",
    "POLISH",
    "CZECH",
    "ROMANIAN",
    "HUNGARIAN",
    "SWEDISH",
    "DANISH",
    "BOKMAL",
    "FINNISH",
    "GREEK",
    "TURKISH",
    "ARABIC",
    "PERSIAN",
    "HEBREW",
    "HINDI",
    "URDU",
    "CHINESE",
    "JAPANESE",
    "KOREAN",
    "INDONESIAN",
    "VIETNAMESE",
    "KAZAKH",
    "GEORGIAN",
    "ARMENIAN",
    "SERBIAN",
    "CROATIAN",
    "BULGARIAN",
)

HEADLINE_REASON = "headline (moved to title)"
# Host-name prefixes that say nothing about the outlet.
HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")

# "download the Moneycontrol App", "Download The Mint News App": the name of
# the site's own app is the site's name.
_FOOTER_OUTLET = re.compile(
    r"(?i:download (?:the|our)) ((?:[A-Z][\w.&'-]*)(?: [A-Z][\w.&'-]*){0,2}?)"
    r"(?: (?i:news))? (?i:app)\b"
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype html|html|head|body)\b", re.I)
_NO_LOG = logging.NullHandler()
_JSON_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_JSON_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_SENTENCE_END = re.compile(r"[.!?;:,…]['\"’”»)]*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


# ---------------------------------------------------------------- public entry


def load(
    paths: Sequence[str | Path],
    *,
    stdin: TextIO | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> Iterator[Article | Problem]:
    """Yield an Article for every article in ``paths``, a Problem for every bad input.

    Folders are walked recursively in sorted order; ``"-"`` reads ``stdin``
    (default ``sys.stdin``).
    """
    for given in paths:
        if str(given) == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin, max_bytes)
            continue
        path = Path(given)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as e:  # a folder on the way that cannot be entered
            yield Problem(_name(path), f"cannot be reached: {e.strerror or e}")
            continue
        if is_dir:
            for file in _walk(path):
                if isinstance(file, Problem):
                    yield file
                else:
                    yield from _read_file(file, max_bytes, explicit=False)
        elif exists:
            yield from _read_file(path, max_bytes, explicit=True)
        else:
            yield Problem(_name(path), "no such file or directory")


def read_html(data: bytes, *, path: str = "<html>", url: str | None = None) -> Article | Problem:
    """One HTML page (bytes, charset sniffed) as an Article, exactly as ``load`` reads it."""
    try:
        return _read_html(path, data, url=url)
    except NotAnArticle as bad:
        return Problem(path, str(bad))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (lower case), or None when unsure."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LANGUAGE_CHARS:
        return None
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_LANGUAGE_CONFIDENCE:
        return None
    return str(values[0].language.iso_code_639_1.name.lower())


def outlet_from_url(url: str | None) -> str | None:
    """The outlet's host name from a URL, without ``www.``: "nytimes.com"."""
    if not url:
        return None
    try:
        host = (urlparse(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:  # "http://[broken": urlparse raises "Invalid IPv6 URL"
        return None
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    return host or None


def outlet_from_footer(removed: Sequence[Removed]) -> str | None:
    """The site a removed promotional footer names ("... the Moneycontrol App")."""
    for span in removed:
        if span.reason == PROMO and (match := _FOOTER_OUTLET.search(span.text)):
            return match.group(1)
    return None


def text_id(raw_text: str) -> str:
    """First 16 hex digits of sha256 over the NFKC-normalised, whitespace-collapsed text."""
    normal = " ".join(unicodedata.normalize("NFKC", raw_text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- walking


def _walk(root: Path) -> Iterator[Path | Problem]:
    """Files under ``root`` with a known article extension, in sorted path
    order, hidden ones skipped; symbolic links are followed. A folder that
    cannot be listed, a link that loops back into a folder being read and a
    broken link are reported, not skipped in silence."""
    found: list[Path] = []
    problems: list[Problem] = []
    reading: set[str] = set()

    def visit(folder: Path) -> None:
        real = os.path.realpath(folder)
        if real in reading:
            problems.append(Problem(_name(folder), "symbolic link loop: skipped"))
            return
        reading.add(real)
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            problems.append(Problem(_name(folder), f"folder cannot be listed: {e.strerror or e}"))
            reading.discard(real)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as e:
                why = "looping symbolic link: skipped" if e.errno == errno.ELOOP else None
                problems.append(Problem(_name(path), why or f"cannot be reached: {e.strerror}"))
                continue
            if is_dir:
                visit(path)
            elif is_file:
                if _suffix(path) in _KNOWN_SUFFIXES:
                    found.append(path)
            elif entry.is_symlink():
                why = "looping" if _loops(path) else "broken"
                problems.append(Problem(_name(path), f"{why} symbolic link: skipped"))
        reading.discard(real)

    visit(root)
    yield from problems
    yield from sorted(found, key=str)


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as e:
        return e.errno == errno.ELOOP
    return False


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


_KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES | WARC_SUFFIXES


def _name(path: Path | str) -> str:
    """The path as text for messages, the store and the brief. A file name
    that is not valid UTF-8 (bytes from another system) keeps those bytes as
    ``\\xNN``: the store and JSON take only valid text."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def _read_file(path: Path, max_bytes: int, *, explicit: bool) -> Iterator[Item]:
    """Dispatch one file to its format's reader; turn any failure into a Problem."""
    name = _name(path)
    suffix = _suffix(path)
    try:
        if suffix in WARC_SUFFIXES:
            yield from _read_warc(path, max_bytes)
            return
        data = _read_bytes(path, max_bytes)
        if suffix in HTML_SUFFIXES:
            yield _read_html(name, data)
        elif suffix in JSON_SUFFIXES:
            yield from _read_json(name, data, lines=suffix != ".json")
        elif suffix in FEED_SUFFIXES:
            yield from _read_feed(name, data)
        elif suffix in TEXT_SUFFIXES or not explicit:
            yield _read_text(name, decode(data), source_format="text")
        else:
            yield from _read_sniffed(name, data)
    except NotAnArticle as bad:
        yield Problem(name, str(bad))


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise NotAnArticle(f"file too large: {size} bytes (limit {max_bytes})")
        data = path.read_bytes()
    except PermissionError as err:
        raise NotAnArticle("unreadable: permission denied") from err
    except OSError as err:
        raise NotAnArticle(f"unreadable: {err.strerror or err}") from err
    if not data.strip():
        raise NotAnArticle("empty file")
    return data


def _read_sniffed(name: str, data: bytes) -> Iterator[Item]:
    """A file named explicitly with an unknown extension: guess from its content."""
    head = data[:CHARSET_SNIFF_BYTES]
    if _FEED_ROOT.search(head):
        yield from _read_feed(name, data)
    elif _HTML_ROOT.search(head):
        yield _read_html(name, data)
    else:
        yield _read_text(name, decode(data), source_format="text")


# ---------------------------------------------------------------- decoding


# ---------------------------------------------------------------- readers


def _read_stdin(stream: TextIO, max_bytes: int) -> Iterator[Item]:
    try:
        text = stream.read(max_bytes + 1)
    except (OSError, UnicodeDecodeError) as err:
        yield Problem("<stdin>", f"unreadable: {err}")
        return
    if len(text) > max_bytes:
        yield Problem("<stdin>", f"input too large (limit {max_bytes})")
    elif not text.strip():
        yield Problem("<stdin>", "empty input")
    else:
        yield _read_text("<stdin>", text, source_format="stdin")


def _read_text(name: str, text: str, *, source_format: str) -> Item:
    """A plain-text article; a headline on the first line becomes its title."""
    return _make_article(name, text, source_format=source_format, find_headline=True)


def _read_html(
    name: str,
    data: bytes,
    *,
    url: str | None = None,
    charset: str | None = None,
    source_format: str = "html",
) -> Item:
    try:
        page = decode(data, charset or declared_charset(data))
    except NotAnArticle as bad:
        return Problem(name, str(bad))
    return _article_from_html(name, page, url=url, source_format=source_format)


def _article_from_html(
    name: str,
    page: str,
    *,
    url: str | None = None,
    source_format: str = "html",
    meta: Meta | None = None,
) -> Item:
    """Extract the article of an HTML page with trafilatura (comments excluded)."""
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            page, url=url, include_comments=False, with_metadata=True, include_tables=False
        )
    except Exception as err:  # trafilatura raises many kinds on broken pages
        return Problem(name, f"HTML could not be parsed: {type(err).__name__}: {err}")
    doc: dict[str, Any] = (
        {}
        if extracted is None
        else dict(extracted if isinstance(extracted, dict) else extracted.as_dict())
    )
    text = doc.get("text")
    if (not isinstance(text, str) or len(text) < SHORT_EXTRACT_CHARS) and (
        nesting_depth(page) > LXML_MAX_DEPTH
    ):
        # lxml stops reading past its depth limit, so trafilatura sees only
        # what comes before (a menu, or nothing); the standard library's
        # parser has no such limit.
        text = page_text(page)
    if not isinstance(text, str) or not text.strip():
        return Problem(name, "HTML contains no article text")
    page_url = url or _string(doc.get("url"))
    sitename = _string(doc.get("sitename"))
    if sitename and sitename.lower() in {doc.get("hostname"), outlet_from_url(page_url)}:
        sitename = None  # trafilatura's fallback to the host name: that is URL evidence
    found = Meta(
        title=_string(doc.get("title")),
        url=page_url,
        outlet=sitename,
        published=_string(doc.get("date")),
        author=_string(doc.get("author")),
    )
    # What the caller knows (a JSON record's own fields) wins over the page's.
    # trafilatura has taken the page apart already: the learned line classifier
    # is for bare text, and on the HTML benchmark it is no better (docs/accuracy.md).
    return _make_article(
        name,
        text,
        source_format=source_format,
        meta=found.updated(meta),
        page_title=found.title,
        learned=False,
    )


def _read_json(name: str, data: bytes, *, lines: bool) -> Iterator[Item]:
    binary: set[int] = set()
    if lines:
        data, binary = _without_binary_lines(data)
    try:
        text = decode(data)
    except NotAnArticle:
        # One line of garbage makes the whole file undecodable; JSON is UTF-8, and a
        # file with a good UTF-8 record still has it: the garbage lines are named.
        if not lines or not any(_utf8_object(line) for line in data.splitlines()):
            raise
        text = data.decode("utf-8", errors="replace")
    if not lines:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as err:
            yield Problem(name, f"invalid JSON: {err.msg} (line {err.lineno}, column {err.colno})")
            return
        records = parsed if isinstance(parsed, list) else [parsed]
        if not records:
            yield Problem(name, "JSON holds no records (an empty list)")
        for number, record in enumerate(records, start=1):
            where = f"{name}#{number}" if isinstance(parsed, list) else name
            yield _from_record(where, record, name=name, line=None, label=f"record {number}")
        return
    # Only CR and LF end a JSON line: U+2028, U+0085 and the like may stand raw inside a
    # string, and str.splitlines() would break the record there.
    for number, line in enumerate(_JSON_LINE_BREAK.split(text), start=1):
        if number in binary:
            yield Problem(name, "binary data (NUL bytes) instead of a JSON record", line=number)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(name, f"invalid JSON: {err.msg} (column {err.colno})", line=number)
            continue
        yield _from_record(f"{name}:{number}", record, name=name, line=number, label="record")


def _utf8_object(line: bytes) -> bool:
    """Whether a line reads as a JSON object in UTF-8."""
    try:
        return isinstance(json.loads(line.decode("utf-8")), dict)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return False


def _without_binary_lines(data: bytes) -> tuple[bytes, set[int]]:
    """JSON lines with NUL bytes blanked, and their numbers: one corrupt line costs
    itself, not the file. A file of NULs throughout (binary, or UTF-16 without a
    byte-order mark) is left whole, for decoding to judge."""
    if b"\x00" not in data or data.startswith(_UTF16_32_BOMS):
        return data, set()
    lines = _JSON_LINE_BREAK_BYTES.split(data)
    binary = {n for n, line in enumerate(lines, start=1) if b"\x00" in line}
    if all(n in binary or not line.strip() for n, line in enumerate(lines, start=1)):
        return data, set()
    return b"\n".join(b"" if n in binary else line for n, line in enumerate(lines, start=1)), binary


def _from_record(where: str, record: object, *, name: str, line: int | None, label: str) -> Item:
    """One JSON record (``text`` or ``html`` plus optional metadata) as an Article."""
    if not isinstance(record, dict):
        return Problem(name, f"{label} is not a JSON object", line=line)
    meta = Meta(*(_string(record.get(key)) for key in Meta.__dataclass_fields__))
    text, page = _string(record.get("text")), _string(record.get("html"))
    if text:
        return _make_article(where, text, source_format="jsonl", meta=meta)
    if page:
        found = _article_from_html(where, page, url=meta.url, source_format="jsonl", meta=meta)
        if isinstance(found, Problem):
            return Problem(name, f"{label}: {found.reason}", line=line)
        return found
    return Problem(name, f"{label} has no non-empty 'text' or 'html' field", line=line)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _read_feed(name: str, data: bytes) -> Iterator[Item]:
    """Every entry of an RSS/Atom feed that has content or a summary."""
    import feedparser

    if not _FEED_ROOT.search(data[:CHARSET_SNIFF_BYTES]):
        yield Problem(name, "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> element)")
        return
    try:
        parsed = feedparser.parse(data)
    except Exception as err:  # feedparser on hostile bytes: an encoding name not in UTF-8
        why = " ".join(f"{type(err).__name__}: {err}".split())[: SNIPPET_CHARS * 2]
        yield Problem(name, f"not a readable RSS or Atom feed: {why}")
        return
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "unrecognised feed"
        yield Problem(name, f"not a readable RSS or Atom feed: {reason}")
        return
    outlet = _string(parsed.feed.get("title"))
    # feedparser reads what it can of a broken feed: say so beside what is missing.
    broken = (
        f" (the feed is not well-formed XML: {parsed.get('bozo_exception')})"
        if parsed.get("bozo")
        else ""
    )
    if not parsed.entries:
        yield Problem(name, f"feed has no entries{broken}")
    for number, entry in enumerate(parsed.entries, start=1):
        content = entry.get("content") or []
        body = (content[0].get("value") if content else None) or entry.get("summary")
        title = _string(entry.get("title"))
        if not body or not body.strip():
            yield Problem(
                name, f"feed entry {number} ({title or 'untitled'}) has no content{broken}"
            )
            continue
        text = html_to_text(body) if "<" in body else body
        if not text.strip():
            yield Problem(name, f"feed entry {number} ({title or 'untitled'}) has no text")
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        meta = Meta(
            title=title,
            url=_string(entry.get("link")),
            outlet=outlet,
            published=dt.date(*when[:3]).isoformat() if when else None,
            author=_string(entry.get("author")),
        )
        yield _make_article(f"{name}#{number}", text, source_format="feed", meta=meta)


def _read_warc(path: Path, max_bytes: int) -> Iterator[Item]:
    """Every HTML ``response`` record of a WARC archive, as an HTML article."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = _name(path)
    found = 0
    number = 0
    kinds: Counter[str] = Counter()
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            # warcio writes its own warning about a malformed record straight to
            # stderr, and logs others ("Replacing spaces in invalid WARC-Target-URI")
            # that Python prints there when nobody configured logging; the Problem
            # below says what is wrong, in one line.
            records.INC_RECORD = ""
            logging.getLogger("warcio").addHandler(_NO_LOG)
            for number, record in enumerate(records, start=1):
                kinds[f"{record.format} {record.rec_type}"] += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                ctype = record.http_headers.get_header("Content-Type") or ""
                if not ctype.lower().startswith(HTML_CONTENT_TYPES):
                    continue
                found += 1
                uri = record.rec_headers.get_header("WARC-Target-URI")
                shown = _printable(str(uri), limit=2000)  # a broken header may hold line breaks
                data = record.content_stream().read(max_bytes + 1)
                where = f"{name}#{number}"
                if len(data) > max_bytes:
                    yield Problem(name, f"record {number} ({shown}) too large (limit {max_bytes})")
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:
                    # The record declares more bytes than the archive holds: a
                    # cut download, whose page would pass for a short article.
                    yield Problem(
                        name,
                        f"record {number} ({shown}) is cut short: {record.length:,} bytes "
                        "declared, the archive ends first",
                    )
                    continue
                charset = _HTTP_CHARSET.search(ctype)
                item = _read_html(
                    where,
                    data,
                    url=uri,
                    source_format="warc",
                    charset=charset.group(1) if charset else None,
                )
                if isinstance(item, Problem):
                    item = Problem(name, f"record {number} ({shown}): {item.reason}")
                yield item
    except PermissionError:
        yield Problem(name, "unreadable: permission denied")
        return
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as err:
        yield Problem(name, f"invalid WARC{_after(number)}: {_warc_error(err)}")
        return
    except Exception as err:  # warcio on hostile bytes: one bad archive never stops the run
        why = f"{type(err).__name__}: {_warc_error(err)}"
        yield Problem(name, f"invalid WARC{_after(number)}: a record cannot be parsed ({why})")
        return
    if not found and not kinds:
        # A gzip member cut short reads as nothing at all.
        yield Problem(name, "no WARC record could be read: the file is cut short or not a WARC")
    elif not found:
        # warcio reads some junk as one old-style ARC record: say what was read.
        read = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        yield Problem(name, f"WARC has no HTML response records (read: {_printable(read)})")


def _after(number: int) -> str:
    return f" (after record {number})" if number else ""


def _warc_error(err: BaseException) -> str:
    """warcio's message, made fit for one line: its "unknown format" error
    prints the file's first bytes, which say nothing to a reader."""
    text = str(err).strip()
    if text.startswith("Unknown archive format"):
        return "not a WARC or ARC archive (unknown format)"
    first = text.splitlines()[0] if text else ""
    return _printable(first) or "the archive ends or breaks in the middle of a record"


def _printable(text: str, limit: int = SNIPPET_CHARS * 2) -> str:
    """Text from a hostile file made fit for a one-line message: no control
    characters or line breaks, at most ``limit`` characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])


# ---------------------------------------------------------------- building


@dataclass(frozen=True, slots=True)
class Meta:
    """What a source says about an article, before cleaning; None where it says nothing."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None

    def updated(self, other: Meta | None) -> Meta:
        """This metadata with every field ``other`` knows replaced by other's."""
        if other is None:
            return self
        return Meta(*(getattr(other, f) or getattr(self, f) for f in Meta.__dataclass_fields__))


def _length_cut(raw_text: str, limit: int = MAX_ARTICLE_CHARS) -> int:
    """Where to cut a text over ``limit`` characters: at the last paragraph
    break before it, else the last space, else at the limit."""
    if len(raw_text) <= limit:
        return len(raw_text)
    for sep in ("\n\n", "\n", " "):
        at = raw_text.rfind(sep, limit // 2, limit)
        if at > 0:
            return at
    return limit


def _make_article(
    path: str,
    raw_text: str,
    *,
    source_format: str,
    meta: Meta | None = None,
    find_headline: bool = False,
    page_title: str | None = None,
    learned: bool = True,
) -> Item:
    """Clean the extracted text and fill in what is known; never invent metadata.

    ``page_title`` is the page's own title when ``meta.title`` came from elsewhere;
    a first line repeating either is moved out of the text.
    """
    raw_text = _valid_text(raw_text)
    meta = Meta(*(v and _valid_text(v) for v in astuple(meta))) if meta else Meta()
    cut = _length_cut(raw_text)
    text, removed = clean(raw_text[:cut], learned=learned)
    if cut < len(raw_text):
        why = f"{LENGTH_CUT}: only the first {cut:,} of {len(raw_text):,} characters are analysed"
        removed = (*removed, Removed(cut, len(raw_text), raw_text[cut:], why))
    text, removed, title = _split_headline(
        raw_text, text, removed, meta.title, guess=find_headline, also=page_title
    )
    if not text.strip():
        return Problem(path, "no article text left after removing boilerplate")
    outlet, evidence = _outlet(meta.outlet, meta.url, removed)
    return Article(
        id=text_id(raw_text),
        path=path,
        text=text,
        raw_text=raw_text,
        title=" ".join(title.split()) if title else None,
        outlet=outlet,
        published=_iso_date(meta.published),
        url=meta.url.strip() if meta.url else None,
        author=meta.author,
        language=detect_language(text),
        source_format=source_format,
        removed=removed,
        outlet_evidence=evidence,
    )


def _valid_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD. They come from JSON escapes
    ("\\ud800") and from stdin read with ``surrogateescape`` (the C locale); the
    store and JSON take only valid text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _outlet(
    given: str | None, url: str | None, removed: Sequence[Removed]
) -> tuple[str | None, str | None]:
    if given and given.strip():
        return given.strip(), "metadata"
    if host := outlet_from_url(url):
        return host, "url"
    if name := outlet_from_footer(removed):
        return name, "footer"
    return None, None


def _split_headline(
    raw: str,
    text: str,
    removed: tuple[Removed, ...],
    title: str | None,
    *,
    guess: bool,
    also: str | None = None,
) -> tuple[str, tuple[Removed, ...], str | None]:
    """Move the headline out of the text into the title.

    With a known title (HTML, feeds), a first line repeating it is moved; without
    one and with ``guess``, a headline-like first line is moved and becomes it.
    """
    first, _, rest = text.partition("\n")
    if not rest.strip():
        return text, removed, title
    if title is not None:
        if _same_words(first, title) or (also is not None and _same_words(first, also)):
            return _move_line(raw, first, rest, removed, title)
        return text, removed, title
    if guess and _is_headline(first):
        return _move_line(raw, first, rest, removed, _MD_HEADING.sub("", first).strip())
    return text, removed, None


def _same_words(a: str, b: str) -> bool:
    return " ".join(_MD_HEADING.sub("", a).casefold().split()) == " ".join(b.casefold().split())


def _move_line(
    raw: str, first: str, rest: str, removed: tuple[Removed, ...], title: str
) -> tuple[str, tuple[Removed, ...], str | None]:
    start = _offset_outside(raw, first, removed)
    if start is None:  # cannot say where it came from: leave the text as it is
        return f"{first}\n{rest}", removed, title
    span = Removed(start, start + len(first), first, HEADLINE_REASON)
    return rest, tuple(sorted((*removed, span), key=lambda r: r.start)), title


def _is_headline(line: str) -> bool:
    bare = _MD_HEADING.sub("", line).strip()
    if not bare or len(bare) > HEADLINE_MAX_CHARS or len(bare.split()) > HEADLINE_MAX_WORDS:
        return False
    if _SENTENCE_END.search(bare) or bare.lower().startswith("by "):
        return False
    return bare[0].isupper() or bare[0].isdigit() or bare[0] in "\"'“‘«"


def _offset_outside(raw: str, line: str, removed: Sequence[Removed]) -> int | None:
    """Where ``line`` starts in ``raw``, skipping occurrences inside removed spans."""
    start = raw.find(line)
    while start != -1:
        if not any(r.start <= start < r.end for r in removed):
            return start
        start = raw.find(line, start + 1)
    return None


def _iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or datetime, or None when the value cannot be read as one."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        import dateparser

        parsed_or_none = dateparser.parse(value, settings={"REQUIRE_PARTS": ["year"]})
        return parsed_or_none.date().isoformat() if parsed_or_none else None
    if len(value) <= len("YYYY-MM-DD"):
        return parsed.date().isoformat()
    return parsed.isoformat()


@cache
def _detector() -> LanguageDetector:
    """lingua detector over LANGUAGES, built once on first use.

    Low-accuracy mode uses trigram models only: about 40 MB and well under a
    second to load, against 400 MB and 3 s for the full models, and articles are
    long enough for it to be just as right.
    """
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
