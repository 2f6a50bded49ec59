"""Use cases that write the ground, by use case: `units` (the registry of names as printed, regions,
units and aliases) and `members` (memberships, the supervisors' admin group). Plans and measures are
written by the import → review → publish pipeline in `publishing.services`."""
from .members import (SUPERVISOR_ADMIN_GROUP, SUPERVISOR_ADMIN_PERMISSIONS, membership_delete, membership_save,
                      supervisor_admin_group_sync)
from .units import PlanImportError, StaleEditError, UnitRegistry, region_create, unit_alias_add, unit_create, unit_names_for_parser

__all__ = [
    "SUPERVISOR_ADMIN_GROUP", "SUPERVISOR_ADMIN_PERMISSIONS", "membership_delete", "membership_save",
    "supervisor_admin_group_sync",
    "PlanImportError", "StaleEditError", "UnitRegistry", "region_create", "unit_alias_add", "unit_create", "unit_names_for_parser",
]
