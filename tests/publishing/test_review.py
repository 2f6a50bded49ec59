"""The admin's review page and measure edit form, as a browser would post them (issue 11's admin
journey; issue 15's alias learning, guessed year and source text)."""
import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Target
from plans.choices import PlanStatus, UnitKind
from audit.models import AuditEntry
from plans.models import Measure, MeasureUnit, Region
from plans.services import unit_create
from publishing.services import plan_import

pytestmark = pytest.mark.django_db


def _item(label, title, **kw):
    item = {"label": label, "level": 1, "title": title, "actionable": True, "lead_units": [], "co_units": [],
            "deadline": None, "recurring": [], "targets": [], "children": []}
    item.update(kw)
    return item


def _tree(*items, title="铁西区2026年营商环境审核测试方案", **kw):
    return {"title": title, "issuer": None, "issued_on": None, "year": 2026, "items": list(items), **kw}


def _import(cast, tree, data=b"v1"):
    return plan_import(tree=tree, region=cast.region, source_name="plan.txt", source_bytes=data,
                       actor=cast.admin).plan


class _Form(HTMLParser):
    """The values a browser submits for the first <form method=post> of a page. A date input holds
    only yyyy-mm-dd (the HTML value sanitisation rule): anything else is submitted empty."""

    def __init__(self, action: str | None):
        super().__init__()
        self.action = action
        self.values: dict[str, str] = {}
        self._in_form = False
        self._textarea = None
        self._select = None
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and a.get("method") == "post" and "logout" not in (a.get("action") or ""):
            self._in_form = self.action is None or a.get("action") == self.action
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            value = a.get("value") or ""
            if kind == "checkbox":
                if "checked" in a:
                    self.values[a["name"]] = value or "on"
            elif kind == "date":
                self.values[a["name"]] = value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""
            else:
                self.values[a["name"]] = value
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n") if not self.values[self._textarea] else data


def _browser_form(client, url, action: str | None = None) -> dict:
    """The fields of the page's first POST form (its form with that `action`), as a browser sends them."""
    resp = client.get(url)
    assert resp.status_code == 200
    parser = _Form(action)
    parser.feed(resp.content.decode())
    return parser.values


# --- The measure edit form -----------------------------------------------------------------------

def test_it_renders_the_deadline_as_iso_so_the_date_input_shows_it(cast, client):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"],
                                     deadline={"text": "2022年9月底前", "date": "2022-09-30"})))
    m = plan.measures.get()
    client.force_login(cast.admin)
    html = client.get(f"/plans/measures/{m.pk}/edit/").content.decode()
    assert re.search(r'<input type="date" name="deadline" value="2022-09-30"', html), html


@pytest.mark.parametrize("deadline", [{"text": "2022年9月底前", "date": "2022-09-30"},
                                      {"text": "年底前", "date": None}, {"text": "长期坚持", "date": None}])
def test_it_keeps_the_deadline_when_the_form_is_saved_for_another_reason(cast, client, deadline):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"], deadline=deadline,
                                     ongoing=deadline["text"] == "长期坚持")))
    m = plan.measures.get()
    before = (m.deadline, m.deadline_text, m.ongoing)
    client.force_login(cast.admin)
    url = f"/plans/measures/{m.pk}/edit/"
    data = _browser_form(client, url)
    data["title"] = "推行证明事项告知承诺制"
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    m.refresh_from_db()
    assert m.title == "推行证明事项告知承诺制"
    assert (m.deadline, m.deadline_text, m.ongoing) == before


def test_it_adds_a_target_row_on_the_edit_form(cast, client):
    """Was an HTTP 500: the new row has no original text (ValidationError `text`)."""
    plan = _import(cast, _tree(_item("1.", "压缩企业开办时间", lead_units=["区数据局"],
                                     deadline={"text": "9月", "date": "2026-09-30"})))
    m = plan.measures.get()
    client.force_login(cast.admin)
    url = f"/plans/measures/{m.pk}/edit/"
    data = _browser_form(client, url)
    data.update({"t-0-metric": "企业开办时间", "t-0-op": "<=", "t-0-value": "1", "t-0-unit": "个工作日"})
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    t = Target.objects.get(measure=m)
    assert (t.metric, t.op, t.value, t.unit, t.deadline) == ("企业开办时间", "<=", 1, "个工作日", dt.date(2026, 9, 30))
    assert t.text == "企业开办时间≤1个工作日"


def test_it_shows_an_incomplete_target_row_as_errors_in_chinese(cast, client):
    plan = _import(cast, _tree(_item("1.", "压缩企业开办时间", lead_units=["区数据局"])))
    m = plan.measures.get()
    client.force_login(cast.admin)
    url = f"/plans/measures/{m.pk}/edit/"
    data = _browser_form(client, url)
    data.update({"t-0-metric": "企业开办时间"})  # no op, no value
    resp = client.post(url, data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "未保存" in html and "该字段是必填项" in html
    assert not Target.objects.exists()


# --- Review page ---------------------------------------------------------------------------------

def test_it_corrects_the_plan_title_on_the_review_page(cast, client):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"]),
                               title="关于印发铁西区2026年营商环境方案的通知"))
    client.force_login(cast.admin)
    data = _browser_form(client, f"/plans/{plan.pk}/review/", action=f"/plans/{plan.pk}/update/")
    assert data["plan-title"] == "关于印发铁西区2026年营商环境方案的通知"
    data["plan-title"] = "铁西区2026年营商环境方案"
    resp = client.post(f"/plans/{plan.pk}/update/", data)
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "铁西区2026年营商环境方案"
    assert "铁西区2026年营商环境方案" in client.get(f"/plans/{plan.pk}/review/").content.decode()
    entry = AuditEntry.objects.get(action="plan_update")
    assert entry.actor == cast.admin and "标题" in entry.after["changes"][0]


def test_it_creates_a_region_from_the_upload_form(cast, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(cast.admin)
    upload = SimpleUploadedFile("方案.txt", "一、优化营商环境\n1. 推行告知承诺制（区数据局负责）\n".encode())
    resp = client.post("/plans/import/", {"region": "", "new_region_name": "铁东区", "new_region_code": "210302",
                                          "new_region_parent": "", "file": upload})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    region = Region.objects.get(code="210302")
    assert region.name == "铁东区"
    assert AuditEntry.objects.filter(action="region_create", actor=cast.admin).exists()
    # a code that exists is refused with a message, nothing created
    upload = SimpleUploadedFile("方案.txt", "一、优化营商环境\n".encode())
    resp = client.post("/plans/import/", {"new_region_name": "又一个", "new_region_code": "210302", "file": upload})
    assert resp.status_code == 200 and "已存在" in resp.content.decode()
    assert Region.objects.filter(code="210302").count() == 1


def test_it_never_offers_a_catch_all_as_a_unit_to_create(cast, client):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"],
                                     co_units=["市各有关部门和单位", "各有关单位", "区税务局"])))
    assert set(MeasureUnit.objects.values_list("name_as_printed", flat=True)) == {"区数据局", "区税务局"}
    client.force_login(cast.admin)
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert "区税务局" in html and "各有关单位" not in html and "市各有关部门和单位" not in html


def test_it_suggests_the_registered_abbreviation_for_a_full_name(cast, client):
    office = unit_create(region=cast.region, name="区政府办")
    plan = _import(cast, _tree(_item("1.", "建立专班", lead_units=["区政府办公室"])))
    client.force_login(cast.admin)
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert re.search(rf'<option value="{office.pk}" selected>区政府办</option>', html), html


def test_it_defaults_a_group_name_to_the_group_kind(cast, client):
    plan = _import(cast, _tree(_item("1.", "落实属地责任", lead_units=["各旗区人民政府"], co_units=["各街道"])))
    client.force_login(cast.admin)
    kinds = {_browser_form(client, f"/plans/{plan.pk}/review/", action=f"/plans/{plan.pk}/units/map/")["u0-kind"]}
    resp = client.get(f"/plans/{plan.pk}/review/")
    kinds |= set(re.findall(r'<option value="(\w+)" selected>', resp.content.decode().split('name="u1-kind"')[1][:600])[:1])
    assert kinds == {UnitKind.GROUP}


def test_it_asks_for_confirmation_before_publishing(cast, client):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"])))
    client.force_login(cast.admin)
    review = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert "onclick" not in review and "<script" not in review
    # a bare POST (the old button) only shows the confirmation
    resp = client.post(f"/plans/{plan.pk}/publish/")
    assert resp.status_code == 200 and "确认发布" in resp.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    data = _browser_form(client, f"/plans/{plan.pk}/publish/")
    resp = client.post(f"/plans/{plan.pk}/publish/", data)
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.measures.get().tasks.count() == 1


def test_it_recognises_in_the_next_import_an_alias_mapped_on_the_review_page(cast, client):
    """Issue 15 item 3: map once, import a second plan naming the same unit: no red chip."""
    first = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区政数局"])))
    client.force_login(cast.admin)
    data = _browser_form(client, f"/plans/{first.pk}/review/", action=f"/plans/{first.pk}/units/map/")
    data.update({"prefix": "u0", "u0-name": "区政数局", "u0-unit": str(cast.unit.pk)})
    resp = client.post(f"/plans/{first.pk}/units/map/", data)
    assert resp.status_code == 302
    assert list(cast.unit.aliases.values_list("alias", flat=True)) == ["区政数局"]

    second = _import(cast, _tree(_item("1.", "推进一网通办", lead_units=["区政数局", "区营商局"]),
                                 title="铁西区2026年数字政府工作方案"), data=b"second")
    html = client.get(f"/plans/{second.pk}/review/").content.decode()
    assert "（未识别）" not in html and "未识别的单位</h3>" not in html
    assert MeasureUnit.objects.get(measure__plan=second, name_as_printed="区政数局").unit == cast.unit


def test_it_says_the_year_was_guessed_and_lets_the_admin_set_it(cast, client):
    """Issue 15 item 4: the year came from nowhere in the text; 8月底前 was dated in it."""
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"],
                                     deadline={"text": "8月底前", "date": "2026-08-31"}),
                               _item("2.", "建设政务服务中心", lead_units=["区数据局"],
                                     deadline={"text": "2027年6月底前", "date": "2027-06-30"}),
                               year_guessed=True))
    client.force_login(cast.admin)
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert "年度为推测" in html
    data = _browser_form(client, f"/plans/{plan.pk}/review/", action=f"/plans/{plan.pk}/update/")
    data["plan-year"] = "2025"
    assert client.post(f"/plans/{plan.pk}/update/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.year == 2025 and not plan.year_guessed
    dates = dict(plan.measures.values_list("label", "deadline"))
    assert dates == {"1.": dt.date(2025, 8, 31), "2.": dt.date(2027, 6, 30)}  # a printed year stays
    assert "年度为推测" not in client.get(f"/plans/{plan.pk}/review/").content.decode()


def test_it_keeps_a_guessed_year_flagged_until_it_is_changed_or_confirmed(cast, client):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"],
                                     deadline={"text": "8月底前", "date": "2026-08-31"}), year_guessed=True))
    client.force_login(cast.admin)
    url, action = f"/plans/{plan.pk}/review/", f"/plans/{plan.pk}/update/"
    data = _browser_form(client, url, action=action)
    data["plan-title"] = "铁西区营商环境方案"
    client.post(action, data)
    plan.refresh_from_db()
    assert plan.title == "铁西区营商环境方案" and plan.year_guessed  # a title fix confirms nothing
    data = _browser_form(client, url, action=action)
    data["plan-confirm_year"] = "on"
    client.post(action, data)
    plan.refresh_from_db()
    assert not plan.year_guessed and plan.year == 2026
    assert plan.measures.get().deadline == dt.date(2026, 8, 31)


def test_it_treats_a_missing_year_guessed_key_as_not_guessed(cast, client):
    plan = _import(cast, _tree(_item("1.", "推行告知承诺制", lead_units=["区数据局"])))
    assert not plan.year_guessed
    client.force_login(cast.admin)
    assert "年度为推测" not in client.get(f"/plans/{plan.pk}/review/").content.decode()


def test_it_stores_and_shows_the_source_text_of_each_item(cast, client):
    """Issue 15 item 7: each item's paragraph or table row, expandable with <details>."""
    source = "1. 推行告知承诺制。对证明事项全面推行告知承诺制。（牵头单位：区数据局；完成时限：9月）"
    tree = _tree(_item("一、", "优化政务服务", actionable=False, children=[
        _item("1.", "推行告知承诺制", level=2, lead_units=["区数据局"], source=source)]))
    plan = _import(cast, tree)
    m = plan.measures.get(label="1.")
    assert m.source == source and plan.measures.get(label="一、").source == ""
    client.force_login(cast.admin)
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert re.search(r'<details class="source"><summary>原文</summary><blockquote>1\. 推行告知承诺制。对证明事项', html)
    assert html.count('<details class="source">') == 1


def test_it_adds_and_removes_a_measure_on_the_review_page(cast, client):
    plan = _import(cast, _tree(_item("一、", "优化政务服务", actionable=False, children=[
        _item("1.", "推行告知承诺制", level=2, lead_units=["区数据局"])])))
    parent = plan.measures.get(label="一、")
    client.force_login(cast.admin)
    data = _browser_form(client, f"/plans/{plan.pk}/measures/add/?parent={parent.pk}")
    data.update({"label": "2.", "title": "推进证照分离", "lead_units": "区市场监管局", "deadline": "2026-10-31"})
    resp = client.post(f"/plans/{plan.pk}/measures/add/", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    added = plan.measures.get(path="一、/2.")
    assert added.parent == parent and added.deadline == dt.date(2026, 10, 31)
    assert added.unit_links.get().unit == cast.other_unit

    data = _browser_form(client, f"/plans/measures/{added.pk}/remove/")
    assert client.post(f"/plans/measures/{added.pk}/remove/", data).status_code == 302
    assert not Measure.objects.filter(pk=added.pk).exists()  # a draft's measure without tasks is deleted



def test_it_shows_which_registered_unit_a_mapped_name_stands_for(cast, client):
    """Found by the admin's journey (issue 11): after mapping 区企业服务中心 to 区数据局 the review and plan
    pages still showed only “区企业服务中心（牵头）”, so the admin could not see where its task went."""
    plan = _import(cast, _tree(_item("1.", "建立涉企服务专员制度", lead_units=["区企业服务中心"])))
    client.force_login(cast.admin)
    data = _browser_form(client, f"/plans/{plan.pk}/review/", action=f"/plans/{plan.pk}/units/map/")
    data.update({"prefix": "u0", "u0-name": "区企业服务中心", "u0-unit": str(cast.unit.pk)})
    assert client.post(f"/plans/{plan.pk}/units/map/", data).status_code == 302
    assert "牵头：区企业服务中心 → 区数据局" in client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert "区企业服务中心 → 区数据局（牵头）" in client.get(f"/plans/{plan.pk}/").content.decode()
