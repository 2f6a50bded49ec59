"""Plan import/publish services: all-or-nothing, idempotent re-import, revision diff, publish."""
import copy

import pytest

from plans.choices import PlanStatus, UnitKind, UnitRole
from audit.models import AuditEntry
from plans.models import Measure, MeasureUnit, Plan, Unit
from plans.services import PlanImportError, unit_create
from publishing.services import StaleEditError, measure_update, plan_import, plan_publish, unit_map
from tasks.models import Task

TREE = {
    "title": "铁西区2026年优化营商环境重点工作实施方案", "issuer": None, "issued_on": None, "year": 2026,
    "items": [
        {"label": "一", "level": 1, "title": "升级政务服务效能", "actionable": False, "lead_units": [], "co_units": [],
         "deadline": None, "recurring": [], "targets": [], "children": [
            {"label": "（一）", "level": 2, "title": "提升一网通办服务能力", "actionable": True,
             "lead_units": [], "co_units": ["区数据局", "各驻厅部门"],
             "deadline": {"text": "9月", "date": "2026-09-30"}, "recurring": [],
             "targets": [{"text": "全程网办占比保持在90%以上", "metric": "全程网办占比", "op": ">=", "value": 90,
                          "unit": "%", "baseline": None}], "children": []},
            {"label": "（二）", "level": 2, "title": "推动高效办成一件事", "actionable": True,
             "lead_units": ["区数据局"], "co_units": ["区市场监管局"], "deadline": None,
             "recurring": [{"text": "每月25日前", "rule": "monthly", "day": 25}], "targets": [], "children": []},
        ]},
    ],
}


def _import(cast, tree=TREE, data=b"v1"):
    return plan_import(tree=tree, region=cast.region, source_name="plan.txt", source_bytes=data, actor=cast.admin)


def test_it_imports_a_tree_as_a_draft(cast):
    result = _import(cast)
    plan = result.plan
    assert result.created and plan.status == PlanStatus.DRAFT
    assert [m.path for m in plan.measures.order_by("order")] == ["一", "一/（一）", "一/（二）"]
    m = plan.measures.get(path="一/（一）")
    assert m.deadline.isoformat() == "2026-09-30" and m.parent.path == "一"
    assert m.targets.get().value == 90
    assert {(u.name_as_printed, u.role, u.unit_id is not None) for u in m.unit_links.all()} == {
        ("区数据局", UnitRole.CO, True), ("各驻厅部门", UnitRole.CO, False)}
    assert result.unknown_units == ["各驻厅部门"]
    assert AuditEntry.objects.filter(action="plan_import", object_id=str(plan.pk)).exists()


def test_it_changes_nothing_on_reimport_of_the_same_file(cast):
    first = _import(cast)
    counts = (Plan.objects.count(), Measure.objects.count(), MeasureUnit.objects.count(), AuditEntry.objects.count())
    again = _import(cast)
    assert again.unchanged and again.plan.pk == first.plan.pk and again.diff.is_empty
    assert counts == (Plan.objects.count(), Measure.objects.count(), MeasureUnit.objects.count(),
                      AuditEntry.objects.count())


def test_it_reports_the_diff_of_a_revised_file(cast):
    first = _import(cast)
    revised = copy.deepcopy(TREE)
    group = revised["items"][0]["children"]
    group[0]["deadline"] = {"text": "10月", "date": "2026-10-31"}
    group[0]["targets"][0]["value"] = 95
    del group[1]
    group.append({"label": "（三）", "level": 2, "title": "新增措施", "actionable": True, "lead_units": ["区数据局"],
                  "co_units": [], "deadline": None, "recurring": [], "targets": [], "children": []})
    result = _import(cast, revised, b"v2")
    assert not result.created and result.plan.pk == first.plan.pk
    assert result.diff.added == ["一/（三）"]
    assert result.diff.removed == ["一/（二）"]
    assert result.diff.changed == [("一/（一）", ["时限原文", "完成时限", "指标"])]
    assert Measure.objects.get(plan=first.plan, path="一/（一）").targets.get().value == 95


def test_it_writes_nothing_when_one_item_is_bad(cast):
    bad = copy.deepcopy(TREE)
    bad["items"][0]["children"][1]["targets"] = [{"text": "x", "metric": "x", "op": "≈", "value": "abc"}]
    before = (Plan.objects.count(), Measure.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PlanImportError) as exc:
        _import(cast, bad)
    assert "一/（二）" in exc.value.message
    assert before == (Plan.objects.count(), Measure.objects.count(), AuditEntry.objects.count())


def test_it_refuses_a_tree_with_no_items(cast):
    with pytest.raises(PlanImportError, match="没有识别出编号条目"):
        _import(cast, {"title": "空", "items": []})
    assert not Plan.objects.filter(title="空").exists()


def test_it_refuses_to_publish_with_unknown_units_then_publishes_one_task_per_unit(cast):
    plan = _import(cast).plan
    with pytest.raises(PlanImportError, match="各驻厅部门"):
        plan_publish(plan=plan, actor=cast.admin)
    assert not Task.objects.exists()
    # map the group to a group unit with two members: it expands to one task each
    group = unit_create(region=cast.region, name="驻厅部门组", kind=UnitKind.GROUP)
    a = unit_create(region=cast.region, name="区税务局")
    b = unit_create(region=cast.region, name="区人社局")
    group.members.set([a, b])
    unit_map(region=cast.region, name_as_printed="各驻厅部门", unit=group, actor=cast.admin)
    created = plan_publish(plan=plan, actor=cast.admin)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    got = {(t.measure.path, t.unit.name, t.role) for t in Task.objects.select_related("measure", "unit")}
    assert got == {
        ("一/（一）", "区数据局", "co"), ("一/（一）", "区税务局", "co"), ("一/（一）", "区人社局", "co"),
        ("一/（二）", "区数据局", "lead"), ("一/（二）", "区市场监管局", "co"),
    }
    assert created == 5
    # each task carries its measure's plan (visibility and the dashboard read Task.plan)
    assert set(Task.objects.values_list("plan_id", "measure__plan_id")) == {(plan.pk, plan.pk)}
    assert plan_publish(plan=plan, actor=cast.admin) == 0  # republishing creates nothing twice
    # the alias is remembered for the next plan
    assert Unit.objects.get(aliases__alias="各驻厅部门") == group


def test_it_refuses_a_stale_measure_edit(cast):
    plan = _import(cast).plan
    m = plan.measures.get(path="一/（一）")
    measure_update(measure=m, actor=cast.admin, expected_version=1, data={"title": "第一人修改"})
    with pytest.raises(StaleEditError, match="已被其他人修改"):
        measure_update(measure=m, actor=cast.admin, expected_version=1, data={"title": "第二人修改"})
    m.refresh_from_db()
    assert m.title == "第一人修改" and m.version == 2
    entry = AuditEntry.objects.get(action="measure_update")
    assert entry.before["title"] == "提升一网通办服务能力" and entry.after["title"] == "第一人修改"


def test_it_audits_membership_changes_made_in_the_admin(cast, client):
    """A user's unit and role decide what they may see: moving, promoting or removing a member
    through the admin leaves an audit entry with before and after."""
    from plans.models import Membership

    client.force_login(cast.admin)
    m = cast.staff.membership
    url = f"/admin/plans/membership/{m.pk}/change/"
    resp = client.post(url, {"user": cast.staff.pk, "unit": cast.other_unit.pk, "role": "unit_head", "phone": ""})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="membership_update", object_id=str(m.pk))
    assert entry.actor == cast.admin
    assert entry.before["unit"] == "区数据局" and entry.before["role"] == "staff"
    assert entry.after["unit"] == "区市场监管局" and entry.after["role"] == "unit_head"

    # saving without a change writes nothing
    client.post(url, {"user": cast.staff.pk, "unit": cast.other_unit.pk, "role": "unit_head", "phone": ""})
    assert AuditEntry.objects.filter(object_type="plans.membership").count() == 1

    resp = client.post(f"/admin/plans/membership/{m.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    gone = AuditEntry.objects.get(action="membership_delete")
    assert gone.object_id == str(m.pk) and gone.before["user"] == "staff" and gone.after is None
