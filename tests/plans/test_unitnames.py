"""Rules on unit names as printed: catch-alls, the kind of a new unit, abbreviation ↔ full name."""
import pytest

from plans.choices import UnitKind
from plans.unitnames import guess_kind, is_catch_all, suggest


@pytest.mark.parametrize("name", ["市各有关部门和单位", "各有关单位", "有关部门", "区相关单位", "各部门、各单位"])
def test_it_knows_a_catch_all_names_nobody(name):
    assert is_catch_all(name)


@pytest.mark.parametrize("name", ["各街道", "区属各相关部门", "各旗区人民政府", "区数据局", "有关街道办事处"])
def test_it_does_not_take_a_group_or_a_unit_for_a_catch_all(name):
    assert not is_catch_all(name)


@pytest.mark.parametrize("name, kind", [
    ("各旗区人民政府", UnitKind.GROUP), ("各街道", UnitKind.GROUP), ("各乡镇（街道）", UnitKind.GROUP),
    ("区人民政府", UnitKind.GOVERNMENT), ("新兴街道办事处", UnitKind.STREET), ("国网某供电公司", UnitKind.ENTERPRISE),
    ("区发展改革局", UnitKind.DEPARTMENT),
])
def test_it_guesses_the_kind_of_a_new_unit_from_its_name(name, kind):
    assert guess_kind(name) == kind


@pytest.mark.parametrize("printed, registered", [
    ("市政府办公室", "市政府办"), ("市政府办", "市政府办公室"), ("区数据局", "区政务服务和数据管理局"),
    ("区市场监督管理局", "区市场监管局"), ("县发展和改革委员会", "县发改委"),
])
def test_it_suggests_the_registered_unit_a_name_abbreviates_or_spells_out(printed, registered):
    units = [(registered, "target"), ("区人力资源和社会保障局", "other"), ("市政府", "government")]
    assert suggest(printed, units) == "target"


def test_it_suggests_nothing_for_an_unrelated_or_ambiguous_name():
    assert suggest("区税务局", [("区政务服务和数据管理局", 1), ("区市场监管局", 2)]) is None
    assert suggest("区数局", [("区数据局", 1), ("区数字局", 2)]) is None
