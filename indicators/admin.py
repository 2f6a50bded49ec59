from django.contrib import admin

from .models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "op", "value", "unit", "baseline", "measure"]
    search_fields = ["metric", "text"]
    raw_id_fields = ["measure"]

