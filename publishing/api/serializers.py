from rest_framework import serializers

from ..models import Article


class ArticleSerializer(serializers.ModelSerializer):
    compilation_title = serializers.CharField(source="compilation.title", read_only=True, default=None)

    class Meta:
        model = Article
        fields = ["id", "title", "place", "source", "published_on", "body", "compilation", "compilation_title",
                  "first_line", "created_at", "updated_at"]


class RelatedArticleSerializer(serializers.Serializer):
    article = ArticleSerializer()
    score = serializers.FloatField()
    terms = serializers.ListField(child=serializers.CharField())
    snippet = serializers.CharField(help_text="HTML：命中词以 <mark> 标出，其余已转义。")
