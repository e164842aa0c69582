"""The Ray engine: the per-article stage on a Ray cluster.

``stemma analyze --engine ray --address HOST:PORT`` runs the per-article stage
(spaCy and every extractor: :func:`stemma.annotate.annotate`) as a Ray Data
``map_batches`` over a pool of actors, each loading the models once; the
story stage, the store and the brief stay in the driver, in
:mod:`stemma.engine.local`, which calls the same functions either way. The
result is the same as the local engine's (``tests/test_ray.py``).

Articles and annotations travel as pickled frozen dataclasses: the cluster is
one trusted deployment of one stemma version (docs/scale.md).
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from stemma.errors import EngineError
from stemma.model import Annotation, Article
from stemma.settings import Settings

#: Ray binds every port to loopback only with this set (a laptop, CI).
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")


def connect(address: str | None) -> None:
    """Join the Ray cluster at ``address`` ("HOST:PORT", "auto"), or start a
    local one when it is None; quiet either way."""
    if address not in (None, "auto"):
        _reachable(address)
    token = os.environ.get("RAY_AUTH_TOKEN") or (Path.home() / ".ray" / "auth_token").exists()
    if address is not None and "RAY_AUTH_MODE" not in os.environ and token:
        # A head started with `ray start` turns token authentication on and
        # keeps the token in ~/.ray/auth_token (or RAY_AUTH_TOKEN); a driver
        # joining it must say it uses tokens, before Ray is imported, or the
        # head refuses it.
        os.environ["RAY_AUTH_MODE"] = "token"
    try:
        import ray
    except ImportError as err:
        raise EngineError(
            "--engine ray needs Ray: pip install 'ray[data]==2.60.0' (requirements.txt pins it)"
        ) from err

    _quiet()
    if ray.is_initialized():
        return
    kwargs: dict[str, Any] = {
        "ignore_reinit_error": True,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
        "include_dashboard": False,
    }
    try:
        if address is None:
            # "local": a new Ray of this process, even when a head runs on this machine.
            ray.init(address="local", num_cpus=os.cpu_count() or 1, **kwargs)
        else:
            kwargs.pop("include_dashboard")
            ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as err:
        where = address or "a local Ray"
        raise EngineError(
            f"cannot start or reach the Ray cluster at {where}: {str(err).splitlines()[0]} "
            "(start one with `ray start --head`, see docs/scale.md)"
        ) from err


def _quiet() -> None:
    """Ray's own notices (token set-up, progress-bar hints, "execution
    finished") are not the user's business: stemma reports its own progress."""
    for name in ("ray", "ray.data", "ray._private"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast on a head that is not there: Ray itself retries for minutes."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise EngineError(f"--address must be HOST:PORT (or 'auto'), not {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as err:
        raise EngineError(
            f"no Ray head answers at {address} ({err.strerror or err}): start one with "
            "`ray start --head --port=PORT` there, or check the address (docs/scale.md)"
        ) from err


class Annotator:
    """A Ray Data actor: loads the spaCy pipeline once, annotates batches."""

    def __init__(self) -> None:
        from stemma.annotate.nlp import load_pipeline

        self.nlp = load_pipeline()

    def __call__(self, batch: dict[str, np.ndarray], settings: Settings) -> dict[str, np.ndarray]:
        from stemma.annotate.nlp import annotate

        # One process per actor: Ray gives each actor its own core.
        settings = replace(settings, n_process=1)
        articles: list[Article] = [pickle.loads(b) for b in batch["article"]]
        errors: dict[str, str] = {}

        def failed(article: Article, error: Exception) -> None:
            errors[article.id] = f"{type(error).__name__}: {error}"

        done = list(annotate(articles, nlp=self.nlp, settings=settings, on_error=failed))
        return {
            "k": batch["k"],
            "annotation": np.array([pickle.dumps(a) for a in done], dtype=object),
            "error": np.array([errors.get(a.id, "") for a in articles], dtype=object),
        }


def annotate_on_ray(
    articles: Sequence[Article],
    settings: Settings,
    *,
    on_error: Callable[[Article, Exception], None] | None = None,
) -> Iterator[Annotation]:
    """Yield one ``Annotation`` per article, in input order, made on Ray.

    As :func:`stemma.annotate.annotate`: an article that fails alone yields an
    empty annotation and is passed to ``on_error`` (the error's type and
    message, as a ``RuntimeError``)."""
    if not articles:
        return
    connect(settings.ray_address)  # first: it sets what Ray reads when imported
    import ray
    import ray.data

    _quiet()  # again: importing ray.data sets up its own loggers
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    workers = max(1, min(int(ray.cluster_resources().get("CPU", 1)), len(articles)))
    rows = [{"k": k, "article": pickle.dumps(a)} for k, a in enumerate(articles)]
    with warnings.catch_warnings():
        # max_restarts has no named parameter yet; Ray 2.60 (pinned) warns that
        # remote arguments given this way go in 2.64.
        warnings.simplefilter("ignore", DeprecationWarning)
        annotated = _annotate_dataset(ray.data.from_items(rows), settings, workers)
    for row in annotated.iter_rows():
        k = int(row["k"])
        if row["error"] and on_error is not None:
            on_error(articles[k], RuntimeError(row["error"]))
        yield pickle.loads(row["annotation"])


def _annotate_dataset(rows: Any, settings: Settings, workers: int) -> Any:
    """The annotation stage as a lazy Ray Data pipeline over ``rows``."""
    import ray.data

    return rows.map_batches(
        Annotator,
        fn_kwargs={"settings": settings},
        batch_size=max(settings.batch_size, 1),
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
        # An actor that dies is not restarted: the run stops with Ray's error,
        # and a re-run resumes from the batches already stored. (With
        # restarts, Ray's core logs a notice about constructor arguments to
        # stderr on every run: ray-project/ray#53727.)
        max_restarts=0,
    )
