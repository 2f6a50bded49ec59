"""Importing a plan: a parsed tree stored all-or-nothing (a new plan, or a revision of one matched
by title), from the command line or from a browser upload run as a background job."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit
from background.services import JobRun, job_enqueue, job_run, lease
from indicators.services import target_text, targets_replace
from plans.choices import PlanStatus
from plans.importers import ImportRefused, parse_bytes
from plans.models import Measure, MeasureUnit, Plan, Region
from plans.search import reindex_measures
from plans.services.units import PlanImportError, UnitRegistry, unit_names_for_parser

from ..carryover import carryover_suggest
from ..models import ImportJob
from .revisions import _measures_remove, _unit_rows, plan_propagate


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



def _target_rows(item: dict, path: str, deadline: dt.date | None) -> list[dict]:
    rows = []
    for i, t in enumerate(item.get("targets") or []):
        value = _decimal(t.get("value"), f"第 {path} 项的指标")
        if value is None or t.get("op") not in {">=", "<=", "=", ">", "<"}:
            raise PlanImportError(f"第 {path} 项的指标“{t.get('text', '')}”缺少比较符或目标值")
        rows.append({"text": (t.get("text") or target_text(t))[:500], "metric": (t.get("metric") or t.get("text") or "指标")[:200], "op": t["op"],
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
            targets_replace(measure, targets, path)
        if path in old and changed_fields:
            diff.changed.append((path, [_FIELD_LABELS.get(f, f) for f in changed_fields]))

    removed = [m for p, m in old.items() if p not in seen_paths and m.withdrawn_at is None]
    _measures_remove(removed, diff=diff)
    reindex_measures(plan.measures.all())
    tasks = plan_propagate(plan=plan, actor=actor)
    audit(actor=actor, action="plan_import" if created else "plan_reimport", obj=plan,
          after={"source": source_name, "sha256": sha, "diff": diff.as_lines(), "tasks": tasks.as_lines()})
    # carry-over links to earlier plans, in the same transaction: all-or-nothing holds for them too
    carryover_suggest(plan=plan, actor=actor)
    return ImportResult(plan=plan, created=created, unchanged=False, diff=diff, unknown_units=unknown,
                        task_changes=tasks.as_lines())


_FIELD_LABELS = {"title": "标题", "text": "正文", "actionable": "是否任务项", "level": "层级", "label": "编号",
                 "deadline_text": "时限原文", "deadline": "完成时限", "ongoing": "长期坚持", "recurring": "周期性要求",
                 "indicator_primary": "主要评价指标", "indicator_secondary": "次要评价指标"}



# --- Import jobs (browser upload) ----------------------------------------------------

def import_job_create(*, region: Region, upload, actor) -> "ImportJob":
    """Store the upload and queue its parsing; the job runs once the transaction commits."""
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


