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


class NationalIndicator(models.TextChoices):
    """The 18 一级指标 of the national 营商环境评价, and 其他. Values are the printed names: they are
    what `parse_plan --json` prints and what the keyword data file (indicators/data) names."""

    STARTING_A_BUSINESS = "开办企业", "开办企业"
    LABOUR_MARKET = "劳动力市场监管", "劳动力市场监管"
    CONSTRUCTION_PERMITS = "办理建筑许可", "办理建筑许可"
    GOVERNMENT_PROCUREMENT = "政府采购", "政府采购"
    BIDDING = "招标投标", "招标投标"
    ELECTRICITY = "获得电力", "获得电力"
    WATER_AND_GAS = "获得用水用气", "获得用水用气"
    REGISTERING_PROPERTY = "登记财产", "登记财产"
    CREDIT = "获得信贷", "获得信贷"
    MINORITY_INVESTORS = "保护中小投资者", "保护中小投资者"
    INTELLECTUAL_PROPERTY = "知识产权创造保护和运用", "知识产权创造保护和运用"
    CROSS_BORDER_TRADE = "跨境贸易", "跨境贸易"
    TAXES = "纳税", "纳税"
    ENFORCING_CONTRACTS = "执行合同", "执行合同"
    INSOLVENCY = "办理破产", "办理破产"
    MARKET_REGULATION = "市场监管", "市场监管"
    GOVERNMENT_SERVICES = "政务服务", "政务服务"
    INCLUSIVE_INNOVATION = "包容普惠创新", "包容普惠创新"
    OTHER = "其他", "其他"
