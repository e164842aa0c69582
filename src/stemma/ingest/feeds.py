"""Polling RSS/Atom feeds: conditional GET, a spool of what changed.

``stemma watch FEED… --every 15m`` (see ``stemma.cli``) calls :func:`poll`
once a round. Each feed is fetched with the validators of its last answer
(``If-None-Match`` with its ETag, ``If-Modified-Since`` with its
Last-Modified, both kept in the store's ``feeds`` table), so a feed that has
not changed costs a 304 and nothing else. A feed that has changed is written
to the spool folder as one ``.xml`` file, which the ordinary reader
(:mod:`stemma.ingest.readers`) turns into one article per entry; an entry
seen before has the same text and so the same id, and is neither stored nor
analysed twice. A server that ignores the validators and sends the same bytes
again is caught by the body's hash. A feed that fails (a timeout, a 404, not
a feed) is a :class:`~stemma.model.Problem` naming its URL; the others go on.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from stemma import __version__
from stemma.model import FeedState, Problem

#: Seconds to wait for a feed's server before giving up on it this round.
TIMEOUT_SECONDS = 30.0
#: Largest feed body read: a feed bigger than this is not one.
MAX_FEED_BYTES = 20_000_000
USER_AGENT = f"stemma/{__version__}"

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """Seconds in an interval written "90", "30s", "15m", "1h" or "1d".

    >>> parse_every("15m"), parse_every("1h"), parse_every("90")
    (900.0, 3600.0, 90.0)
    """
    m = _EVERY.match(text)
    if m is None or float(m[1]) <= 0:
        raise ValueError(f"{text!r} is not an interval: write e.g. 90, 30s, 15m, 1h or 1d")
    return float(m[1]) * _SECONDS[m[2].lower()]


class FeedStore(Protocol):
    """The store's side of polling (``stemma.store.db.Store`` has both)."""

    def feed_state(self, url: str) -> FeedState | None: ...

    def save_feed_state(self, state: FeedState) -> None: ...


@dataclass(slots=True)
class Round:
    """What one round of polling found."""

    written: list[Path] = field(default_factory=list)  # spool files of changed feeds
    unchanged: list[str] = field(default_factory=list)  # URLs answered 304 or same bytes
    problems: list[Problem] = field(default_factory=list)


def fetch(
    url: str, state: FeedState | None, *, timeout: float = TIMEOUT_SECONDS
) -> tuple[int, bytes, dict[str, str]]:
    """GET ``url`` with the validators of ``state``: (status, body, headers).

    A 304 comes back as ``(304, b"", headers)``; other HTTP errors raise
    ``urllib.error.HTTPError``, network errors ``urllib.error.URLError`` or
    ``OSError``.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, */*"}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_FEED_BYTES + 1)
            return response.status, body, dict(response.headers.items())
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return 304, b"", dict(err.headers.items())
        raise


def spool_name(url: str, when: float) -> str:
    """The spool file of one changed answer: the URL made safe, a hash of it
    (two URLs that read alike stay apart) and the UTC time of the poll."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", re.sub(r"^\w+://", "", url)).strip("-")[:60]
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    return f"{safe}-{digest}-{stamp}.xml"


def poll(
    urls: Sequence[str],
    store: FeedStore,
    spool: Path,
    *,
    timeout: float = TIMEOUT_SECONDS,
    now: float | None = None,
) -> Round:
    """Fetch each feed once; write the changed ones to ``spool``; remember
    every answer's validators in ``store``."""
    spool.mkdir(parents=True, exist_ok=True)
    when = time.time() if now is None else now
    checked = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
    found = Round()
    for url in dict.fromkeys(urls):
        state = store.feed_state(url)
        try:
            status, body, headers = fetch(url, state, timeout=timeout)
        except urllib.error.HTTPError as err:
            found.problems.append(Problem(url, f"the server answered HTTP {err.code} {err.reason}"))
            _remember(store, url, state, status=err.code, checked=checked)
            continue
        except (urllib.error.URLError, OSError, ValueError) as err:
            why = getattr(err, "reason", None) or err
            found.problems.append(Problem(url, f"could not be fetched: {why}"))
            _remember(store, url, state, status=None, checked=checked)
            continue
        if status == 304:
            found.unchanged.append(url)
            _remember(store, url, state, status=304, checked=checked)
            continue
        if len(body) > MAX_FEED_BYTES:
            found.problems.append(Problem(url, f"larger than {MAX_FEED_BYTES:,} bytes: no feed"))
            _remember(store, url, state, status=status, checked=checked)
            continue
        digest = hashlib.sha256(body).hexdigest()
        etag = headers.get("ETag") or headers.get("Etag")
        modified = headers.get("Last-Modified")
        if state is not None and state.digest == digest:
            found.unchanged.append(url)  # the server ignored the validators: same bytes
        else:
            path = spool / spool_name(url, when)
            path.write_bytes(body)
            found.written.append(path)
        store.save_feed_state(FeedState(url, etag, modified, digest, status, checked))
    return found


def _remember(
    store: FeedStore, url: str, state: FeedState | None, *, status: int | None, checked: str
) -> None:
    """Keep a feed's validators across an unchanged or failed round."""
    old = state or FeedState(url)
    store.save_feed_state(FeedState(url, old.etag, old.last_modified, old.digest, status, checked))
