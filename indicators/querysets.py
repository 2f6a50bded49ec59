"""Query vocabulary of targets. 达标 in SQL: each target's latest reading (stored on the target)
compared with its op and value (mirrors Target.is_met_by)."""
from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.db.models.lookups import Exact

from .choices import Op


def _meets(actual: str, op, value) -> Q:
    """`actual` (a field) meets `op` and `value` (expressions: the target's fields, by F or OuterRef)."""
    def when(o: str, lookup: str) -> Q:
        return Q(Exact(op, Value(o))) & Q(**{f"{actual}__{lookup}": value})

    return (when(Op.GE, "gte") | when(Op.LE, "lte") | when(Op.EQ, "exact") | when(Op.GT, "gt")
            | when(Op.LT, "lt"))


def with_latest_met(qs: QuerySet) -> QuerySet:
    """Annotate `latest_met`: True/False for the latest reading, None when there is none."""
    return qs.annotate(latest_met=Case(When(latest_value__isnull=True, then=Value(None)),
                                       When(met_q(), then=Value(True)),
                                       default=Value(False), output_field=BooleanField()))


def met_q() -> Q:
    """True for targets whose latest reading meets the target."""
    return _meets("latest_value", F("op"), F("value"))


class TargetQuerySet(models.QuerySet):
    def met(self) -> TargetQuerySet:
        """达标: the latest reading meets the target."""
        return self.filter(met_q())

    def unmet(self) -> TargetQuerySet:
        """未达标: there is a reading and the latest does not meet the target."""
        return self.filter(latest_value__isnull=False).exclude(met_q())

    def with_latest_met(self) -> TargetQuerySet:
        return with_latest_met(self)
