"""Use cases of the national indicators and the targets: a measure's targets replaced from an import
or the review page, deadlines copied from the measures, and an admin's correction of a measure's
indicators (review page)."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery

from audit.services import audit
from plans.choices import NationalIndicator
from plans.models import Measure
from plans.services import PlanImportError, StaleEditError

from .choices import Op
from .models import Target

MAX_SECONDARY = 2


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


class IndicatorEditError(PlanImportError):
    """A refused correction, with the Chinese message the page shows."""


@transaction.atomic
def measure_indicator_set(*, measure: Measure, actor, expected_version: int, primary: str,
                          secondary: list[str]) -> Measure:
    """Set a measure's primary indicator (one of the 18 一级指标 or 其他; blank: not labelled) and up to
    two secondary ones. A stale form is refused (the measure's optimistic lock, as for any review
    edit); audited with before and after."""
    valid = set(NationalIndicator.values)
    secondary = list(dict.fromkeys(s for s in secondary if s and s != primary))
    if primary and primary not in valid or any(s not in valid for s in secondary):
        raise IndicatorEditError("未保存：请从列表中选择国家营商环境评价指标。")
    if len(secondary) > MAX_SECONDARY:
        raise IndicatorEditError(f"未保存：次要指标最多 {MAX_SECONDARY} 个。")
    if secondary and not primary:
        raise IndicatorEditError("未保存：请先选择主要指标。")
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.version != expected_version:
        raise StaleEditError(f"第 {current.path} 项已被其他人修改（当前标题：“{current.title}”），"
                             "请刷新页面查看最新内容后再修改。")
    before = {"indicator_primary": current.indicator_primary, "indicator_secondary": current.indicator_secondary}
    current.indicator_primary, current.indicator_secondary = primary, secondary
    current.version += 1
    current.save(update_fields=["indicator_primary", "indicator_secondary", "version"])
    audit(actor=actor, action="measure_indicator_set", obj=current, before=before,
          after={"indicator_primary": primary, "indicator_secondary": secondary})
    return current
