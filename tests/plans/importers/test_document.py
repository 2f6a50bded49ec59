"""Document fields: title, issuer (parser/document.py). Examples written for the rule."""
from __future__ import annotations

from .test_genre import parse_txt

BODY = "一、任务\n1.做好服务。\n"


def test_it_leaves_the_document_number_out_of_the_title():
    r = parse_txt("某市人民政府关于稳定就业的实施意见(某府发〔2021〕9号)\n" + BODY)
    assert r["title"] == "某市人民政府关于稳定就业的实施意见"
    r = parse_txt("某府〔2021〕9号\n某市人民政府关于稳定就业的实施意见\n" + BODY)
    assert r["title"] == "某市人民政府关于稳定就业的实施意见"


def test_it_reads_the_issuer_named_in_the_title_when_nothing_is_signed():
    r = parse_txt("某市人民政府关于稳定就业的实施意见\n" + BODY)
    assert r["issuer"] == "某市人民政府"


def test_it_takes_the_issuers_printed_above_the_title_out_of_it():
    r = parse_txt("中共某市委 某市人民政府\n关于帮助企业纾困的\n若干政策\n" + BODY)
    assert r["title"] == "关于帮助企业纾困的若干政策"
    assert r["issuer"] == "中共某市委、某市人民政府"


def test_it_cleans_a_title_copied_from_a_pdf_or_a_web_page():
    r = parse_txt("(本文有删减)\n《某县促进消费若干 措施》\n为贯彻落实上级部署,结合我县实际,现制定\n如下措施。\n" + BODY)
    assert r["title"] == "某县促进消费若干措施"
