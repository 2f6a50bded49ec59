"""The plan pages (list, detail with its revision history, source file) and the import → review →
publish pages (upload, job status, review edits, unit mapping, publish). URL names stay `plans:*`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from background.views import job_status_response
from config.files import file_response
from config.pagination import CappedPaginator
from plans.choices import PlanStatus, UnitRole
from plans.models import Measure, MeasureUnit, Plan
from plans.querysets import scope_of
from plans.services import PlanImportError, UnitRegistry, region_create
from plans.unitnames import guess_kind
from tasks.models import Task

from .models import ImportJob
from .plan_forms import SEP, ImportUploadForm, MeasureAddForm, MeasureEditForm, PlanHeaderForm, TargetFormSet, UnitMapForm
from .services import (StaleEditError, import_job_create, measure_add, measure_remove, measure_update, plan_publish,
                       plan_update, unit_map)


def _admin_only(request):
    if not scope_of(request.user).is_admin:
        raise Http404


@login_required
def plan_list(request):
    """A page of PLANS_PAGE plans (a province has hundreds), with the measure counts of that page only."""
    plans = Plan.objects.visible_to(request.user).select_related("region").order_by("-year", "title", "id")
    page = CappedPaginator(plans, PLANS_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    counts = dict(Measure.objects.filter(plan_id__in=[p.pk for p in rows], withdrawn_at=None).order_by()
                  .values_list("plan_id").annotate(n=Count("id")).values_list("plan_id", "n"))
    for p in rows:
        p.measure_count = counts.get(p.pk, 0)
    return render(request, "plans/plan_list.html", {"plans": rows, "page": page,
                                                    "can_import": scope_of(request.user).is_admin})


PLANS_PAGE = 50


def _tree(plan: Plan):
    measures = list(plan.measures.filter(withdrawn_at=None).prefetch_related(
        Prefetch("unit_links", queryset=MeasureUnit.objects.select_related("unit")), "targets").order_by("order"))
    children: dict[int | None, list] = {}
    for m in measures:
        children.setdefault(m.parent_id, []).append(m)
    for m in measures:
        m.child_list = children.get(m.id, [])
    return measures, children.get(None, [])


@login_required
def plan_source(request, pk: int):
    """The uploaded plan document, to those who can see the plan."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    if not plan.source_file:
        raise Http404
    return file_response(plan.source_file, filename=plan.source_name or plan.source_file.name.rsplit("/", 1)[-1])


@login_required
def plan_detail(request, pk: int):
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("region"), pk=pk)
    _, roots = _tree(plan)
    return render(request, "plans/plan_detail.html", {"plan": plan, "roots": roots,
                                                      "can_review": scope_of(request.user).is_admin,
                                                      "history": _history(plan)})


_HISTORY_ACTIONS = {"plan_import": "导入", "plan_reimport": "按新文件更新", "plan_publish": "发布",
                    "plan_revise": "修改", "plan_update": "修改方案信息"}


def _history(plan: Plan, limit: int = 50) -> list[dict]:
    """The plan's revisions, newest first: who, when, what changed and what it did to tasks."""
    entries = (AuditEntry.objects.filter(object_type="plans.plan", object_id=str(plan.pk),
                                         action__in=list(_HISTORY_ACTIONS))
               .select_related("actor").order_by("-at", "-id")[:limit])
    out = []
    for e in entries:
        after = e.after or {}
        if e.action == "plan_publish":
            lines = [f"生成任务 {after.get('tasks_created', 0)} 项"]
        else:
            lines = list(after.get("changes") or after.get("diff") or [])
        out.append({"at": e.at, "actor": e.actor, "action": _HISTORY_ACTIONS[e.action], "lines": lines,
                    "tasks": list(after.get("tasks") or [])})
    return out


@login_required
def import_upload(request):
    _admin_only(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                region = data["region"] or region_create(name=data["new_region_name"], code=data["new_region_code"],
                                                         parent=data["new_region_parent"], actor=request.user)
                job = import_job_create(region=region, upload=data["file"], actor=request.user)
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
    registry = UnitRegistry(plan.region) if unknown else None
    map_forms = []
    for i, n in enumerate(unknown):
        suggested = registry.suggest(n)
        map_forms.append(UnitMapForm(region=plan.region, prefix=f"u{i}", initial={
            "name": n, "unit": suggested.pk if suggested else None, "kind": guess_kind(n)}))
    header = PlanHeaderForm(initial={"version": plan.version, "title": plan.title, "year": plan.year,
                                     "issuer": plan.issuer, "doc_number": plan.doc_number}, prefix="plan")
    return render(request, "plans/plan_review.html", {
        "plan": plan, "roots": roots, "job": job, "header": header,
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
        try:
            unit = unit_map(region=plan.region, name_as_printed=name, actor=request.user,
                            unit=form.cleaned_data["unit"], create_kind=form.cleaned_data["kind"])
        except PlanImportError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"“{name}”已对应到单位“{unit.name}”。")
    else:
        messages.error(request, "单位映射未保存：请检查所选单位。")
    return redirect("plans:review", pk=plan.pk)


def _editable_measure(request, pk: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("plan"), pk=pk, withdrawn_at=None,
                             plan__in=Plan.objects.editable_by(request.user))


@login_required
def measure_edit(request, pk: int):
    measure = _editable_measure(request, pk)
    links = list(measure.unit_links.all())
    initial = {
        "version": measure.version, "title": measure.title, "text": measure.text, "actionable": measure.actionable,
        "lead_units": SEP.join(u.name_as_printed for u in links if u.role == UnitRole.LEAD),
        "co_units": SEP.join(u.name_as_printed for u in links if u.role == UnitRole.CO),
        "deadline": measure.deadline, "deadline_text": measure.deadline_text, "ongoing": measure.ongoing,
    }
    targets = [{"metric": t.metric, "op": t.op, "value": t.value.normalize(), "unit": t.unit,
                "baseline": t.baseline.normalize() if t.baseline is not None else None,
                "text": t.text} for t in measure.targets.all()]
    form = MeasureEditForm(request.POST or None, initial=initial)
    formset = TargetFormSet(request.POST or None, initial=targets, prefix="t")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        # Only what the user changed is written: a field saved as it was shown is left alone, so a
        # deadline (or a 年底前 without a date) is never dropped by saving the title.
        data = {k: form.cleaned_data[k] for k in form.changed_data}
        if formset.has_changed():
            data["targets"] = [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in formset.forms
                               if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            measure_update(measure=measure, actor=request.user, expected_version=form.cleaned_data["version"],
                           data=data)
        except PlanImportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"第 {measure.path} 项已保存。")
            return redirect(f"/plans/{measure.plan_id}/review/#m{measure.pk}")
    elif request.method == "POST":
        form.add_error(None, "未保存：请按红色提示更正后再保存。")
    return render(request, "plans/measure_edit.html", {"measure": measure, "form": form, "formset": formset})


@login_required
def measure_add_view(request, pk: int):
    plan = get_object_or_404(Plan.objects.editable_by(request.user), pk=pk)
    form = MeasureAddForm(request.POST or None, plan=plan, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parent = data.pop("parent")
        try:
            measure = measure_add(plan=plan, actor=request.user, parent=parent, data=data)
        except PlanImportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已新增第 {measure.path} 项。")
            return redirect(f"/plans/{plan.pk}/review/#m{measure.pk}")
    return render(request, "plans/measure_add.html", {"plan": plan, "form": form})


def _posted_version(request) -> int:
    """The form's version; junk reads as -1, which no measure has, so it is refused as stale."""
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return -1


@login_required
def measure_remove_view(request, pk: int):
    """GET: what removing the item does (a confirmation page); POST: remove it."""
    measure = _editable_measure(request, pk)
    if request.method == "POST":
        try:
            paths = measure_remove(measure=measure, actor=request.user,
                                   expected_version=_posted_version(request))
        except PlanImportError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除：" + "、".join(paths) + "。")
        return redirect("plans:review", pk=measure.plan_id)
    tasks = Task.objects.filter(measure__plan_id=measure.plan_id, withdrawn_at=None,
                                measure__path__startswith=measure.path).filter(
        Q(measure=measure) | Q(measure__path__startswith=measure.path + "/")).select_related("unit")
    return render(request, "plans/measure_remove.html", {"measure": measure, "tasks": tasks})


@login_required
@require_POST
def plan_update_view(request, pk: int):
    plan = get_object_or_404(Plan.objects.editable_by(request.user), pk=pk)
    initial = {"title": plan.title, "year": plan.year, "issuer": plan.issuer, "doc_number": plan.doc_number}
    form = PlanHeaderForm(request.POST, prefix="plan", initial=initial)
    if form.is_valid():
        # only what the user changed; a guessed year counts as set once changed or confirmed
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in initial}
        if form.cleaned_data["confirm_year"]:
            data["year"] = form.cleaned_data["year"]
        try:
            if data:
                plan_update(plan=plan, actor=request.user, expected_version=form.cleaned_data["version"], data=data)
        except PlanImportError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "方案信息已保存。")
    else:
        messages.error(request, "方案信息未保存：" + "；".join(
            f"{form.fields[k].label if k in form.fields else ''}{'，'.join(v)}" for k, v in form.errors.items()))
    return redirect("plans:review", pk=plan.pk)


@login_required
def plan_publish_view(request, pk: int):
    """GET: a confirmation page saying what publishing creates; POST with `confirm`: publish. A
    POST without it (an old form, a stray click) only shows the confirmation."""
    plan = get_object_or_404(Plan.objects.editable_by(request.user).select_related("region"), pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            created = plan_publish(plan=plan, actor=request.user)
        except PlanImportError as exc:
            messages.error(request, exc.message)
            return redirect("plans:review", pk=plan.pk)
        messages.success(request, f"方案已发布，生成任务 {created} 项。")
        return redirect("plans:detail", pk=plan.pk)
    links = MeasureUnit.objects.filter(measure__plan=plan, measure__actionable=True, measure__withdrawn_at=None)
    return render(request, "plans/plan_publish.html", {
        "plan": plan, "measure_count": links.values("measure_id").distinct().count(),
        "unit_count": links.filter(unit__isnull=False).values("unit_id").distinct().count(),
        "unmapped": sorted(set(links.filter(unit__isnull=True).values_list("name_as_printed", flat=True))),
    })
