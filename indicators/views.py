"""Correct a measure's national indicators (linked from the plan review page; admins)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from plans.models import Measure, Plan
from plans.services import PlanImportError

from .forms import MeasureIndicatorForm
from .mapping import suggest
from .services import measure_indicator_set


@login_required
def measure_indicator(request, pk: int):
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk, withdrawn_at=None,
                                plan__in=Plan.objects.editable_by(request.user))
    secondary = list(measure.indicator_secondary or []) + ["", ""]
    form = MeasureIndicatorForm(request.POST or None, initial={
        "version": measure.version, "primary": measure.indicator_primary,
        "secondary_1": secondary[0], "secondary_2": secondary[1]})
    if request.method == "POST" and form.is_valid():
        try:
            measure_indicator_set(measure=measure, actor=request.user, expected_version=form.cleaned_data["version"],
                                  primary=form.cleaned_data["primary"], secondary=form.secondary())
        except PlanImportError as exc:  # IndicatorEditError, or a stale form (StaleEditError)
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"第 {measure.path} 项的评价指标已保存。")
            return redirect(reverse("plans:review", args=[measure.plan_id]) + f"#m{measure.pk}")
    return render(request, "indicators/measure_indicator.html", {
        "measure": measure, "form": form, "suggested": suggest(measure.title, measure.text)})
