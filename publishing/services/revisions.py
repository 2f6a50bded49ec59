"""Revising a stored plan: the review page's edits (measures, header, unit mapping), publishing,
and the one propagation that carries a plan's content to its targets and tasks."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from audit.services import audit
from indicators.services import target_text, targets_follow_deadlines, targets_replace
from plans.choices import PlanStatus, UnitKind, UnitRole
from plans.models import Measure, MeasureUnit, Plan, Region, Unit
from plans.search import reindex_measures
from plans.services.units import PlanImportError, StaleEditError, UnitRegistry, _messages, unit_alias_add, unit_create
from plans.signals import tasks_revised
from plans.unitnames import guess_kind, is_catch_all
from tasks.models import Task


def _unit_rows(item: dict) -> list[tuple[str, str]]:
    """(name, role) of the units named on an item; catch-alls (各有关单位) name nobody and are left out."""
    rows, seen = [], set()
    for role, key in ((UnitRole.LEAD, "lead_units"), (UnitRole.CO, "co_units")):
        for name in item.get(key) or []:
            name = name.strip()
            if name and name not in seen and not is_catch_all(name):
                seen.add(name)
                rows.append((name[:100], role))
    return rows



def _measures_remove(measures: list[Measure], *, diff=None, now=None) -> list[str]:
    """Remove measures from their plan: a measure with tasks is withdrawn (kept, hidden; its tasks are
    withdrawn with their reports by plan_propagate), one without is deleted. Children go with
    their parents. Returns the paths removed (also added to `diff.removed`, an import's ImportDiff)."""
    now = now or timezone.now()
    paths = []
    for m in sorted(measures, key=lambda m: -m.level):
        paths.append(m.path)
        if diff is not None:
            diff.removed.append(m.path)
        if m.tasks.exists() or m.children.exists():  # children left here are withdrawn ones
            Measure.objects.filter(pk=m.pk).update(withdrawn_at=now, version=F("version") + 1)
        else:
            m.delete()
    return paths


# --- Publish ------------------------------------------------------------------------

def _expand(unit: Unit) -> list[Unit]:
    """A group unit (各街道) becomes one task per member; a group with no members stays one task."""
    if unit.kind == UnitKind.GROUP:
        members = list(unit.members.filter(is_active=True))
        if members:
            return members
    return [unit]


@dataclass
class TaskChanges:
    """What a propagation did to a plan's tasks, for the revision history and the notifications."""

    created: list = field(default_factory=list)
    withdrawn: list = field(default_factory=list)
    reinstated: list = field(default_factory=list)
    moved: list = field(default_factory=list)  # (task, old deadline, new deadline)
    updated: list = field(default_factory=list)  # role or recurring duties changed

    def as_lines(self) -> list[str]:
        def name(t) -> str:
            return f"{t.measure.path} {t.unit.name}"

        lines = [f"新增任务 {name(t)}" for t in self.created]
        lines += [f"撤销任务 {name(t)}（进展报告保留）" for t in self.withdrawn]
        lines += [f"恢复任务 {name(t)}" for t in self.reinstated]
        lines += [f"任务时限 {name(t)}：{_day(old)} → {_day(new)}" for t, old, new in self.moved]
        lines += [f"任务要求 {name(t)}：牵头/配合或周期性要求已更新" for t in self.updated]
        return lines


def _day(d: dt.date | None) -> str:
    return f"{d:%Y年%-m月%-d日}" if d else "长期坚持"


def plan_propagate(*, plan: Plan, actor, now: dt.datetime | None = None, announce: bool = True) -> TaskChanges:
    """The one place a plan's content reaches what is copied from it. Call it in the transaction of
    every write to a plan's measures (review edits, added or removed measures, re-imports, mapped
    units, publishing).

    The measure's deadline is copied to its targets always and, once the plan is published, to its
    open tasks together with units and duties: new tasks for added units, open tasks of removed
    units or measures withdrawn (kept with their reports), withdrawn ones given back, deadlines
    moved. Each task change is audited and the units concerned are told (plans.signals)."""
    targets_follow_deadlines(plan)
    if plan.status != PlanStatus.PUBLISHED:
        return TaskChanges()
    return _sync_tasks(plan, actor=actor, now=now or timezone.now(), announce=announce)


def _sync_tasks(plan: Plan, *, actor, now: dt.datetime, announce: bool) -> TaskChanges:
    # Two edits of one plan at once would both create the same new task: one propagation per plan
    # at a time.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()

    links = (MeasureUnit.objects.filter(measure__plan=plan, measure__actionable=True, measure__withdrawn_at=None,
                                        unit__isnull=False)
             .select_related("measure", "unit").order_by("measure__order", "order"))
    wanted: dict[tuple[int, int], tuple[Measure, Unit, str]] = {}
    for link in links:
        for unit in _expand(link.unit):
            key = (link.measure_id, unit.pk)
            if key not in wanted or link.role == UnitRole.LEAD:
                wanted[key] = (link.measure, unit, link.role)
    existing = {(t.measure_id, t.unit_id): t for t in Task.objects.filter(plan=plan).select_related("measure", "unit")}
    changes = TaskChanges()
    new = [Task(measure=m, plan=plan, unit=u, role=role, deadline=m.deadline, ongoing=m.ongoing or m.deadline is None,
                recurring=m.recurring) for key, (m, u, role) in wanted.items() if key not in existing]
    Task.objects.bulk_create(new, batch_size=500)
    changes.created = new
    for key, (m, u, role) in wanted.items():
        t = existing.get(key)
        if t is None or (t.closed_at and not t.withdrawn_at):
            continue  # closed work stays as it was closed
        before = _task_facts(t)
        ongoing = m.ongoing or m.deadline is None
        if t.withdrawn_at:
            t.withdrawn_at = None
            changes.reinstated.append(t)
        elif t.deadline != m.deadline:
            changes.moved.append((t, t.deadline, m.deadline))
        elif (t.role, t.recurring, t.ongoing) != (role, m.recurring, ongoing):
            changes.updated.append(t)
        else:
            continue
        t.role, t.deadline, t.recurring, t.ongoing = role, m.deadline, m.recurring, ongoing
        if t.granted_deadline and (m.deadline is None or m.deadline >= t.granted_deadline):
            # the plan now gives at least what the extension granted: the extension is absorbed
            t.granted_deadline = None
        t.version += 1
        t.save(update_fields=["role", "deadline", "granted_deadline", "recurring", "ongoing", "withdrawn_at",
                              "version"])
        audit(actor=actor, action="task_reinstate" if t in changes.reinstated else "task_update_from_plan", obj=t,
              task=t, before=before, after=_task_facts(t))
    for key, t in existing.items():
        if key not in wanted and t.withdrawn_at is None and t.closed_at is None:
            before = _task_facts(t)
            t.withdrawn_at = now
            t.version += 1
            t.save(update_fields=["withdrawn_at", "version"])
            audit(actor=actor, action="task_withdraw", obj=t, task=t, before=before, after=_task_facts(t))
            changes.withdrawn.append(t)
    if announce:
        _announce(plan, changes, now=now)
    return changes


def _task_facts(t) -> dict:
    return {"role": t.role, "deadline": t.deadline.isoformat() if t.deadline else None,
            "granted_deadline": t.granted_deadline.isoformat() if t.granted_deadline else None,
            "withdrawn_at": t.withdrawn_at.isoformat() if t.withdrawn_at else None}


def _announce(plan: Plan, changes: TaskChanges, *, now: dt.datetime) -> None:
    """Tell the units concerned, in this transaction. Sending is supervision's (a layer above): it
    listens to plans.signals.tasks_revised and writes the in-app reminders its outbox carries."""
    def what(t) -> str:
        return f"“{t.measure.label} {t.measure.title[:40]}”".replace("“ ", "“")

    notices = [(t, f"{plan.title}调整：新增本单位任务{what(t)}，完成时限{_day(t.deadline)}") for t in changes.created]
    notices += [(t, f"{plan.title}调整：任务{what(t)}已撤销，无需再报送（已报送的进展保留）") for t in changes.withdrawn]
    notices += [(t, f"{plan.title}调整：任务{what(t)}恢复，完成时限{_day(t.deadline)}") for t in changes.reinstated]
    notices += [(t, f"{plan.title}调整：任务{what(t)}完成时限由{_day(old)}调整为{_day(new)}")
                for t, old, new in changes.moved]
    notices += [(t, f"{plan.title}调整：任务{what(t)}的牵头/配合或周期性要求已更新") for t in changes.updated]
    if notices:
        tasks_revised.send(sender=Plan, plan=plan, notices=notices, now=now)


def _revision(*, plan: Plan, actor, action: str, changes: list[str], tasks: TaskChanges | None = None) -> None:
    """One entry in the plan's revision history (who, when, what changed, what happened to tasks)."""
    audit(actor=actor, action=action, obj=plan,
          after={"changes": changes, "tasks": tasks.as_lines() if tasks else []})




@transaction.atomic
def plan_publish(*, plan: Plan, actor) -> int:
    """Publish a reviewed plan: one task per (actionable measure, unit). Returns tasks created."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    unmapped = sorted(set(MeasureUnit.objects.filter(measure__plan=plan, measure__actionable=True,
                                                     measure__withdrawn_at=None, unit__isnull=True)
                          .values_list("name_as_printed", flat=True)))
    if unmapped:
        raise PlanImportError("以下单位尚未对应到单位名录，请先映射或新建后再发布：" + "、".join(unmapped))
    if plan.status == PlanStatus.ARCHIVED:
        raise PlanImportError("已归档的方案不能发布。")
    first = plan.status != PlanStatus.PUBLISHED
    if first:
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = timezone.now()
        plan.version += 1
        plan.save(update_fields=["status", "published_at", "version"])
    # the first publication is announced by the tasks themselves (their units' task lists); later
    # ones are revisions and tell the units what changed
    created = len(plan_propagate(plan=plan, actor=actor, announce=not first).created)
    audit(actor=actor, action="plan_publish", obj=plan, after={"tasks_created": created})
    return created




# --- Review edits ------------------------------------------------------------------------

_EDIT_FIELDS = ("title", "text", "actionable", "deadline", "deadline_text", "ongoing")
_EDIT_LABELS = {"title": "标题", "text": "正文", "actionable": "是否任务项", "deadline": "完成时限",
                "deadline_text": "时限原文", "ongoing": "长期坚持", "units": "责任单位", "targets": "指标"}


def _locked_measure(measure: Measure, expected_version: int) -> Measure:
    current = Measure.objects.select_for_update().select_related("plan", "plan__region").get(pk=measure.pk)
    if current.version != expected_version:
        raise StaleEditError(f"第 {current.path} 项已被其他人修改（当前标题：“{current.title}”），"
                             "请刷新页面查看最新内容后再修改。")
    return current


def _set_units(measure: Measure, lead: list[str], co: list[str]) -> None:
    registry = UnitRegistry(measure.plan.region)
    rows = _unit_rows({"lead_units": lead, "co_units": co})
    measure.unit_links.all().delete()
    MeasureUnit.objects.bulk_create([
        MeasureUnit(measure=measure, name_as_printed=n, unit=registry.resolve(n), role=r, order=i)
        for i, (n, r) in enumerate(rows)])


@transaction.atomic
def measure_update(*, measure: Measure, actor, expected_version: int, data: dict) -> Measure:
    """Edit one measure (review page, or a published plan being corrected). Only the keys in `data`
    change: a field the user did not touch is never rewritten (a deadline is not erased by saving the
    title). A stale form (someone saved in between) is refused. The change reaches targets and, in a
    published plan, tasks through plan_propagate, in this transaction."""
    current = _locked_measure(measure, expected_version)
    before = _measure_snapshot(current)
    for f in _EDIT_FIELDS:
        if f in data:
            setattr(current, f, data[f])
    current.version += 1
    try:
        current.full_clean(exclude=["plan", "parent"])
    except ValidationError as exc:
        raise PlanImportError(f"第 {current.path} 项未保存：{_messages(exc)}") from exc
    current.save()
    if "lead_units" in data or "co_units" in data:
        links = list(current.unit_links.all())
        _set_units(current, data.get("lead_units", [u.name_as_printed for u in links if u.role == UnitRole.LEAD]),
                   data.get("co_units", [u.name_as_printed for u in links if u.role == UnitRole.CO]))
    if "targets" in data:
        rows = []
        for i, t in enumerate(data["targets"]):
            row = {k: t.get(k) for k in ("metric", "op", "value", "unit", "baseline")}
            row.update(text=(t.get("text") or target_text(t))[:500], unit=row["unit"] or "", deadline=current.deadline,
                       order=i)
            rows.append(row)
        try:
            targets_replace(current, rows, current.path)
        except ValidationError as exc:
            raise PlanImportError(f"第 {current.path} 项的指标未保存：{_messages(exc)}") from exc
    reindex_measures(Measure.objects.filter(pk=current.pk))
    after = _measure_snapshot(current)
    audit(actor=actor, action="measure_update", obj=current, before=before, after=after)
    tasks = plan_propagate(plan=current.plan, actor=actor)
    changed = [f"{_EDIT_LABELS.get(k, k)} {_show(before[k])} → {_show(after[k])}" for k in after if before[k] != after[k]]
    if changed or tasks.as_lines():
        _revision(plan=current.plan, actor=actor, action="plan_revise",
                  changes=[f"修改第 {current.path} 项：" + "；".join(changed or ["无内容变化"])], tasks=tasks)
    return current


def _show(value) -> str:
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    if _ISO_DAY.fullmatch(text):  # a deadline in the snapshot: shown as 2026年9月30日 like every date
        return _day(dt.date.fromisoformat(text))
    return text if len(text) <= 40 else text[:40] + "…"


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _measure_snapshot(m: Measure) -> dict:
    return {
        "title": m.title, "text": m.text, "actionable": m.actionable,
        "deadline": m.deadline.isoformat() if m.deadline else None, "deadline_text": m.deadline_text,
        "ongoing": m.ongoing,
        "units": [f"{u.name_as_printed}（{u.get_role_display()}）" for u in m.unit_links.all()],
        "targets": [f"{t.metric}{t.get_op_display()}{t.value.normalize():f}{t.unit}" for t in m.targets.all()],
    }


@transaction.atomic
def measure_add(*, plan: Plan, actor, parent: Measure | None, data: dict) -> Measure:
    """Add a measure to a plan (a draft under review, or a published plan being revised: its units
    get their tasks at once). It goes last among its parent's children."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if parent is not None and (parent.plan_id != plan.pk or parent.withdrawn_at):
        raise PlanImportError("所选上级条目不属于本方案。")
    title = (data.get("title") or "").strip()
    label = (data.get("label") or "").strip()
    segment = label or "·" + title[:12]
    path = f"{parent.path}/{segment}" if parent else segment
    if plan.measures.filter(path=path[:200], withdrawn_at=None).exists():
        raise PlanImportError(f"编号“{path}”已存在，请换一个编号。")
    revived = plan.measures.filter(path=path[:200]).first()  # a withdrawn one with the same path
    order = (plan.measures.aggregate(n=Max("order"))["n"] or 0) + 1
    measure = revived or Measure(plan=plan, path=path[:200])
    values = {"parent": parent, "label": label, "level": (parent.level + 1) if parent else 1, "title": title,
              "text": (data.get("text") or "").strip() or title, "actionable": data.get("actionable", True),
              "deadline": data.get("deadline"), "deadline_text": data.get("deadline_text") or "",
              "ongoing": bool(data.get("ongoing")), "order": order, "withdrawn_at": None}
    for k, v in values.items():
        setattr(measure, k, v)
    try:
        measure.full_clean(exclude=["plan"])
    except ValidationError as exc:
        raise PlanImportError(f"新增条目未保存：{_messages(exc)}") from exc
    measure.save()
    _set_units(measure, data.get("lead_units") or [], data.get("co_units") or [])
    reindex_measures(Measure.objects.filter(pk=measure.pk))
    audit(actor=actor, action="measure_add", obj=measure, after=_measure_snapshot(measure))
    tasks = plan_propagate(plan=plan, actor=actor)
    _revision(plan=plan, actor=actor, action="plan_revise", changes=[f"新增第 {measure.path} 项：{title}"],
              tasks=tasks)
    return measure


@transaction.atomic
def measure_remove(*, measure: Measure, actor, expected_version: int) -> list[str]:
    """Remove a measure and the items under it. In a published plan their tasks are withdrawn
    (已撤销), kept with every report; in a draft they are deleted."""
    current = _locked_measure(measure, expected_version)
    subtree = [m for m in current.plan.measures.filter(withdrawn_at=None)
               if m.pk == current.pk or m.path.startswith(current.path + "/")]
    paths = _measures_remove(subtree)
    audit(actor=actor, action="measure_remove", obj=current, object_id=current.pk,
          before=_measure_snapshot(current) if Measure.objects.filter(pk=current.pk).exists() else None)
    tasks = plan_propagate(plan=current.plan, actor=actor)
    _revision(plan=current.plan, actor=actor, action="plan_revise",
              changes=[f"删除第 {p} 项" for p in paths], tasks=tasks)
    return paths


_PLAN_LABELS = {"title": "标题", "year": "年度", "issuer": "发文机关", "doc_number": "文号", "issued_on": "印发日期"}


@transaction.atomic
def plan_update(*, plan: Plan, actor, expected_version: int, data: dict) -> Plan:
    """Correct a plan's header on the review page (title, year, issuer, 文号, date). Setting the year
    confirms it (no longer 推测); when a guessed year changes, deadlines the parser dated in the
    guessed year without a year printed in their text move to the new year with it."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.version != expected_version:
        raise StaleEditError("方案信息已被其他人修改，请刷新页面查看最新内容后再修改。")
    before = {k: getattr(current, k) for k in _PLAN_LABELS}
    for k in _PLAN_LABELS:
        if k in data:
            setattr(current, k, data[k])
    shift = current.year - before["year"] if current.year_guessed else 0
    if "year" in data:
        current.year_guessed = False
    current.version += 1
    try:
        current.full_clean(exclude=["source_file"])
    except ValidationError as exc:
        raise PlanImportError(f"方案信息未保存：{_messages(exc)}") from exc
    current.save()
    changes = [f"{_PLAN_LABELS[k]} {_show(before[k])} → {_show(getattr(current, k))}" for k in _PLAN_LABELS
               if before[k] != getattr(current, k)]
    moved = _shift_guessed_deadlines(current, before["year"], shift) if shift else 0
    if moved:
        changes.append(f"按新年度调整 {moved} 项完成时限")
    if "year" in data and not shift and before["year"] == current.year and plan.year_guessed:
        changes.append(f"确认年度 {current.year}")
    tasks = plan_propagate(plan=current, actor=actor) if moved else None
    if changes:
        audit(actor=actor, action="plan_update", obj=current, before={k: _show(v) for k, v in before.items()},
              after={"changes": changes, "tasks": tasks.as_lines() if tasks else []})
    return current


_YEAR_IN_TEXT = re.compile(r"(19|20)\d\d\s*年")


def _shift_guessed_deadlines(plan: Plan, old_year: int, shift: int) -> int:
    moved = 0
    for m in plan.measures.filter(deadline__isnull=False, deadline__year__in=[old_year, old_year + 1]):
        if _YEAR_IN_TEXT.search(m.deadline_text or ""):
            continue  # the text printed its year: that date was not guessed
        d = m.deadline
        try:
            m.deadline = d.replace(year=d.year + shift)
        except ValueError:  # 29 February
            m.deadline = d.replace(year=d.year + shift, day=28)
        m.version += 1
        m.save(update_fields=["deadline", "version"])
        moved += 1
    return moved


@transaction.atomic
def unit_map(*, region: Region, name_as_printed: str, actor, unit: Unit | None = None,
             create_kind: str | None = None) -> Unit:
    """Map an unknown name to an existing unit or create a unit of that name. A mapping to a unit of
    another name is stored as that unit's alias, so the next import in the region recognises the
    name. Published plans waiting for the name get their tasks at once."""
    waiting = MeasureUnit.objects.filter(unit__isnull=True, name_as_printed=name_as_printed,
                                         measure__plan__region=region)
    plans = list(Plan.objects.filter(pk__in=waiting.values("measure__plan_id"), status=PlanStatus.PUBLISHED))
    if unit is None:
        unit = unit_create(region=region, name=name_as_printed, kind=create_kind or guess_kind(name_as_printed),
                           actor=actor)
    elif unit.name != name_as_printed:
        unit_alias_add(unit=unit, alias=name_as_printed, actor=actor)
    waiting.update(unit=unit)
    for plan in plans:
        tasks = plan_propagate(plan=plan, actor=actor)
        _revision(plan=plan, actor=actor, action="plan_revise",
                  changes=[f"单位“{name_as_printed}”对应到“{unit.name}”"], tasks=tasks)
    return unit
