"""The national indicator suggester: a keyword model kept as data, checked against hand labels."""
import json
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from indicators.mapping import DEFAULT_PATH, keyword_model, suggest
from plans.importers import parse_path

REPO = Path(__file__).resolve().parents[2]
LABELS = Path(__file__).parent / "data" / "seed_indicator_labels.json"


def _actionable(items, path=""):
    for it in items:
        p = f"{path}/{it['label'] or '·' + it['title'][:12]}" if path else (it["label"] or "·" + it["title"][:12])
        if it.get("actionable"):
            yield p, it
        yield from _actionable(it.get("children") or [], p)


def test_it_suggests_the_hand_labelled_primary_indicator_for_at_least_85_percent_of_seed_measures():
    labels = {(r["seed"], r["path"]): r["primary"] for r in json.loads(LABELS.read_text("utf-8"))["labels"]}
    hits = total = 0
    for seed in ("000", "001", "002", "003"):
        tree = parse_path(next((REPO / "fixtures" / "seeds").glob(f"{seed}_*.txt")))
        for path, item in _actionable(tree["items"]):
            total += 1
            hits += item["indicator"]["primary"] == labels[(seed, path)]
    assert total == len(labels) == 259
    assert hits / total >= 0.85, f"top-1 {hits}/{total}"


def test_it_gives_one_primary_and_at_most_two_secondary_indicators():
    s = suggest("优化企业开办全流程服务", "持续推进企业开办“一件事”，营业执照、刻制印章、申领发票一日办结，推行全程网办。")
    assert s["primary"] == "开办企业" and len(s["secondary"]) <= 2 and "开办企业" not in s["secondary"]
    assert suggest("加强组织领导", "各单位要高度重视。") == {"primary": "其他", "secondary": []}


def test_it_adds_the_indicator_to_every_actionable_item_in_parse_plan_json(capsys):
    call_command("parse_plan", str(next((REPO / "fixtures" / "seeds").glob("001_*.txt"))), "--json")
    tree = json.loads(capsys.readouterr().out)
    items = list(_actionable(tree["items"]))
    assert items and all(set(it["indicator"]) == {"primary", "secondary"} for _, it in items)


def test_it_follows_an_admins_edit_of_the_keyword_file(tmp_path, settings):
    path = tmp_path / "keywords.json"
    shutil.copy(DEFAULT_PATH, path)
    settings.INDICATOR_KEYWORDS_PATH = str(path)
    title, text = "推进“首店经济”发展", "支持首店落户，培育夜间经济。"
    assert suggest(title, text)["primary"] == "其他"
    data = json.loads(path.read_text("utf-8"))
    data["indicators"]["包容普惠创新"]["首店"] = 5
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    import os
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # the edit is a new version
    assert suggest(title, text)["primary"] == "包容普惠创新"


def test_it_refuses_a_keyword_file_naming_an_unknown_indicator(tmp_path, settings):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"indicators": {"营商指数": {"营商": 1}}}, ensure_ascii=False), "utf-8")
    settings.INDICATOR_KEYWORDS_PATH = str(path)
    with pytest.raises(ImproperlyConfigured, match="未知指标"):
        keyword_model()


@pytest.mark.django_db
def test_it_stores_the_suggestion_on_the_measure_at_import_and_keeps_a_correction(cast):
    from plans.models import Measure
    from publishing.services import plan_import

    seed = next((REPO / "fixtures" / "seeds").glob("001_*.txt"))
    tree = parse_path(seed)
    plan_import(tree=tree, region=cast.region, source_name=seed.name, source_bytes=seed.read_bytes(), actor=cast.admin)
    m = Measure.objects.get(title="优化企业开办全流程服务")
    assert m.indicator_primary == "开办企业"
    assert not Measure.objects.filter(actionable=True, indicator_primary="").exists()
    m.indicator_primary = "政务服务"
    m.save()
    plan_import(tree=parse_path(seed), region=cast.region, source_name=seed.name, source_bytes=seed.read_bytes() + b"\n",
                actor=cast.admin)
    m.refresh_from_db()
    assert m.indicator_primary == "政务服务"
