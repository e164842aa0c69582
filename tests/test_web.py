"""``stemma serve``: pages, JSON API, escaping, upload limits, read-only mode.

The store is built once per test session from the example corpus (and once
more with a hostile article added: markup in its title, outlet and text), then
copied for the tests that write.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from stemma.web import queries
from stemma.web.app import LOOPBACK_NAMES, ServeError, create_app, serve
from stemma.web.jobs import MAX_FILE_BYTES

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "fsb-china-leak"
XSS = "<script>alert(1)</script>"
XSS_OUTLET = '<img src=x onerror="alert(2)">'
STORY_FACT = "Khordokovsky"  # the Putin critic quoted by the first article


@functools.cache
def example_store() -> Path:
    """The example corpus analysed into a store (once per session; copy it to write)."""
    from stemma import analyze

    root = Path(tempfile.mkdtemp(prefix="stemma-web-test-"))
    analyze([str(EXAMPLES)], db=root / "store.duckdb", progress=False)
    return root / "store.duckdb"


@functools.cache
def hostile_store() -> Path:
    """The example store plus an article with markup in its title, outlet and text."""
    from stemma import analyze

    root = Path(tempfile.mkdtemp(prefix="stemma-web-test-"))
    db = root / "store.duckdb"
    shutil.copy(example_store(), db)
    hostile = {
        "title": f"Flooding closes the port {XSS}",
        "outlet": XSS_OUTLET,
        "text": (
            "Heavy rain flooded the harbour district of Rotterdam on Thursday, the port "
            f"authority said. {XSS} Ships were told to wait outside the port until the water "
            "fell, a spokeswoman for the authority said on Friday.\n\n"
            "The city council will meet on Monday to discuss the damage, according to the mayor."
        ),
    }
    (root / "hostile.json").write_text(json.dumps(hostile), encoding="utf-8")
    analyze([str(root / "hostile.json")], db=db, progress=False)
    return db


def copy_store(where: Path) -> Path:
    target = where / "store.duckdb"
    shutil.copy(example_store(), target)
    return target


def first_half(name: str = "001_1da184889dc0a294.txt") -> str:
    """A shortened copy of an example article: a new article on the same story."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n\n".join(paragraphs[: max(4, len(paragraphs) // 2)])


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(hostile_store(), read_only=True)) as c:
        yield c


@pytest.fixture(scope="module")
def story(client: TestClient) -> dict[str, Any]:
    data = client.get("/api/stories").json()
    biggest = max(data["stories"], key=lambda s: s["articles"])
    return dict(client.get(f"/api/stories/{biggest['id']}").json())


def hostile_id(client: TestClient) -> str:
    for s in client.get("/api/stories").json()["stories"]:
        if XSS in (s["title"] or ""):
            return str(s["id"])
    raise AssertionError("the hostile article's story is missing")


# -- pages and their facts ----------------------------------------------------------


def test_web_stories_page_lists_the_example_story(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    data = client.get("/api/stories").json()
    fsb = max(data["stories"], key=lambda s: s["articles"])
    assert fsb["articles"] == 5
    assert fsb["outlets"] == 5
    assert fsb["claims"] > 20
    assert 0 < fsb["two_or_more_roots"] <= fsb["claims"]
    assert any(e["text"] == "FSB" for e in fsb["top_entities"])
    assert f'href="/stories/{fsb["id"]}"' in r.text
    assert "FSB" in r.text


def test_web_search_finds_quotes_and_claims(client: TestClient) -> None:
    data = client.get("/api/stories", params={"q": STORY_FACT}).json()
    kinds = {m["kind"] for m in data["matches"]}
    assert {"quote", "claim"} <= kinds
    assert all(
        STORY_FACT.lower() in (m["text"] + (m.get("speaker") or "")).lower()
        for m in data["matches"]
    )
    assert len(data["stories"]) == 1
    page = client.get("/", params={"q": STORY_FACT}).text
    assert "junior partner" in page
    # ILIKE wildcards typed by the user are taken literally.
    assert client.get("/api/stories", params={"q": "%_%"}).json()["stories"] == []


def test_web_story_page_shows_checks_matrix_graph_quotes(
    client: TestClient, story: dict[str, Any]
) -> None:
    r = client.get(f"/stories/{story['id']}")
    assert r.status_code == 200
    html = r.text
    assert html.index('id="check"') < html.index('id="matrix"') < html.index('id="graph"')
    # The bottom line comes first, the same lines as the brief's.
    assert html.index('class="bottom-line"') < html.index('id="check"')
    assert "5 articles from 5 outlets." in html
    assert "Chain: FSB document → Ares Leaks → The New York Times → 5 outlets." in html
    # "Check first" is the brief's own partial: red flags, then the rest.
    assert html.index("Red flags (") < html.index("Also unsourced, little to check")
    assert "Caspian Sea Monster" in html[html.index("Red flags (") : html.index('id="matrix"')]
    assert html.count('<th class="outlet">') == 5
    assert html.count("<tr data-claim=") == len(story["matrix"]["rows"])
    assert "Moneycontrol" in html
    assert "Mikhail Khordokovsky" in html and "junior partner" in html
    assert "<svg" in html and 'data-node="article:' in html
    assert 'id="node-sentences"' in html
    assert "Timeline" in html and "19th-century" in html


def test_web_story_api_shape(story: dict[str, Any]) -> None:
    assert set(story) >= {
        "id", "title", "summary", "articles", "checks", "matrix", "graph", "quotes", "timeline",
    }  # fmt: skip
    columns = story["matrix"]["columns"]
    assert len(columns) == 5 == len(story["articles"])
    states = {c["state"] for row in story["matrix"]["rows"] for c in row["cells"].values()}
    assert states <= {"carried", "attributed", "derived", "unknown", "commentary"}
    assert {"attributed", "unknown"} <= states  # the tabloid's own history: origin unknown
    assert all(set(row["cells"]) <= set(columns) for row in story["matrix"]["rows"])
    # Rows with discrepancies come first, then the widest carried.
    widths = [len(r["cells"]) for r in story["matrix"]["rows"] if not r["discrepancies"]]
    assert widths == sorted(widths, reverse=True)
    speakers = [g["speaker"] for g in story["quotes"]]
    assert "Mikhail Khordokovsky" in speakers
    nodes = {n["id"] for n in story["graph"]["nodes"]}
    assert set(story["node_sentences"]) <= nodes


def test_web_claim_page_shows_every_mention_in_context(
    client: TestClient, story: dict[str, Any]
) -> None:
    row = max(story["matrix"]["rows"], key=lambda r: len(r["cells"]))
    data = client.get(f"/api/stories/{story['id']}/claims/{row['id']}").json()
    assert len({m["article"] for m in data["mentions"]}) == len(row["cells"]) >= 3
    assert data["grade"] == row["grade"] and data["grade_rule"]
    for m in data["mentions"]:
        assert m["paths"] and m["paths"][0][0]["node"] == f"article:{m['article']}"
    html = client.get(f"/stories/{story['id']}/claims/{row['id']}").text
    assert html.count('<mark class="mention-text">') == len(data["mentions"])
    assert 'id="grade-rule"' in html
    assert str(escape(data["grade_rule"])) in html
    assert 'class="path"' in html
    # A claim several articles carry shows how closely they agree.
    assert 0 < data["agreement"] <= 1.0
    assert f'id="agreement">{data["agreement"]:.2f}' in html


def test_web_article_page_strikes_removed_spans(client: TestClient, story: dict[str, Any]) -> None:
    moneycontrol = next(a for a in story["articles"] if a["outlet"] == "Moneycontrol")
    data = client.get(f"/api/articles/{moneycontrol['id']}").json()
    assert [r["reason"] for r in data["removed"]] == ["promotional footer"]
    html = client.get(f"/articles/{moneycontrol['id']}").text
    assert re.search(r'<del class="removed">Discover the latest Business News', html)
    assert "promotional footer" in html
    # The removed footer is not part of the cleaned text shown above it.
    text_part = html[html.index('id="text"') : html.index('id="removed"')]
    assert "Discover the latest Business News" not in text_part


def test_web_article_page_highlights_quotes_sources_and_marks(
    client: TestClient, story: dict[str, Any]
) -> None:
    first = story["articles"][0]["id"]
    data = client.get(f"/api/articles/{first}").json()
    kinds = {s["kind"] for s in data["spans"]}
    assert {"quote", "source", "entity"} <= kinds
    html = client.get(f"/articles/{first}", params={"s": 17}).text
    assert re.search(r'<span class="[^"]*\bquote\b[^"]*"[^>]*>[^<]*junior partner', html)
    assert 'class="source' in html
    assert '<a class="anchor" id="s17"></a>' in html
    assert re.search(r'class="[^"]*\bmark\b', html)


def test_web_segments_keep_overlapping_spans_flat() -> None:
    text = "Commenting on the memo, Mikhail Khordokovsky noted: “This is not a real alliance.”"
    q0 = text.index("“")
    spans = [
        {"start": q0, "end": len(text), "kind": "quote", "title": "quote"},
        {"start": text.index("Mikhail"), "end": text.index(" noted"), "kind": "source"},
        {
            "start": text.index("Mikhail"),
            "end": text.index(" Khordo"),
            "kind": "entity",
            "label": "PERSON",
        },
    ]
    segs = queries.segments(text, spans)
    assert "".join(s["text"] for s in segs) == text
    assert [s["classes"] for s in segs if s["text"] == "Mikhail"] == ["source entity ent-PERSON"]
    assert segs[-1]["classes"] == "quote"


# -- security ----------------------------------------------------------------------


def test_web_escapes_markup_in_pages_and_api(client: TestClient) -> None:
    sid = hostile_id(client)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path in ("/", f"/stories/{sid}", f"/articles/{sid}", "/?q=Rotterdam"):
        r = client.get(path)
        assert r.status_code == 200
        assert XSS not in r.text and "<img src=x" not in r.text
        assert escaped in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
    api = client.get(f"/api/articles/{sid}")
    assert api.headers["content-type"].startswith("application/json")
    assert api.headers["x-content-type-options"] == "nosniff"
    data = api.json()
    assert XSS in data["title"] and data["outlet"] == XSS_OUTLET and XSS in data["text"]


def test_web_ids_are_validated(client: TestClient) -> None:
    assert client.get("/api/articles/..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)
    assert client.get("/api/stories/NOT-AN-ID").status_code == 422
    assert client.get("/api/stories/0123456789abcdef").status_code == 404
    r = client.get("/stories/NOT-AN-ID")
    assert r.status_code == 404 and "does not name anything" in r.text


def test_web_read_only_refuses_ingest(client: TestClient) -> None:
    r = client.post("/api/ingest", data={"text": first_half()})
    assert r.status_code == 403 and "--read-only" in r.json()["detail"]
    page = client.get("/ingest")
    assert page.status_code == 403 and "--read-only" in page.text
    assert client.post("/ingest", data={"text": "x"}).status_code == 403


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    db = copy_store(tmp_path)
    with TestClient(create_app(db)) as c:
        yield c, db


def test_web_upload_limits_say_what_is_wrong(writable: tuple[TestClient, Path]) -> None:
    c, db = writable
    big = b"word " * (MAX_FILE_BYTES // 5 + 1)
    r = c.post("/api/ingest", files={"files": ("big.txt", big, "text/plain")})
    assert r.status_code == 413 and "limit of 5,242,880 bytes" in r.json()["detail"]
    r = c.post("/api/ingest", files={"files": ("tool.exe", b"MZ\x90\x00", "application/x-exe")})
    assert r.status_code == 415 and ".txt" in r.json()["detail"]
    r = c.post("/api/ingest", files={"files": ("a.txt", b"abc\x00def", "text/plain")})
    assert r.status_code == 415 and "binary" in r.json()["detail"]
    r = c.post("/api/ingest", files={"files": ("empty.txt", b"  \n", "text/plain")})
    assert r.status_code == 400 and "empty" in r.json()["detail"]
    assert c.post("/api/ingest", data={}).status_code == 400
    form = c.post("/ingest", files={"files": ("notes.docx", b"PK\x03\x04", "application/zip")})
    assert form.status_code == 415 and 'id="error"' in form.text and "notes.docx" in form.text
    uploads = db.with_name(db.name + ".uploads")
    assert not uploads.exists() or not any(uploads.iterdir())


def test_web_refuses_cross_site_posts(writable: tuple[TestClient, Path]) -> None:
    c, _ = writable
    r = c.post("/ingest", data={"text": "x"}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another port or sub-domain: another application
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "none", "Origin": "http://testserver.evil.example"},
        {"Origin": "http://testserver:8080"},
        {"Origin": "file://"},
        {"Origin": "ftp://testserver"},
        {"Origin": "not an origin"},
    ],
)
def test_web_origin_policy_refuses_every_other_origin(
    writable: tuple[TestClient, Path], headers: dict[str, str]
) -> None:
    # Each of Sec-Fetch-Site and Origin that is sent must say this server.
    c, db = writable
    for path in ("/api/ingest", "/ingest"):
        r = c.post(path, data={"text": first_half()}, headers=headers)
        assert r.status_code == 403 and "cross-site" in r.text, (path, headers)
    assert not db.with_name(db.name + ".uploads").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, scripts: not a browser driven by another site
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "http://testserver"},
        {"Origin": "http://TestServer/"},
    ],
)
def test_web_origin_policy_lets_this_server_post(
    writable: tuple[TestClient, Path], headers: dict[str, str]
) -> None:
    c, _ = writable
    # An empty upload: past the origin check, refused for what it holds.
    r = c.post("/api/ingest", data={}, headers=headers)
    assert r.status_code == 400 and "nothing to add" in r.json()["detail"], headers


def test_web_story_page_is_kept_until_the_store_changes(
    writable: tuple[TestClient, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several readers of one large story each rebuilt it; now the page and
    # the story JSON are built once per store generation, and a write (here:
    # the story table saved again) makes the next request build them afresh.
    c, _ = writable
    story = c.get("/api/stories").json()["stories"][0]
    cache = c.app.state.pages  # type: ignore[attr-defined]
    built = 0
    real = queries.story

    def counting(store, story_id):
        nonlocal built
        built += 1
        return real(store, story_id)

    monkeypatch.setattr(queries, "story", counting)
    first = c.get(f"/stories/{story['id']}")
    hits = cache.hits
    again = c.get(f"/stories/{story['id']}")
    assert first.status_code == again.status_code == 200 and first.text == again.text
    assert again.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in again.headers["content-security-policy"]
    assert built == 1 and cache.hits == hits + 1
    api = c.get(f"/api/stories/{story['id']}")
    assert api.json() == c.get(f"/api/stories/{story['id']}").json()
    assert api.json() == queries.jsonable(real(c.app.state.store, story["id"]))  # type: ignore[attr-defined]
    assert api.headers["content-type"] == "application/json"
    assert built == 2 and cache.hits == hits + 2
    store = c.app.state.store  # type: ignore[attr-defined]
    store.save_stories(store.stories())
    assert c.get(f"/stories/{story['id']}").status_code == 200
    assert c.get(f"/api/stories/{story['id']}").status_code == 200
    assert built == 4
    for _ in range(2):  # what does not exist is never kept
        assert c.get("/stories/0123456789abcdef").status_code == 404
        assert c.get("/api/stories/0123456789abcdef").status_code == 404
    assert built == 8


def test_web_page_cache_is_bounded_and_builds_once_under_concurrency() -> None:
    import threading

    from stemma.web.deps import PageCache

    cache = PageCache(size=3, max_bytes=100)
    for i in range(5):
        cache.put((str(i),), 1, b"x")
    assert len(cache) == 3 and cache.get(("0",), 1) is None and cache.get(("4",), 1) == b"x"
    cache.get(("2",), 1)  # used: now the newest
    cache.put(("5",), 1, b"y")
    assert cache.get(("2",), 1) == b"x" and cache.get(("3",), 1) is None
    assert cache.get(("5",), 2) is None  # another generation: stale
    cache.put(("big",), 1, b"z" * 99)  # 100 bytes at most: the others go
    assert len(cache) == 2 and cache.get(("big",), 1) and cache.get(("2",), 1)
    cache.put(("bigger",), 1, b"z" * 200)  # over the budget alone: kept, alone
    assert len(cache) == 1

    # Eight threads ask for one missing page at once: one builds it, the
    # others wait for it and get the same bytes.
    cache = PageCache()
    gate = threading.Barrier(8)
    builds: list[int] = []
    got: list[bytes | None] = []

    def build() -> bytes:
        builds.append(1)
        time.sleep(0.2)
        return b"page"

    def ask() -> None:
        gate.wait()
        got.append(cache.fetch(("story", "a"), 7, build))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert got == [b"page"] * 8 and len(builds) == 1 and cache.builds == 1
    assert cache.fetch(("story", "a"), 8, build) == b"page" and len(builds) == 2

    off = PageCache(size=0)  # off: every request builds
    assert [off.fetch(("k",), 1, build) for _ in range(2)] == [b"page"] * 2
    assert off.builds == 2 and len(off) == 0


def test_web_refuses_posts_from_an_opaque_origin(writable: tuple[TestClient, Path]) -> None:
    # "Origin: null" is what a sandboxed frame or a file:// page sends.
    c, _ = writable
    r = c.post("/ingest", data={"text": "x"}, headers={"Origin": "null"})
    assert r.status_code == 403 and "cross-site" in r.text


def test_web_oversized_upload_is_refused_with_what_was_sent(
    writable: tuple[TestClient, Path],
) -> None:
    # A chunked upload (no declared length) over the limit is a 413 that says
    # the limit, and nothing is stored; a declared length over it is refused
    # with that length.
    from stemma.web.app import MAX_BODY_BYTES

    c, db = writable
    head = b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(MAX_BODY_BYTES // 1_000_000 + 2):
            yield b"word " * 200_000  # 1 MB

    multipart = {"Content-Type": "multipart/form-data; boundary=x"}
    r = c.post("/api/ingest", content=chunks(), headers=multipart)
    assert r.status_code == 413
    assert f"at most {MAX_BODY_BYTES:,} bytes" in r.json()["detail"]
    uploads = db.with_name(db.name + ".uploads")
    assert not uploads.exists() or not any(uploads.iterdir())
    r = c.post("/api/ingest", content=b"x", headers={"Content-Length": str(MAX_BODY_BYTES + 1)})
    assert r.status_code == 413 and f"it is {MAX_BODY_BYTES + 1:,} bytes" in r.json()["detail"]


def test_web_body_limit_stops_reading_at_the_limit() -> None:
    # The test client reads a body whole before the app sees it, so the
    # streaming itself is checked on the middleware: it stops pulling chunks
    # once past the limit, and answers 413 in place of the app.
    import asyncio

    from stemma.web.app import _BodyLimit

    pulled, sent = 0, []

    async def inner(scope, receive, send):  # an app that reads the whole body
        while (await receive()).get("more_body", False):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"12345", "more_body": pulled < 100}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/ingest", "headers": [],
             "query_string": b"", "scheme": "http", "server": ("127.0.0.1", 80)}  # fmt: skip
    asyncio.run(_BodyLimit(inner, limit=12)(scope, receive, send))
    assert pulled == 3  # 15 bytes > 12: no fourth chunk is read
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413


def test_web_ingest_adds_an_article_to_its_story(writable: tuple[TestClient, Path]) -> None:
    c, db = writable
    # The story page, kept in the cache, must show the ingested article next time.
    before = max(c.get("/api/stories").json()["stories"], key=lambda s: s["articles"])
    page = c.get(f"/stories/{before['id']}").text
    assert page == c.get(f"/stories/{before['id']}").text and c.app.state.pages.hits  # type: ignore[attr-defined]
    assert "5 articles from 5 outlets." in page
    r = c.post(
        "/api/ingest",
        files={"files": ("../../evil name.txt", first_half().encode(), "text/plain")},
    )
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + 240
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = c.get(f"/api/ingest/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    assert job["files"] == ["evil name.txt"]
    (new,) = job["articles"]
    assert c.get(f"/api/articles/{new}").status_code == 200
    stories = c.get("/api/stories").json()["stories"]
    assert max(s["articles"] for s in stories) == 6
    saved = list(db.with_name(db.name + ".uploads").rglob("*"))
    files = [p for p in saved if p.is_file()]
    assert len(files) == 1 and re.fullmatch(r"upload-000-[0-9a-f]{8}\.txt", files[0].name)
    page = c.get(f"/ingest/jobs/{job['id']}").text
    assert "done" in page and f'href="/articles/{new}"' in page
    after = max(stories, key=lambda s: s["articles"])
    assert after["id"] == before["id"]  # the same story, so the same cache key
    page = c.get(f"/stories/{after['id']}").text
    assert "6 articles from 6 outlets." in page and f'href="/articles/{new}"' in page
    assert new in {a["id"] for a in c.get(f"/api/stories/{after['id']}").json()["articles"]}


def test_web_serve_refuses_a_public_host_nobody_chose() -> None:
    with pytest.raises(ServeError, match="pass --host explicitly"):
        serve(example_store(), host="0.0.0.0")


def test_web_loopback_server_refuses_other_host_names(tmp_path: Path) -> None:
    app = create_app(copy_store(tmp_path), read_only=True, allowed_hosts=list(LOOPBACK_NAMES))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/status").json()["read_only"] is True
        assert c.get("/api/status", headers={"Host": "attacker.example"}).status_code == 400


def test_web_openapi_describes_the_api(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/claims/{claim_id}",
        "/api/articles/{article_id}", "/api/ingest", "/api/ingest/jobs/{job_id}",
    } <= paths  # fmt: skip
    assert not any(p.startswith("/stories") for p in paths)
    assert client.get("/docs").status_code == 404  # its assets would come from a CDN
