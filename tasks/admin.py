from django.contrib import admin

from .models import CompletionApplication, Evidence, ExtensionRequest, ProgressReport, ReportDraft, Task


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
admin.site.register(Evidence)


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
