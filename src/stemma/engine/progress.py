"""Progress: Rich bars on stderr while a terminal watches, and/or a callback.

The web app follows a run through the callback (``on_progress(stage, done,
total)``); the CLI shows bars unless ``--quiet`` or stderr is not a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Bars:
    """Rich progress bars on stderr and/or a progress callback, or nothing."""

    def __init__(
        self,
        progress: Any | None,
        callback: Callable[[str, int, int | None], None] | None = None,
    ) -> None:
        self.progress = progress
        self.callback = callback
        self.tasks: list[list[Any]] = []  # [label, done, total]

    def add(self, label: str, total: int | None) -> int:
        self.tasks.append([label, 0, total])
        if self.progress is not None:
            self.progress.add_task(label, total=total)
        if self.callback is not None:
            self.callback(label, 0, total)
        return len(self.tasks) - 1

    def advance(self, task: int, n: int = 1) -> None:
        entry = self.tasks[task]
        entry[1] += n
        if self.progress is not None:
            self.progress.advance(self.progress.task_ids[task], n)
        if self.callback is not None:
            self.callback(entry[0], entry[1], entry[2])


@contextmanager
def bars(
    show: bool, callback: Callable[[str, int, int | None], None] | None = None
) -> Iterator[Bars]:
    if not show or not sys.stderr.isatty():
        yield Bars(None, callback)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as progress:
        yield Bars(progress, callback)
