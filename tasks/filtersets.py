import django_filters
from django.db.models import Q
from django.utils import timezone

from config.inputs import FilterSet, IdFilter
from indicators.models import Target

from .choices import TaskStatus
from .models import ProgressReport, Task
from .querysets import ONTIME_AGAINST, ontime_due_q, ontime_q
from .status import owes_current_report_q, reported_q
from .workdays import local_date

YES_NO = [("yes", "是"), ("no", "否")]


def without_blanks(data):
    """The query without empty values: a browser's form sends every field, so 状态 left at 全部 is
    `status=` and a plan left at 全部 is `plan=`. An empty value means "no filter" everywhere (pages,
    exports, API), never an invalid choice."""
    if data is None:
        return None
    from django.http import QueryDict

    out = QueryDict(mutable=True)
    keys = data.keys()
    for k in keys:
        values = data.getlist(k) if hasattr(data, "getlist") else data[k]
        values = values if isinstance(values, (list, tuple)) else [values]
        kept = [v for v in values if not (v is None or (isinstance(v, str) and not v.strip()))]
        if kept:
            out.setlist(k, kept)
    return out


class TaskFilterSet(FilterSet):
    plan = IdFilter(field_name="plan", label="方案")
    region = IdFilter(field_name="plan__region", label="区域")
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="时限不早于")
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="时限不晚于")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    # Computed facts (supervisor dashboard drill-downs); evaluated against `now` in Asia/Shanghai.
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices, method="filter_status", label="状态")
    reported = django_filters.ChoiceFilter(choices=YES_NO, method="filter_reported", label="本期已报送")
    ontime = django_filters.ChoiceFilter(choices=[("yes", "按期办结"), ("no", "未按期完成")],
                                         method="filter_ontime", label="按期完成")
    against = django_filters.ChoiceFilter(choices=list(ONTIME_AGAINST.items()), method="filter_against",
                                          label="按期口径")
    target = django_filters.ChoiceFilter(choices=[("met", "已达标"), ("unmet", "未达标"), ("read", "已填报实际值"),
                                                  ("none", "无实际值")],
                                         method="filter_target", label="指标达标")
    quality = django_filters.ChoiceFilter(choices=[("flagged", "有提示"), ("clean", "无提示")],
                                          method="filter_quality", label="内容提示")

    class Meta:
        model = Task
        fields = ["plan", "region", "unit", "role", "measure", "deadline_after", "deadline_before", "q",
                  "status", "reported", "ontime", "against", "target", "quality"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(without_blanks(data), *args, **kwargs)

    @property
    def qs(self):
        """Tasks withdrawn by a plan revision (已撤销) are listed only when asked for by status, so a
        list agrees with the dashboard figure it drills into (bound or not)."""
        qs = super().qs
        statuses = (getattr(self.form, "cleaned_data", None) or {}).get("status") if self.is_bound else None
        return qs if TaskStatus.WITHDRAWN in (statuses or []) else qs.live()

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(measure__title__icontains=value) | Q(measure__text__icontains=value)
                               | Q(unit__name__icontains=value))

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.status_in(value, now=timezone.now())

    def filter_reported(self, queryset, name, value):
        """Among the tasks that owe the current period's report (the one rule, tasks/status.py):
        yes = reported, no = 未报送 (what the reminder scan reminds of)."""
        today = local_date(timezone.now())
        queryset = queryset.filter(owes_current_report_q(today))
        submitted = reported_q(today)
        return queryset.filter(submitted) if value == "yes" else queryset.exclude(submitted)

    def filter_ontime(self, queryset, name, value):
        """yes: closed by the deadline day; no: due by now and not closed in time (tasks/querysets.py
        defines both, against the deadline chosen by `against`)."""
        today = local_date(timezone.now())
        queryset = queryset.with_ontime(self.form.cleaned_data.get("against") or "granted")
        return (queryset.filter(ontime_q()) if value == "yes"
                else queryset.filter(ontime_due_q(today)).exclude(ontime_q()))

    def filter_against(self, queryset, name, value):
        return queryset  # read by filter_ontime and the dashboard

    def filter_target(self, queryset, name, value):
        targets = Target.objects.all()
        if value == "met":
            targets = targets.met()
        elif value == "unmet":
            targets = targets.unmet()
        elif value == "read":  # the 指标达标率's denominator: met or not, with a reading
            targets = targets.filter(latest_value__isnull=False)
        else:
            targets = targets.filter(latest_value__isnull=True)
        return queryset.filter(measure_id__in=targets.values("measure_id"))

    def filter_quality(self, queryset, name, value):
        """有提示: a report (its newest version) with a gentle note of tasks.quality; 无提示: none."""
        from .quality import flagged_tasks_q

        return queryset.filter(flagged_tasks_q()) if value == "flagged" else queryset.exclude(flagged_tasks_q())


class ProgressReportFilterSet(FilterSet):
    class Meta:
        model = ProgressReport
        fields = ["task", "period", "status"]
