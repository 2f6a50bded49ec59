"""The plan the journeys import: a small .docx authored here (not a seed, not from ../shared), built
with python-docx the way an office writes one: a 印发 notice before the plan's own title, numbered
headings, one paragraph per measure with its units and deadline in brackets.

Deadlines are month ends counted from today, so that the same measures are overdue, due later or
long-term whenever the suite runs (the demo database and the Celery worker run on the real clock)."""
from __future__ import annotations

import calendar
import datetime as dt
import io


def month_end(today: dt.date, months: int) -> dt.date:
    y, m = divmod(today.year * 12 + today.month - 1 + months, 12)
    return dt.date(y, m + 1, calendar.monthrange(y, m + 1)[1])


def cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class JourneyPlan:
    """The document and every date the journeys type or expect, for one `today`."""

    UNKNOWN_UNIT = "区企业服务中心"  # not registered in the demo region: mapped to 区数据局 on review

    def __init__(self, today: dt.date):
        self.today = today
        self.year = today.year
        self.title = f"铁西区{self.year}年涉企服务提速增效行动方案"
        self.corrected_title = f"鞍山市铁西区{self.year}年涉企服务提速增效行动方案"
        self.m1_deadline = month_end(today, 2)          # due later
        self.m1_reviewed = month_end(today, 3)          # the admin corrects it on review
        self.m2_deadline = month_end(today, -2)         # overdue (区住建局, 区数据局)
        self.m2_published_change = month_end(today, 6)  # the admin moves it after publishing
        self.m3_deadline = month_end(today, -1)         # overdue (区企业服务中心 → 区数据局)
        self.m3_extension = month_end(today, 3)         # the unit asks for it, the supervisor grants it
        self.m1 = "推行涉企事项集成办理"
        self.m2 = "压缩工程建设项目审批时间"
        self.m3 = "建立涉企服务专员制度"
        self.m4 = "推行跨部门综合监管“综合查一次”"

    @staticmethod
    def _by(d: dt.date) -> str:
        return f"{d.year}年{d.month}月底前"

    def paragraphs(self) -> list[str]:
        return [
            f"关于印发{self.title}的通知",
            f"各有关单位：现将《{self.title}》印发给你们，请认真抓好落实。",
            "鞍山市铁西区人民政府办公室",
            f"{self.year}年3月5日",
            self.title,
            "为进一步优化营商环境，提升涉企服务效能，制定本方案。",
            "一、提升审批服务效率",
            f"1. {self.m1}，推动企业开办、准营等高频事项一次办结。（牵头单位：区数据局；配合单位：区市场监管局；"
            f"完成时限：{self._by(self.m1_deadline)}）",
            f"2. {self.m2}，全流程审批时间压缩至60个工作日以内。（牵头单位：区住建局；配合单位：区数据局；"
            f"完成时限：{self._by(self.m2_deadline)}）",
            f"3. {self.m3}，为重点企业配备服务专员，及时回应企业诉求。（牵头单位：{self.UNKNOWN_UNIT}；"
            f"完成时限：{self._by(self.m3_deadline)}）",
            "二、优化涉企监管服务",
            f"4. {self.m4}，减少对企业的重复检查。（牵头单位：区市场监管局；配合单位：区数据局；完成时限：长期坚持）",
        ]

    def docx(self) -> bytes:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        doc = Document()
        centred = {0, 4}
        right = {2, 3}
        for i, text in enumerate(self.paragraphs()):
            p = doc.add_paragraph(text)
            if i in centred:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif i in right:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
