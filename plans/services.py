"""Use cases that write plans, measures and units. Views, jobs and commands call only these."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from background.services import JobRun, job_enqueue, job_run, lease

from .choices import PlanStatus, UnitKind, UnitRole
from .models import AuditEntry, ImportJob, Measure, MeasureUnit, Membership, Plan, Region, Unit, UnitAlias

log = logging.getLogger(__name__)


class PlanImportError(Exception):
    """Raised with a Chinese message when a parsed tree cannot be stored; nothing is written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def audit(*, actor, action: str, obj, before: dict | None = None, after: dict | None = None, task=None,
          object_id=None) -> None:
    """`object_id` names an object that no longer has a pk (a deletion)."""
    AuditEntry.objects.create(actor=actor if getattr(actor, "pk", None) else None, action=action,
                              object_type=obj._meta.label_lower, object_id=str(object_id or obj.pk), task=task,
                              before=before, after=after)


def audit_prune(*, now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Delete sign-in audit rows (login, failure, lockout, logout) older than AUDIT_RETENTION_DAYS (at
    least 180, checked in settings); never a younger row. Rows about plans and tasks are the plan's
    revision history and the task's record, which plans carried over across years still need, so
    they are never pruned. In batches, so a first run over years of rows holds no long lock."""
    from django.conf import settings

    cutoff = (now or timezone.now()) - dt.timedelta(days=max(settings.AUDIT_RETENTION_DAYS, 180))
    total = 0
    while True:
        ids = list(AuditEntry.objects.filter(at__lt=cutoff, object_type="auth.user").order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids:
            return total
        total += AuditEntry.objects.filter(id__in=ids, at__lt=cutoff).delete()[0]


# --- Memberships (who acts for which unit) -------------------------------------------

def _membership_snapshot(m: Membership) -> dict:
    return {"user": m.user.get_username(), "unit_id": m.unit_id, "unit": m.unit.name, "role": m.role,
            "phone": m.phone}


@transaction.atomic
def membership_save(*, membership: Membership, actor=None) -> Membership:
    """Create or change a membership, audited. A user's unit and role decide what they see, so
    every change is traced like a change to a task."""
    before = None
    if membership.pk:
        old = Membership.objects.select_related("user", "unit").filter(pk=membership.pk).first()
        before = _membership_snapshot(old) if old else None
    membership.save()
    after = _membership_snapshot(membership)
    if before != after:
        audit(actor=actor, action="membership_update" if before else "membership_create", obj=membership,
              before=before, after=after)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, actor=None) -> None:
    pk, before = membership.pk, _membership_snapshot(membership)
    membership.delete()
    audit(actor=actor, action="membership_delete", obj=membership, object_id=pk, before=before)


# --- The supervisors' read-only admin ------------------------------------------------

SUPERVISOR_ADMIN_GROUP = "督查（只读后台）"
# What supervisors may look at in the Django admin: an explicit allow-list, so a model added later
# (or a third-party one: API tokens, users, sessions, lockouts) is never readable by default.
# Deliberately absent: users, groups, tokens, robot settings (ChannelConfig holds webhook keys and
# signing secrets), the outbox and delivery log (errors may quote a webhook), drafts (personal),
# evidence and export files, the audit log (login and IP records are for administrators).
SUPERVISOR_ADMIN_PERMISSIONS = [
    "plans.view_region", "plans.view_unit", "plans.view_unitalias", "plans.view_membership",
    "plans.view_plan", "plans.view_measure", "plans.view_measureunit",
    "tasks.view_task", "tasks.view_progressreport", "tasks.view_extensionrequest",
    "tasks.view_completionapplication",
    "indicators.view_target", "indicators.view_targetreading",
    "supervision.view_urge", "supervision.view_escalation", "supervision.view_reminder",
]


def supervisor_admin_group_sync(*, create: bool = True):
    """Give the supervisors' admin group exactly SUPERVISOR_ADMIN_PERMISSIONS (run by seed_demo
    and after every migrate, so an existing group that once had every view_* permission is fixed)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group = (Group.objects.get_or_create(name=SUPERVISOR_ADMIN_GROUP)[0] if create
             else Group.objects.filter(name=SUPERVISOR_ADMIN_GROUP).first())
    if group is None:
        return None
    wanted = Q(pk__in=[])
    for perm in SUPERVISOR_ADMIN_PERMISSIONS:
        app_label, codename = perm.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


# --- Unit registry ----------------------------------------------------------------

class UnitRegistry:
    """Resolves unit names as printed to units of a region (names and aliases, this region first,
    then its ancestors). Built once per import: a dict lookup per name."""

    def __init__(self, region: Region):
        regions = []
        r: Region | None = region
        while r is not None:
            regions.append(r.pk)
            r = r.parent
        self._by_name: dict[str, Unit] = {}
        # Ancestors first so that the region's own units win on a clash.
        for rid in reversed(regions):
            for unit in Unit.objects.filter(region_id=rid, is_active=True):
                self._by_name[unit.name] = unit
            for alias in UnitAlias.objects.filter(unit__region_id=rid, unit__is_active=True).select_related("unit"):
                self._by_name[alias.alias] = alias.unit

    def resolve(self, name: str) -> Unit | None:
        return self._by_name.get(name)

    def suggest(self, name: str) -> Unit | None:
        """The registered unit an unknown name most likely abbreviates or spells out (a rule on the
        characters, plans.unitnames.suggest), for the review page to preselect."""
        from .unitnames import suggest

        return suggest(name, self._by_name.items())

    def names(self) -> list[str]:
        return list(self._by_name)


def unit_names_for_parser(region: Region) -> list[str]:
    return UnitRegistry(region).names()


@transaction.atomic
def region_create(*, name: str, code: str, parent: Region | None = None, actor=None) -> Region:
    """A new administrative area (the upload form offers it when the plan's region is missing)."""
    region = Region(name=name.strip(), code=code.strip(), parent=parent)
    try:
        region.full_clean()
    except ValidationError as exc:
        raise PlanImportError(_messages(exc)) from exc
    region.save()
    audit(actor=actor, action="region_create", obj=region,
          after={"name": region.name, "code": region.code, "parent": parent.name if parent else None})
    return region


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for ms in exc.message_dict.values() for m in ms)
    return "；".join(exc.messages)


@transaction.atomic
def unit_create(*, region: Region, name: str, kind: str = UnitKind.DEPARTMENT, actor=None,
                aliases: Iterable[str] = ()) -> Unit:
    from .unitnames import is_catch_all

    if is_catch_all(name):
        raise PlanImportError(f"“{name}”是泛指（如“各有关单位”），不是一个具体单位，不能新建。"
                              "请在措施中写明责任单位。")
    unit = Unit(region=region, name=name.strip(), kind=kind)
    unit.full_clean()
    unit.save()
    for a in aliases:
        UnitAlias.objects.create(unit=unit, alias=a)
    audit(actor=actor, action="unit_create", obj=unit, after={"name": unit.name, "kind": kind})
    return unit


@transaction.atomic
def unit_alias_add(*, unit: Unit, alias: str, actor=None) -> UnitAlias:
    obj, created = UnitAlias.objects.get_or_create(unit=unit, alias=alias.strip())
    if created:
        audit(actor=actor, action="unit_alias_add", obj=unit, after={"alias": obj.alias})
        # Measures waiting for this name are mapped now.
        MeasureUnit.objects.filter(unit__isnull=True, name_as_printed=obj.alias,
                                   measure__plan__region=unit.region).update(unit=unit)
    return obj


# --- Import -----------------------------------------------------------------------

@dataclass
class ImportDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_lines(self) -> list[str]:
        lines = [f"新增 {p}" for p in self.added] + [f"删除 {p}" for p in self.removed]
        lines += [f"修改 {p}：{'、'.join(fields)}" for p, fields in self.changed]
        return lines or ["无变化"]


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    unchanged: bool
    diff: ImportDiff
    unknown_units: list[str]
    task_changes: list[str] = field(default_factory=list)  # a published plan's tasks that followed


_MEASURE_FIELDS = ["title", "text", "actionable", "level", "deadline_text", "deadline", "ongoing", "recurring", "label",
                   "source"]


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PlanImportError(f"日期格式不正确：{value}") from None


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise PlanImportError(f"{where}：数值“{value}”无法识别") from None


def _segment(item: dict) -> str:
    # An unnumbered item (a bold heading the document did not number) is matched by its title.
    return item.get("label") or "·" + (item.get("title") or "")[:12]


def _flatten(items: list[dict], parent_path: str = "") -> Iterable[tuple[str, str, dict]]:
    for item in items or []:
        path = f"{parent_path}/{_segment(item)}" if parent_path else _segment(item)
        yield path, parent_path, item
        yield from _flatten(item.get("children") or [], path)


def _measure_values(item: dict) -> dict:
    deadline = item.get("deadline") or {}
    title = (item.get("title") or "").strip()
    return {
        "label": item.get("label") or "",
        "level": int(item.get("level") or 1),
        "title": title[:500],
        "text": item.get("text") or title,
        "actionable": bool(item.get("actionable", True)),
        "deadline_text": (deadline.get("text") or "")[:100],
        "deadline": _parse_date(deadline.get("date")),
        "ongoing": bool(item.get("ongoing") or deadline.get("ongoing")),
        "recurring": item.get("recurring") or [],
        # the paragraph or table row the parser read the item from (absent from older parsers)
        "source": str(item.get("source") or ""),
        # added to the parsed tree by the indicators app's enricher (plans.importers.register_enricher)
        "indicator_primary": (item.get("indicator") or {}).get("primary") or "",
        "indicator_secondary": list((item.get("indicator") or {}).get("secondary") or [])[:2],
    }


def _unit_rows(item: dict) -> list[tuple[str, str]]:
    """(name, role) of the units named on an item; catch-alls (各有关单位) name nobody and are left out."""
    from .unitnames import is_catch_all

    rows, seen = [], set()
    for role, key in ((UnitRole.LEAD, "lead_units"), (UnitRole.CO, "co_units")):
        for name in item.get(key) or []:
            name = name.strip()
            if name and name not in seen and not is_catch_all(name):
                seen.add(name)
                rows.append((name[:100], role))
    return rows


def _target_rows(item: dict, path: str, deadline: dt.date | None) -> list[dict]:
    rows = []
    for i, t in enumerate(item.get("targets") or []):
        value = _decimal(t.get("value"), f"第 {path} 项的指标")
        if value is None or t.get("op") not in {">=", "<=", "=", ">", "<"}:
            raise PlanImportError(f"第 {path} 项的指标“{t.get('text', '')}”缺少比较符或目标值")
        rows.append({"text": (t.get("text") or _target_text(t))[:500], "metric": (t.get("metric") or t.get("text") or "指标")[:200], "op": t["op"],
                     "value": value, "unit": (t.get("unit") or "")[:30],
                     "baseline": _decimal(t.get("baseline"), f"第 {path} 项的指标基数"),
                     "deadline": deadline, "order": i})
    return rows


def _target_text(t: dict) -> str:
    """A target typed on the review page has no original text: say it in words."""
    from indicators.choices import Op

    value = t.get("value")
    value = f"{Decimal(str(value)).normalize():f}" if value not in (None, "") else ""
    op = dict(Op.choices).get(t.get("op"), t.get("op") or "")
    return f"{t.get('metric') or '指标'}{op}{value}{t.get('unit') or ''}"


# Apps above `plans` act on a stored import (publishing: carry-over links to earlier plans) by
# registering a function(*, plan, actor) here in their AppConfig.ready(); `plans` never imports them.
_AFTER_IMPORT: list = []


def register_after_import(fn) -> None:
    if fn not in _AFTER_IMPORT:
        _AFTER_IMPORT.append(fn)


@transaction.atomic
def plan_import(*, tree: dict, region: Region, source_name: str, source_bytes: bytes, actor=None,
                plan: Plan | None = None) -> ImportResult:
    """Store a parsed plan tree (the gold shape) all-or-nothing.

    The same file again changes nothing. A revised file (same title in the same region, or `plan`
    given) updates measures matched by their label path and returns the diff.
    """
    try:
        return _plan_import(tree=tree, region=region, source_name=source_name, source_bytes=source_bytes,
                            actor=actor, plan=plan)
    except ValidationError as exc:
        details = "；".join(f"{k}：{'，'.join(v)}" for k, v in exc.message_dict.items()) if hasattr(
            exc, "error_dict") else "；".join(exc.messages)
        raise PlanImportError(f"导入失败，未写入任何内容。{details}") from exc


def _plan_import(*, tree: dict, region: Region, source_name: str, source_bytes: bytes, actor,
                 plan: Plan | None) -> ImportResult:
    if not tree.get("items"):
        raise PlanImportError("文件中没有识别出编号条目，未导入任何内容。")
    sha = hashlib.sha256(source_bytes).hexdigest()
    existing = Plan.objects.filter(region=region, source_sha256=sha).exclude(status=PlanStatus.ARCHIVED).first()
    registry = UnitRegistry(region)
    unknown = sorted({name for _, _, it in _flatten(tree["items"]) for name, _ in _unit_rows(it)
                      if registry.resolve(name) is None})
    if existing is not None:
        return ImportResult(plan=existing, created=False, unchanged=True, diff=ImportDiff(), unknown_units=unknown)

    title = (tree.get("title") or "").strip() or source_name
    if plan is None:
        plan = (Plan.objects.select_for_update().filter(region=region, title=title)
                .exclude(status=PlanStatus.ARCHIVED).first())
    created = plan is None
    header = {
        "title": title[:200],
        "issuer": (tree.get("issuer") or "")[:100],
        "issued_on": _parse_date(tree.get("issued_on")),
        "year": int(tree.get("year") or timezone.localdate().year),
        # the parser says when nothing in the text gave the year (older parsers: not guessed)
        "year_guessed": bool(tree.get("year_guessed")) or not tree.get("year"),
    }
    if created:
        plan = Plan(region=region, **header)
    else:
        for k, v in header.items():
            setattr(plan, k, v)
        plan.version += 1
    plan.source_name = source_name[:255]
    plan.source_sha256 = sha
    plan.full_clean(exclude=["source_file"])
    plan.save()
    plan.source_file.save(source_name, ContentFile(source_bytes), save=True)

    old = {m.path: m for m in plan.measures.all()} if not created else {}
    diff = ImportDiff()
    seen_paths: set[str] = set()
    by_path: dict[str, Measure] = {}
    # Orders are rewritten below; park the old ones out of the way of the unique (plan, order).
    if old:
        Measure.objects.filter(plan=plan).update(order=F("order") + 1_000_000)
    for order, (path, parent_path, item) in enumerate(_flatten(tree["items"])):
        if path in seen_paths:
            raise PlanImportError(f"编号“{path}”在文件中出现了两次，请检查编号后重新导入。")
        seen_paths.add(path)
        values = _measure_values(item)
        parent = by_path.get(parent_path) if parent_path else None
        measure = old.get(path)
        if measure is not None and measure.withdrawn_at is not None:
            # a path a previous revision removed comes back: the measure (and its tasks) return
            measure.withdrawn_at = None
            diff.added.append(path)
        if measure is None:
            measure = Measure(plan=plan, parent=parent, path=path[:200], order=order, **values)
            measure.full_clean(exclude=["plan", "parent"])
            measure.save()
            diff.added.append(path)
            changed_fields: list[str] = []
        else:
            if measure.indicator_primary:  # suggested once; a correction on the review page stays
                values.pop("indicator_primary")
                values.pop("indicator_secondary")
            changed_fields = [f for f in _MEASURE_FIELDS if getattr(measure, f) != values[f]]
            for f, v in values.items():
                setattr(measure, f, v)
            measure.parent = parent
            measure.order = order
            measure.save()
        by_path[path] = measure

        units = _unit_rows(item)
        current_units = [(mu.name_as_printed, mu.role) for mu in measure.unit_links.all()] if not created else []
        if current_units != units:
            if measure.pk and current_units:
                changed_fields.append("责任单位")
            measure.unit_links.all().delete()
            MeasureUnit.objects.bulk_create([
                MeasureUnit(measure=measure, name_as_printed=name, unit=registry.resolve(name), role=role, order=i)
                for i, (name, role) in enumerate(units)
            ])
        targets = _target_rows(item, path, values["deadline"])
        current_targets = [
            {"text": t.text, "metric": t.metric, "op": t.op, "value": t.value, "unit": t.unit, "baseline": t.baseline,
             "deadline": t.deadline, "order": t.order} for t in measure.targets.all()
        ] if path in old else []
        if current_targets != targets:
            if current_targets:
                changed_fields.append("指标")
            _replace_targets(measure, targets, path)
        if path in old and changed_fields:
            diff.changed.append((path, [_FIELD_LABELS.get(f, f) for f in changed_fields]))

    removed = [m for p, m in old.items() if p not in seen_paths and m.withdrawn_at is None]
    _measures_remove(removed, diff=diff)
    from .search import reindex_measures

    reindex_measures(plan.measures.all())
    tasks = plan_propagate(plan=plan, actor=actor)
    audit(actor=actor, action="plan_import" if created else "plan_reimport", obj=plan,
          after={"source": source_name, "sha256": sha, "diff": diff.as_lines(), "tasks": tasks.as_lines()})
    for hook in _AFTER_IMPORT:  # in the same transaction: all-or-nothing holds for them too
        hook(plan=plan, actor=actor)
    return ImportResult(plan=plan, created=created, unchanged=False, diff=diff, unknown_units=unknown,
                        task_changes=tasks.as_lines())


def _measures_remove(measures: list[Measure], *, diff: ImportDiff | None = None, now=None) -> list[str]:
    """Remove measures from their plan: a measure with tasks is withdrawn (kept, hidden; its tasks are
    withdrawn with their reports by plan_propagate), one without is deleted. Children go with
    their parents. Returns the paths removed."""
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


_FIELD_LABELS = {"title": "标题", "text": "正文", "actionable": "是否任务项", "level": "层级", "label": "编号",
                 "deadline_text": "时限原文", "deadline": "完成时限", "ongoing": "长期坚持", "recurring": "周期性要求",
                 "indicator_primary": "主要评价指标", "indicator_secondary": "次要评价指标"}


def _replace_targets(measure: Measure, rows: list[dict], path: str) -> None:
    from indicators.models import Target

    kept = {t.order: t for t in measure.targets.all()}
    for row in rows:
        t = kept.pop(row["order"], None)
        if t is None:
            t = Target(measure=measure)
        for k, v in row.items():
            setattr(t, k, v)
        t.full_clean(exclude=["measure"])
        t.save()
    for t in kept.values():
        if t.readings.exists():
            raise PlanImportError(f"新文件删除了第 {path} 项的指标“{t.metric}”，但它已有实际值，不能删除。")
        t.delete()


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
    from django.db.models import OuterRef, Subquery

    from indicators.models import Target

    Target.objects.filter(measure__plan=plan).update(
        deadline=Subquery(Measure.objects.filter(pk=OuterRef("measure_id")).values("deadline")[:1]))
    if plan.status != PlanStatus.PUBLISHED:
        return TaskChanges()
    return _sync_tasks(plan, actor=actor, now=now or timezone.now(), announce=announce)


def _sync_tasks(plan: Plan, *, actor, now: dt.datetime, announce: bool) -> TaskChanges:
    from tasks.models import Task

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
    from .signals import tasks_revised

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


# --- Import jobs (browser upload) ----------------------------------------------------

def import_job_create(*, region: Region, upload, actor) -> "ImportJob":
    """Store the upload and queue its parsing; the job runs once the transaction commits."""
    from django.conf import settings

    if upload.size > settings.PLAN_UPLOAD_MAX_BYTES:
        raise PlanImportError(f"文件过大（{upload.size / 1024 / 1024:.1f} MB），方案文件不能超过 50 MB。")
    if upload.size == 0:
        raise PlanImportError("文件是空的，请检查后重新上传。")
    with transaction.atomic():
        job = ImportJob(region=region, original_name=upload.name[:255], size=upload.size, created_by=actor,
                        lease_until=timezone.now() + lease())
        job.file.save(upload.name, upload, save=False)
        job.save()
        job_enqueue(job)
    return job


def import_job_run(*, job_id: int) -> bool:
    """Claim the parse job and run it (False if it was not claimable: taken, finished, out of attempts)."""
    return job_run(ImportJob, job_id, _import_job_body)


def _import_job_body(run: JobRun) -> None:
    """Parse, then store all-or-nothing; the job row records the outcome. A refused file is deleted
    from disk (it is never parsed again: the admin uploads a corrected one)."""
    from .importers import ImportRefused, parse_bytes

    job = ImportJob.objects.select_related("region", "created_by").get(pk=run.job.pk)
    with job.file.open("rb") as fh:
        data = fh.read()
    run.progress(20)
    try:
        tree = parse_bytes(data, job.original_name, known_units=unit_names_for_parser(job.region))
        run.progress(70)
        result = plan_import(tree=tree, region=job.region, source_name=job.original_name, source_bytes=data,
                             actor=job.created_by)
    except (ImportRefused, PlanImportError) as exc:
        # a refused file is of no further use and may be hostile: it does not stay on disk (the job row
        # keeps its name, size and the reason); a crash keeps it, for the administrator to look at
        if run.fail(message=exc.message, file=""):
            job.file.delete(save=False)
        return
    if result.unchanged:
        message = "该文件与已导入的方案完全相同，没有任何修改。"
    elif result.created:
        message = f"已识别 {result.plan.measures.count()} 项，方案已保存为草稿，请审核后发布。"
    else:
        message = "已按新文件更新方案：" + "；".join(result.diff.as_lines() + result.task_changes)
    run.finish(message=message, plan=result.plan, warnings=tree.get("warnings") or [],
               unknown_units=result.unknown_units, diff=result.diff.as_lines() if not result.created else [])


# --- Review edits ------------------------------------------------------------------------

class StaleEditError(PlanImportError):
    pass


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
            row.update(text=(t.get("text") or _target_text(t))[:500], unit=row["unit"] or "", deadline=current.deadline,
                       order=i)
            rows.append(row)
        try:
            _replace_targets(current, rows, current.path)
        except ValidationError as exc:
            raise PlanImportError(f"第 {current.path} 项的指标未保存：{_messages(exc)}") from exc
    from .search import reindex_measures

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
    from django.db.models import Max

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
    from .search import reindex_measures

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
    from .unitnames import guess_kind

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
