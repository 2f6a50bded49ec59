"""Quantitative targets of a measure and their readings per period. Attainment is computed."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .choices import Op


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
    # Denormalised from the newest TargetReading (by period, recorded_at, id), NULL before the
    # first: 达标 of every target on a dashboard, list or 通报 reads it, and one column beats one
    # subquery per target. Kept by TargetReading.save() and the delete signal below, and by
    # refresh_latest_reading after a bulk load.
    latest_value = models.DecimalField("最新实际值", max_digits=20, decimal_places=4, null=True, blank=True,
                                       editable=False)
    latest_period = models.DateField("最新实际值周期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["measure", "order"]

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


class TargetReading(models.Model):
    """An actual value reported for a target in one period, by the unit's report that carried it."""

    target = models.ForeignKey(Target, verbose_name="指标", on_delete=models.CASCADE, related_name="readings")
    report = models.ForeignKey("tasks.ProgressReport", verbose_name="进展报告", on_delete=models.CASCADE,
                               related_name="readings")
    period = models.DateField("周期")
    value = models.DecimalField("实际值", max_digits=20, decimal_places=4)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标实际值"
        ordering = ["target", "-period", "-recorded_at"]
        constraints = [models.UniqueConstraint(fields=["target", "report"], name="reading_unique_per_report")]
        indexes = [models.Index(fields=["target", "period"], name="reading_target_period")]

    @property
    def met(self) -> bool | None:
        return self.target.is_met_by(self.value)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_latest_reading(Target.objects.filter(pk=self.target_id))


def refresh_latest_reading(targets: models.QuerySet) -> int:
    """Set Target.latest_value and latest_period of `targets` from their newest reading (one UPDATE)."""
    newest = TargetReading.objects.filter(target_id=models.OuterRef("pk")).order_by("-period", "-recorded_at", "-id")
    return targets.update(latest_value=models.Subquery(newest.values("value")[:1]),
                          latest_period=models.Subquery(newest.values("period")[:1]))


@receiver(post_delete, sender=TargetReading)
def _reading_deleted(sender, instance: TargetReading, **kwargs) -> None:
    # A reading goes with its report (a task removed by a plan revision) or its target: the target's
    # latest reading may now be an older one.
    refresh_latest_reading(Target.objects.filter(pk=instance.target_id))
