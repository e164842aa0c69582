"""Tests for stemma.ingest.readers: every format, every bad input, metadata never invented."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from stemma.ingest.readers import (
    HEADLINE_REASON,
    MAX_ARTICLE_CHARS,
    detect_language,
    load,
    outlet_from_url,
    text_id,
)
from stemma.model import Article, Problem

from .conftest import EXAMPLES

NAMES = sorted(p.name for p in EXAMPLES.glob("*.txt"))

# A Russian news paragraph (the corpus story, as Russian outlets told it).
RUSSIAN = (
    "Федеральная служба безопасности России называет Китай «противником» во внутреннем "
    "документе, который получила газета The New York Times.\n"
    "По данным документа, китайские спецслужбы пытаются вербовать российских учёных и "
    "военных, а также собирают сведения о боевых действиях на Украине.\n"
)


def _paragraphs(example_texts: dict[str, str], name: str) -> list[str]:
    return [line for line in example_texts[name].split("\n") if line.strip()]


def _only(items: list[Article | Problem]) -> Article:
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def _html_page(paragraphs: list[str], *, charset: str = "utf-8", comment: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>Leaked FSB memo shows distrust of China | Example News</title>
<meta property="og:title" content="Leaked FSB memo shows distrust of China">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-06-08T09:30:00+00:00">
<meta name="author" content="Jane Doe">
<link rel="canonical" href="https://www.example-news.com/world/fsb-memo-china">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Leaked FSB memo shows distrust of China</h1>
{body}
</article>
<section id="comments" class="comments"><h3>Comments</h3><p>{comment}</p></section>
<footer>© 2025 Example News. All rights reserved.</footer>
</body></html>"""


# ---------------------------------------------------------------- text files


def test_ingest_loads_example_folder_in_sorted_order(example_texts):
    items = list(load([EXAMPLES]))
    assert all(isinstance(a, Article) for a in items)
    articles = [a for a in items if isinstance(a, Article)]
    assert [Path(a.path).name for a in articles] == NAMES
    for article in articles:
        raw = example_texts[Path(article.path).name]
        assert article.raw_text == raw
        assert article.id == text_id(raw)
        assert article.source_format == "text"
        assert article.language == "en"
        assert article.title is None
        assert article.published is None and article.url is None and article.author is None
    assert len({a.id for a in articles}) == 5


def test_ingest_outlet_only_from_001s_footer():
    articles = {Path(a.path).name: a for a in load([EXAMPLES]) if isinstance(a, Article)}
    outlets = {name: (a.outlet, a.outlet_evidence) for name, a in articles.items()}
    assert outlets.pop("001_1da184889dc0a294.txt") == ("Moneycontrol", "footer")
    assert set(outlets.values()) == {(None, None)}


def test_ingest_cleans_003_and_keeps_raw_text(example_texts):
    name = "003_90f4051510850127.txt"
    article = _only(list(load([EXAMPLES / name])))
    assert article.text.startswith("A leaked intelligence memo suggests")
    assert "Get link" not in article.text and "ReplyDelete" not in article.text
    assert "Get link" in article.raw_text
    for span in article.removed:
        assert article.raw_text[span.start : span.end] == span.text


def test_ingest_id_is_hash_of_normalised_text_before_cleaning():
    assert text_id("Putin  and Xi\n signed ") == text_id("Putin and Xi signed")
    assert text_id("ﬁle") == text_id("file")  # NFKC folds the ligature
    assert text_id("Putin and Xi signed") != text_id("Putin and Xi sign")
    assert len(text_id("x")) == 16


def test_ingest_text_headline_becomes_title_and_leaves_text(tmp_path, example_texts):
    body = "\n".join(_paragraphs(example_texts, "002_a0c40a7f595994d5.txt"))
    headline = "Russia’s FSB calls China ‘the enemy’ in leaked document"
    (tmp_path / "a.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
    article = _only(list(load([tmp_path / "a.txt"])))
    assert article.title == headline
    assert article.text == body
    assert [(r.reason, r.start, r.text) for r in article.removed] == [
        (HEADLINE_REASON, 0, headline)
    ]


def test_ingest_markdown_heading_becomes_title(tmp_path, example_texts):
    body = "\n".join(_paragraphs(example_texts, "000_3c45b8d28d6be2d7.txt"))
    (tmp_path / "a.md").write_text(f"# FSB memo brands China an enemy\n\n{body}\n", "utf-8")
    article = _only(list(load([tmp_path / "a.md"])))
    assert article.title == "FSB memo brands China an enemy"
    assert article.text == body


def test_ingest_first_sentence_is_not_taken_for_a_headline(tmp_path):
    text = "The memo was leaked.\nIt names China as the enemy of Russia."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    article = _only(list(load([tmp_path / "a.txt"])))
    assert article.title is None
    assert article.text == text


def test_ingest_reads_cp1251_russian_text(tmp_path):
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    article = _only(list(load([tmp_path / "ru.txt"])))
    assert article.text == RUSSIAN.strip()
    assert article.language == "ru"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_ingest_reads_text_with_byte_order_mark(tmp_path, example_texts, encoding):
    text = example_texts["002_a0c40a7f595994d5.txt"]
    (tmp_path / "bom.txt").write_bytes(text.encode(encoding))
    article = _only(list(load([tmp_path / "bom.txt"])))
    assert article.raw_text == text


def test_ingest_reads_stdin_as_one_article(example_texts):
    text = example_texts["004_2ce7c95e2a32e4ab.txt"]
    article = _only(list(load(["-"], stdin=io.StringIO(text))))
    assert article.path == "<stdin>"
    assert article.source_format == "stdin"
    assert "Read the original article here" not in article.text


def test_ingest_skips_hidden_files_and_folders(tmp_path, example_texts):
    text = example_texts["000_3c45b8d28d6be2d7.txt"]
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.txt").write_text(text, "utf-8")
    (tmp_path / ".b.txt").write_text(text, "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text(text, "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert [a.path for a in load([tmp_path])] == [str(tmp_path / "sub" / "c.txt")]


# ---------------------------------------------------------------- bad inputs


def test_ingest_bad_file_in_the_middle_does_not_stop_the_others(tmp_path, example_texts):
    (tmp_path / "a.txt").write_text(example_texts["000_3c45b8d28d6be2d7.txt"], "utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00")
    (tmp_path / "c.txt").write_text(example_texts["002_a0c40a7f595994d5.txt"], "utf-8")
    items = list(load([tmp_path]))
    assert [type(i).__name__ for i in items] == ["Article", "Problem", "Article"]
    problem = items[1]
    assert isinstance(problem, Problem)
    assert problem.path == str(tmp_path / "b.txt")
    assert "binary" in problem.reason
    assert str(problem).startswith(str(tmp_path / "b.txt") + ": ")


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"  \n\t\n", "empty file"), (b"\x00\x01\x02abc", "binary")],
)
def test_ingest_empty_and_binary_files_are_problems(tmp_path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    [problem] = list(load([tmp_path / "bad.txt"]))
    assert isinstance(problem, Problem)
    assert reason in problem.reason


def test_ingest_too_large_file_is_a_problem(tmp_path, example_texts):
    (tmp_path / "big.txt").write_text(example_texts["001_1da184889dc0a294.txt"], "utf-8")
    [problem] = list(load([tmp_path / "big.txt"], max_bytes=1000))
    assert isinstance(problem, Problem)
    assert problem.reason.startswith("file too large")
    assert "1000" in problem.reason


@pytest.mark.parametrize("joiner", [" ", "\n\n"])
def test_ingest_article_over_the_length_limit_is_cut_and_the_cut_recorded(
    tmp_path, example_texts, joiner
):
    # A 2 MB one-line file (or one of many paragraphs): the first part is
    # analysed, the cut is recorded with its offsets, and nothing is lost from
    # the raw text. spaCy refuses texts over 1,000,000 characters.
    para = " ".join(example_texts["001_1da184889dc0a294.txt"].split())
    raw = joiner.join([para] * (2_000_000 // len(para) + 1))
    (tmp_path / "huge.txt").write_text(raw, "utf-8")
    [article] = list(load([tmp_path / "huge.txt"]))
    assert isinstance(article, Article)
    assert MAX_ARTICLE_CHARS // 2 < len(article.text) <= MAX_ARTICLE_CHARS < 1_000_000
    [cut] = [r for r in article.removed if r.reason.startswith("over the length limit")]
    assert cut.end == len(article.raw_text) and article.raw_text[cut.start :] == cut.text
    assert article.raw_text[: cut.start].endswith(para.split()[-1]) or joiner == " "
    assert f"of {len(article.raw_text):,} characters" in cut.reason


def test_ingest_symbolic_link_loops_and_broken_links_are_named(tmp_path, example_texts):
    # A link back to a parent folder, a link to itself and a dangling link:
    # each is one problem; the real article is read once.
    import os

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(example_texts["000_3c45b8d28d6be2d7.txt"], "utf-8")
    os.symlink("..", tmp_path / "sub" / "up")
    os.symlink("self", tmp_path / "self")
    os.symlink("nowhere.txt", tmp_path / "broken.txt")
    items = list(load([tmp_path]))
    problems = {Path(p.path).name: p.reason for p in items if isinstance(p, Problem)}
    assert problems == {
        "up": "symbolic link loop: skipped",
        "self": "looping symbolic link: skipped",
        "broken.txt": "broken symbolic link: skipped",
    }
    assert [Path(a.path).name for a in items if isinstance(a, Article)] == ["a.txt"]


def test_ingest_folder_order_is_sorted_by_path(tmp_path, example_texts):
    # "a.txt" before "a/x.txt", as a sorted listing of paths has it.
    (tmp_path / "a").mkdir()
    for rel in ("a/x.txt", "a.txt", "b.txt"):
        (tmp_path / rel).write_text(example_texts["000_3c45b8d28d6be2d7.txt"] + rel, "utf-8")
    got = [Path(a.path).relative_to(tmp_path).as_posix() for a in load([tmp_path])]
    assert got == ["a.txt", "a/x.txt", "b.txt"]


def test_ingest_html_nested_10000_deep_is_still_read():
    # lxml (under trafilatura) stops past 255 levels and saw only the menu;
    # the page's paragraphs are read, the menu is not, and a deep page with
    # nothing but a script is still "no article text".
    from stemma.ingest.readers import read_html

    paragraphs = [
        "Russia's FSB regards China as an enemy, according to an internal memo seen by The "
        "New York Times on Wednesday.",
        "The eight-page document warns that Chinese intelligence is recruiting Russian "
        "scientists and officials in the Arctic.",
        "Officials in Moscow declined to comment on the memo when asked on Thursday.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    deep = "<div>" * 10_000 + "{}" + "</div>" * 10_000
    page = f"<html><head><title>FSB memo</title></head><body><nav>Home | World</nav>{deep}</body>"
    article = read_html(page.format(body).encode())
    assert isinstance(article, Article)
    assert article.text == "\n".join(paragraphs) and article.title == "FSB memo"
    empty = read_html(page.format("<script>var x = 1;</script>").encode())
    assert isinstance(empty, Problem)


def test_ingest_unreadable_file_is_a_problem(tmp_path, example_texts, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(example_texts["000_3c45b8d28d6be2d7.txt"], "utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod 000 does not stop root, so the refusal is simulated where it happens.
    monkeypatch.setattr(Path, "read_bytes", denied)
    [problem] = list(load([path]))
    assert problem == Problem(str(path), "unreadable: permission denied")


def test_ingest_missing_path_is_a_problem(tmp_path):
    [problem] = list(load([tmp_path / "nope.txt"]))
    assert problem == Problem(str(tmp_path / "nope.txt"), "no such file or directory")


def test_ingest_file_of_only_boilerplate_is_a_problem(tmp_path):
    (tmp_path / "a.txt").write_text("- Get link\n- X\n- Other Apps\n", "utf-8")
    [problem] = list(load([tmp_path / "a.txt"]))
    assert isinstance(problem, Problem)
    assert "no article text" in problem.reason


# ---------------------------------------------------------------- HTML


def test_ingest_html_extracts_text_and_metadata(tmp_path, example_texts):
    paragraphs = _paragraphs(example_texts, "002_a0c40a7f595994d5.txt")
    comment = "This has been known for at least 25 years that I know of, it is nothing new."
    (tmp_path / "page.html").write_text(_html_page(paragraphs, comment=comment), "utf-8")
    article = _only(list(load([tmp_path / "page.html"])))
    assert article.source_format == "html"
    assert article.text == "\n".join(paragraphs)
    assert comment not in article.raw_text
    assert article.title == "Leaked FSB memo shows distrust of China"
    assert (article.outlet, article.outlet_evidence) == ("Example News", "metadata")
    assert article.published == "2025-06-08"
    assert article.url == "https://www.example-news.com/world/fsb-memo-china"
    assert article.author == "Jane Doe"
    assert article.language == "en"


def test_ingest_html_declared_cp1251_charset(tmp_path):
    paragraphs = [line for line in RUSSIAN.split("\n") if line]
    page = _html_page(paragraphs, charset="windows-1251").replace("©", "(c)")
    (tmp_path / "ru.html").write_bytes(page.encode("cp1251"))
    article = _only(list(load([tmp_path / "ru.html"])))
    assert article.text == "\n".join(paragraphs)
    assert article.language == "ru"


def test_ingest_html_without_article_text_is_a_problem(tmp_path):
    page = (
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    (tmp_path / "empty.html").write_text(page, "utf-8")
    [problem] = list(load([tmp_path / "empty.html"]))
    assert isinstance(problem, Problem)
    assert problem.path == str(tmp_path / "empty.html")
    assert "no article text" in problem.reason


# ---------------------------------------------------------------- JSON


def test_ingest_jsonl_records_problems_name_their_line(tmp_path, example_texts):
    text_0 = example_texts["000_3c45b8d28d6be2d7.txt"]
    page = _html_page(_paragraphs(example_texts, "002_a0c40a7f595994d5.txt"))
    lines = [
        json.dumps(
            {
                "text": text_0,
                "url": "https://www.nytimes.com/2025/06/07/world/fsb.html",
                "published": "2025-06-07T12:00:00Z",
            }
        ),
        "{not json",
        json.dumps({"url": "https://example.org/x", "title": "No body"}),
        "",
        json.dumps({"html": page, "outlet": "The Record", "title": "FSB memo"}),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    items = list(load([tmp_path / "a.jsonl"]))
    assert [type(i).__name__ for i in items] == ["Article", "Problem", "Problem", "Article"]
    first, bad, empty, html = items
    assert isinstance(first, Article) and isinstance(html, Article)
    assert first.path == f"{tmp_path / 'a.jsonl'}:1"
    assert (first.outlet, first.outlet_evidence) == ("nytimes.com", "url")
    assert first.published == "2025-06-07T12:00:00+00:00"
    assert first.source_format == "jsonl"
    assert bad.line == 2 and bad.reason.startswith("invalid JSON: ")
    assert str(bad).startswith(f"{tmp_path / 'a.jsonl'}:2: invalid JSON")
    assert empty.line == 3 and "no non-empty 'text' or 'html'" in empty.reason
    assert (html.outlet, html.outlet_evidence, html.title) == ("The Record", "metadata", "FSB memo")
    assert html.text.startswith("While the world sees Russian President")
    assert html.url == "https://www.example-news.com/world/fsb-memo-china"


def test_ingest_json_list_and_single_object(tmp_path, example_texts):
    records = [{"text": example_texts[n], "published": "June 8, 2025"} for n in NAMES[:2]]
    (tmp_path / "list.json").write_text(json.dumps(records), "utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"text": example_texts[NAMES[2]]}), "utf-8")
    items = list(load([tmp_path / "list.json", tmp_path / "one.json"]))
    assert [a.path for a in items] == [
        f"{tmp_path / 'list.json'}#1",
        f"{tmp_path / 'list.json'}#2",
        str(tmp_path / "one.json"),
    ]
    assert all(isinstance(a, Article) for a in items)
    assert items[0].published == "2025-06-08"  # type: ignore[union-attr]


def test_ingest_json_unparseable_date_stays_none(tmp_path, example_texts):
    record = {"text": example_texts[NAMES[0]], "published": "sometime last week-ish"}
    (tmp_path / "one.json").write_text(json.dumps(record), "utf-8")
    article = _only(list(load([tmp_path / "one.json"])))
    assert article.published is None


def test_ingest_invalid_json_file_is_a_problem(tmp_path):
    (tmp_path / "bad.json").write_text('{"text": "unterminated', "utf-8")
    [problem] = list(load([tmp_path / "bad.json"]))
    assert isinstance(problem, Problem) and problem.reason.startswith("invalid JSON")


# ---------------------------------------------------------------- feeds


def test_ingest_rss_entries_become_articles(tmp_path, example_texts):
    p = _paragraphs(example_texts, "002_a0c40a7f595994d5.txt")
    rss = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example News</title><link>https://www.example-news.com/</link>
<item><title>FSB memo calls China the enemy</title>
<link>https://www.example-news.com/world/fsb-memo</link>
<pubDate>Sun, 08 Jun 2025 09:30:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{p[0]}</p><p>{p[1]}</p>]]></content:encoded></item>
<item><title>Beijing spies on Moscow</title><link>https://www.example-news.com/world/spies</link>
<description>{p[2]}</description></item>
<item><title>Empty</title><link>https://www.example-news.com/empty</link></item>
</channel></rss>"""
    (tmp_path / "feed.rss").write_text(rss, "utf-8")
    items = list(load([tmp_path / "feed.rss"]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Problem"]
    first, second, problem = items
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.text == f"{p[0]}\n{p[1]}"
    assert first.title == "FSB memo calls China the enemy"
    assert first.url == "https://www.example-news.com/world/fsb-memo"
    assert first.published == "2025-06-08"
    assert (first.outlet, first.outlet_evidence) == ("Example News", "metadata")
    assert first.source_format == "feed"
    assert first.path == f"{tmp_path / 'feed.rss'}#1"
    assert second.text == p[2]
    assert "entry 3" in problem.reason and "no content" in problem.reason


def test_ingest_atom_xml_feed_is_sniffed(tmp_path, example_texts):
    p = _paragraphs(example_texts, "000_3c45b8d28d6be2d7.txt")
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Daily</title>
<entry><title>FSB brands China an enemy</title><link href="https://atom.example.com/a"/>
<updated>2025-06-09T08:00:00Z</updated><content type="html">&lt;p&gt;{p[2]}&lt;/p&gt;</content>
</entry></feed>"""
    (tmp_path / "feed.xml").write_text(atom, "utf-8")
    article = _only(list(load([tmp_path / "feed.xml"])))
    assert article.text == p[2]
    assert (article.outlet, article.published) == ("Atom Daily", "2025-06-09")


def test_ingest_xml_that_is_not_a_feed_is_a_problem(tmp_path):
    (tmp_path / "data.xml").write_text('<?xml version="1.0"?><config><a>1</a></config>', "utf-8")
    [problem] = list(load([tmp_path / "data.xml"]))
    assert isinstance(problem, Problem) and "not an RSS or Atom feed" in problem.reason


# ---------------------------------------------------------------- WARC


def _write_warc(path: Path, records: list[tuple[str, str, bytes]], *, gzip: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        for uri, ctype, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(record)


def test_ingest_warc_html_responses_become_articles(tmp_path, example_texts):
    paragraphs = [line for line in RUSSIAN.split("\n") if line]
    page = _html_page(paragraphs).replace('<meta charset="utf-8">', "")
    page = page.replace('<meta property="og:site_name" content="Example News">', "")
    page = page.replace(
        '<link rel="canonical" href="https://www.example-news.com/world/fsb-memo-china">', ""
    )
    _write_warc(
        tmp_path / "crawl.warc.gz",
        [
            ("https://www.kommersant.ru/doc/1", "image/png", b"\x89PNG\r\n\x1a\n"),
            (
                "https://www.kommersant.ru/doc/2",
                "text/html; charset=windows-1251",
                page.replace("©", "(c)").encode("cp1251"),
            ),
        ],
    )
    article = _only(list(load([tmp_path / "crawl.warc.gz"])))
    assert article.source_format == "warc"
    assert article.url == "https://www.kommersant.ru/doc/2"
    assert (article.outlet, article.outlet_evidence) == ("kommersant.ru", "url")
    assert article.text == "\n".join(paragraphs)
    assert article.path == f"{tmp_path / 'crawl.warc.gz'}#2"


def test_ingest_corrupt_warc_is_a_problem(tmp_path):
    (tmp_path / "bad.warc.gz").write_bytes(gzip.compress(b"this is not a WARC record\r\n"))
    items = list(load([tmp_path / "bad.warc.gz"]))
    assert items and all(isinstance(i, Problem) for i in items)
    assert "WARC" in items[0].reason  # type: ignore[union-attr]


def test_ingest_warc_record_cut_short_is_a_problem_not_a_short_article(tmp_path):
    # A download that stopped mid-record: the page's first paragraph would
    # pass for a short article; the record's declared length says otherwise.
    page = _html_page([f"Paragraph {i} of a long report on the FSB memo." for i in range(60)])
    _write_warc(tmp_path / "cut.warc", [("https://x.example/a", "text/html", page.encode())],
                gzip=False)  # fmt: skip
    whole = (tmp_path / "cut.warc").read_bytes()
    (tmp_path / "cut.warc").write_bytes(whole[: len(whole) // 2])
    [problem] = list(load([tmp_path / "cut.warc"]))
    assert isinstance(problem, Problem)
    assert "record 1 (https://x.example/a) is cut short" in problem.reason


def test_ingest_garbage_warc_says_what_is_wrong_in_one_readable_line(tmp_path):
    import random

    noise = bytes(random.Random(7).randrange(256) for _ in range(3000))
    (tmp_path / "noise.warc.gz").write_bytes(noise)
    [problem] = list(load([tmp_path / "noise.warc.gz"]))
    assert isinstance(problem, Problem)
    assert problem.reason == "invalid WARC: not a WARC or ARC archive (unknown format)"


def test_ingest_warc_without_html_says_what_it_read(tmp_path):
    # Junk that warcio reads as one old-style ARC record: the message says so,
    # rather than suggesting a WARC of other records.
    (tmp_path / "junk.warc.gz").write_bytes(b"\x00\x01garbage not a warc at all" * 10)
    [problem] = list(load([tmp_path / "junk.warc.gz"]))
    assert isinstance(problem, Problem)
    assert problem.reason == "WARC has no HTML response records (read: 1 arc response)"


def test_ingest_malformed_warc_record_is_a_problem_not_a_crash(tmp_path, example_texts):
    # A response record without a target URI made warcio raise AttributeError,
    # which stopped the whole run; the good file beside it must still be read.
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 60\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>cut</p>"
    )
    (tmp_path / "a.warc.gz").write_bytes(gzip.compress(record))
    (tmp_path / "b.txt").write_text(example_texts["000_3c45b8d28d6be2d7.txt"], "utf-8")
    items = list(load([tmp_path]))
    [problem] = [i for i in items if isinstance(i, Problem)]
    assert problem.reason.startswith("invalid WARC: a record cannot be parsed (")
    assert "\n" not in problem.reason
    assert [Path(i.path).name for i in items if isinstance(i, Article)] == ["b.txt"]


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.nytimes.com/2025/06/07/world/europe/russia-china-fsb.html", "nytimes.com"),
        ("https://m.economictimes.indiatimes.com/news", "economictimes.indiatimes.com"),
        ("http://moneycontrol.com/news/x", "moneycontrol.com"),
        ("not a url", None),
        (None, None),
    ],
)
def test_ingest_outlet_from_url(url, host):
    assert outlet_from_url(url) == host


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Der Inlandsgeheimdienst FSB bezeichnet China in einem internen Papier als Feind.", "de"),
        ("Le FSB qualifie la Chine d'ennemi dans un document interne obtenu par le journal.", "fr"),
        ("ФСБ вважає Китай ворогом, свідчить внутрішній документ, який отримала газета.", "uk"),
        ("FSB", None),
    ],
)
def test_ingest_detect_language(text, code):
    assert detect_language(text) == code


def test_ingest_file_name_that_is_not_utf8_is_kept_readable(tmp_path, example_texts):
    # A name in latin-1 bytes ("café.txt" from another system): the article is
    # read, its path keeps the byte as \xe9, and the store and brief take it.
    import os

    import stemma

    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(raw, "wb") as f:
        f.write(example_texts["000_3c45b8d28d6be2d7.txt"].encode("utf-8"))
    (folder / "001.txt").write_text(example_texts["001_1da184889dc0a294.txt"], "utf-8")
    [a, b] = [x for x in load([folder]) if isinstance(x, Article)]
    names = sorted(Path(x.path).name for x in (a, b))
    assert names == ["001.txt", "caf\\xe9.txt"]
    out = tmp_path / "out"
    result = stemma.analyze([folder], db=tmp_path / "s.duckdb", out=out, progress=False)
    assert sorted(Path(x["path"]).name for x in result.report["articles"]) == names
    assert (out / "report.json").stat().st_size > 1000


def test_ingest_path_behind_a_folder_that_cannot_be_entered_is_a_problem(tmp_path, monkeypatch):
    # As a non-root user, Path.exists() raises PermissionError for a path inside
    # a folder without execute permission; it is one problem, not a crash.
    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "is_dir", refuse)
    [problem] = list(load([tmp_path / "locked" / "a.txt"]))
    assert isinstance(problem, Problem)
    assert problem.reason == "cannot be reached: Permission denied"


@pytest.mark.parametrize(
    ("utf8_part", "legacy_part", "encoding"),
    [
        ("Служба безопасности России назвала Китай врагом, сообщает газета.",
         "В документе ФСБ говорится о шпионаже в Арктике и вербовке учёных.", "cp1251"),
        ("The FSB memo – “the enemy” – was seen by reporters.",
         "Le mémo de la sécurité russe décrit la Chine comme un ennemi.", "latin-1"),
    ],
)  # fmt: skip
def test_ingest_mixed_encoding_file_keeps_both_parts(utf8_part, legacy_part, encoding):
    # A UTF-8 article with a paragraph pasted in a legacy encoding: decoding
    # the whole as the legacy one turned the UTF-8 part into mojibake.
    from stemma.ingest.decode import decode

    data = (utf8_part + "\n").encode("utf-8") + (legacy_part + "\n").encode(encoding)
    assert decode(data) == f"{utf8_part}\n{legacy_part}\n"
