"""Which way a target's figure binds (op), by the wording around it (see the gold README):
以上/不低于/力争 → >=, 以内/不超过/压缩至 → <=, 突破/超过 → >, a general price or rate set → =."""
from __future__ import annotations

import re

LE_BEFORE = ("不超过", "不高于", "不多于", "不大于", "最高", "最多", "控制在", "压缩至", "压缩到", "压减至", "缩短至",
             "缩短到", "降至", "降低至", "降低到", "降到", "减少至", "减少到", "缩减至", "下降至", "少于等于")
GE_BEFORE = ("不低于", "不少于", "至少", "最低", "不小于")
GT_BEFORE = ("突破", "超过", "高于", "大于", "多于")
LT_BEFORE = ("低于", "少于", "小于")
DONE_AFTER = re.compile(r"^\s*(?:内|以内|之内)?\s*(?:办结|办理完毕|办完|办好|完成|出证|审结|答复|回复|响应|放款|到账|接通)")
# a cut by so many points is a reduction to reach, not a ceiling
REDUCE = re.compile(r"低于|降低|下降|减少|压降|回落|下调|降")
# a rate or price the government sets for everyone
SET_VERB = re.compile(r"(?:降低|下调|上调|调低|调减|调整为|调整至|统一为|降)\s*$")
RATE_SUBJECT = re.compile(r"电价|价格|费率|收费标准|基金|税率|利率")
SET_RATE = re.compile(r"(?:降低|下调|上调|调低|调减)[^，,。；;\d]{0,12}(?:电价|价格|费率|税率)\s*$")


def _op(clause: str, s: int, e: int, prev_end: int, unit: str | None = None) -> str:
    """The op of the figure at clause[s:e], from the words around it."""
    after = clause[e:e + 4]
    before = clause[max(prev_end, s - 14):s]
    near = clause[max(prev_end, s - 4):s]
    if unit and unit.endswith("百分点") and REDUCE.search(before):
        return ">="  # 融资成本低于去年同期0.5个百分点: a reduction of at least that much
    if unit in ("个环节", "环节"):
        return "<="  # 压减至1个环节: steps are a ceiling
    if unit in ("天", "日", "个工作日", "工作日", "小时", "分钟", "个自然日", "自然日") and DONE_AFTER.match(clause[e:]):
        return "<="  # 1天办结: a time limit
    if unit and "/" in unit and not re.match(r"(?:及?以[上下内])", after):
        return "="  # a price set for everyone: 0.6318元/千瓦时
    if (SET_VERB.search(near) and RATE_SUBJECT.search(clause[:s]) or SET_RATE.search(clause[:s])) \
            and not after.startswith(("以上", "以内", "以下")):
        return "="  # 电价降低1.26分 / 下调工伤保险费率50%: a general rate setting
    if after.startswith(("以上", "及以上")):
        return ">="
    if clause[max(0, s - 1):s] == "前" and clause[e - 1:e] in ("名", "位"):
        return "<="  # 进入全省前3名: a rank to stay within
    if after.startswith(("以内", "以下", "之内", "内", "及以下", "及以内")):
        return "<="
    for w in LE_BEFORE:
        if w in before:
            return "<="
    for w in GE_BEFORE:
        if w in before:
            return ">="
    for w in GT_BEFORE:
        i = before.rfind(w)
        if i >= 0 and not before[max(0, i - 1):i] == "不":
            return ">"
    for w in LT_BEFORE:
        i = before.rfind(w)
        if i >= 0 and not before[max(0, i - 1):i] == "不":
            return "<"
    return ">="
