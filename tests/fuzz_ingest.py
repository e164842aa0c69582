"""Fuzz target for ingest: hostile files of every format, read the way ``stemma analyze`` reads.

Each input is a folder of one to four files (``.txt``, ``.md``, ``.html``, ``.jsonl``,
``.json``, ``.rss``, ``.xml``, ``.warc``, ``.warc.gz`` and one with an unknown extension,
named on the command line so that its content is sniffed), each a well-formed file of its
format (real news sentences, furniture, quotes) put through random mutations: cut short,
bytes flipped or spliced in, a slice doubled, hostile snippets inserted (NUL bytes, byte
order marks, ``<![foo[``, ``<meta charset="base64">``, U+2028, broken entities, a gzip
member, 300 nested tags ...). Also one page through ``read_html`` and one text through
stdin, read with ``surrogateescape`` as Python reads it under the C locale.

What must hold (``check``): nothing raises; nothing is printed to stderr; every item is an
``Article`` or a ``Problem`` with a one-line reason; every article is consistent with its
raw text (see ``tests/test_properties.check_article``); every file is named by at least
one item (a bad input is never skipped in silence).

The inputs are drawn by hypothesis strategies from random bytes (``fuzz_one_input``), for a
bounded time::

    python tests/fuzz_ingest.py --seconds 600            # a long local run
    python tests/fuzz_ingest.py --seconds 60 --seed 42   # the same inputs again

``tests/test_properties.py::test_fuzz_ingest_for_a_bounded_time`` runs it in the test suite
(20 s; ``STEMMA_FUZZ_SECONDS`` changes that). A failure names the seed and the input number,
and shows the files it was given.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import given, settings
from hypothesis import strategies as st

from stemma.ingest.readers import load, read_html
from tests.test_properties import (
    _feed,
    _feed_entry,
    _file_of,
    _paragraphs_html,
    check_items,
    good_page,
    good_text,
    nothing_printed,
    quote_line,
    tag_soup,
    warc_bytes,
)

#: Snippets that break naive readers, spliced in at random places.
SNIPPETS = [
    b"\x00",
    b"\x00\x00\x00\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\r",
    b"\n\n",
    b"\x1b[0m",
    b"<![foo[",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b'<meta charset="base64">',
    b'<meta charset="undefined">',
    b'<?xml version="1.0" encoding="rot13"?>',
    b"&#0;",
    b"&#x110000;",
    b"&",
    b"<",
    b"</p>",
    b"<div>" * 300,
    b"<script>",
    b"<rss>",
    b"<feed>",
    b"<html>",
    b'"',
    b"\\ud800",
    b'", "text": 5, "x": "',
    b"}{",
    b"[",
    b"WARC/1.0\r\n",
    b"Content-Length: 99999999\r\n",
    b"\x1f\x8b\x08\x00",
    "«Это враг», — сказал он.".encode("cp1251"),
    "“Nous ne céderons pas,” a-t-il dit.".encode("latin-1", errors="replace"),
]
SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".json", ".rss", ".xml", ".warc", ".warc.gz", ".dat"]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` after zero to five random edits."""
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.integers(0, 5))
        at = draw(st.integers(0, len(data)))
        if op == 0:
            data = data[:at]
        elif op in (1, 2):
            data = data[:at] + draw(st.sampled_from(SNIPPETS)) + data[at:]
        elif op == 3 and data:
            flipped = (data[at % len(data)] ^ draw(st.integers(1, 255))).to_bytes(1, "big")
            data = data[: at % len(data)] + flipped + data[at % len(data) + 1 :]
        elif op == 4:
            data = data[:at] + draw(st.binary(max_size=24)) + data[at:]
        else:
            end = draw(st.integers(at, len(data)))
            data = data[:end] + data[at:end] + data[end:]
    return data


@st.composite
def well_formed(draw: st.DrawFn, suffix: str) -> bytes:
    """A readable file of the format ``suffix`` names, before mutation."""
    if suffix in (".txt", ".md", ".dat"):
        codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1251"]))
        return draw(good_text()).encode(codec, errors="replace")
    if suffix == ".html":
        return draw(st.one_of(good_page, tag_soup())).encode("utf-8", errors="replace")
    if suffix in (".jsonl", ".json"):
        texts = draw(st.lists(good_text(), min_size=1, max_size=3))
        records = [{"text": t, "url": "https://www.example.com/a"} for t in texts]
        if suffix == ".json":
            return json.dumps(records if len(records) > 1 else records[0]).encode()
        return "\n".join(json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records).encode()
    if suffix in (".rss", ".xml"):
        bodies = draw(st.lists(good_text(), min_size=1, max_size=3))
        return _feed([_feed_entry("Memo", _paragraphs_html(b)) for b in bodies])
    pages = draw(st.lists(good_page, min_size=1, max_size=2))
    records = [("https://www.example.com/a", "text/html; charset=utf-8", p.encode()) for p in pages]
    archive = warc_bytes(records, compress=False)
    if suffix == ".warc.gz":
        # Mutate inside the compression (a broken record) or outside (a broken gzip).
        if draw(st.booleans()):
            archive = draw(mutated(archive))
        return gzip.compress(archive)
    return archive


@st.composite
def hostile_file(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(SUFFIXES))
    return suffix, draw(mutated(draw(well_formed(suffix))))


def _shown(files: list[tuple[str, bytes]]) -> str:
    return "\n".join(f"  {suffix}: {data[:1500]!r}" for suffix, data in files)


def check(files: list[tuple[str, bytes]], page: str, stdin_bytes: bytes) -> None:
    """Read the files as ``stemma analyze FOLDER FILE.dat`` would, and check every item."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        explicit: list[Path] = []
        for i, (suffix, data) in enumerate(files):
            path = folder / f"{i:02d}{suffix}"
            path.write_bytes(data)
            if suffix == ".dat":  # not walked: only read when named
                explicit.append(path)
        with nothing_printed():
            items = list(load([folder, *explicit]))
        check_items(items)
        named = {_file_of(item) for item in items}
        for path in folder.iterdir():
            assert path.name in named, f"{path.name} was skipped in silence"
    check_items([read_html(page.encode("utf-8", errors="replace"), path="page.html")])
    # Python reads stdin with surrogateescape under the C locale: undecodable bytes
    # come in as lone surrogates.
    text = stdin_bytes.decode("utf-8", errors="surrogateescape")
    stdin_items = list(load(["-"], stdin=io.StringIO(text)))
    assert len(stdin_items) == 1
    check_items(stdin_items)


@settings(database=None, deadline=None)
@given(
    st.lists(hostile_file(), min_size=1, max_size=4),
    st.one_of(tag_soup(), good_page),
    st.one_of(good_text(), quote_line()).map(str.encode).flatmap(mutated),
)
def fuzz_ingest(files: list[tuple[str, bytes]], page: str, stdin_bytes: bytes) -> None:
    try:
        check(files, page, stdin_bytes)
    except BaseException as err:
        err.add_note(f"files:\n{_shown(files)}\npage: {page[:1500]!r}\nstdin: {stdin_bytes!r}")
        raise


@dataclass
class Report:
    seed: int
    seconds: float
    inputs: int = 0
    valid: int = 0  # inputs the strategies could draw from (the rest were too short)


def run(seconds: float, seed: int | None = None) -> Report:
    """Feed ``fuzz_ingest`` random inputs for ``seconds``; raise on the first failure."""
    seed = random.randrange(2**32) if seed is None else seed
    rng = random.Random(seed)
    report = Report(seed, seconds)
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        buffer = rng.randbytes(rng.choice([2048, 8192, 32768]))
        try:
            replay = fuzz_ingest.hypothesis.fuzz_one_input(buffer)  # type: ignore[attr-defined]
        except BaseException as err:
            err.add_note(
                f"fuzz_ingest failed on input {report.inputs + 1} of seed {seed}; run it again "
                f"with: python tests/fuzz_ingest.py --seed {seed} --seconds {seconds:g}"
            )
            raise
        report.inputs += 1
        report.valid += replay is not None
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (60)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the inputs (random)")
    args = parser.parse_args()
    report = run(args.seconds, args.seed)
    print(
        f"fuzz_ingest: {report.inputs} inputs ({report.valid} drawn in full) in "
        f"{report.seconds:g} s, seed {report.seed}: no failure"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
