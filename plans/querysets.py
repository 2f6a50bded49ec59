"""Query vocabulary for plans and units, and the one place that says who may see what.

`scope_of(user)` reads a user's role, unit and regions once per request (cached on the user object);
every `visible_to` / `editable_by` across the apps builds on it, so pages, API and exports agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from .choices import PlanStatus, Role


@dataclass(frozen=True)
class Scope:
    role: str | None  # None: anonymous or no membership → sees nothing
    unit_id: int | None
    region_ids: frozenset[int]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR


NOBODY = Scope(role=None, unit_id=None, region_ids=frozenset())


def region_descendants(region_id: int) -> frozenset[int]:
    Region = apps.get_model("plans", "Region")  # models.py imports this module
    pairs = list(Region.objects.values_list("id", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for rid, parent in pairs:
        children.setdefault(parent, []).append(rid)
    out, stack = {region_id}, [region_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return frozenset(out)


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated:
        return NOBODY
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(role=Role.ADMIN, unit_id=None, region_ids=frozenset())
    else:
        m = apps.get_model("plans", "Membership").objects.filter(user=user).select_related("unit").first()
        if m is None:
            scope = NOBODY
        elif m.role == Role.SUPERVISOR:
            scope = Scope(role=m.role, unit_id=m.unit_id, region_ids=region_descendants(m.unit.region_id))
        else:
            scope = Scope(role=m.role, unit_id=m.unit_id, region_ids=frozenset({m.unit.region_id}))
    user._scope_cache = scope
    return scope


def _plan_ids_of_unit(unit_id: int | None):
    # The plans a unit has work in are those its tasks belong to. Tasks sit in a layer above this
    # one: they are read through the app registry by name, never imported.
    return apps.get_model("tasks", "Task").objects.filter(unit_id=unit_id).values("plan_id")


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnitQuerySet:
        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.role is None:
            return self.none()
        return self.filter(region_id__in=scope.region_ids)


class PlanQuerySet(models.QuerySet):
    def published(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.PUBLISHED)

    def visible_to(self, user) -> PlanQuerySet:
        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.is_supervisor:
            return self.filter(region_id__in=scope.region_ids)
        if scope.role is None:
            return self.none()
        # Staff and unit heads read the published plans their unit has tasks in.
        return self.filter(status=PlanStatus.PUBLISHED, id__in=_plan_ids_of_unit(scope.unit_id))

    def editable_by(self, user) -> PlanQuerySet:
        return self if scope_of(user).is_admin else self.none()


class MeasureQuerySet(models.QuerySet):
    def live(self) -> MeasureQuerySet:
        """Not removed by a revision of the plan (a removed measure is kept for its tasks' sake)."""
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user) -> MeasureQuerySet:
        scope = scope_of(user)
        live = self.live()
        if scope.is_admin:
            return live
        if scope.is_supervisor:
            return live.filter(plan__region_id__in=scope.region_ids)
        if scope.role is None:
            return self.none()
        return live.filter(plan__status=PlanStatus.PUBLISHED, plan_id__in=_plan_ids_of_unit(scope.unit_id))
