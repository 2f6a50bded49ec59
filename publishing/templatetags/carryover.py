"""Carry-over on the pages: the 延续自 links of a plan's measures (review page, with confirm / reject
forms), a measure's history across years (task page) and a plan's dropped commitments (plan page).

The plan pages' views live in plans (a lower layer, moved about by other work): these tags let their
templates show carry-over without the views knowing about it, one query per page, not per measure."""
from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def carryover_map(plan) -> dict:
    """{measure id: [MeasureLink, ...]} for the measures of `plan` (all statuses, best first)."""
    from ..carryover import links_by_measure

    return links_by_measure(plan)


@register.inclusion_tag("publishing/_carryover_links.html", takes_context=True)
def carryover_links(context, carry: dict, measure):
    """A measure's 延续自 links with confirm / reject buttons (plain POST forms: the site runs a CSP)."""
    return {"m": measure, "links": (carry or {}).get(measure.pk, []), "csrf_token": context.get("csrf_token")}


@register.filter
def article_number(measure) -> str:
    from ..carryover import article_number as number

    return number(measure)


@register.inclusion_tag("publishing/_measure_history.html", takes_context=True)
def measure_history(context, measure):
    """The chain of a measure across plan years, each year with its tasks' statuses."""
    from ..carryover import measure_history as history

    request = context.get("request")
    return {"m": measure, "chain": history(measure, user=getattr(request, "user", None))}


@register.inclusion_tag("publishing/_dropped_commitments.html", takes_context=True)
def dropped_commitments_section(context, plan, limit: int = 200):
    from ..carryover import dropped_commitment_rows, has_earlier_plans

    if not has_earlier_plans(plan):  # a first plan drops nothing: no section
        return {"plan": plan, "show": False}
    request = context.get("request")
    rows = dropped_commitment_rows(plan, user=getattr(request, "user", None))
    return {"plan": plan, "show": True, "rows": rows[:limit], "total": len(rows), "limit": limit}
