"""Generate the bad-input corpus: everything hostile the web serves, in one folder.

Usage::

    python tests/data/make_bad.py OUT_FOLDER      # writes OUT_FOLDER and OUT_FOLDER.manifest.json

Each item is written to ``OUT_FOLDER`` and listed in the manifest beside it
(``OUT_FOLDER.manifest.json``, outside the corpus) with what ``stemma analyze``
must do with it:

- ``"skip"``: no article; stderr names the item once, with ``reason`` in that line;
- ``"article"``: read as an article (perhaps with a note in ``problems``);
- ``"lines"``: a JSONL file: its good lines become articles, each bad line is
  named once on stderr as ``name:line``.

The content is made up (a town's budget, a bridge, a library; Russian and
Chinese news-like text), so no item joins the example corpus's story. Items a
root user can read anyway (a file or folder without permissions) are written
as unreadable only for a non-root user, and the manifest says which.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import stat
import sys
from pathlib import Path
from typing import Any

#: Distinct English paragraphs, one per readable text item (so none is a duplicate of another).
PARAGRAPHS = [
    "The town council of Millbrook approved a budget of 4.2 million dollars on Tuesday, "
    "council clerk Maria Ortega said. The budget adds two firefighters and repairs the "
    "library roof, which has leaked since the storm in March.",
    "Engineers closed the Harlow Street bridge on Monday after inspectors found cracks in two "
    "of its steel beams, the county roads department said. Detours will add about ten minutes "
    "to commutes until repairs finish in the autumn.",
    "The Eastfield public library will open on Sundays from next month, its director Paul "
    "Nguyen told the school board. The change follows a petition signed by 1,300 residents "
    "asking for weekend hours for students.",
    "A regional bus operator said it will replace 40 diesel buses with electric ones by 2027. "
    "The company said the new buses will cut fuel costs by a third, according to a statement "
    "released on Wednesday.",
    "Farmers in the Ridge Valley reported a strong apple harvest this year, with yields up "
    "about 15 percent, the valley growers' association said. Prices at the market fell "
    "slightly as supply rose.",
    "The county health department opened a second vaccination clinic in Westport on "
    "Thursday. Officials said the clinic will serve about 500 people a week and stay open "
    "through the winter.",
    "Volunteers planted 2,000 trees along the Clearwater river over the weekend, the "
    "conservation group Green Banks said. The group hopes the trees will slow erosion that "
    "has eaten away parts of the bank.",
    "The Northgate school district hired 12 new teachers for the coming year, superintendent "
    "Linda Park said at a public meeting. Class sizes in the first grade will fall from 28 "
    "to 22 pupils.",
    "A small museum of local history reopened in Oldham Cross after a two-year renovation. "
    "The curator said the new rooms show farm tools, school records and photographs donated "
    "by families of the village.",
    "The city of Baymouth will repave 30 kilometres of streets this summer, its transport "
    "office said. Work starts on the harbour road, where residents have complained of "
    "potholes for years.",
]

RUSSIAN = (
    "Городской совет утвердил бюджет на следующий год во вторник, сообщил секретарь совета. "
    "Бюджет предусматривает ремонт библиотеки и двух школ, а также новые автобусы для района."
)
CHINESE = (
    "市议会周二批准了明年的预算，议会秘书表示。预算包括修缮图书馆和两所学校，"
    "并为该地区购买新的公共汽车。官员说，工程将在春季开始。"
)


def make(out: Path) -> list[dict[str, Any]]:
    """Write the corpus into ``out`` and return its manifest entries."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    text = iter(PARAGRAPHS)
    items: list[dict[str, Any]] = []

    def add(name: str, data: bytes, expect: str, reason: str = "", **extra: Any) -> Path:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        items.append({"name": name, "expect": expect, "reason": reason, **extra})
        return path

    # Bytes that are no text at all, nothing, and too much.
    add("binary.txt", bytes(rng.randrange(256) for _ in range(4096)), "skip", "binary file")
    add("zero-byte.txt", b"", "skip", "empty file")
    big = (next(text) + "\n").encode() * (30 * 1024 * 1024 // 220)
    add("thirty-mb.txt", big, "skip", "file too large")
    # Encodings.
    add("utf16-bom.txt", next(text).encode("utf-16"), "article")
    add(
        "cp1251-russian.txt",
        RUSSIAN.replace("вторник", "среду").encode("cp1251"),
        "article",
        language="ru",
    )
    add("latin-1.txt", (next(text) + " Café au lait, naïve façade.").encode("latin-1"), "article")
    add("nul-bytes.txt", next(text).encode().replace(b". ", b".\x00 "), "skip", "binary file")
    mixed = next(text).encode() + " Crème brûlée, déjà vu. ".encode("latin-1")
    add("mixed-encoding.txt", mixed + " Les élèves ont visité le musée.".encode(), "article")
    add("russian.txt", RUSSIAN.encode(), "article", language="ru")
    add("chinese.txt", CHINESE.encode(), "article", language="zh")
    # HTML with nothing to read, deep HTML that has text, and a .txt that is HTML.
    add(
        "no-body.html",
        b"<html><head><title>Nothing here</title></head></html>",
        "skip",
        "no article text",
    )
    deep = "<div>" * 10_000 + f"<p>{next(text)}</p>" + "</div>" * 10_000
    add("ten-thousand-deep.html", f"<html><body>{deep}</body></html>".encode(), "article")
    add(
        "script-only.html",
        b"<html><body><script>var a = 1; document.write('hello');</script></body></html>",
        "skip",
        "no article text",
    )
    page = (
        "<!DOCTYPE html><html><head><title>Bridge</title></head><body><article>"
        f"<p>{next(text)}</p></article></body></html>"
    )
    add("page-as-text.txt", page.encode(), "article")
    # Records: a good line, a truncated one, wrong types.
    lines = [
        json.dumps({"text": next(text), "title": "Buses"}),
        '{"text": "The harbour road was closed',
        json.dumps({"text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": None, "title": "Nothing"}),
    ]
    add("records.jsonl", "\n".join(lines).encode() + b"\n", "lines", bad_lines=[2, 3, 4, 5])
    add("feed.rss", b"<rss><channel><item><title>broken", "skip", "not well-formed XML")
    # WARC: garbage, and a real record cut short.
    garbage = gzip.compress(b"this is not a WARC file at all\n" * 20)
    add("garbage.warc.gz", garbage, "skip", "invalid WARC")
    whole = _warc(next(text))
    add("truncated.warc.gz", whole[: len(whole) // 2], "skip", "cut short")
    # A symbolic link loop, and a name that is not UTF-8.
    loop = out / "loop"
    loop.mkdir(exist_ok=True)
    if not (loop / "again").is_symlink():
        (loop / "again").symlink_to(loop, target_is_directory=True)
    items.append({"name": "loop/again", "expect": "skip", "reason": "symbolic link loop"})
    odd = os.fsencode(out) + b"/caf\xe9-menu.txt"
    with open(odd, "wb") as handle:
        handle.write(next(text).encode())
    items.append({"name": "caf\\xe9-menu.txt", "expect": "article", "reason": ""})
    # A 2 MB article on one line: cut with a note, never a failed batch.
    line = " ".join([PARAGRAPHS[0].replace("Millbrook", "Longford")] * (2_000_000 // 230))
    add("one-line-2mb.txt", line.encode(), "article", note="over the length limit")
    # Unreadable file and folder (a root user reads them anyway).
    locked_file = add(
        "unreadable.txt",
        PARAGRAPHS[5].replace("Westport", "Eastport").encode(),
        "article" if root else "skip",
        "" if root else "permission denied",
    )
    locked_file.chmod(0)
    folder = out / "locked"
    folder.mkdir(exist_ok=True)
    (folder / "inside.txt").write_bytes(PARAGRAPHS[6].replace("Clearwater", "Stonewater").encode())
    folder.chmod(0)
    items.append(
        {
            "name": "locked",
            "expect": "article" if root else "skip",
            "reason": "" if root else "permission denied",
        }
    )
    manifest = {"root": root, "items": items}
    out.with_name(out.name + ".manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
    return items


def _warc(text: str) -> bytes:
    """A gzipped WARC with one HTML response holding ``text``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    body = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>".encode()
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://news.example/harbour", "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)
    return buffer.getvalue()


def unlock(out: Path) -> None:
    """Give back the permissions make() took, so that the folder can be deleted."""
    for path in (out / "unreadable.txt", out / "locked"):
        if path.exists():
            path.chmod(stat.S_IRWXU)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    made = make(Path(sys.argv[1]))
    print(f"{len(made)} items in {sys.argv[1]}")
