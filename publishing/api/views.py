from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from plans.models import Measure

from ..filtersets import ArticleFilterSet
from ..models import Article
from ..services import related_articles
from .serializers import ArticleSerializer, RelatedArticleSerializer


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """先进经验库的文章（登录用户均可查看）。"""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet
    ordering_fields = ["published_on", "created_at", "title"]

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related("compilation").order_by("id")

    @extend_schema(parameters=[OpenApiParameter("measure", int, required=True, description="措施 ID")],
                   responses=RelatedArticleSerializer(many=True))
    @action(detail=False, methods=["get"])
    def related(self, request):
        """与某项措施最相关的 3 篇文章（BM25），附命中词和摘录。措施须在本人可见范围内。"""
        try:
            pk = int(request.query_params.get("measure", ""))
        except ValueError:
            pk = 0
        measure = get_object_or_404(Measure.objects.visible_to(request.user), pk=pk)
        return Response(RelatedArticleSerializer(related_articles(measure, 3), many=True).data)
