"""`stemma watch`: feeds polled over real HTTP, conditional GET, entries stored once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stemma.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, app
from stemma.ingest.feeds import parse_every, poll
from stemma.store.db import Store

from .conftest import EXAMPLES

runner = CliRunner()


def _rss(texts: list[str]) -> bytes:
    """An RSS feed whose items carry the example corpus's articles."""
    items = "".join(
        f"<item><title>{escape(t.splitlines()[0][:80])}</title>"
        f"<link>https://news.example/{i}</link>"
        f"<pubDate>Mon, 0{i + 1} May 2023 10:00:00 GMT</pubDate>"
        f"<description>{escape(t)}</description></item>"
        for i, t in enumerate(texts)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Example Wire</title><link>https://news.example/</link>{items}"
        "</channel></rss>"
    ).encode()


class _Feed:
    """What the server serves and what it was asked."""

    def __init__(self, texts: list[str], shown: int) -> None:
        self.texts = texts
        self.body = _rss(texts[:shown])
        self.version = 1
        self.requests: list[dict[str, str]] = []

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'


@pytest.fixture()
def server() -> Iterator[tuple[str, _Feed]]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    feed = _Feed(texts, shown=3)
    modified = formatdate(1_683_000_000, usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed.requests.append(dict(self.headers.items()))
            if self.path != "/feed.xml":
                self.send_error(404, "no such feed")
                return
            if self.headers.get("If-None-Match") == feed.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", feed.etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", str(len(feed.body)))
            self.end_headers()
            self.wfile.write(feed.body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", feed
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_watch_interval_is_read_or_refused() -> None:
    assert parse_every("15m") == 900.0
    assert parse_every("2h") == 7200.0
    assert parse_every("45") == 45.0
    with pytest.raises(ValueError, match="not an interval"):
        parse_every("every quarter hour")


def test_watch_poll_asks_with_validators_and_spools_only_changes(
    server: tuple[str, _Feed], tmp_path: Path
) -> None:
    base, feed = server
    url = f"{base}/feed.xml"
    with Store(tmp_path / "s.duckdb") as store:
        first = poll([url], store, tmp_path / "spool")
        assert len(first.written) == 1 and not first.problems
        state = store.feed_state(url)
        assert state is not None and state.etag == '"v1"' and state.status == 200
        assert "If-None-Match" not in feed.requests[0]
        # Unchanged: the second request carries the validators, the server answers 304.
        second = poll([url], store, tmp_path / "spool")
        assert second.unchanged == [url] and not second.written
        assert feed.requests[1]["If-None-Match"] == '"v1"'
        assert feed.requests[1]["If-Modified-Since"].endswith("GMT")
        # A server that ignores the validators and sends the same bytes: nothing spooled.
        feed.version = 2
        third = poll([url], store, tmp_path / "spool")
        assert third.unchanged == [url] and not third.written
        # A missing feed is named with the server's answer; the others go on.
        fourth = poll([f"{base}/gone.xml", url], store, tmp_path / "spool")
        assert [p.path for p in fourth.problems] == [f"{base}/gone.xml"]
        assert "HTTP 404" in fourth.problems[0].reason
        assert fourth.unchanged == [url]
    assert len(list((tmp_path / "spool").glob("*.xml"))) == 1


@pytest.mark.slow
def test_watch_rounds_store_each_entry_once(server: tuple[str, _Feed], tmp_path: Path) -> None:
    base, feed = server
    db, out = tmp_path / "s.duckdb", tmp_path / "out"
    args = ["watch", f"{base}/feed.xml", "--db", str(db), "--out", str(out), "--once"]
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_OK, result.output
    assert "1 changed" in result.output and "3 entries (3 new, 0 seen before)" in result.output
    assert (out / "report.html").is_file()
    with Store(db, read_only=True) as store:
        assert store.article_count() == 3
    # Nothing new: a 304, no analysis.
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_OK, result.output
    assert "0 changed, 1 unchanged" in result.output
    # The feed gains two entries: only they are analysed.
    feed.body, feed.version = _rss(feed.texts), 3
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_OK, result.output
    assert "5 entries (2 new, 3 seen before)" in result.output
    with Store(db, read_only=True) as store:
        assert store.article_count() == 5
        (story,) = store.stories()
        assert len(story.articles) == 5
    # A feed that cannot be fetched is named, and the exit code says so.
    result = runner.invoke(app, [*args[:1], f"{base}/gone.xml", *args[2:]])
    assert result.exit_code == EXIT_SOME_FAILED
    assert "gone.xml: the server answered HTTP 404" in result.output


def test_watch_refuses_files_and_bad_intervals(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["watch", "feeds/wire.xml", "--db", db, "--once"])
    assert result.exit_code == EXIT_USAGE
    assert "not an http(s) URL" in result.output
    result = runner.invoke(app, ["watch", "https://x.example/f.xml", "--db", db, "--every", "soon"])
    assert result.exit_code == EXIT_USAGE
    assert "not an interval" in result.output
