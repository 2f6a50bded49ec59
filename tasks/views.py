"""The staff workspace: my unit's tasks, a task's page, and the forms that write (report, no change,
draft autosave, completion, extension). Every lookup starts from Task.objects.visible_to(user)
or editable_by(user): another unit's task is a 404."""
from __future__ import annotations

import hashlib
import json
import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from config.files import file_response
from config.queries import first_row
from audit.models import AuditEntry
from indicators.models import Target
from plans.choices import UnitRole
from config.pagination import CappedPaginator
from plans.models import Measure, Plan, Region
from plans.querysets import scope_of
from plans.rules import supervises

from .choices import Decision, ReportStatus, TaskStatus
from .filtersets import TaskFilterSet
from .forms import CompletionForm, ExtensionForm, ReportForm
from .models import Evidence, ProgressReport, ReportDraft, TargetReading, Task, UnitTasksStamp, data_stamp_columns
from .services import (
    StaleReportError, TaskActionRefused, open_periods, parse_period, report_draft_save, task_completion_apply,
    task_extension_request, task_report_no_change, task_report_submit,
)
from .status import due_soon_workdays, has_reported, owes_current_report_q, reported_q, status_q
from .workdays import local_date

# The groups of "my tasks", in the order a person should look at them.
GROUPS = [("report_due", "本期待报送"), ("overdue", "已逾期"), ("due_soon", "即将到期"),
          ("in_progress", "推进中"), ("done", "已办结")]


AUDIT_LABELS = {
    "report_submit": "报送进展", "report_correct": "更正进展（新版本）", "reading_record": "填报指标实际值",
    "evidence_attach": "上传佐证材料", "completion_apply": "申请办结", "task_completion_applied": "任务进入待审核",
    "extension_request": "申请延期", "task_update_from_plan": "方案修订同步",
    "urge_urge": "催办", "urge_escalate": "督办", "urge_respond": "答复催办", "extension_decide": "审批延期申请",
    "task_deadline_extended": "时限延期", "completion_review": "审核办结申请", "task_closed": "办结销号",
    "task_completion_returned": "退回办结申请", "task_reopen": "重新打开任务",
    "task_withdraw": "方案调整撤销任务", "task_reinstate": "方案调整恢复任务",
}
AUDIT_KEYS = {"period": "周期", "version": "版本", "status": "状态", "done_text": "完成情况",
              "problems_text": "问题及计划", "percent": "百分比", "no_change": "无变化", "consolidated": "汇总",
              "target": "指标", "value": "实际值", "name": "文件", "size": "大小", "type": "类型", "note": "说明",
              "requested_deadline": "申请延至", "reason": "理由", "deadline": "时限",
              "completion_applied_at": "申请办结时间", "closed_at": "办结时间", "granted_deadline": "延期后时限",
              "unit": "单位", "message": "催办内容", "response": "单位答复", "decision": "审批结果",
              "comment": "意见", "role": "角色", "withdrawn_at": "撤销时间"}
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _version(raw) -> int:
    """The form's expected_version; junk reads as -1, which no period has, so it is refused as stale."""
    try:
        return int(raw or 0)
    except (TypeError, ValueError):
        return -1


def _audit_value(key: str, v) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if key == "status" and v in ReportStatus.values:
        return ReportStatus(v).label
    if key == "decision" and v in Decision.values:
        return Decision(v).label
    if key == "role" and v in UnitRole.values:
        return UnitRole(v).label
    if isinstance(v, str) and (m := ISO_DATE.fullmatch(v[:10])):  # dates as 2026年9月30日 (DESIGN: Chinese first)
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return str(v)[:80]


def _audit_text(d: dict | None) -> str:
    if not d:
        return ""
    return "；".join(f"{AUDIT_KEYS.get(k, k)}：{_audit_value(k, v)}" for k, v in d.items()
                    if k not in ("sha256", "report") and v not in (None, ""))


def _audit_rows(task: Task) -> list[AuditEntry]:
    rows = list(AuditEntry.objects.filter(task_id=task.pk).select_related("actor").order_by("-at", "-id")[:300])
    for a in rows:
        a.label = AUDIT_LABELS.get(a.action, a.action)
        a.before_text, a.after_text = _audit_text(a.before), _audit_text(a.after)
    return rows


GROUP_RANK = {key: rank for rank, (key, _) in enumerate(GROUPS)}
MY_TASKS_PAGE = 30


def with_group(qs, *, now):
    """Annotate `group_rank` (the index of the task's group in GROUPS) in SQL, so that a page of
    "my tasks" can be ordered and filtered by group: closed or awaiting review → 已办结; open and not
    yet reported for the current period → 本期待报送; then 已逾期, 即将到期, 推进中."""
    from django.db.models import Case, IntegerField, Value, When

    today = local_date(now)
    # 本期待报送: owes the current period's report (the one rule, tasks.querysets) and has not filed it;
    # a task created after the period's due day owes nothing yet and is grouped by its deadline.
    report_due = owes_current_report_q(today) & ~reported_q(today)
    # On the statuses' own conditions (status_q), not on the status_db annotation: each When naming
    # status_db would repeat its whole CASE in the SQL.
    done = status_q(TaskStatus.CLOSED, today) | status_q(TaskStatus.PENDING_REVIEW, today) | status_q(
        TaskStatus.WITHDRAWN, today)
    return qs.annotate(group_rank=Case(
        When(done, then=Value(GROUP_RANK["done"])),
        When(report_due, then=Value(GROUP_RANK["report_due"])),
        When(status_q(TaskStatus.OVERDUE, today), then=Value(GROUP_RANK["overdue"])),
        When(status_q(TaskStatus.DUE_SOON, today), then=Value(GROUP_RANK["due_soon"])),
        default=Value(GROUP_RANK["in_progress"]), output_field=IntegerField()))


def _query_without(request, *names: str) -> str:
    """The current query string minus `names` (page links and group tabs keep the filters)."""
    q = request.GET.copy()
    for name in names:
        q.pop(name, None)
    return q.urlencode()


def _my_tasks_body(request, *, now, scope, own_unit) -> str:
    """The tasks a person works on, a page at a time. For staff and unit heads: their unit's tasks,
    ordered by group (本期待报送 first) with the group counts as tabs. Supervisors and admins own no
    tasks; for them it is the paged list of the tasks in their scope with a region filter (the
    figures are on 督办看板): no per-group counts over a province, a capped total."""
    qs = Task.objects.visible_to(request.user).for_list().with_status(now=now)
    if not own_unit:
        qs = qs.select_related("measure__plan__region")  # rows name the region
    if own_unit:
        qs = with_group(qs, now=now)
    fs = TaskFilterSet(request.GET or None, queryset=qs, request=request)
    filtered = fs.qs
    group = request.GET.get("group", "")
    tabs = []
    if own_unit:
        # One GROUP BY over the unit's filtered tasks (a few hundred at most) gives every tab. (Not
        # aggregate() with a filtered Count per group: each Count inlines group_rank's whole CASE, and
        # Django compiling five copies of it cost two thirds of the page's CPU.)
        per_rank = dict(filtered.order_by().values_list("group_rank").annotate(n=Count("pk"))
                        .values_list("group_rank", "n"))
        agg = {key: per_rank.get(GROUP_RANK[key], 0) for key, _ in GROUPS}
        base = _query_without(request, "group", "page")
        tabs = [("", "全部", sum(agg.values()), base)] + [
            (key, label, agg[key], f"{base}&group={key}" if base else f"group={key}") for key, label in GROUPS]
        ordering = ["group_rank", F("eff_deadline").asc(nulls_last=True), "measure__order", "id"]
    else:
        ordering = [F("eff_deadline").asc(nulls_last=True), "id"]
    known = None
    if own_unit:  # the tabs counted the rows already
        known = agg[group] if group in GROUP_RANK else sum(agg.values())
    if own_unit and group in GROUP_RANK:
        filtered = filtered.filter(group_rank=GROUP_RANK[group])
    paginator = CappedPaginator(filtered.order_by(*ordering), MY_TASKS_PAGE, count=known)
    page = paginator.get_page(request.GET.get("page"))
    tasks = list(page.object_list)
    writable = set(Task.objects.editable_by(request.user).filter(pk__in=[t.pk for t in tasks]).order_by()
                   .values_list("pk", flat=True)) if tasks else set()
    groups: list[tuple[str, str, list]] = []
    labels = dict(GROUPS)
    for t in tasks:
        key = GROUPS[t.group_rank][0] if own_unit else "all"
        t.status_label = TaskStatus(t.status_db).label
        # 填报本期 only where the report form would accept this user: an open task of a unit the user
        # reports for (one created after the period's due day owes nothing yet, but may be reported).
        t.can_report = key not in ("done", "all") and t.pk in writable
        if own_unit and groups and groups[-1][0] == key:
            groups[-1][2].append(t)
        elif own_unit:
            groups.append((key, labels[key], [t]))
        elif groups:
            groups[-1][2].append(t)
        else:
            groups.append(("all", "任务", [t]))
    context = {
        "filter": fs, "own_unit": own_unit, "page": page, "paginator": paginator,
        "total": paginator.count, "capped": paginator.capped, "tabs": tabs, "group": group,
        "groups": groups, "page_query": _query_without(request, "page"),
        "plans": Plan.objects.visible_to(request.user).order_by("-year", "title"),
        "regions": [] if own_unit else (Region.objects.all() if scope.is_admin
                                         else Region.objects.filter(pk__in=scope.region_ids)).order_by("code"),
        "statuses": TaskStatus.choices, "roles": UnitRole.choices,
        "selected_status": request.GET.getlist("status"),
        "filtered": any(request.GET.get(k) for k in ("q", "plan", "status", "role", "region")),
    }
    return render_to_string("tasks/_my_tasks_body.html", context, request)


@login_required
def my_tasks(request):
    """我的任务. A unit's page (staff and unit heads) is kept rendered under the unit's stamp
    (UnitTasksStamp, moved by database triggers whenever the unit's tasks, the unit, or a measure or
    plan it has tasks in change), the reader's role, the day, the 即将到期 window and the query: a page is rendered again
    only after its own unit's data changed, and never served stale. The header (messages, unread
    count) is rendered for every request."""
    now = timezone.now()
    scope = scope_of(request.user)
    own_unit = not supervises(request.user)
    def render_body():
        return _my_tasks_body(request, now=now, scope=scope, own_unit=own_unit)

    if not own_unit or not scope.unit_id:
        body = mark_safe(render_body())  # nosec: our own rendering
    else:
        # (the stamp never lets a kept page go stale; the lifetime only bounds a template changed by a
        # deploy)
        body = _kept_page(request, "mine", [scope.unit_id, scope.role, UnitTasksStamp.version_of(scope.unit_id),
                                            local_date(now).isoformat(), due_soon_workdays(), request.GET.urlencode()],
                          lambda: {"body": render_body()}, seconds=600)["body"]
    return render(request, "tasks/my_tasks.html", {"body": body})


def _visible_task(request, pk: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user).for_list(), pk=pk)


def _editable_task(request, pk: int) -> Task:
    """404 when the user may not even see the task; 403 when they see it but may not write."""
    # (order_by(): first() would order by Task's default ordering, joining up to the unit's region)
    task = Task.objects.editable_by(request.user).for_list().filter(pk=pk).order_by().first()
    if task is None:
        _visible_task(request, pk)  # the 404 of a task the user may not even see
        raise PermissionDenied("只有本单位的承办人或负责人可以填报。")
    return task


def _ancestors(measure: Measure) -> list[Measure]:
    """The measure's sections (一、（一）…), root first: one query per level, at most four."""
    out, parent_id = [], measure.parent_id
    while parent_id:
        parent = Measure.objects.only("id", "parent_id", "label", "title").get(pk=parent_id)
        out.append(parent)
        parent_id = parent.parent_id
    return out[::-1]


def _targets(measure_id: int):
    readings = TargetReading.objects.select_related("report__task__unit").order_by("-period", "-recorded_at")
    targets = list(Target.objects.filter(measure_id=measure_id).prefetch_related(Prefetch("readings", readings)))
    for t in targets:
        rs = list(t.readings.all())
        t.latest = rs[0] if rs else None
    return targets


def _task_detail_body(request, task: Task, *, now) -> str:
    pk = task.pk
    plan = task.measure.plan
    latest_by_task: dict[int, ProgressReport] = {}
    for r in (ProgressReport.objects.visible_to(request.user).filter(task__measure_id=task.measure_id)
              .latest_versions().select_related("submitted_by").order_by("-period", "-version")):
        latest_by_task.setdefault(r.task_id, r)
    co_tasks = list(Task.objects.filter(measure_id=task.measure_id).exclude(pk=task.pk).select_related("unit"))
    for t in co_tasks:
        t.latest = latest_by_task.get(t.pk)
    history = list(task.reports.select_related("submitted_by")
                   .prefetch_related("readings__target", "evidence").order_by("-period", "-version"))
    periods = open_periods(plan, now=now)
    current = periods[0]
    context = {
        "task": task, "plan": plan, "ancestors": _ancestors(task.measure),
        "status": TaskStatus(task.get_status(now, latest_report=latest_by_task.get(task.pk))).label,
        "co_tasks": co_tasks, "targets": _targets(task.measure_id), "history": history,
        "audit": _audit_rows(task),
        "extensions": task.extensions.select_related("requested_by"),
        "completions": task.completions.select_related("applied_by"),
        "loose_evidence": task.evidence.filter(report__isnull=True).select_related("uploaded_by"),
        "can_edit": Task.objects.editable_by(request.user).filter(pk=pk).exists() and not task.closed_at,
        # the reader's own unit (an admin may edit any task, but it is not the admin's unit)
        "own_unit": scope_of(request.user).unit_id == task.unit_id,
        # 催办/督办 of this task, and open ones addressed to the whole unit (related names: no import
        # of the supervision app, which builds on this one)
        "urges": list(task.urges.select_related("created_by", "responded_by"))
        + list(task.unit.urges.filter(task__isnull=True, responded_at__isnull=True)
               .select_related("created_by")),
        "can_urge": supervises(request.user),
        # the gentle notes on report text (tasks.quality): the clerk saw them on submitting
        "show_flags": supervises(request.user),
        "period": current, "reported_now": has_reported(task, current.start),
    }
    return render_to_string("tasks/_task_detail_body.html", context, request)


# The token of a form in a kept page: replaced by the reader's own on every response.
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _kept_page(request, name: str, key_parts: list, render, *, seconds: int) -> dict:
    """What render() returns (a dict whose "body" is HTML), kept under key_parts (everything it
    depends on) for at most `seconds`: in the shared cache, and a copy in the process's own memory
    (caches["local"]) until the same moment, which spares the shared cache's round trip. The key
    names the state of everything the page shows, so the copy is never staler than the original.
    Each reader gets their own CSRF token in the body's forms."""
    raw = json.dumps(key_parts, default=str)
    # ("kept2": the entries' shape since they became dicts; a deploy must not read the old strings)
    key = f"tasks:kept2:{name}:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    local = caches["local"]
    kept = local.get(key)
    if kept is None:
        kept = cache.get(key)
        if kept is None:
            kept = {**render(), "until": time.time() + seconds}
            cache.set(key, kept, seconds)
        left = kept["until"] - time.time()
        if left > 0:
            local.set(key, kept, left)
    token = get_token(request)
    body = CSRF_INPUT.sub(lambda m: m.group(1) + token + m.group(2), kept["body"])
    return {**kept, "body": mark_safe(body)}  # nosec: our own rendering


@login_required
def task_detail(request, pk: int):
    """A task's page. It shows the task with its co-units, targets, reports, applications, urges,
    carry-over and related articles: many units' data, so its title and body are kept under the state
    of all the data (data_stamp_columns: the newest audited change and report), the reader's scope, the
    day and the 即将到期 window, for TASK_PAGE_CACHE_SECONDS (120) at most, the safety net for writes that
    bypass services. A reader's own action is audited before its redirect lands here, so it always shows."""
    # the permission check, on every request, with the state of the data in the same round trip (its
    # SQL a function of the reader's scope and the task only: compiled once per process)
    scope = scope_of(request.user)
    stamp = first_row(("tasks:detail", scope, pk),
                      lambda: Task.objects.visible_to(request.user).filter(pk=pk).order_by()
                      .annotate(**data_stamp_columns()).values_list("stamp_change", "stamp_report"))
    if stamp is None:
        raise Http404("没有这项任务，或您无权查看。")
    now = timezone.now()

    def render_kept():
        task = Task.objects.for_list().get(pk=pk)
        return {"title": (task.measure.label, task.measure.title), "body": _task_detail_body(request, task, now=now)}

    page = _kept_page(request, "page", [pk, scope.role, scope.unit_id, sorted(scope.region_ids),
                                        local_date(now).isoformat(), due_soon_workdays(), *stamp],
                      render_kept, seconds=settings.TASK_PAGE_CACHE_SECONDS)
    return render(request, "tasks/task_detail.html", {"title": page["title"], "body": page["body"]})


def _initial_from(report: ProgressReport) -> dict:
    initial = {"status": report.status, "done_text": report.done_text, "problems_text": report.problems_text,
               "percent": report.percent}
    for reading in report.readings.all():
        initial[f"target_{reading.target_id}"] = reading.value.normalize()
    return initial


@login_required
def report_form(request, pk: int):
    """One form per task per period: pre-filled from the draft, this period's report (a correction)
    or the last period's; a submitted report is never changed, a new version is added."""
    task = _editable_task(request, pk)
    now = timezone.now()
    plan = task.measure.plan
    try:
        period = parse_period(plan, request.POST.get("period") or request.GET.get("period"), now=now)
    except TaskActionRefused as exc:
        raise Http404(exc.message) from None
    stale = None
    closed_reason = None
    if task.closed_at:
        closed_reason = "该任务已办结销号，不能再报送进展。"
    elif task.withdrawn_at:
        closed_reason = "该任务已因方案调整撤销，不再需要报送进展。"
    elif period.start > open_periods(plan, now=now)[0].start:
        closed_reason = f"{period.label}尚未开始，不能提前报送。"
    elif period.start not in [p.start for p in open_periods(plan, now=now)]:
        closed_reason = f"{period.label}的报送已关闭（只能报送本期和上一期），如需更正请联系督查人员。"

    if request.method == "POST" and request.POST.get("action") == "no_change":
        try:
            task_report_no_change(task=task, period=period, actor=request.user,
                                  expected_version=_version(request.POST.get("expected_version")), now=now)
        except TaskActionRefused as exc:  # a closed period, nothing to copy, or someone filed first
            messages.error(request, exc.message)
            return redirect(f"{reverse('tasks:report', args=[task.pk])}?period={period.key}")
        messages.success(request, f"已报送{period.label}进展：本期无变化。")
        return redirect("tasks:detail", pk=task.pk)  # page top: the success message on screen

    targets = list(Target.objects.filter(measure_id=task.measure_id))

    # What the page shows besides the form; a report filed through it redirects before reading these.
    def page_facts():
        reports = list(task.reports.filter(period__lte=period.start).prefetch_related("readings")
                       .order_by("-period", "-version")[:1])
        this_period = list(task.reports.filter(period=period.start).order_by("-version")[:1])
        draft = ReportDraft.objects.filter(task=task, period=period.start, user=request.user).first()
        return reports, (this_period[0] if this_period else None), draft

    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, targets=targets)
        if form.is_valid():
            try:
                report = task_report_submit(
                    task=task, period=period, actor=request.user, data=form.service_data(),
                    expected_version=form.cleaned_data["expected_version"], files=form.cleaned_data["evidence"],
                    now=now)
            except StaleReportError as exc:
                stale = exc.current
                form.add_error(None, exc.message)
                # The user has now seen the other version: submitting again means "mine wins",
                # as a new version on top of theirs.
                form.data = form.data.copy()
                form.data["expected_version"] = str(stale.version if stale else 0)
            except TaskActionRefused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"已提交{period.label}进展。")
                for flag in report.quality_flags:  # a gentle note, the report is already filed
                    messages.info(request, "温馨提示：" + flag["message"])
                return redirect("tasks:detail", pk=task.pk)  # page top: the success message on screen
        reports, latest_here, draft = page_facts()
        base_version = latest_here.version if latest_here else 0
    else:
        reports, latest_here, draft = page_facts()
        base_version = latest_here.version if latest_here else 0
        restored = False
        if draft is not None and draft.data:
            initial = {k: v for k, v in draft.data.items() if k in ("status", "done_text", "problems_text",
                                                                      "percent")}
            for k, v in (draft.data.get("actuals") or {}).items():
                initial[f"target_{k}"] = v
            restored = True
        elif reports:
            initial = _initial_from(reports[0])
        else:
            initial = {}
        # A restored draft keeps the version it was typed against, so a report filed by someone
        # else in between is still caught as a concurrent edit.
        draft_version = (draft.data.get("expected_version") if restored else None)
        initial["expected_version"] = (int(draft_version) if str(draft_version or "").isdigit()
                                       and int(draft_version) <= base_version else base_version)
        form = ReportForm(initial=initial, targets=targets)
        if restored:
            messages.info(request, f"已恢复您于{timezone.localtime(draft.updated_at):%m月%d日 %H:%M}自动保存的草稿。")

    co_reports = []
    if task.role == UnitRole.LEAD:
        co_reports = list(ProgressReport.objects.visible_to(request.user)
                          .filter(task__measure_id=task.measure_id, task__role=UnitRole.CO, period=period.start)
                          .latest_versions().select_related("task__unit", "submitted_by"))
    context = {"task": task, "plan": plan, "period": period, "form": form, "stale": stale,
               "draft_at": int(draft.updated_at.timestamp() * 1000) if draft else 0,
               "latest_here": latest_here, "base_version": base_version, "closed_reason": closed_reason,
               "has_previous": bool(reports), "co_reports": co_reports,
               "co_units": Task.objects.filter(measure_id=task.measure_id, role=UnitRole.CO).count()
               if task.role == UnitRole.LEAD else 0,
               "periods": open_periods(plan, now=now), "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
    return render(request, "tasks/report_form.html", context)


@login_required
@require_POST
def draft_save(request, pk: int):
    """Autosave target of static/js/autosave.js: what the user typed, kept per (task, period, user)."""
    task = _editable_task(request, pk)
    try:
        period = parse_period(task.measure.plan, request.POST.get("period"), now=timezone.now())
    except TaskActionRefused as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    actuals = {k.removeprefix("target_"): v for k, v in request.POST.items() if k.startswith("target_")}
    data = {k: request.POST.get(k, "") for k in ("status", "done_text", "problems_text", "percent")}
    data["actuals"] = actuals
    data["expected_version"] = request.POST.get("expected_version")
    draft = report_draft_save(task=task, period=period, actor=request.user, data=data)
    return JsonResponse({"ok": True, "saved_at": timezone.localtime(draft.updated_at).strftime("%H:%M:%S")})


def _request_form(request, pk: int, *, form_class, submit, template: str, done: str):
    """A unit's request on its task (申请办结, 延期申请): the form, the service `submit(task, data)`,
    a refusal next to its field; supervision's review page decides it."""
    task = _editable_task(request, pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit(task, form.cleaned_data)
        except TaskActionRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect("tasks:detail", pk=task.pk)
    return render(request, template, {"task": task, "form": form})


@login_required
def completion_apply(request, pk: int):
    return _request_form(
        request, pk, form_class=CompletionForm, template="tasks/completion_form.html",
        submit=lambda task, d: task_completion_apply(task=task, actor=request.user, note=d["note"],
                                                     files=d["evidence"]),
        done="已提交办结申请，等待督查人员审核。")


@login_required
def extension_request(request, pk: int):
    return _request_form(
        request, pk, form_class=ExtensionForm, template="tasks/extension_form.html",
        submit=lambda task, d: task_extension_request(task=task, actor=request.user,
                                                      requested_deadline=d["requested_deadline"],
                                                      reason=d["reason"]),
        done="已提交延期申请，等待督查人员审批。")


@login_required
def evidence_download(request, pk: int):
    ev = get_object_or_404(Evidence.objects.filter(task__in=Task.objects.visible_to(request.user)), pk=pk)
    return file_response(ev.file, filename=ev.original_name, content_type=ev.content_type)
