"""Who supervises: the one predicate behind every supervisor check (django-rules).

Pages (supervision.views, the dashboard, the task page), the API (IsSupervisor), the services
(supervision.services) and the templates (`{% load rules %}{% test_rule "supervises" user as x %}`)
all ask `supervises(user)`: a supervisor (督查) or an admin (管理员, also a superuser). Which tasks
they may supervise is still a queryset (Task.objects.visible_to). Loaded by rules'
AutodiscoverRulesConfig (settings INSTALLED_APPS)."""
from __future__ import annotations

import rules

from .querysets import scope_of


@rules.predicate
def supervises(user) -> bool:
    scope = scope_of(user)
    return scope.is_supervisor or scope.is_admin


rules.add_rule("supervises", supervises)
