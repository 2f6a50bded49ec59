"""达标 in SQL: each target's latest reading compared with its op and value (mirrors Target.is_met_by)."""
from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from .choices import Op
from .models import TargetReading


def with_latest_reading(qs: QuerySet, *, period: bool = True) -> QuerySet:
    """Annotate `latest_value` (None when there is no reading) and, unless period=False, `latest_period`."""
    latest = TargetReading.objects.filter(target_id=OuterRef("pk")).order_by("-period", "-recorded_at", "-id")
    qs = qs.annotate(latest_value=Subquery(latest.values("value")[:1]))
    return qs.annotate(latest_period=Subquery(latest.values("period")[:1])) if period else qs


def met_q() -> Q:
    """True for targets (annotated by with_latest_reading) whose latest reading meets the target."""
    return (Q(op=Op.GE, latest_value__gte=F("value")) | Q(op=Op.LE, latest_value__lte=F("value"))
            | Q(op=Op.EQ, latest_value=F("value")) | Q(op=Op.GT, latest_value__gt=F("value"))
            | Q(op=Op.LT, latest_value__lt=F("value")))


def unmet_q() -> Q:
    return Q(latest_value__isnull=False) & ~met_q()
