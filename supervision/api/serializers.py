from rest_framework import serializers

from config.inputs import IdField
from tasks.models import CompletionApplication, ExtensionRequest

from ..choices import UrgeLevel
from ..models import Reminder, Urge
from ..presenters import reminder_line


class NotificationSerializer(serializers.ModelSerializer):
    line = serializers.SerializerMethodField(help_text="提醒的一行文字，与消息中心、汇总消息相同。")

    class Meta:
        model = Reminder
        fields = ["id", "kind", "period", "task", "text", "line", "created_at", "read_at"]

    def get_line(self, obj: Reminder) -> str:
        return reminder_line(obj)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), required=False,
                                help_text="要标为已读的提醒；不填则全部标为已读。")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class UrgeSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Urge
        fields = ["id", "level", "task", "unit", "unit_name", "message", "created_by", "created_at", "response",
                  "responded_by", "responded_at"]


class UrgeInputSerializer(serializers.Serializer):
    task = IdField(required=False, allow_null=True, help_text="催办的任务（与 unit 二选一）")
    unit = IdField(required=False, allow_null=True, help_text="催办的单位（整个单位）")
    message = serializers.CharField(max_length=2000)
    level = serializers.ChoiceField(choices=UrgeLevel.choices, default=UrgeLevel.URGE)


class UrgeResponseSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=4000)


class DecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 同意 / 通过；false 驳回 / 退回（须填写意见）")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExtensionReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "task", "requested_deadline", "reason", "requested_by", "requested_at", "decision",
                  "decided_by", "decided_at", "comment"]


class CompletionReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompletionApplication
        fields = ["id", "task", "note", "applied_by", "applied_at", "decision", "decided_by", "decided_at",
                  "comment"]
