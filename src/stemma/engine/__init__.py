"""Engines: what feeds the stages, commits their results to the store and shows progress.

- :mod:`~stemma.engine.local`: ``analyze`` on one machine (the CLI, the API, the web app);
- :mod:`~stemma.engine.progress`: progress bars and the progress callback.
"""

from __future__ import annotations
