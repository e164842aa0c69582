"""The learned kinds (issue 16): commentary kept apart, reports kept as reports.

Sentences are the example corpus's (none of them is in the training labels,
which come from the dev events and the page sets of eval/kinds/).
"""

from __future__ import annotations

import json

import pytest

from stemma.analysis.kinds import FEATURES, MODEL_FILE, decide, features, load_model
from stemma.model import Article
from stemma.stories.embed import embed

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow


def test_kinds_weights_are_small_versioned_and_match_the_features() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert MODEL_FILE.stat().st_size < 64_000
    assert data["version"] and data["command"] == "python scripts/train_kinds.py"
    assert data["features"] == list(FEATURES)
    model = load_model()
    assert model.commentary.coef.shape == model.checkworthy.coef.shape == (384 + len(FEATURES),)
    assert 0 < model.commentary.threshold < 1 and 0 < model.checkworthy.threshold < 1


@pytest.fixture(scope="module")
def kinds_of(nlp):
    """Sentence text → (final kind, check-worthiness), as the pipeline decides them."""
    from stemma.analysis.kinds import refine
    from stemma.analysis.units import story_units
    from stemma.annotate.nlp import annotate
    from stemma.ingest.readers import load

    articles = [a for a in load([EXAMPLES]) if isinstance(a, Article)]
    annotations = list(annotate(articles, nlp=nlp))
    units = story_units(articles, annotations)
    refined = refine(units, embed([u.text for u in units]))
    return {u.text: (u.kind, u.checkworthy) for u in refined}


def _find(kinds_of: dict, start: str) -> tuple[str, float]:
    found = [v for text, v in kinds_of.items() if text.startswith(start)]
    assert found, f"no unit starts with {start!r}"
    return found[0]


@pytest.mark.parametrize(
    "start",
    [
        "The supposed leak might be a strategic move by Russia itself",
        "China’s patience in this situation is remarkable",
        "The fear is entirely understandable, even legitimate",
        "It’s a situation where the solutions to one problem",
    ],
)
def test_kinds_the_aggregators_own_voice_is_commentary(kinds_of: dict, start: str) -> None:
    assert _find(kinds_of, start)[0] == "commentary"


@pytest.mark.parametrize(
    "start",
    [
        "Russia’s powerful intelligence unit refers to China as “the enemy”",
        "The memo, The New York Times reports, brands China as “the enemy”",
        "The document, cited by the NYT, was first obtained by Ares Leaks",
    ],
)
def test_kinds_reports_of_the_document_stay_reports(kinds_of: dict, start: str) -> None:
    kind, checkworthy = _find(kinds_of, start)
    assert kind == "reported"
    assert checkworthy >= load_model().checkworthy.threshold


def test_kinds_check_worthiness_ranks_a_fact_above_an_evaluation(kinds_of: dict) -> None:
    fact = _find(kinds_of, "The Lun-class ekranoplan became the only one ever operationally")[1]
    evaluation = _find(kinds_of, "These are not just hypothetical scenarios")[1]
    assert fact > 0.5 > evaluation


def test_kinds_decide_keeps_quotes_and_hedged_reports() -> None:
    # Whatever the model says, a quote is the speaker's, and "reportedly" is a report.
    assert decide("quote", 0.99, 0.5, "“We will win,” he said.", True) == "quote"
    assert decide("reported", 0.99, 0.5, "It has reportedly labeled China an enemy.", False) == (
        "reported"
    )
    assert decide("reported", 0.99, 0.5, "The plan is bold.", True) == "commentary"
    # A word list's "commentary" the model clears is a report when attributed or hedged.
    assert decide("commentary", 0.1, 0.5, "It may expand, officials said.", True) == "reported"
    assert decide("commentary", 0.1, 0.5, "It appears to have branded China.", False) == (
        "reported"
    )
    assert decide("commentary", 0.1, 0.5, "The region is vast.", False) == "background"


def test_kinds_features_read_the_outlets_own_voice_only() -> None:
    names = list(FEATURES)
    inside = features("“We might lose,” he said.", attributed=True, first_reading="quote")
    outside = features("We might lose.", attributed=False, first_reading="commentary")
    modal = names.index("modal_in_own_voice")
    assert inside[modal] == 0.0 and outside[modal] == 1.0
    assert (
        features("Is this the end?", attributed=False, first_reading="commentary")[
            names.index("question")
        ]
        == 1.0
    )


def test_kinds_page_furniture_is_no_claim_but_a_report_is() -> None:
    from stemma.analysis.kinds import furniture
    from stemma.analysis.units import Unit

    lines = [
        ("Photo: Getty Images", "background", None, True),
        ("Sign up for our daily newsletter", "background", None, True),
        ("Updated 3 hours ago", "background", None, True),
        ("Related stories", "background", None, True),
        (
            "Russia’s powerful intelligence unit refers to China as “the enemy” in an "
            "eight-page planning document obtained by The New York Times.",
            "reported",
            "The New York Times",
            False,
        ),
        (
            "The Soviet Union heavily explored the potential of ekranoplans, particularly "
            "during the Cold War.",
            "background",
            None,
            False,
        ),
        # A quote is never furniture, however short.
        ("“We will not be intimidated.”", "quote", None, False),
    ]
    units = [Unit("a", i, 0, len(t), t, k, s) for i, (t, k, s, _) in enumerate(lines)]
    found = furniture(units, embed([u.text for u in units]))
    assert found == [want for *_, want in lines]
