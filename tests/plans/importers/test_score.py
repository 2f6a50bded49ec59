"""The parse of the four plan seeds scores >= 0.98 against the hand-checked gold
(../shared/gold beside the repository), with the shared scorer's own rules."""
import importlib.util
import json

import pytest

from plans.importers import parse_path

from .conftest import GOLD, PLAN_SEEDS, TOOLS, seed_path

pytestmark = pytest.mark.skipif(
    not (GOLD.is_dir() and (TOOLS / "score_plan.py").is_file()),
    reason="../shared/gold and ../shared/tools/score_plan.py are not beside the repository",
)


def _scorer():
    spec = importlib.util.spec_from_file_location("score_plan", TOOLS / "score_plan.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_it_scores_at_least_098_overall_and_095_per_field_on_the_seeds():
    sp = _scorer()
    total = sp.Tally()
    for seed in PLAN_SEEDS:
        gold_file = next(GOLD.glob(f"{seed}_*.json"))
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred = parse_path(seed_path(seed))
        meta = sp.score(gold, pred, total)
        assert meta == 2, f"{seed}: title/year wrong: {pred['title']} {pred['year']}"
    f1 = {k: total.f1(k) for k in sp.KEYS}
    overall = sum(v for v in f1.values() if v is not None) / len([v for v in f1.values() if v is not None])
    assert overall >= 0.98, f1
    for key, value in f1.items():
        assert value is None or value >= 0.95, (key, f1)


def test_it_matches_the_gold_metadata():
    for seed in PLAN_SEEDS:
        gold = json.loads(next(GOLD.glob(f"{seed}_*.json")).read_text(encoding="utf-8"))
        pred = parse_path(seed_path(seed))
        for key in ("title", "issuer", "issued_on", "year"):
            assert pred[key] == gold[key], (seed, key)
