"""Query vocabulary for plans and units, and the one place that says who may see what.

`scope_of(user)` reads a user's role, unit and regions once per request (cached on the user object);
every `visible_to` / `editable_by` across the apps builds on it, so pages, API and exports agree.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q

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
    """The region and every region below it: one recursive query (django-tree-queries, Region.objects)."""
    Region = apps.get_model("plans", "Region")  # models.py imports this module
    return frozenset(Region.objects.descendants(region_id, include_self=True).values_list("id", flat=True))


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated:
        return NOBODY
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(role=Role.ADMIN, unit_id=None, region_ids=frozenset())
    else:
        Membership = apps.get_model("plans", "Membership")
        rel = Membership._meta.get_field("user").remote_field
        if rel.is_cached(user):  # read with the user (plans.backends.MemberBackend)
            m = rel.get_cached_value(user)
        else:
            m = Membership.objects.filter(user=user).select_related("unit").first()
            # user.membership (the header's unit and role) reads this row, not a second query
            rel.set_cached_value(user, m)
        if m is None:
            scope = NOBODY
        elif m.role == Role.SUPERVISOR:
            scope = Scope(role=m.role, unit_id=m.unit_id, region_ids=region_descendants(m.unit.region_id))
        else:
            scope = Scope(role=m.role, unit_id=m.unit_id, region_ids=frozenset({m.unit.region_id}))
    user._scope_cache = scope
    return scope


def by_scope(qs: models.QuerySet, user, *, region_field: str, member: Callable[[Scope], Q]) -> models.QuerySet:
    """The ladder a visible_to climbs: an admin sees everything, a supervisor what lies in their
    regions (`region_field`), a member of a unit what `member(scope)` selects, anyone else nothing."""
    scope = scope_of(user)
    if scope.is_admin:
        return qs
    if scope.is_supervisor:
        return qs.filter(**{f"{region_field}__in": scope.region_ids})
    if scope.role is None:
        return qs.none()
    return qs.filter(member(scope))


def _plan_ids_of_unit(unit_id: int | None):
    # The plans a unit has work in are those its tasks belong to. Tasks sit in a layer above this
    # one: they are read through the app registry by name, never imported.
    return apps.get_model("tasks", "Task").objects.filter(unit_id=unit_id).values("plan_id")


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnitQuerySet:
        return by_scope(self, user, region_field="region_id", member=lambda scope: Q(region_id__in=scope.region_ids))


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
