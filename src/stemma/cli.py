"""The ``stemma`` command: a thin layer over the library.

Exit codes (also in README):

- 0: every input was read and analysed;
- 1: some inputs were skipped (each is named on stderr and in the brief), or
  a watched feed could not be fetched;
- 2: usage error (unknown option, missing path);
- 3: no article could be read from the inputs;
- 4: the store, the language model or the Ray cluster cannot be used;
- 5: internal error (a bug in stemma): one line on stderr, the traceback
  with ``stemma --debug …``.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stemma import __version__
from stemma.model import Note, Problem
from stemma.settings import DEFAULT

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_NOTHING_READ, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4
EXIT_INTERNAL = 5

#: Set by ``--debug``: an internal error shows its traceback.
_debug = False

app = typer.Typer(
    name="stemma",
    help="Trace a news story back to its sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an internal error.")
    ] = False,
) -> None:
    """Trace a news story back to its sources."""
    global _debug
    _debug = debug


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but fatal errors.")]


class Engine(enum.StrEnum):
    """Where the per-article stage runs."""

    local = "local"
    ray = "ray"


AsJson = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary on stdout.")]
Db = Annotated[Path, typer.Option("--db", help="The DuckDB store; re-runs only do new work.")]


@app.command("analyze")
def analyze_cli(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders (searched recursively): .txt .md .html .json .jsonl, "
            "RSS/Atom feeds, WARC; '-' reads one article from stdin.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.json/.md/.html.")
    ] = Path("out"),
    db: Db = Path("stemma.duckdb"),
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per spaCy batch.")] = (
        DEFAULT.batch_size
    ),
    processes: Annotated[int, typer.Option(min=1, help="spaCy worker processes.")] = (
        DEFAULT.n_process
    ),
    ratings: Annotated[
        Path | None,
        typer.Option(
            help="Source reliability ratings (CSV 'source,reliability' with A–F, or JSON); "
            "without it every source is F, 'cannot be judged'.",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="Where the per-article stage runs: here, or on a Ray cluster (docs/scale.md).",
        ),
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(
            help="With --engine ray: the cluster's head, HOST:PORT (or 'auto'); "
            "without it a local Ray is started.",
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """Analyse articles and write a brief (report.json, report.md, report.html)."""
    from stemma.analysis.grade import RatingsError, load_ratings
    from stemma.annotate.nlp import ModelNotInstalled
    from stemma.engine.local import analyze
    from stemma.errors import EngineError
    from stemma.store.db import StoreError

    err = Console(stderr=True, quiet=quiet, highlight=False, soft_wrap=True)

    def absent(p: str) -> bool:
        try:
            return not Path(p).exists()
        except OSError:
            return False  # there but unreachable (a folder that cannot be entered): ingest says so

    missing = [p for p in paths if p != "-" and absent(p)]
    for p in missing:
        err.print(f"[red]error[/red]: {p}: no such file or folder")
    if missing and len(missing) == len(paths):
        raise typer.Exit(EXIT_USAGE)

    def report_problem(problem: Problem) -> None:
        what = "[cyan]cut[/cyan]" if isinstance(problem, Note) else "[yellow]skipped[/yellow]"
        err.print(f"{what} {problem}", markup=True, soft_wrap=True)

    try:
        rated = load_ratings(ratings) if ratings is not None else None
    except RatingsError as e:
        Console(stderr=True, soft_wrap=True).print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_USAGE) from e
    settings = DEFAULT.but(
        batch_size=batch_size,
        n_process=processes,
        progress=not quiet,
        engine=engine.value,
        ray_address=address,
    )
    try:
        result = analyze(
            [p for p in paths if p not in missing],
            db=db,
            out=out,
            settings=settings,
            on_problem=report_problem,
            ratings=rated,
        )
    except (StoreError, ModelNotInstalled, EngineError) as e:
        Console(stderr=True, soft_wrap=True).print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_ENVIRONMENT) from e

    s = result.summary
    failed = len(s.problems) + len(missing)
    if as_json:
        payload = {**s.as_dict(), "reports": [str(p) for p in result.written]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    elif not quiet:
        html = next((p for p in result.written if p.suffix == ".html"), None)
        Console(highlight=False, soft_wrap=True).print(
            f"{s.articles} articles ({s.annotated} analysed, {s.cached} from the store, "
            f"{failed} inputs skipped). Brief: [bold]{html}[/bold]"
        )
    if s.articles == 0:
        raise typer.Exit(EXIT_NOTHING_READ)
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@app.command("watch")
def watch_cli(
    feeds: Annotated[
        list[str],
        typer.Argument(help="RSS or Atom feed URLs to poll.", show_default=False),
    ],
    every: Annotated[
        str, typer.Option(help="Time between rounds: 90, 30s, 15m, 1h or 1d.")
    ] = "15m",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the brief of each round's stories.")
    ] = Path("out"),
    db: Db = Path("stemma.duckdb"),
    spool: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the fetched feeds (one file per changed answer); "
            "default: beside the store, <db>.feeds/.",
            show_default=False,
        ),
    ] = None,
    rounds: Annotated[
        int | None,
        typer.Option(min=1, help="Stop after this many rounds (default: until Ctrl-C)."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit (for cron).")] = False,
    quiet: Quiet = False,
) -> None:
    """Poll feeds and analyse their new entries into the store, round after round.

    Each feed is asked with the validators of its last answer (ETag,
    Last-Modified), so an unchanged feed costs a 304; an entry seen before is
    neither stored nor analysed again. The brief of each round covers the
    stories its new entries joined; `stemma serve` shows the whole store.
    """
    import time

    from stemma.annotate.nlp import ModelNotInstalled
    from stemma.engine.local import analyze
    from stemma.ingest.feeds import parse_every, poll
    from stemma.store.db import Store, StoreError

    err = Console(stderr=True, quiet=quiet, highlight=False, soft_wrap=True)
    say = Console(quiet=quiet, highlight=False, soft_wrap=True)
    try:
        pause = parse_every(every)
    except ValueError as e:
        Console(stderr=True, soft_wrap=True).print(f"[red]error[/red]: --every: {e}")
        raise typer.Exit(EXIT_USAGE) from e
    if bad := [f for f in feeds if not f.startswith(("http://", "https://"))]:
        for f in bad:
            Console(stderr=True, soft_wrap=True).print(
                f"[red]error[/red]: {f}: not an http(s) URL (read feed files with `stemma analyze`)"
            )
        raise typer.Exit(EXIT_USAGE)
    folder = spool if spool is not None else db.with_name(db.name + ".feeds")
    limit = 1 if once else rounds
    failed_any = read_any = False
    try:
        store = Store(db)
    except StoreError as e:
        Console(stderr=True, soft_wrap=True).print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_ENVIRONMENT) from e
    settings = DEFAULT.but(progress=not quiet)
    done = 0
    try:
        with store:
            while limit is None or done < limit:
                started = time.monotonic()
                found = poll(feeds, store, folder)
                done += 1
                for problem in found.problems:
                    err.print(f"[yellow]skipped[/yellow] {problem}")
                failed_any |= bool(found.problems)
                line = (
                    f"round {done}: {len(feeds)} feeds, {len(found.written)} changed, "
                    f"{len(found.unchanged)} unchanged, {len(found.problems)} failed"
                )
                if found.written:
                    result = analyze(
                        found.written,
                        db=store,
                        out=out,
                        settings=settings,
                        on_problem=lambda p: err.print(f"[yellow]skipped[/yellow] {p}"),
                    )
                    s = result.summary
                    read_any |= s.articles > 0
                    failed_any |= bool(s.problems)
                    html = next((p for p in result.written if p.suffix == ".html"), None)
                    line += (
                        f"; {s.articles} entries ({s.annotated} new, {s.cached} seen before). "
                        f"Brief: [bold]{html}[/bold]"
                    )
                say.print(line)
                if limit is not None and done >= limit:
                    break
                time.sleep(max(0.0, pause - (time.monotonic() - started)))
    except KeyboardInterrupt:
        say.print(f"stopped after {done} rounds; the store keeps everything: {db}")
    except (StoreError, ModelNotInstalled) as e:
        Console(stderr=True, soft_wrap=True).print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_ENVIRONMENT) from e
    if failed_any and not read_any and not _store_has_articles(db):
        raise typer.Exit(EXIT_NOTHING_READ)
    raise typer.Exit(EXIT_SOME_FAILED if failed_any else EXIT_OK)


def _store_has_articles(db: Path) -> bool:
    """Whether the store at ``db`` holds any article (a watch that read nothing
    this time may have read before)."""
    from stemma.store.db import Store

    with Store(db, read_only=True) as store:
        return store.article_count() > 0


@app.command("serve")
def serve_cli(
    db: Db = Path("stemma.duckdb"),
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to bind. Default 127.0.0.1; anything else must be given "
            "explicitly, since the page shows everything in the store.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Disable ingest: browse the store only.")
    ] = False,
) -> None:
    """Serve the web page and JSON API (/api) over a store."""
    from stemma.store.db import StoreError
    from stemma.web.app import ServeError, serve

    err = Console(stderr=True, soft_wrap=True)
    try:
        serve(
            db,
            host=host if host is not None else "127.0.0.1",
            port=port,
            read_only=read_only,
            host_given=host is not None,
        )
    except ServeError as e:
        err.print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_USAGE) from e
    except StoreError as e:
        err.print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_ENVIRONMENT) from e


@app.command("export")
def export_cli(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="stix (a STIX 2.1 bundle, one file), parquet or csv (one file per table).",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The bundle's file (stix) or a folder (tables).")
    ],
    db: Db = Path("stemma.duckdb"),
    story: Annotated[
        str | None, typer.Option("--story", help="Export this story only (its id).")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Export a store: STIX 2.1 for threat-intelligence platforms, or its tables."""
    from datetime import UTC, datetime

    from stemma.store.db import Store, StoreError

    err = Console(stderr=True, soft_wrap=True)
    fmt = fmt.lower()
    if fmt not in ("stix", "parquet", "csv"):
        err.print(f"[red]error[/red]: unknown --format {fmt!r}: use stix, parquet or csv")
        raise typer.Exit(EXIT_USAGE)
    if not db.is_file():
        err.print(f"[red]error[/red]: no store at {db} (run `stemma analyze … --db {db}` first)")
        raise typer.Exit(EXIT_USAGE)
    try:
        store = Store(db, read_only=True)
    except StoreError as e:
        err.print(f"[red]error[/red]: {e}")
        raise typer.Exit(EXIT_ENVIRONMENT) from e
    with store:
        ids = [s.id for s in store.stories()]
        if story is not None and story not in ids:
            err.print(f"[red]error[/red]: no story {story!r} in {db} ({len(ids)} stories)")
            raise typer.Exit(EXIT_USAGE)
        if fmt == "stix":
            from stemma.report.stix import bundle

            entries = store.story_entries([story] if story else ids)
            articles = {
                r[0]: {"url": r[1]}
                for r in store.con.execute("SELECT id, url FROM articles").fetchall()
            }
            created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            text = bundle(entries, created=created, articles=articles).serialize(pretty=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n", encoding="utf-8")
            if not quiet:
                Console(soft_wrap=True).print(
                    f"STIX 2.1 bundle of {len(entries)} stories: [bold]{out}[/bold]"
                )
        else:
            written = store.export_tables(out, fmt, story=story)
            if not quiet:
                Console(soft_wrap=True).print(
                    f"{len(written)} tables ({sum(written.values())} rows) as {fmt}: "
                    f"[bold]{out}[/bold]"
                )
    raise typer.Exit(EXIT_OK)


@app.command("schema")
def schema_cli() -> None:
    """Print the JSON Schema of report.json."""
    from stemma.report.render import schema

    sys.stdout.write(json.dumps(schema(), indent=2) + "\n")


@app.command("version")
def version_cli() -> None:
    """Print stemma's version."""
    sys.stdout.write(f"stemma {__version__}\n")


def main() -> None:
    try:
        app()
    except Exception as e:  # the one place that turns a bug into an exit code
        if _debug:
            raise
        Console(stderr=True, soft_wrap=True, highlight=False).print(
            f"[red]internal error[/red]: {type(e).__name__}: {e} (a bug in stemma: run again "
            "with `stemma --debug …` for the traceback, and please report it)"
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
