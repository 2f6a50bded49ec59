"""Who acts for which unit (memberships, audited) and what supervisors may read in the Django admin."""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from audit.services import audit

from ..models import Membership


def _membership_snapshot(m: Membership) -> dict:
    return {"user": m.user.get_username(), "unit_id": m.unit_id, "unit": m.unit.name, "role": m.role,
            "phone": m.phone}


@transaction.atomic
def membership_save(*, membership: Membership, actor=None) -> Membership:
    """Create or change a membership, audited. A user's unit and role decide what they see, so
    every change is traced like a change to a task."""
    before = None
    if membership.pk:
        old = Membership.objects.select_related("user", "unit").filter(pk=membership.pk).first()
        before = _membership_snapshot(old) if old else None
    membership.save()
    after = _membership_snapshot(membership)
    if before != after:
        audit(actor=actor, action="membership_update" if before else "membership_create", obj=membership,
              before=before, after=after)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, actor=None) -> None:
    pk, before = membership.pk, _membership_snapshot(membership)
    membership.delete()
    audit(actor=actor, action="membership_delete", obj=membership, object_id=pk, before=before)


# --- The supervisors' read-only admin ------------------------------------------------


SUPERVISOR_ADMIN_GROUP = "督查（只读后台）"
# What supervisors may look at in the Django admin: an explicit allow-list, so a model added later
# (or a third-party one: API tokens, users, sessions, lockouts) is never readable by default.
# Deliberately absent: users, groups, tokens, robot settings (ChannelConfig holds webhook keys and
# signing secrets), the outbox and delivery log (errors may quote a webhook), drafts (personal),
# evidence and export files, the audit log (login and IP records are for administrators).
SUPERVISOR_ADMIN_PERMISSIONS = [
    "plans.view_region", "plans.view_unit", "plans.view_unitalias", "plans.view_membership",
    "plans.view_plan", "plans.view_measure", "plans.view_measureunit",
    "tasks.view_task", "tasks.view_progressreport", "tasks.view_extensionrequest",
    "tasks.view_completionapplication",
    "indicators.view_target", "tasks.view_targetreading",
    "supervision.view_urge", "supervision.view_escalation", "supervision.view_reminder",
]


def supervisor_admin_group_sync(*, create: bool = True):
    """Give the supervisors' admin group exactly SUPERVISOR_ADMIN_PERMISSIONS (run by seed_demo
    and after every migrate, so an existing group that once had every view_* permission is fixed)."""
    group = (Group.objects.get_or_create(name=SUPERVISOR_ADMIN_GROUP)[0] if create
             else Group.objects.filter(name=SUPERVISOR_ADMIN_GROUP).first())
    if group is None:
        return None
    wanted = Q(pk__in=[])
    for perm in SUPERVISOR_ADMIN_PERMISSIONS:
        app_label, codename = perm.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


