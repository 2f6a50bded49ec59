"""Carry-over pages: confirm / reject a 延续自 link on the review page, a plan's dropped commitments."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plans.models import Plan

from .carryover import article_number, measure_link_decide
from .models import MeasureLink


@login_required
@require_POST
def link_decide(request, pk: int):
    """POST decision=confirm|reject from the review page (admins: those who may edit the plan)."""
    link = get_object_or_404(MeasureLink.objects.select_related("measure", "predecessor__plan"), pk=pk,
                             measure__plan__in=Plan.objects.editable_by(request.user))
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        messages.error(request, "未保存：请选择“确认”或“否定”。")
    else:
        measure_link_decide(link=link, actor=request.user, confirm=decision == "confirm")
        where = f"{link.predecessor.plan.year}年方案 {article_number(link.predecessor)}"
        messages.success(request, f"第 {link.measure.path} 项：已{'确认' if decision == 'confirm' else '否定'}“延续自 {where}”。")
    return redirect(reverse("plans:review", args=[link.measure.plan_id]) + f"#m{link.measure_id}")


@login_required
def dropped(request, pk: int):
    """The earlier measures with unfinished tasks that no measure of this plan continues."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("region"), pk=pk)
    return render(request, "publishing/dropped.html", {"plan": plan})
