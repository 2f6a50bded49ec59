"""Honest progress text: gentle flags on a submitted progress report (减负: a note, never a block).

Four kinds, each with a Chinese message the clerk sees after submitting:

- ``boilerplate``: only 套话 (正在有序推进, 按计划推进中, 稳步推进 …) and nothing specific;
- ``same_as_previous``: nearly the same text as the unit's previous report for the task (an earlier
  period), measured with difflib's ratio on the normalised text (``SIMILAR_RATIO``, 0.9);
- ``no_specifics``: the measure has a quantitative target, and the text names no figure, date or
  document (《…》 or a 文号);
- ``too_short``: fewer characters of content than ``settings.REPORT_MIN_CHARS`` (default 15).

``report_flags`` is a pure function; ``flags_for_report`` looks up what it needs for a report row.
The 本期无变化 fast path is never flagged: repeating the last report is what it is for.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.conf import settings
from django.db.models import Count, Q

from indicators.models import Target

SIMILAR_RATIO = 0.9
DEFAULT_MIN_CHARS = 15

# Set phrases that say nothing by themselves. Matched after punctuation and spaces are removed.
BOILERPLATE = [
    "正在有序推进", "有序推进中", "有序推进", "按计划推进中", "按计划推进", "按计划进行", "按时间节点推进",
    "稳步推进中", "稳步推进", "正在推进中", "正在推进", "持续推进中", "持续推进", "扎实推进", "积极推进",
    "正在落实中", "正在落实", "认真落实", "抓好落实", "全力推进", "加快推进", "进展顺利", "进展良好",
    "工作正常开展", "正常开展", "已按要求开展", "按要求落实", "按要求推进", "取得一定成效", "取得阶段性成效",
    "下一步将继续", "下一步继续", "继续推进", "继续落实", "继续加强", "持续跟进", "持续关注", "无", "暂无",
    "高度重视", "认真贯彻", "积极开展", "扎实开展", "认真开展", "统筹推进", "压实责任", "下一步", "将", "继续",
    "本月", "本期", "我单位", "我局", "该项工作", "此项工作", "相关工作", "各项工作", "工作", "目前", "已",
]
_BOILER = re.compile("|".join(re.escape(p) for p in sorted(BOILERPLATE, key=len, reverse=True)))
_NOISE = re.compile(r"[\s，,。.;；:：!！?？、“”\"'‘’（）()\-—…]+")
FIGURE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+(?:个|项|家|户|件|次|场|人|元|天|条|份|期|批|%|％)|百分之")
DATE = re.compile(r"\d{1,4}\s*[年月日号]|[上中下]旬|月底|年底|季度")
DOCUMENT = re.compile(r"《[^》]{2,}》|〔\d{4}〕|\[\d{4}\]|\d+号")


def _norm(text: str) -> str:
    return _NOISE.sub("", text or "")


def similarity(a: str, b: str) -> float:
    """difflib ratio of the two texts without spaces and punctuation (0..1)."""
    a, b = _norm(a), _norm(b)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def report_flags(*, text: str, previous_text: str | None = None, has_target: bool = False,
                 min_chars: int | None = None) -> list[dict]:
    """The flags of one report's text (done + problems). Each: {"code", "message"}."""
    min_chars = DEFAULT_MIN_CHARS if min_chars is None else min_chars
    flags: list[dict] = []
    content = _norm(text)
    rest = _BOILER.sub("", content)
    if content and len(rest) < 4:
        flags.append({"code": "boilerplate",
                      "message": "内容多为“正在有序推进”“按计划推进中”等套话，建议写明本期具体做了什么、进度如何。"})
    if previous_text is not None and content:
        ratio = similarity(text, previous_text)
        if ratio >= SIMILAR_RATIO:
            flags.append({"code": "same_as_previous", "ratio": round(ratio, 2),
                          "message": f"与本单位上期报送内容相似度 {ratio:.0%}，如本期确无进展，可使用“本期无变化”。"})
    if has_target and not (FIGURE.search(text or "") or DATE.search(text or "") or DOCUMENT.search(text or "")):
        flags.append({"code": "no_specifics",
                      "message": "该措施有量化目标，但进展中没有数字、日期或文件名称，建议写明完成数量或比例。"})
    if len(content) < min_chars:
        flags.append({"code": "too_short", "message": f"进展内容较短（少于 {min_chars} 字），建议补充具体情况。"})
    return flags


def flags_for_report(report) -> list[dict]:
    """Flags of a report row about to be saved: compares with the unit's newest report of an earlier
    period and asks whether the measure has quantitative targets."""
    if report.no_change:
        return []
    previous = (report.task.reports.filter(period__lt=report.period).order_by("-period", "-version")
                .values_list("done_text", "problems_text").first())
    return report_flags(
        text=f"{report.done_text}\n{report.problems_text}".strip(),
        previous_text=f"{previous[0]}\n{previous[1]}".strip() if previous else None,
        has_target=Target.objects.filter(measure_id=report.task.measure_id).exists(),
        min_chars=getattr(settings, "REPORT_MIN_CHARS", DEFAULT_MIN_CHARS),
    )


def flagged_counts_by_unit(reports) -> dict[int, int]:
    """{unit id: number of reports with at least one flag} over a ProgressReport queryset (give it
    the latest versions of a period for the dashboard)."""
    rows = (reports.exclude(quality_flags=[]).values("task__unit_id").annotate(n=Count("id"))
            .order_by())
    return {r["task__unit_id"]: r["n"] for r in rows}


def flagged_q() -> Q:
    """Filter for lists: reports with at least one flag."""
    return ~Q(quality_flags=[])


def flagged_tasks_q() -> Q:
    """On tasks: the task has a report whose newest version (of its period) carries a flag. A
    corrected version without flags clears it. Serves the 有提示/无提示 filter of the task lists."""
    from django.db.models import Exists, OuterRef

    from .models import ProgressReport

    flagged = ProgressReport.objects.filter(task_id=OuterRef("pk")).latest_versions().filter(flagged_q())
    return Q(Exists(flagged))


def flagged_by_unit(reports) -> list[dict]:
    """Per unit, over a ProgressReport queryset (give it the latest versions): reports with at least
    one flag and the tasks they belong to, most first. [{"unit_id", "unit", "region", "reports",
    "tasks"}]."""
    rows = (reports.filter(flagged_q()).values("task__unit_id", "task__unit__name", "task__unit__region__name")
            .annotate(n=Count("id"), t=Count("task_id", distinct=True)).order_by("-n", "task__unit__name"))
    return [{"unit_id": r["task__unit_id"], "unit": r["task__unit__name"], "region": r["task__unit__region__name"],
             "reports": r["n"], "tasks": r["t"]} for r in rows]
