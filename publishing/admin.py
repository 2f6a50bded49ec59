from django.contrib import admin

from . import services
from .models import Article, Compilation, MeasureLink


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["display_title", "place", "source", "published_on", "compilation"]
    list_filter = ["compilation"]
    search_fields = ["title", "place", "body"]
    fields = ["title", "place", "source", "published_on", "body", "compilation", "order"]

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, actor=request.user)


@admin.register(Compilation)
class CompilationAdmin(admin.ModelAdmin):
    list_display = ["title", "source_name", "imported_at"]
    readonly_fields = ["source_sha256", "imported_at", "imported_by"]


@admin.register(MeasureLink)
class MeasureLinkAdmin(admin.ModelAdmin):
    list_display = ["measure", "predecessor", "score", "status"]
    list_filter = ["status"]
    raw_id_fields = ["measure", "predecessor"]
    readonly_fields = ["score", "reason", "decided_by", "decided_at"]
