"""schemathesis over the JSON API's OpenAPI schema: no request makes a 5xx,
and every answer is one the schema documents.

Every operation of ``/api/openapi.json`` (GET and POST) is called with
requests generated from the schema, valid and invalid ones, in-process
(ASGI), on a copy of the example corpus's store (``example_run``). Half the
generated ids are swapped for ids that exist in the store, so the answers
for real stories, claims and articles are checked too, not only 404s.

Ingest is real up to the job: uploads are checked, saved and queued, but the
job never runs (an analysis per generated upload would take minutes).
Bounded: a few dozen examples per operation, well under a minute.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from stemma.web import queries
from stemma.web.app import create_app

pytestmark = pytest.mark.slow

#: Examples per operation (hypothesis's fuzzing phase).
EXAMPLES = 40


@pytest.fixture(scope="module")
def app(example_run: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _, out = example_run
    db = tmp_path_factory.mktemp("schema-fuzz") / "store.duckdb"
    shutil.copy(out / "stemma.duckdb", db)
    app = create_app(db)
    app.state.ingester._run = lambda job, where: None  # queued, never analysed
    yield app
    app.state.ingester.shutdown()
    app.state.store.close()


def _pick(generated: Any, real: list[str]) -> Any:
    """A real id for half of the generated valid ids (chosen by the generated
    id); invalid ones (negative cases) are left as they are."""
    if not isinstance(generated, str) or not queries.valid_id(generated) or not real:
        return generated
    h = hashlib.sha256(generated.encode()).digest()
    return real[h[1] % len(real)] if h[0] % 2 else generated


@pytest.fixture(scope="module")
def api_schema(app: Any) -> Any:
    store = app.state.store
    stories = [s.id for s in store.stories()]
    claims = {e["id"]: [c["id"] for c in e["claims"]] for e in store.story_entries(stories)}
    articles = [r[0] for r in store.con.execute("SELECT id FROM articles").fetchall()]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)

    @schema.hook
    def map_path_parameters(context: Any, params: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(params, dict):
            return params
        params = dict(params)
        if "story_id" in params:
            params["story_id"] = _pick(params["story_id"], stories)
        if "claim_id" in params:
            params["claim_id"] = _pick(params["claim_id"], claims.get(params["story_id"], []))
        if "article_id" in params:
            params["article_id"] = _pick(params["article_id"], articles)
        if "job_id" in params:  # jobs made by the ingest calls before
            params["job_id"] = _pick(params["job_id"], sorted(app.state.ingester.jobs))
        return params

    return schema


def fuzz(operation: Any, mode: Any, statuses: Counter[int]) -> None:
    """Call ``operation`` with EXAMPLES generated requests, and check each
    answer with schemathesis's checks: no 5xx, a documented status, content
    type and body, invalid requests refused. Not "positive data acceptance":
    a schema-valid upload may still be refused for what it holds (an empty
    text, a file type ingest cannot read), with a 400 or 415 that says so."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure says enough
    )
    def run(case: Any) -> None:
        response = case.call()
        statuses[response.status_code] += 1
        excluded = [positive_data_acceptance]
        if response.status_code == 413:
            # Too many files or too large: a refusal, which schemathesis's list
            # of rejection codes for invalid data leaves out.
            excluded.append(negative_data_rejection)
        case.validate_response(response, excluded_checks=excluded)

    run()


def test_api_answers_every_generated_request_without_a_server_error(api_schema: Any) -> None:
    # schemathesis's own pytest plugin (from_fixture) does not run under
    # pytest 9, so each operation's strategy is driven by hypothesis here.
    operations = [op.ok() for op in api_schema.get_all_operations()]
    assert {op.method.upper() for op in operations} == {"GET", "POST"}
    seen: dict[str, Counter[int]] = {}
    for op in operations:
        # A request that breaks the schema needs something to break.
        breakable = any(True for _ in op.iter_parameters()) or op.method.upper() == "POST"
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if breakable else [])
        for mode in modes:
            statuses = seen.setdefault(f"{op.method.upper()} {op.path} {mode.value}", Counter())
            fuzz(op, mode, statuses)
    print(json.dumps({k: dict(v) for k, v in seen.items()}, indent=1))
    assert not any(code >= 500 for counts in seen.values() for code in counts)
    # Real ids were asked for, not only unknown ones; uploads were accepted.
    assert seen["GET /api/stories/{story_id} positive"][200] > 0
    assert seen["GET /api/stories/{story_id}/claims/{claim_id} positive"][200] > 0
    assert seen["GET /api/articles/{article_id} positive"][200] > 0
    assert seen["POST /api/ingest positive"][202] > 0
    assert seen["GET /api/ingest/jobs/{job_id} positive"][200] > 0
