"""Quantitative targets of a measure. Attainment (达标) is computed from the latest reading, which
the progress reports' readings (tasks.TargetReading) keep on the target."""
from __future__ import annotations

from decimal import Decimal

from django.db import models

from .choices import Op
from .querysets import TargetQuerySet


class Target(models.Model):
    """指标: e.g. 全程网办率 ≥ 90 %, baseline 44, by 2026-12-31."""

    measure = models.ForeignKey("plans.Measure", verbose_name="措施", on_delete=models.CASCADE,
                                related_name="targets")
    text = models.CharField("原文", max_length=500)
    metric = models.CharField("指标名称", max_length=200)
    op = models.CharField("比较", max_length=2, choices=Op.choices)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    unit = models.CharField("单位", max_length=30, blank=True)
    baseline = models.DecimalField("基数", max_digits=20, decimal_places=4, null=True, blank=True)
    deadline = models.DateField("期限", null=True, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    # Denormalised from the newest reading (tasks.TargetReading, by period, recorded_at, id), NULL
    # before the first: 达标 of every target on a dashboard, list or 通报 reads it, and one column
    # beats one subquery per target. Kept by TargetReading.save() and its delete signal, and by
    # tasks.models.refresh_latest_reading after a bulk load.
    latest_value = models.DecimalField("最新实际值", max_digits=20, decimal_places=4, null=True, blank=True,
                                       editable=False)
    latest_period = models.DateField("最新实际值周期", null=True, blank=True, editable=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        # on the key column: naming the relation would order by ITS ordering, joining up to the plan
        ordering = ["measure_id", "order"]

    def __str__(self) -> str:
        return f"{self.metric} {self.get_op_display()} {self.value.normalize():f}{self.unit}"

    def is_met_by(self, actual: Decimal | None) -> bool | None:
        """达标: None when there is no reading."""
        if actual is None:
            return None
        return {
            Op.GE: actual >= self.value,
            Op.LE: actual <= self.value,
            Op.EQ: actual == self.value,
            Op.GT: actual > self.value,
            Op.LT: actual < self.value,
        }[Op(self.op)]
