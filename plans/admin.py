from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Measure, MeasureUnit, Membership, Plan, Region, Unit, UnitAlias
from .services import membership_delete, membership_save

admin.site.site_header = "营商环境行动方案督办系统"
admin.site.site_title = "督办系统管理"
admin.site.index_title = "系统管理"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "aliases__alias"]
    filter_horizontal = ["members"]
    inlines = [UnitAliasInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]

    # Every membership change is audited: the admin writes through the service.
    def save_model(self, request, obj, form, change):
        membership_save(membership=obj, actor=request.user)

    def delete_model(self, request, obj):
        membership_delete(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("user", "unit"):
            membership_delete(membership=obj, actor=request.user)


class MeasureUnitInline(admin.TabularInline):
    model = MeasureUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "region", "status", "issued_on"]
    list_filter = ["status", "year", "region"]
    search_fields = ["title", "issuer"]
    readonly_fields = ["source_download", "source_sha256", "created_at", "published_at", "version"]
    exclude = ["source_file"]  # files have no URL; the download goes through the checked view

    @admin.display(description="原始文件")
    def source_download(self, obj):
        if not obj.source_file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("plans:source", args=[obj.pk]), obj.source_name or "下载")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["label", "title", "plan", "level", "actionable", "deadline"]
    list_filter = ["plan", "actionable", "level"]
    search_fields = ["title", "text"]
    raw_id_fields = ["parent"]
    inlines = [MeasureUnitInline]

