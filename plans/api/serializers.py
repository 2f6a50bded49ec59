from rest_framework import serializers

from ..models import Measure, MeasureUnit, Plan, Unit


class UnitSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "region", "parent", "aliases"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "title", "issuer", "issued_on", "year", "region", "doc_number", "status",
                  "report_cycle", "report_day", "published_at"]


class MeasureUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureUnit
        fields = ["name_as_printed", "unit", "role"]


class MeasureSerializer(serializers.ModelSerializer):
    units = MeasureUnitSerializer(source="unit_links", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = ["id", "plan", "parent", "label", "level", "path", "title", "text", "actionable", "order",
                  "deadline_text", "deadline", "ongoing", "recurring", "units", "indicator_primary",
                  "indicator_secondary"]
