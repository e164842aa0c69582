"""Shared fixtures: costly things are loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Nothing may reach a model hub while testing.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "fsb-china-leak"
# The shared data sets live beside the checkout; STEMMA_SHARED points elsewhere.
SHARED = Path(os.environ.get("STEMMA_SHARED", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def nlp():
    """The English pipeline exactly as stemma runs it, loaded once (about 1 s)."""
    from stemma.annotate.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def example_texts() -> dict[str, str]:
    """The five example articles, keyed by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))}


def shared_data(name: str) -> Path:
    """Path of a data set in ../shared/data, or skip the test saying what is missing."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"shared data set {path} is absent (see ../shared/data/README.md)")
    return path


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory):
    """The example corpus analysed once per session: (Analysis, output folder
    holding report.json and the store stemma.duckdb). Tests only read them."""
    import stemma

    out = tmp_path_factory.mktemp("example-run")
    result = stemma.analyze([EXAMPLES], db=out / "stemma.duckdb", out=out, progress=False)
    return result, out
