"""Supervisor pages (urge, extension and completion review) and everyone's notification pages.
Views only read querysets and call services."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from plans.choices import Role
from plans.querysets import scope_of
from plans.rules import supervises
from tasks.choices import Decision
from tasks.models import CompletionApplication, DecidedRequest, ExtensionRequest, Task

from . import services
from .channels import inapp
from .choices import Channel, UrgeLevel
from .forms import ChannelForm, DecisionForm, RespondForm, UrgeForm
from .models import ChannelConfig, Reminder, Urge
from .presenters import reminder_line, reminder_url


def _supervisor(request: HttpRequest) -> None:
    if not supervises(request.user):
        raise PermissionDenied("只有督查人员可以访问此页面。")


# --- Notifications --------------------------------------------------------------------------

@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    qs = Reminder.objects.for_user(request.user).select_related("task", "task__measure", "task__unit")
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    items = [{"r": r, "line": reminder_line(r), "url": reminder_url(r)} for r in page]
    return render(request, "supervision/notifications.html", {"page": page, "items": items})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """A notification's link: marks it read (one's own only; another user's is a 404) and goes where
    it leads, as opening a message does in any mail client."""
    r = get_object_or_404(Reminder.objects.for_user(request.user), pk=pk)
    inapp.mark_read(user=request.user, ids=[r.pk])
    return redirect(reminder_url(r) or "supervision:notifications")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id") or None
    n = inapp.mark_read(user=request.user, ids=ids)
    messages.success(request, f"已标记 {n} 条为已读。")
    return redirect("supervision:notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    can_unit = scope.role == Role.UNIT_HEAD or scope.is_admin
    can_robot = can_unit  # robot addresses: unit heads and admins only (channel_config_save)
    if request.method == "POST":
        form = ChannelForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            unit = request.user.membership.unit if d["scope"] == "unit" and scope.unit_id else None
            try:
                services.channel_config_save(actor=request.user, channel=d["channel"], enabled=d["enabled"],
                                             webhook_url=d["webhook_url"], secret=d["secret"], unit=unit)
            except services.SupervisionRefused as e:
                messages.error(request, e.message)
            except PermissionDenied as e:
                messages.error(request, str(e))
            else:
                messages.success(request, "提醒设置已保存。")
                return redirect("supervision:notification_settings")
        else:
            messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
    own = {c.channel: c for c in ChannelConfig.objects.filter(user=request.user)}
    unit_cfg = ({c.channel: c for c in ChannelConfig.objects.filter(unit_id=scope.unit_id)}
                if scope.unit_id else {})
    rows = []
    for ch in (Channel.EMAIL, Channel.WECOM, Channel.DINGTALK):
        mine = own.get(ch)
        if ch == Channel.EMAIL:
            active = bool(request.user.email) and (mine is None or mine.enabled)
        else:
            u = unit_cfg.get(ch)
            active = (mine.enabled and bool(mine.webhook_url)) if mine else bool(u and u.enabled and u.webhook_url)
        rows.append({"channel": ch, "label": ch.label, "mine": mine, "unit": unit_cfg.get(ch), "active": active})
    return render(request, "supervision/notification_settings.html",
                  {"rows": rows, "can_unit": can_unit, "can_robot": can_robot, "email": request.user.email})


# --- Urging ----------------------------------------------------------------------------------------

@login_required
def urge_new(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    initial = {}
    if request.GET.get("task"):
        initial["task"] = request.GET["task"]
    form = UrgeForm(request.POST or None, user=request.user, initial=initial)
    task_id = (request.POST.get("task") or initial.get("task") or "").strip()
    task = (form.fields["task"].queryset.filter(pk=task_id).first() if task_id.isdigit() else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            urge = services.urge_create(actor=request.user, task=d["task"], unit=d["unit"], message=d["message"],
                                        level=UrgeLevel.ESCALATE if d["escalate"] else UrgeLevel.URGE)
        except services.SupervisionRefused as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已向{urge.unit.name}发出{urge.get_level_display()}。")
            return redirect("tasks:detail", urge.task_id) if urge.task_id else redirect("supervision:urges")
    return render(request, "supervision/urge_form.html", {"form": form, "task": task})


@login_required
def urges(request: HttpRequest) -> HttpResponse:
    """Supervisors: urges they can see; unit staff and heads: urges to their unit, to answer."""
    scope = scope_of(request.user)
    qs = Urge.objects.visible_to(request.user).select_related("task", "task__measure", "unit", "unit__region", "created_by",
                                                             "responded_by")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    can_answer = scope.role in (Role.STAFF, Role.UNIT_HEAD)
    return render(request, "supervision/urges.html", {"page": page, "can_answer": can_answer,
                                                      "is_supervisor": supervises(request.user),
                                                      "respond_form": RespondForm()})


@login_required
@require_POST
def urge_respond(request: HttpRequest, pk: int) -> HttpResponse:
    # Another unit's urge does not exist for this user (404, as in the API), rather than a 403
    # that would confirm its id.
    urge = get_object_or_404(Urge.objects.visible_to(request.user), pk=pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.urge_respond(urge=urge, actor=request.user, response=form.cleaned_data["response"])
        except services.SupervisionRefused as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "答复已提交。")
    else:
        messages.error(request, "请填写答复内容。")
    if request.POST.get("from_task") and urge.task_id:
        return redirect("tasks:detail", urge.task_id)
    return redirect("supervision:urges")


# --- Extension and completion review: one page shape, one decide view ------------------------------

@dataclass(frozen=True)
class Review:
    """A review queue: which requests, which template (supervision/review.html underneath), which
    service decides, and what the page says afterwards."""
    model: type[DecidedRequest]
    template: str
    anchor: str  # the id prefix of a request's card and of the history table
    approve: str  # the approve button
    requested_at: str
    related: tuple[str, ...]
    decide: Callable
    approved: str
    rejected: str
    url_name: str
    decide_url: str
    prefetch: tuple[str, ...] = ()


EXTENSIONS = Review(
    model=ExtensionRequest, template="supervision/extension_list.html", anchor="extension", approve="同意延期",
    requested_at="requested_at",
    related=("requested_by",),
    decide=lambda req, **kw: services.extension_decide(request=req, **kw),
    approved="已同意延期。", rejected="已驳回延期申请。", url_name="supervision:extensions",
    decide_url="supervision:extension_decide")
COMPLETIONS = Review(
    model=CompletionApplication, template="supervision/completion_list.html", anchor="completion",
    approve="同意销号", requested_at="applied_at",
    related=("applied_by",), prefetch=("task__evidence",),
    decide=lambda app, **kw: services.completion_review(application=app, **kw),
    approved="已审核通过，任务已销号。", rejected="已退回办结申请。", url_name="supervision:completions",
    decide_url="supervision:completion_decide")


def _review_queue(review: Review, user):
    return review.model.objects.filter(task__in=Task.objects.visible_to(user))


def _review_list(request: HttpRequest, review: Review) -> HttpResponse:
    _supervisor(request)
    base = _review_queue(review, request.user).select_related(
        "task", "task__measure", "task__unit", "task__unit__region", "decided_by", *review.related)
    return render(request, review.template, {
        # a request on a task the plan withdrew (已撤销) waits for no one: not in the queue
        "pending": base.filter(decision=Decision.PENDING, task__withdrawn_at__isnull=True).order_by(review.requested_at)
        .prefetch_related(*review.prefetch),
        "decided": base.exclude(decision=Decision.PENDING).order_by("-decided_at")[:30],
        "form": DecisionForm(),
        "words": {"noun": review.model.noun, "verb": review.model.verb, "reject": review.model.reject_verb,
                  "approve": review.approve, "anchor": review.anchor,
                  "decide_url": review.decide_url}})


def _review_decide(request: HttpRequest, pk: int, review: Review) -> HttpResponse:
    _supervisor(request)
    obj = get_object_or_404(_review_queue(review, request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        review.decide(obj, actor=request.user, approve=approve, comment=form.cleaned_data.get("comment", ""))
    except services.SupervisionRefused as e:
        messages.error(request, e.message)
    else:
        messages.success(request, review.approved if approve else review.rejected)
    return redirect(review.url_name)


@login_required
def extension_list(request: HttpRequest) -> HttpResponse:
    return _review_list(request, EXTENSIONS)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_decide(request, pk, EXTENSIONS)


@login_required
def completion_list(request: HttpRequest) -> HttpResponse:
    return _review_list(request, COMPLETIONS)


@login_required
@require_POST
def completion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_decide(request, pk, COMPLETIONS)


@login_required
@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisor(request)
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    try:
        services.task_reopen(task=task, actor=request.user, reason=request.POST.get("reason", ""))
    except services.SupervisionRefused as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "任务已重新打开。")
    return redirect("supervision:completions")
