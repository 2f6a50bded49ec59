"""config.queries.first_row: a hot page's query compiled once per process, its data read every time."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import queries
from plans.models import Region, Unit

pytestmark = pytest.mark.django_db


def test_it_compiles_once_per_key_and_reads_the_data_on_every_call(monkeypatch):
    region = Region.objects.create(name="铁西区", code="210106")
    builds = []

    def build():
        builds.append(1)
        return Region.objects.filter(pk=region.pk).values_list("name", "code")

    key = ("test:region", region.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert queries.first_row(key, build) == ("铁西区", "210106")
        Region.objects.filter(pk=region.pk).update(name="铁西新区")
        assert queries.first_row(key, build) == ("铁西新区", "210106")
    assert builds == [1]  # compiled once
    assert len([q for q in ctx.captured_queries if "plans_region" in q["sql"] and "SELECT" in q["sql"]]) == 2
    Region.objects.filter(pk=region.pk).delete()
    assert queries.first_row(key, build) is None


def test_it_keeps_at_most_max_kept_compilations(monkeypatch):
    monkeypatch.setattr(queries, "MAX_KEPT", 3)
    monkeypatch.setattr(queries, "_compiled", type(queries._compiled)())
    for pk in range(5):
        queries.first_row(("test:bounded", pk), lambda pk=pk: Region.objects.filter(pk=pk).values_list("id"))
    assert list(queries._compiled) == [("test:bounded", 2), ("test:bounded", 3), ("test:bounded", 4)]


def test_it_converts_values_as_the_orm_does_and_gives_none_for_an_empty_queryset():
    unit = Unit.objects.create(region=Region.objects.create(name="铁西区", code="210106"), name="区发改局")
    row = queries.first_row(("test:unit", unit.pk), lambda: Unit.objects.filter(pk=unit.pk).values_list("is_active"))
    assert row == (True,) and row[0] is True  # SQLite returns 1: the field's converter makes it a bool
    assert queries.first_row(("test:none",), lambda: Unit.objects.none().values_list("id")) is None
