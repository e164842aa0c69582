"""The web face of stemma: ``stemma serve``.

``create_app(db)`` builds the FastAPI app over a DuckDB store (HTML pages and
a JSON API under ``/api``); ``serve(db)`` runs it with uvicorn on loopback.
The read functions both faces share are in :mod:`stemma.web.queries`; the
routes are in :mod:`stemma.web.api` and :mod:`stemma.web.pages`.
"""

from __future__ import annotations

from stemma.web.app import ServeError, create_app, serve

__all__ = ["ServeError", "create_app", "serve"]
