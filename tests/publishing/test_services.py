from django.core.exceptions import ValidationError

import pytest

from audit.models import AuditEntry
from publishing.models import Article, Compilation
from publishing.services import (LibraryImportError, article_save, compilation_import, compilation_import_file,
                                 library_search, related_articles)
from tests.factories import MeasureFactory

from .conftest import SEED4


def test_it_imports_the_articles_of_a_compilation(library):
    assert library.created and library.articles == 53
    assert Article.objects.count() == 53
    art = Article.objects.get(title="XX区：巧用“加减乘除”优化营商环境")
    assert art.place == "XX区" and art.first_line == 94 and "企业开办一日办结" in art.body
    assert art.search_tokens and "企业" not in art.search_tokens.split()  # a stopword of the genre
    assert AuditEntry.objects.filter(action="compilation_import").count() == 1


def test_it_changes_nothing_when_the_same_compilation_is_imported_again(cast, library):
    again = compilation_import_file(data=SEED4.read_bytes(), filename="copy.txt", actor=cast.admin)
    assert not again.created and again.compilation == library.compilation
    assert Article.objects.count() == 53 and Compilation.objects.count() == 1


def test_it_imports_nothing_when_one_article_is_invalid(cast):
    tree = {"kind": "compilation", "title": "汇编", "articles": [
        {"title": "甲", "body": "正文"}, {"title": "乙" * 400, "body": ""}]}
    with pytest.raises(LibraryImportError):
        compilation_import(tree=tree, source_name="x.txt", source_bytes=b"x", actor=cast.admin)
    assert not Article.objects.exists() and not Compilation.objects.exists()


def test_it_refuses_a_plan_as_a_compilation(cast):
    plan = next(SEED4.parent.glob("000_*.txt")).read_bytes()
    with pytest.raises(LibraryImportError, match="不是材料汇编"):
        compilation_import_file(data=plan, filename="plan.txt", actor=cast.admin)


def test_it_ranks_the_articles_about_a_measures_subject_first(library):
    m = MeasureFactory(title="深化企业开办“一网通办”", text="深化企业开办“一网通办”，实现营业执照、印章刻制、发票申领、"
                       "社保登记一日办结。")
    top = related_articles(m, 3)
    assert len(top) == 3
    assert all("营业执照" in r.terms for r in top), [(r.article.title, r.terms) for r in top]
    assert "企业开办" in top[0].article.body
    assert "<mark>" in top[0].snippet and top[0].score >= top[-1].score


def test_it_finds_no_article_for_a_measure_of_only_stopwords(library):
    m = MeasureFactory(title="持续优化营商环境", text="持续优化营商环境。")
    assert related_articles(m, 3) == []


def test_it_sees_an_article_added_by_hand_at_once(cast, library):
    m = MeasureFactory(title="推行水电气暖网联合报装", text="推行水电气暖网联合报装。")
    article_save(article=Article(title="某市水电气暖网联合报装一次办", body="某市推行水电气暖网联合报装，一表申请。"),
                 actor=cast.admin)
    assert related_articles(m, 1)[0].article.title == "某市水电气暖网联合报装一次办"
    assert [a.title for a, _ in library_search("联合报装")][0] == "某市水电气暖网联合报装一次办"


def test_it_validates_an_article_added_by_hand(cast):
    with pytest.raises(ValidationError):
        article_save(article=Article(title="没有正文", body=""), actor=cast.admin)
