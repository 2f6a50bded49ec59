from django.db import models


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "部门"
    STREET = "street", "街道/乡镇"
    ENTERPRISE = "enterprise", "企业/机构"
    GROUP = "group", "单位组"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    STAFF = "staff", "承办人"
    UNIT_HEAD = "unit_head", "单位负责人"
    SUPERVISOR = "supervisor", "督查人员"
    ADMIN = "admin", "管理员"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已归档"


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头"
    CO = "co", "配合"


class ReportCycle(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
