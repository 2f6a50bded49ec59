"""Figures that are not targets: benefit standards granted to applicants (给予N万元奖补,
按N%补贴, 最高N万元), eligibility thresholds (投资N万元以上的), ranking cut-offs (前N名).

A target says what the plan will reach; these say what an applicant gets or must meet."""
from __future__ import annotations

import re

# a benefit granted: the figure is what is given
_GIVE_BEFORE = re.compile(r"给予|奖补资金|奖励资金|补贴资金|补助资金|补贴标准|补助标准|奖励标准|(?<!许)可申请")
_GIVE_AFTER = re.compile(r"^[^，,。；;]{0,6}?(?:给予|奖励|奖补|补贴|补助|资助|贴息|兑现)")
_ALLOCATE = re.compile(r"(?:安排|统筹|投入|筹集|筹措|设立|下达)[^，,。；;\d]{0,6}$")
_PER_UNIT = re.compile(r"每(?:平方米|吨|立方米|小时|千瓦时|度|人|次|件|户|辆|天|日|月|年|亩|台|车|公里|份|单)")
_FEE = re.compile(r"收费标准|计费标准|征收标准|价格标准|按[^，,。；;]{0,20}收取")
# an award just before the sum: 一次性奖励企业50万元
_AWARD_NEAR = re.compile(r"(?:奖励|奖补|补助|补贴|资助)[^，,。；;\d]{0,6}$")
# the size of a list that frames a policy's scope: 制造业等6个行业 / 等7类
_SCOPE_COUNT = re.compile(r"等\s*$")
_SCOPE_NOUN = re.compile(r"^\s*(?:行业|领域|方面|类|种|大类|板块|门类)")
# a cap on what one applicant gets: 每户最高20万元 / 最高50万元的一次性补助
_CAP_BEFORE = re.compile(r"(?:最高|最多|最长)(?:不超过)?\s*$")
_PER_HEAD = re.compile(r"每(?:个|人|户|家|名|位|年|笔|项|次)")
# a share of something paid at a rate: 按缴费费率的75%缴纳 / 按投资额的10%给予
_RATE_OF = re.compile(r"按[^，,。；;]{0,30}的\s*$")
# the sentence grants relief (缓缴 / 免收 / 可申请): its figures are the terms of it
_RELIEF = re.compile(r"缓缴|免收|免征|暂免|(?<!许)可申请|延期缴纳|减半征收")
# a threshold: the figure (and the rest of its list) then 以上的 / (含)以下的, or 的 closing a
# clause about who qualifies (年销售收入突破1000万元、2000万元的，分别给予…)
_LIST_REST = r"^(?:\s*(?:[、和及或至到\-—~～]\s*)?[\d.]+\s*(?:万|亿)?\s*(?:[^\s\d，,。；;、的]{0,4}?))*"
_THRESHOLD_AFTER = re.compile(
    _LIST_REST + r"\s*(?:(?:及|[（(]含[）)])?\s*(?:以上|以下|及以上|及以下)\s*(?:[（(]含[）)])?\s*的"
    r"|的\s*(?:$|[，,；;]|企业|项目|单位|主体|经营主体|市场主体|个体工商户|工业企业))")
# a ranking cut-off: 进入全省前10位
_RANK = re.compile(r"前\s*$")


def not_a_target(sentence: str, clause: str, s: int, e: int, unit: str | None) -> bool:
    """True when the figure at clause[s:e] is a benefit term, a threshold or a rank cut-off."""
    before, after = clause[:s], clause[e:]
    money = unit in ("元", "万元", "亿元")
    if _ALLOCATE.search(before):
        return False  # 市财政安排300万元用于奖补: a budget allocation is a target
    if _GIVE_BEFORE.search(before) or _GIVE_AFTER.match(after):
        return True
    if (money or unit == "%") and _AWARD_NEAR.search(before):
        return True
    if _SCOPE_COUNT.search(before) and _SCOPE_NOUN.match(after):
        return True
    if money and (_PER_UNIT.search(before) or _FEE.search(sentence)):
        return True  # a fee or subsidy standard per unit: 每平方米30元 / 收费标准：首小时5元
    if money and _CAP_BEFORE.search(before[-6:]):
        return True
    if _PER_HEAD.search(before) and re.search(r"最高|最多|不超过|最长", before):
        return True
    if (unit == "%" or money) and _RATE_OF.search(before) and re.match(r"^[^，,。；;]{0,4}(?:缴纳|给予|补|奖)", after):
        return True
    if _RELIEF.search(sentence):
        return True
    if _THRESHOLD_AFTER.match(after):
        return True
    if _RANK.search(before) and unit in ("位", "名") and re.match(r"\s*(?:以内)?的", after):
        return True  # 前10位的项目 names who qualifies; 进入全省前3名 is an aim (a target)
    return False
