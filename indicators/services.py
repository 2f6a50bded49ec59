"""Use cases of the national indicators: an admin corrects a measure's indicators (review page)."""
from __future__ import annotations

from django.db import transaction

from plans.choices import NationalIndicator
from plans.models import Measure
from plans.services import PlanImportError, StaleEditError, audit

MAX_SECONDARY = 2


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
