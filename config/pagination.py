"""Bounded pagination for every list, HTML and API.

A page is read with LIMIT/OFFSET over an indexed ordering, and its total is a capped count:
`SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)` stops after cap + 1 rows, so a province's 700,000
reports cost what 10,001 do. Pages past the cap are not served (narrow the filter instead), which
also bounds the OFFSET; the page size is bounded too, so no response grows with the data.
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` (`capped` says whether there were more rows)."""

    cap = 1000
    capped = False

    def __init__(self, *args, cap: int | None = None, count: int | None = None, **kwargs):
        """count: the number of rows when the caller has it already (a GROUP BY it ran anyway)."""
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        if count is not None:
            self.capped = count > self.cap
            self.__dict__["count"] = min(count, self.cap)  # the cached_property's value

    @cached_property
    def count(self) -> int:
        # the page's ordering means nothing to a count and may cost a sort of every row, and the
        # page's annotations (a task's status CASE) are work for no purpose: counted over the keys
        n = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)


class ApiCappedPaginator(CappedPaginator):
    cap = 10_000


class BoundedPagination(PageNumberPagination):
    """The API's default: `?page=` and `?page_size=` (≤ 200), `count` capped at 10,000 with
    `count_capped` telling whether there are more."""

    django_paginator_class = ApiCappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_capped"] = {"type": "boolean", "description": "总数超过 10000 时为真（count 为 10000）"}
        out["required"] = [*out.get("required", []), "count_capped"]
        return out
