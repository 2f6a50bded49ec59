from django.contrib import admin

from .models import Target, TargetReading


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "op", "value", "unit", "baseline", "measure"]
    search_fields = ["metric", "text"]
    raw_id_fields = ["measure"]


@admin.register(TargetReading)
class TargetReadingAdmin(admin.ModelAdmin):
    list_display = ["target", "period", "value", "recorded_by"]
    raw_id_fields = ["target", "report"]
