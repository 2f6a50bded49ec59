"""The case library (先进经验 articles from compilations), carry-over links across plan years, and
the plan import job (an uploaded file on its way to a draft plan)."""
from django.conf import settings
from django.db import models
from django.urls import reverse

from background.models import BackgroundJob
from config.files import RandomName
from plans.models import Plan, Region
from plans.querysets import scope_of

from .choices import LinkStatus
from .querysets import ArticleQuerySet, MeasureLinkQuerySet
from .ranking import article_tokens


class Compilation(models.Model):
    """An imported compilation file (材料汇编). Its hash makes a re-import of the same file a no-op."""

    title = models.CharField("标题", max_length=300, blank=True)
    source_name = models.CharField("原始文件名", max_length=255)
    source_sha256 = models.CharField("文件哈希", max_length=64, unique=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "材料汇编"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.title or self.source_name


class Article(models.Model):
    """One experience article (先进经验) of the library, from a compilation or added by hand."""

    compilation = models.ForeignKey(Compilation, verbose_name="所属汇编", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="articles")
    order = models.PositiveIntegerField("篇目顺序", default=0)
    title = models.CharField("标题", max_length=300, blank=True, help_text="原文缺标题的残段为空。")
    place = models.CharField("地区/单位", max_length=100, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    body = models.TextField("正文")
    first_line = models.PositiveIntegerField("原文起始行", null=True, blank=True)
    # jieba tokens of title (twice) and body without the genre's stopwords (publishing.ranking),
    # space-separated; written by the services, read to build the BM25 index without re-segmenting.
    search_tokens = models.TextField("分词", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "先进经验"
        ordering = ["compilation_id", "order", "id"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or f"（无标题）{self.body[:20]}…"

    def save(self, *args, **kwargs):
        self.search_tokens = " ".join(article_tokens(self.title, self.body))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_tokens"}
        super().save(*args, **kwargs)


class MeasureLink(models.Model):
    """A measure of a newer plan continuing one of an earlier plan (延续自 2025年方案 第X条).

    Suggested by `publishing.carryover` at import with a score and a reason; an admin confirms or
    rejects it. A rejected link stays (so a re-run does not suggest it again)."""

    measure = models.ForeignKey("plans.Measure", verbose_name="新措施", on_delete=models.CASCADE,
                                related_name="predecessor_links")
    predecessor = models.ForeignKey("plans.Measure", verbose_name="延续自", on_delete=models.CASCADE,
                                    related_name="successor_links")
    score = models.FloatField("相似度")
    reason = models.CharField("依据", max_length=500, blank=True)
    status = models.CharField("状态", max_length=20, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    objects = MeasureLinkQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "跨年延续关系"
        ordering = ["measure_id", "-score"]
        constraints = [models.UniqueConstraint(fields=["measure", "predecessor"], name="measure_link_unique")]
        indexes = [models.Index(fields=["predecessor", "status"], name="measure_link_predecessor")]

    def __str__(self) -> str:
        return f"{self.measure} ← {self.predecessor}（{self.score:.2f}）"


class MeasureTerms(models.Model):
    """The ranking tokens of a measure (publishing.ranking.tokens of title and text), kept so that
    matching a new plan against earlier ones does not segment the earlier plans again. `digest`
    is a hash of the title and text the tokens were computed from; a stale row is recomputed."""

    measure = models.OneToOneField("plans.Measure", verbose_name="措施", on_delete=models.CASCADE,
                                   primary_key=True, related_name="+")
    digest = models.CharField("内容摘要", max_length=32)
    title_tokens = models.TextField("标题分词", blank=True)
    text_tokens = models.TextField("正文分词", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "措施分词缓存"


class ImportJob(BackgroundJob):
    """An uploaded plan file on its way through the parser (a Celery job) to a draft plan.

    The row is the job's state (claim, lease and retries: `BackgroundJob`); the page polls
    `progress`. A refused file is deleted from disk and only this row with the refusal is kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "解析中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    task_name = "plans.parse_import_job"  # the Celery name it has always had (queued messages keep working)
    crash_message = "解析时发生内部错误，未导入任何内容。请将文件发给系统管理员排查。"

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to=RandomName("imports"), blank=True)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    warnings = models.JSONField("警告", default=list, blank=True)
    unknown_units = models.JSONField("未识别单位", default=list, blank=True)
    diff = models.JSONField("差异", default=list, blank=True)
    plan = models.ForeignKey(Plan, verbose_name="方案", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta(BackgroundJob.Meta):
        db_table = "plans_importjob"  # the table of the app it came from: moved without copying rows
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    @classmethod
    def visible_to(cls, user) -> models.QuerySet:
        return cls.objects.all() if scope_of(user).is_admin else cls.objects.none()

    @property
    def retryable(self) -> bool:
        # A refused file is deleted: there is nothing to parse again, the admin uploads a new one.
        return self.status == self.Status.FAILED and bool(self.file)

    def can_retry(self, user) -> bool:
        return self.retryable and self.visible_to(user).filter(pk=self.pk).exists()

    def get_absolute_url(self) -> str:
        return reverse("plans:import_status", args=[self.pk])

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"
