"""The unit registry, users' memberships, plans and their numbered measure tree.

Units and memberships live here because the importer resolves unit names against them; they are
the vocabulary every other app speaks.
"""
from django.conf import settings
from django.db import models
from tree_queries.query import TreeQuerySet

from config.files import RandomName

from .choices import NationalIndicator, PlanStatus, ReportCycle, Role, UnitKind, UnitRole
from .querysets import MeasureQuerySet, PlanQuerySet, UnitQuerySet


class Region(models.Model):
    """An administrative area (省/市/区): supervisors see what is in their region and below."""

    name = models.CharField("名称", max_length=100)
    code = models.CharField("区划代码", max_length=20, unique=True)
    parent = models.ForeignKey("self", verbose_name="上级区域", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    # The region tree (省 → 市 → 区) in one recursive query: Region.objects.descendants(region)
    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "区域"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A responsible unit (单位). A group unit (各街道, 区属各相关部门) expands to its members."""

    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="units")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    members = models.ManyToManyField("self", verbose_name="组内单位", blank=True, symmetrical=False,
                                     related_name="groups", help_text="仅对单位组有效：组展开为这些单位。")
    is_active = models.BooleanField("启用", default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another name for a unit as printed in documents (区数据局 = 区政务服务和数据管理局)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("别名", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "单位别名"
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="unit_alias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit}"


class Membership(models.Model):
    """A user's place: the unit they act for and their role there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="membership")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField("手机", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户所属单位"

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}（{self.get_role_display()}）"


class Plan(models.Model):
    """An action plan (实施方案/行动方案) as published, with the file it was imported from."""

    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    year = models.PositiveIntegerField("方案年度")
    # The parser found no year in the text (title, 文号, signature, dated deadlines) and assumed
    # one: the review page says so until an admin confirms or sets the year.
    year_guessed = models.BooleanField("年度为推测", default=False)
    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="plans")
    doc_number = models.CharField("文号", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    source_file = models.FileField("原始文件", upload_to=RandomName("plans"), blank=True)
    source_name = models.CharField("原始文件名", max_length=255, blank=True)
    source_sha256 = models.CharField("文件哈希", max_length=64, blank=True, db_index=True)
    report_cycle = models.CharField("报送周期", max_length=20, choices=ReportCycle.choices,
                                    default=ReportCycle.MONTHLY)
    report_day = models.PositiveSmallIntegerField("报送日", default=25, help_text="每个周期内的截止日（几号）。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, help_text="乐观锁：每次保存加一。")

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "方案"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """One numbered item of a plan (一、 （一） 1. （1）), as printed."""

    plan = models.ForeignKey(Plan, verbose_name="方案", on_delete=models.CASCADE, related_name="measures",
                             db_index=False)  # measure_plan_id (plan, id) serves lookups by plan
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    label = models.CharField("编号", max_length=20, blank=True, help_text="未编号的小标题为空。")
    level = models.PositiveSmallIntegerField("层级")
    path = models.CharField("编号路径", max_length=200, help_text="从根到本项的编号，用于导入时匹配。")
    title = models.CharField("标题", max_length=500)
    text = models.TextField("全文", blank=True)
    actionable = models.BooleanField("需落实", default=True)
    order = models.PositiveIntegerField("顺序")
    deadline_text = models.CharField("完成时限（原文）", max_length=100, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    ongoing = models.BooleanField("长期坚持", default=False)
    recurring = models.JSONField("周期性要求", default=list, blank=True)
    search_text = models.TextField("分词文本", blank=True, editable=False)
    # The paragraph or table row the item was read from, so a reviewer checks the reading
    # against the original without opening the document.
    source = models.TextField("原文出处", blank=True)
    # A measure removed from a published plan is kept (its tasks and their reports stay, withdrawn)
    # and hidden from the plan; a re-import that brings its path back restores it.
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, help_text="乐观锁：审核页面每次修改加一。")
    # The national 营商环境评价 indicator, suggested at import by indicators.mapping (a keyword model
    # kept as data) and corrected on the review page; blank on headings and on measures imported
    # before the suggester existed.
    indicator_primary = models.CharField("主要评价指标", max_length=20, choices=NationalIndicator.choices,
                                         blank=True, db_index=True)
    indicator_secondary = models.JSONField("次要评价指标", default=list, blank=True,
                                           help_text="最多两个，取值同主要评价指标。")

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "措施"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="measure_unique_order")]
        indexes = [
            models.Index(fields=["plan", "path"], name="measure_plan_path"),
            # Lists and dashboards join every task to its measure for the plan (and the plan's
            # region): this narrow index lets PostgreSQL read (id, plan) without the wide rows.
            models.Index(fields=["plan", "id"], name="measure_plan_id"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"


class MeasureUnit(models.Model):
    """A unit named on a measure, as printed. `unit` is empty until an unknown name is mapped."""

    measure = models.ForeignKey(Measure, verbose_name="措施", on_delete=models.CASCADE, related_name="unit_links")
    name_as_printed = models.CharField("原文单位名", max_length=100)
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="measure_links")
    role = models.CharField("角色", max_length=10, choices=UnitRole.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "措施责任单位"
        ordering = ["measure", "order"]
        constraints = [models.UniqueConstraint(fields=["measure", "name_as_printed"], name="measure_unit_unique")]

    def __str__(self) -> str:
        return f"{self.name_as_printed}（{self.get_role_display()}）"
