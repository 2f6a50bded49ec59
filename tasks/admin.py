from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import CompletionApplication, Evidence, ExtensionRequest, ProgressReport, ReportDraft, TargetReading, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["measure", "unit", "role", "deadline", "granted_deadline", "closed_at"]
    list_filter = ["role", "measure__plan"]
    search_fields = ["measure__title", "unit__name"]
    raw_id_fields = ["measure"]
    autocomplete_fields = ["unit"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "period", "version", "status", "percent", "submitted_by", "submitted_at"]
    list_filter = ["status", "period"]
    raw_id_fields = ["task"]

    def has_change_permission(self, request, obj=None):
        return False  # reports are append-only; a correction is a new version


admin.site.register(ReportDraft)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """No link to the stored path (files have no URL); the download goes through the checked view."""

    list_display = ["original_name", "task", "size", "content_type", "uploaded_by", "download"]
    exclude = ["file"]
    readonly_fields = ["download"]
    raw_id_fields = ["task", "report", "uploaded_by"]

    def has_add_permission(self, request):
        return False  # evidence is attached through the report and completion forms

    @admin.display(description="下载")
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("tasks:evidence", args=[obj.pk]), obj.original_name)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["task", "requested_deadline", "decision", "requested_at", "decided_at"]
    list_filter = ["decision"]
    raw_id_fields = ["task"]


@admin.register(CompletionApplication)
class CompletionApplicationAdmin(admin.ModelAdmin):
    list_display = ["task", "decision", "applied_at", "decided_at"]
    list_filter = ["decision"]
    raw_id_fields = ["task"]


@admin.register(TargetReading)
class TargetReadingAdmin(admin.ModelAdmin):
    list_display = ["target", "period", "value", "recorded_by"]
    raw_id_fields = ["target", "report"]
