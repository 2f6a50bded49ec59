"""达标 in SQL: each target's latest reading compared with its op and value (mirrors Target.is_met_by)."""
from __future__ import annotations

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.lookups import Exact

from .choices import Op
from .models import TargetReading


def with_latest_reading(qs: QuerySet, *, period: bool = True) -> QuerySet:
    """Annotate `latest_value` (None when there is no reading) and, unless period=False, `latest_period`."""
    latest = TargetReading.objects.filter(target_id=OuterRef("pk")).order_by("-period", "-recorded_at", "-id")
    qs = qs.annotate(latest_value=Subquery(latest.values("value")[:1]))
    return qs.annotate(latest_period=Subquery(latest.values("period")[:1])) if period else qs


def _meets(actual: str, op, value) -> Q:
    """`actual` (a field) meets `op` and `value` (expressions: the target's fields, by F or OuterRef)."""
    def when(o: str, lookup: str) -> Q:
        return Q(Exact(op, Value(o))) & Q(**{f"{actual}__{lookup}": value})

    return (when(Op.GE, "gte") | when(Op.LE, "lte") | when(Op.EQ, "exact") | when(Op.GT, "gt")
            | when(Op.LT, "lt"))


def reading_met_q() -> Q:
    """On TargetReading rows: the reading meets its target."""
    return _meets("value", F("target__op"), F("target__value"))


def with_latest_met(qs: QuerySet) -> QuerySet:
    """Annotate `latest_met`: True/False for the latest reading, None when there is none. One
    subquery per target (latest_value + met_q repeats the subquery in every comparison), comparing
    with the outer target's op and value rather than joining the target again."""
    met = _meets("value", OuterRef("op"), OuterRef("value"))
    latest = (TargetReading.objects.filter(target_id=OuterRef("pk")).order_by("-period", "-recorded_at", "-id")
              .annotate(met=Case(When(met, then=Value(True)), default=Value(False), output_field=BooleanField())))
    return qs.annotate(latest_met=Subquery(latest.values("met")[:1], output_field=BooleanField()))


def met_q() -> Q:
    """True for targets (annotated by with_latest_reading) whose latest reading meets the target."""
    return _meets("latest_value", F("op"), F("value"))


def unmet_q() -> Q:
    return Q(latest_value__isnull=False) & ~met_q()
