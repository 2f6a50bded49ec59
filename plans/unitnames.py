"""Rules about unit names as printed in plans, for the review page and the service side of an import:
which names name no one (catch-alls), what kind of unit a new name probably is, and which registered
unit an unknown name probably abbreviates or spells out (市政府办 ↔ 市政府办公室).

Rules, not lists of names: they must hold for documents nobody has seen yet.
"""
from __future__ import annotations

import re
from typing import Iterable, TypeVar

from .choices import UnitKind

# How unit names end (the importer splits and recognises names by them; the tokenizer keeps them whole).
UNIT_SUFFIXES = (
    "办公室", "委员会", "管委会", "联合会", "工商联", "联社", "协会", "分局", "支队", "大队", "中队",
    "中心", "公司", "集团", "银行", "分行", "支行", "政府", "街道", "部门", "单位", "机关", "海关",
    "法院", "检察院", "监委", "经开区", "高新区", "开发区", "园区", "新区", "总局", "分会", "商会",
    "机构", "专班", "小组", "指挥部", "社区", "残联", "妇联", "侨联", "文联", "科协", "团委",
    "局", "委", "办", "院", "所", "站", "镇", "乡", "部", "处", "科", "室", "队", "会", "署", "厅",
)
# How a unit name in a run usually starts.
UNIT_PREFIXES = ("区", "市", "县", "省", "州", "旗", "各", "国家", "国网", "中国", "人民银行", "自治区", "镇", "乡",
                 "街道")

# A name made only of words that point at nobody in particular (各有关单位, 市各有关部门和单位,
# 相关部门): it cannot receive a task, so it is neither offered as a unit to create nor stored as
# one. A qualifier outside this vocabulary (区属各相关部门, 各街道) makes it a group instead.
_LEVEL = "省市区县旗州盟"
_CATCH_ALL = re.compile(rf"^[{_LEVEL}]?(?:各级|各|有关|相关|其他|其它|部门|单位|机关|和|及|与|、|等)+$")
# A name that addresses several units at once (各街道, 各旗区人民政府, 区直有关部门).
_GROUP = re.compile(r"各|有关|相关|等")
_GOVERNMENT = re.compile(r"(人民政府|政府)$")
_STREET = re.compile(r"(街道办事处|街道办|街道|镇|乡|苏木)(人民政府)?$")
_ENTERPRISE = re.compile(r"(公司|集团|银行|医院|学校|大学|学院|协会|商会)$")
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]|\s+")
# Full institutional suffixes and the short forms documents use for them (办公室 → 办, 委员会 → 委):
# normalising both sides lets 市政府办公室 meet a registered 市政府办.
_SUFFIXES = (("办公室", "办"), ("委员会", "委"), ("管理局", "局"), ("领导小组", "组"), ("人民政府", "政府"))


def is_catch_all(name: str) -> bool:
    return bool(_CATCH_ALL.match(_BRACKETS.sub("", name or "")))


def guess_kind(name: str) -> str:
    """The kind a new unit of this name most likely is (the review page's default)."""
    name = _BRACKETS.sub("", name or "")
    if _GROUP.search(name):
        return UnitKind.GROUP
    if _STREET.search(name):
        return UnitKind.STREET
    if _GOVERNMENT.search(name):
        return UnitKind.GOVERNMENT
    if _ENTERPRISE.search(name):
        return UnitKind.ENTERPRISE
    return UnitKind.DEPARTMENT


def _normal(name: str) -> str:
    name = _BRACKETS.sub("", name)
    for full, short in _SUFFIXES:
        if name.endswith(full):
            return name[: -len(full)] + short
    return name


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _abbreviates(a: str, b: str) -> float:
    """How well the shorter of two names abbreviates the longer (0: not at all). Chinese
    abbreviations keep characters in order (区数据局 < 区政务服务和数据管理局, 市政府办 < 市政府办公室),
    start with the same character and end with the same kind word (局, 办, 委) once full suffixes
    are normalised."""
    if not a or not b or a == b:
        return 0.0
    na, nb = _normal(a), _normal(b)
    if na == nb:
        return 1.0
    short, long = sorted((a, b), key=len)
    nshort, nlong = sorted((na, nb), key=len)
    if len(nshort) < 3 or nshort[0] != nlong[0] or nshort[-1] != nlong[-1]:
        return 0.0
    if _is_subsequence(nshort, nlong) or _is_subsequence(short, long):
        return len(nshort) / len(nlong)
    return 0.0


T = TypeVar("T")


def suggest(name: str, candidates: Iterable[tuple[str, T]]) -> T | None:
    """The candidate (name as registered or alias, value) that `name` most likely abbreviates or
    spells out; None when nothing fits or two different units fit equally well."""
    best: list[tuple[float, T]] = []
    for other, value in candidates:
        score = _abbreviates(name, other)
        if score <= 0:
            continue
        if not best or score > best[0][0]:
            best = [(score, value)]
        elif score == best[0][0] and all(v != value for _, v in best):
            best.append((score, value))
    return best[0][1] if len(best) == 1 else None
