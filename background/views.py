"""The one status endpoint and the one 重试 endpoint of every background job."""
from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import BackgroundJob
from .services import job_retry


def job_state(job: BackgroundJob, user, **links) -> dict:
    """What the status page shows and polls: status, progress, the (Chinese) message, and the
    links the job offers now (`review_url`, `download_url`, `retry_url`)."""
    retry = job.can_retry(user)
    return {
        "claimed": _claimed(job),
        "status": job.status, "status_display": job.get_status_display(), "progress": job.progress,
        "message": job.message, "finished": job.is_finished,
        "retry_url": reverse("background:retry", args=[job._meta.label_lower, job.pk]) if retry else None,
        **links,
    }


def _claimed(job: BackgroundJob) -> str:
    """When and by which worker process the current (or last) run was taken."""
    if not job.claimed_at:
        return ""
    return f"第 {job.attempts} 次执行：{timezone.localtime(job.claimed_at):%H:%M:%S} 由 {job.claimed_by} 开始"


def job_status_response(request, job: BackgroundJob, *, template: str, **links) -> HttpResponse:
    """JSON for the page's polling (Accept: application/json), else the page itself."""
    state = job_state(job, request.user, **links)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(state)
    return render(request, template, {"job": job, "state": state})


@login_required
@require_POST
def job_retry_view(request, label: str, pk: int):
    """重试: the job's owner or an admin queues a failed job again."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not issubclass(model, BackgroundJob):
        raise Http404
    job = get_object_or_404(model.visible_to(request.user), pk=pk)
    if not job.can_retry(request.user):
        raise Http404
    if job_retry(job=job, actor=request.user):
        messages.success(request, "已重新排队，稍后自动开始执行。")
    else:
        messages.info(request, "该任务已不在失败状态，无需重试。")
    return redirect(job.get_absolute_url())
