"""The unit registry: resolving names as printed, creating regions, units and aliases."""
from __future__ import annotations

from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit

from ..choices import UnitKind
from ..models import MeasureUnit, Region, Unit, UnitAlias
from ..unitnames import is_catch_all, suggest


class PlanImportError(Exception):
    """Raised with a Chinese message when a parsed tree cannot be stored; nothing is written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleEditError(PlanImportError):
    """A review edit made on a stale form: someone else saved the measure since it was opened."""


class UnitRegistry:
    """Resolves unit names as printed to units of a region (names and aliases, this region first,
    then its ancestors). Built once per import: a dict lookup per name."""

    def __init__(self, region: Region):
        regions = []
        r: Region | None = region
        while r is not None:
            regions.append(r.pk)
            r = r.parent
        self._by_name: dict[str, Unit] = {}
        # Ancestors first so that the region's own units win on a clash.
        for rid in reversed(regions):
            for unit in Unit.objects.filter(region_id=rid, is_active=True):
                self._by_name[unit.name] = unit
            for alias in UnitAlias.objects.filter(unit__region_id=rid, unit__is_active=True).select_related("unit"):
                self._by_name[alias.alias] = alias.unit

    def resolve(self, name: str) -> Unit | None:
        return self._by_name.get(name)

    def suggest(self, name: str) -> Unit | None:
        """The registered unit an unknown name most likely abbreviates or spells out (a rule on the
        characters, plans.unitnames.suggest), for the review page to preselect."""
        return suggest(name, self._by_name.items())

    def names(self) -> list[str]:
        return list(self._by_name)


def unit_names_for_parser(region: Region) -> list[str]:
    return UnitRegistry(region).names()


@transaction.atomic
def region_create(*, name: str, code: str, parent: Region | None = None, actor=None) -> Region:
    """A new administrative area (the upload form offers it when the plan's region is missing)."""
    region = Region(name=name.strip(), code=code.strip(), parent=parent)
    try:
        region.full_clean()
    except ValidationError as exc:
        raise PlanImportError(_messages(exc)) from exc
    region.save()
    audit(actor=actor, action="region_create", obj=region,
          after={"name": region.name, "code": region.code, "parent": parent.name if parent else None})
    return region


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for ms in exc.message_dict.values() for m in ms)
    return "；".join(exc.messages)


@transaction.atomic
def unit_create(*, region: Region, name: str, kind: str = UnitKind.DEPARTMENT, actor=None,
                aliases: Iterable[str] = ()) -> Unit:
    if is_catch_all(name):
        raise PlanImportError(f"“{name}”是泛指（如“各有关单位”），不是一个具体单位，不能新建。"
                              "请在措施中写明责任单位。")
    unit = Unit(region=region, name=name.strip(), kind=kind)
    unit.full_clean()
    unit.save()
    for a in aliases:
        UnitAlias.objects.create(unit=unit, alias=a)
    audit(actor=actor, action="unit_create", obj=unit, after={"name": unit.name, "kind": kind})
    return unit


@transaction.atomic
def unit_alias_add(*, unit: Unit, alias: str, actor=None) -> UnitAlias:
    obj, created = UnitAlias.objects.get_or_create(unit=unit, alias=alias.strip())
    if created:
        audit(actor=actor, action="unit_alias_add", obj=unit, after={"alias": obj.alias})
        # Measures waiting for this name are mapped now.
        MeasureUnit.objects.filter(unit__isnull=True, name_as_printed=obj.alias,
                                   measure__plan__region=unit.region).update(unit=unit)
    return obj


# --- Import -----------------------------------------------------------------------

