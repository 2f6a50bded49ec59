from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from background.views import job_status_response

from .choices import PlanStatus
from .forms import SEP, ImportUploadForm, MeasureEditForm, TargetFormSet, UnitMapForm
from .models import ImportJob, Measure, MeasureUnit, Plan
from .querysets import scope_of
from .services import PlanImportError, StaleEditError, import_job_create, measure_update, plan_publish, unit_map


def _admin_only(request):
    if not scope_of(request.user).is_admin:
        raise Http404


@login_required
def plan_list(request):
    plans = (Plan.objects.visible_to(request.user).select_related("region")
             .annotate(measure_count=Count("measures")).order_by("-year", "title"))
    return render(request, "plans/plan_list.html", {"plans": plans, "can_import": scope_of(request.user).is_admin})


def _tree(plan: Plan):
    measures = list(plan.measures.prefetch_related(
        Prefetch("unit_links", queryset=MeasureUnit.objects.select_related("unit")), "targets").order_by("order"))
    children: dict[int | None, list] = {}
    for m in measures:
        children.setdefault(m.parent_id, []).append(m)
    for m in measures:
        m.child_list = children.get(m.id, [])
    return measures, children.get(None, [])


@login_required
def plan_detail(request, pk: int):
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("region"), pk=pk)
    _, roots = _tree(plan)
    return render(request, "plans/plan_detail.html", {"plan": plan, "roots": roots,
                                                      "can_review": scope_of(request.user).is_admin})


@login_required
def import_upload(request):
    _admin_only(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(region=form.cleaned_data["region"], upload=form.cleaned_data["file"],
                                    actor=request.user)
        except PlanImportError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("plans:import_status", pk=job.pk)
    jobs = ImportJob.objects.select_related("plan").order_by("-created_at")[:10]
    return render(request, "plans/import_upload.html", {"form": form, "jobs": jobs})


@login_required
def import_status(request, pk: int):
    job = get_object_or_404(ImportJob.visible_to(request.user).select_related("plan"), pk=pk)
    return job_status_response(request, job, template="plans/import_status.html",
                               review_url=reverse("plans:review", args=[job.plan_id]) if job.plan_id else None)


@login_required
def plan_review(request, pk: int):
    plan = get_object_or_404(Plan.objects.editable_by(request.user).select_related("region"), pk=pk)
    measures, roots = _tree(plan)
    job = plan.import_jobs.order_by("-created_at").first()
    unknown = sorted({link.name_as_printed for m in measures for link in m.unit_links.all() if link.unit_id is None})
    no_unit = [m for m in measures if m.actionable and not m.unit_links.all() and not m.child_list]
    map_forms = [UnitMapForm(region=plan.region, initial={"name": n}, prefix=f"u{i}") for i, n in enumerate(unknown)]
    return render(request, "plans/plan_review.html", {
        "plan": plan, "roots": roots, "job": job,
        # unknown units and missing units have their own tables above; the rest are shown as notes
        "warnings": [w for w in (job.warnings if job else []) if w.get("code") not in ("unknown_unit", "no_unit")],
        "unknown": list(zip(unknown, map_forms)), "no_unit": no_unit, "measure_count": len(measures),
        "actionable_count": sum(m.actionable for m in measures),
        "target_count": sum(len(m.targets.all()) for m in measures),
    })


@login_required
@require_POST
def unit_map_view(request, pk: int):
    plan = get_object_or_404(Plan.objects.editable_by(request.user), pk=pk)
    prefix = request.POST.get("prefix", "")
    form = UnitMapForm(request.POST, region=plan.region, prefix=prefix)
    if form.is_valid():
        name = form.cleaned_data["name"]
        unit = unit_map(region=plan.region, name_as_printed=name, actor=request.user, unit=form.cleaned_data["unit"],
                        create_kind=form.cleaned_data["kind"])
        messages.success(request, f"“{name}”已对应到单位“{unit.name}”。")
    else:
        messages.error(request, "单位映射未保存：请检查所选单位。")
    return redirect("plans:review", pk=plan.pk)


@login_required
def measure_edit(request, pk: int):
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk,
                                plan__in=Plan.objects.editable_by(request.user))
    links = list(measure.unit_links.all())
    initial = {
        "version": measure.version, "title": measure.title, "text": measure.text, "actionable": measure.actionable,
        "lead_units": SEP.join(u.name_as_printed for u in links if u.role == "lead"),
        "co_units": SEP.join(u.name_as_printed for u in links if u.role == "co"),
        "deadline": measure.deadline, "deadline_text": measure.deadline_text, "ongoing": measure.ongoing,
    }
    targets = [{"metric": t.metric, "op": t.op, "value": t.value.normalize(), "unit": t.unit,
                "baseline": t.baseline.normalize() if t.baseline is not None else None,
                "text": t.text} for t in measure.targets.all()]
    form = MeasureEditForm(request.POST or None, initial=initial)
    formset = TargetFormSet(request.POST or None, initial=targets, prefix="t")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        data["targets"] = [f.cleaned_data for f in formset.forms
                           if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        for t in data["targets"]:
            t.pop("DELETE", None)
        try:
            measure_update(measure=measure, actor=request.user, expected_version=data.pop("version"), data=data)
        except StaleEditError as exc:
            form.add_error(None, exc.message)
        except PlanImportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"第 {measure.path} 项已保存。")
            return redirect(f"/plans/{measure.plan_id}/review/#m{measure.pk}")
    return render(request, "plans/measure_edit.html", {"measure": measure, "form": form, "formset": formset})


@login_required
@require_POST
def plan_publish_view(request, pk: int):
    plan = get_object_or_404(Plan.objects.editable_by(request.user), pk=pk)
    try:
        created = plan_publish(plan=plan, actor=request.user)
    except PlanImportError as exc:
        messages.error(request, exc.message)
        return redirect("plans:review", pk=plan.pk)
    messages.success(request, f"方案已发布，生成任务 {created} 项。")
    return redirect("plans:detail", pk=plan.pk)
