"""Use cases that write plans, measures and units. Views, jobs and commands call only these."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

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

    def names(self) -> list[str]:
        return list(self._by_name)


def unit_names_for_parser(region: Region) -> list[str]:
    return UnitRegistry(region).names()


@transaction.atomic
def unit_create(*, region: Region, name: str, kind: str = UnitKind.DEPARTMENT, actor=None,
                aliases: Iterable[str] = ()) -> Unit:
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


_MEASURE_FIELDS = ["title", "text", "actionable", "level", "deadline_text", "deadline", "ongoing", "recurring", "label"]


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
    }


def _unit_rows(item: dict) -> list[tuple[str, str]]:
    rows, seen = [], set()
    for role, key in ((UnitRole.LEAD, "lead_units"), (UnitRole.CO, "co_units")):
        for name in item.get(key) or []:
            name = name.strip()
            if name and name not in seen:
                seen.add(name)
                rows.append((name[:100], role))
    return rows


def _target_rows(item: dict, path: str, deadline: dt.date | None) -> list[dict]:
    rows = []
    for i, t in enumerate(item.get("targets") or []):
        value = _decimal(t.get("value"), f"第 {path} 项的指标")
        if value is None or t.get("op") not in {">=", "<=", "=", ">", "<"}:
            raise PlanImportError(f"第 {path} 项的指标“{t.get('text', '')}”缺少比较符或目标值")
        rows.append({"text": (t.get("text") or "")[:500], "metric": (t.get("metric") or t.get("text") or "指标")[:200], "op": t["op"],
                     "value": value, "unit": (t.get("unit") or "")[:30],
                     "baseline": _decimal(t.get("baseline"), f"第 {path} 项的指标基数"),
                     "deadline": deadline, "order": i})
    return rows


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
        if measure is None:
            measure = Measure(plan=plan, parent=parent, path=path[:200], order=order, **values)
            measure.full_clean(exclude=["plan", "parent"])
            measure.save()
            diff.added.append(path)
            changed_fields: list[str] = []
        else:
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

    removed = [m for p, m in old.items() if p not in seen_paths]
    for m in removed:
        if m.tasks.filter(reports__isnull=False).exists():
            raise PlanImportError(f"新文件删除了第 {m.path} 项，但该项已有进展报告，不能删除。请核对文件后重新导入。")
    for m in sorted(removed, key=lambda m: -m.level):
        diff.removed.append(m.path)
        m.delete()
    from .search import reindex_measures

    reindex_measures(plan.measures.all())
    audit(actor=actor, action="plan_import" if created else "plan_reimport", obj=plan,
          after={"source": source_name, "sha256": sha, "diff": diff.as_lines()})
    if not created and plan.status == PlanStatus.PUBLISHED:
        _sync_tasks(plan, actor=actor)
    return ImportResult(plan=plan, created=created, unchanged=False, diff=diff, unknown_units=unknown)


_FIELD_LABELS = {"title": "标题", "text": "正文", "actionable": "是否任务项", "level": "层级", "label": "编号",
                 "deadline_text": "时限原文", "deadline": "完成时限", "ongoing": "长期坚持", "recurring": "周期性要求"}


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


def _sync_tasks(plan: Plan, *, actor) -> int:
    from tasks.models import Task

    links = (MeasureUnit.objects.filter(measure__plan=plan, measure__actionable=True)
             .select_related("measure", "unit").order_by("measure__order", "order"))
    wanted: dict[tuple[int, int], tuple[Measure, Unit, str]] = {}
    for link in links:
        for unit in _expand(link.unit):
            key = (link.measure_id, unit.pk)
            if key not in wanted or link.role == UnitRole.LEAD:
                wanted[key] = (link.measure, unit, link.role)
    existing = {(t.measure_id, t.unit_id): t for t in Task.objects.filter(measure__plan=plan)}
    new = [Task(measure=m, unit=u, role=role, deadline=m.deadline, ongoing=m.ongoing or m.deadline is None,
                recurring=m.recurring) for key, (m, u, role) in wanted.items() if key not in existing]
    Task.objects.bulk_create(new, batch_size=500)
    for key, (m, u, role) in wanted.items():
        t = existing.get(key)
        if t and (t.role, t.deadline, t.recurring) != (role, m.deadline, m.recurring):
            before = {"role": t.role, "deadline": str(t.deadline) if t.deadline else None}
            t.role, t.deadline, t.recurring, t.ongoing = role, m.deadline, m.recurring, m.ongoing or m.deadline is None
            t.version += 1
            t.save(update_fields=["role", "deadline", "recurring", "ongoing", "version"])
            audit(actor=actor, action="task_update_from_plan", obj=t, task=t, before=before,
                  after={"role": role, "deadline": str(m.deadline) if m.deadline else None})
    return len(new)


@transaction.atomic
def plan_publish(*, plan: Plan, actor) -> int:
    """Publish a reviewed plan: one task per (actionable measure, unit). Returns tasks created."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    unmapped = sorted(set(MeasureUnit.objects.filter(measure__plan=plan, measure__actionable=True, unit__isnull=True)
                          .values_list("name_as_printed", flat=True)))
    if unmapped:
        raise PlanImportError("以下单位尚未对应到单位名录，请先映射或新建后再发布：" + "、".join(unmapped))
    if plan.status == PlanStatus.ARCHIVED:
        raise PlanImportError("已归档的方案不能发布。")
    created = _sync_tasks(plan, actor=actor)
    if plan.status != PlanStatus.PUBLISHED:
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = timezone.now()
        plan.version += 1
        plan.save(update_fields=["status", "published_at", "version"])
    audit(actor=actor, action="plan_publish", obj=plan, after={"tasks_created": created})
    return created


# --- Import jobs (browser upload) ----------------------------------------------------

def import_job_create(*, region: Region, upload, actor) -> "ImportJob":
    """Store the upload and queue its parsing; the job runs once the transaction commits."""
    from django.conf import settings

    from .jobs import parse_import_job

    if upload.size > settings.PLAN_UPLOAD_MAX_BYTES:
        raise PlanImportError(f"文件过大（{upload.size / 1024 / 1024:.1f} MB），方案文件不能超过 50 MB。")
    if upload.size == 0:
        raise PlanImportError("文件是空的，请检查后重新上传。")
    with transaction.atomic():
        job = ImportJob(region=region, original_name=upload.name[:255], size=upload.size, created_by=actor)
        job.file.save(upload.name, upload, save=False)
        job.save()
        parse_import_job.delay_on_commit(job.pk)
    return job


def import_job_run(*, job_id: int) -> None:
    """Body of the parse job: parse, then store all-or-nothing; the job row records the outcome."""
    from .importers import ImportRefused, parse_bytes

    job = ImportJob.objects.select_related("region", "created_by").get(pk=job_id)
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        ImportJob.objects.filter(pk=job.pk).update(progress=20)
        tree = parse_bytes(data, job.original_name, known_units=unit_names_for_parser(job.region))
        ImportJob.objects.filter(pk=job.pk).update(progress=70)
        result = plan_import(tree=tree, region=job.region, source_name=job.original_name, source_bytes=data,
                             actor=job.created_by)
    except (ImportRefused, PlanImportError) as exc:
        # a refused file is of no further use and may be hostile: it does not stay on disk (the job row
        # keeps its name, size and the reason); a crash keeps it, for the administrator to look at
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, progress=100, file="",
                                                   message=exc.message, finished_at=timezone.now())
        return
    except Exception:  # noqa: BLE001 — the admin must see that it failed, not a spinner forever
        log.exception("import job %s crashed", job_id)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, progress=100, finished_at=timezone.now(),
            message="解析时发生内部错误，未导入任何内容。请将文件发给系统管理员排查。")
        return
    if result.unchanged:
        message = "该文件与已导入的方案完全相同，没有任何修改。"
    elif result.created:
        message = f"已识别 {result.plan.measures.count()} 项，方案已保存为草稿，请审核后发布。"
    else:
        message = "已按新文件更新方案：" + "；".join(result.diff.as_lines())
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, progress=100, plan=result.plan, message=message,
        warnings=tree.get("warnings") or [], unknown_units=result.unknown_units,
        diff=result.diff.as_lines() if not result.created else [], finished_at=timezone.now())


# --- Review edits ------------------------------------------------------------------------

class StaleEditError(PlanImportError):
    pass


@transaction.atomic
def measure_update(*, measure: Measure, actor, expected_version: int, data: dict) -> Measure:
    """Edit one measure on the review page. A stale form (someone saved in between) is refused."""
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.version != expected_version:
        raise StaleEditError(f"第 {current.path} 项已被其他人修改（当前标题：“{current.title}”），"
                             "请刷新页面查看最新内容后再修改。")
    before = _measure_snapshot(current)
    for f in ("title", "text", "actionable", "deadline", "deadline_text", "ongoing"):
        if f in data:
            setattr(current, f, data[f])
    current.version += 1
    current.full_clean(exclude=["plan", "parent"])
    current.save()
    if "lead_units" in data or "co_units" in data:
        registry = UnitRegistry(current.plan.region)
        rows = _unit_rows({"lead_units": data.get("lead_units", []), "co_units": data.get("co_units", [])})
        current.unit_links.all().delete()
        MeasureUnit.objects.bulk_create([
            MeasureUnit(measure=current, name_as_printed=n, unit=registry.resolve(n), role=r, order=i)
            for i, (n, r) in enumerate(rows)])
    if "targets" in data:
        rows = [dict(t, deadline=current.deadline, order=i, text=t.get("text", "")) for i, t in
                enumerate(data["targets"])]
        _replace_targets(current, rows, current.path)
    from .search import reindex_measures

    reindex_measures(Measure.objects.filter(pk=current.pk))
    audit(actor=actor, action="measure_update", obj=current, before=before, after=_measure_snapshot(current))
    return current


def _measure_snapshot(m: Measure) -> dict:
    return {
        "title": m.title, "actionable": m.actionable, "deadline": m.deadline.isoformat() if m.deadline else None,
        "units": [f"{u.name_as_printed}:{u.role}" for u in m.unit_links.all()],
        "targets": [f"{t.metric}{t.op}{t.value}{t.unit}" for t in m.targets.all()],
    }


@transaction.atomic
def unit_map(*, region: Region, name_as_printed: str, actor, unit: Unit | None = None,
             create_kind: str | None = None) -> Unit:
    """Map an unknown name to an existing unit (as an alias) or create a unit of that name."""
    if unit is None:
        unit = unit_create(region=region, name=name_as_printed, kind=create_kind or UnitKind.DEPARTMENT, actor=actor)
        MeasureUnit.objects.filter(unit__isnull=True, name_as_printed=name_as_printed,
                                   measure__plan__region=region).update(unit=unit)
        return unit
    if unit.name != name_as_printed:
        unit_alias_add(unit=unit, alias=name_as_printed, actor=actor)
    MeasureUnit.objects.filter(unit__isnull=True, name_as_printed=name_as_printed,
                               measure__plan__region=region).update(unit=unit)
    return unit
