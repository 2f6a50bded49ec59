"""Use cases that write targets: a measure's targets replaced from an import or the review page,
and deadlines copied from the measures."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import OuterRef, Subquery

from plans.models import Measure
from plans.services import PlanImportError

from .choices import Op
from .models import Target


def target_text(t: dict) -> str:
    """A target typed on the review page has no original text: say it in words."""
    value = t.get("value")
    value = f"{Decimal(str(value)).normalize():f}" if value not in (None, "") else ""
    op = dict(Op.choices).get(t.get("op"), t.get("op") or "")
    return f"{t.get('metric') or '指标'}{op}{value}{t.get('unit') or ''}"


def targets_replace(measure: Measure, rows: list[dict], path: str) -> None:
    """Make `measure`'s targets the `rows` (matched by order). A target with readings is never
    deleted: the write is refused (PlanImportError), and the caller's transaction with it."""
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


def targets_follow_deadlines(plan) -> int:
    """Copy each measure's deadline to its targets (plan_propagate, on every write to a plan)."""
    return Target.objects.filter(measure__plan=plan).update(
        deadline=Subquery(Measure.objects.filter(pk=OuterRef("measure_id")).values("deadline")[:1]))
