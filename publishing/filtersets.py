import django_filters
from django.db.models import Q

from .models import Article


class ArticleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="标题或正文包含")
    place = django_filters.CharFilter(lookup_expr="icontains", label="地区/单位包含")

    class Meta:
        model = Article
        fields = ["compilation", "place", "q"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(body__icontains=value)) if value else qs
