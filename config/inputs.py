"""Integer inputs validated where they enter: filters, API fields, ids in lists.

SQLite stores integers in 64 bits and raises OverflowError (a 500) when a query compares a column
with a larger Python int; PostgreSQL's bigint has the same range. Django guards `pk=<huge>` but not
`fk=<huge>` or `id__in=[<huge>]`, so every integer a client can send is bounded here instead of
in each view.
"""
from __future__ import annotations

import django_filters
import django_filters.rest_framework
from django import forms
from rest_framework import serializers

DB_INT_MAX = 2**63 - 1  # SQLite INTEGER and PostgreSQL bigint


class IdFormField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id (usually of a foreign key) given as a number: a whole number between 1 and the
    database's largest integer, otherwise a form error (400 in the API)."""

    field_class = IdFormField


class BoundedNumbers:
    """Number filters, declared or generated from model fields, refuse values outside the
    database's integer range."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.NumberFilter) and not isinstance(f, IdFilter):
                f.extra.setdefault("min_value", -DB_INT_MAX)
                f.extra.setdefault("max_value", DB_INT_MAX)
                f.__dict__.pop("_field", None)  # a form field built before this would lack the bounds


class FilterSet(BoundedNumbers, django_filters.FilterSet):
    """The base of every filterset in the project."""


class RestFilterSet(BoundedNumbers, django_filters.rest_framework.FilterSet):
    """The base of the filtersets DRF builds from a view's `filterset_fields`."""


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    filterset_base = RestFilterSet


class IdField(serializers.IntegerField):
    """An id in an API input: 1 … the database's largest integer."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(**kwargs)


class BoundedIntegerField(serializers.IntegerField):
    """A count or version number in an API input, within the database's integer range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", DB_INT_MAX)
        kwargs.setdefault("min_value", -DB_INT_MAX)
        super().__init__(**kwargs)
