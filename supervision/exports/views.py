"""Download the 台账 / 通报 for the current filter: at once for small scopes, through a job for large ones."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from background.views import job_status_response
from config.files import file_response
from supervision.dashboard.views import filter_params, supervisor_required

from .models import ExportJob
from .services import export_build, export_is_large, export_job_create, task_filter_for


def _params(request) -> dict:
    """The filter exactly as the dashboard and the list read it (dashboard.views.filter_params)."""
    return filter_params(request)


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


def _export(request, kind: str):
    supervisor_required(request)
    params = _params(request)
    fs = task_filter_for(request.user, params)
    if not fs.is_valid():
        # The page shows "筛选条件有误" and no figures for this filter: the file must not show others.
        return render(request, "dashboard/export_refused.html", {"errors": fs.errors}, status=400)
    if request.GET.get("background") == "1" or export_is_large(kind=kind, user=request.user, params=params):
        job = export_job_create(kind=kind, user=request.user, params=params)
        return redirect("dashboard:export_status", pk=job.pk)
    data, name, content_type = export_build(kind=kind, user=request.user, params=params)
    return _attachment(data, name, content_type)


@login_required
def ledger(request):
    return _export(request, ExportJob.Kind.LEDGER)


@login_required
def bulletin(request):
    return _export(request, ExportJob.Kind.BULLETIN)


@login_required
def export_status(request, pk: int):
    supervisor_required(request)
    job = get_object_or_404(ExportJob.visible_to(request.user), pk=pk)
    done = job.status == ExportJob.Status.DONE
    return job_status_response(request, job, template="dashboard/export_status.html",
                               download_url=reverse("dashboard:export_download", args=[job.pk]) if done else None)


@login_required
def export_download(request, pk: int):
    supervisor_required(request)
    job = get_object_or_404(ExportJob.visible_to(request.user), pk=pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return file_response(job.file, filename=job.filename)
