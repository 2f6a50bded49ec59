"""Supervision over the API: the notification centre, urging (催办/督办) and the unit's answer,
extension and close-out review. The same services and querysets as the pages: a refused use case
is a 400 with its Chinese message (config.refusals, the EXCEPTION_HANDLER), an action outside
one's role a 403 (Django's PermissionDenied, with its message), an object outside visible_to a 404."""
from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.inputs import FilterSet
from plans.models import Unit
from plans.rules import supervises
from tasks.models import CompletionApplication, ExtensionRequest, Task

from .. import services
from ..channels import inapp
from ..choices import ReminderKind
from ..models import Reminder, Urge
from .serializers import (
    CompletionReviewSerializer, DecisionInputSerializer, ExtensionReviewSerializer, MarkedSerializer,
    MarkReadSerializer, NotificationSerializer, UnreadCountSerializer, UrgeInputSerializer, UrgeResponseSerializer,
    UrgeSerializer,
)


def _input(serializer_class, data):
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


class IsSupervisor(IsAuthenticated):
    message = "只有督查人员可以进行此操作。"

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and supervises(request.user)


def _require_supervisor(request) -> None:
    if not IsSupervisor().has_permission(request, None):
        raise PermissionDenied(IsSupervisor.message)


class NotificationFilterSet(FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="只看未读")
    kind = django_filters.ChoiceFilter(choices=ReminderKind.choices, label="类型")

    class Meta:
        model = Reminder
        fields = ["unread", "kind"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """我的消息（站内提醒）：只含本人的提醒，最新的在前。"""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return Reminder.objects.for_user(self.request.user).select_related("task", "task__measure")

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        """未读提醒条数（页头角标）。"""
        return Response({"unread": Reminder.objects.for_user(request.user).unread().count()})

    @extend_schema(request=MarkReadSerializer, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"])
    def read(self, request):
        """标为已读：指定 ids，或不填则全部。"""
        d = _input(MarkReadSerializer, request.data)
        return Response({"marked": inapp.mark_read(user=request.user, ids=d.get("ids"))})


class UrgeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """催办/督办：督查人员看到其区域内的，单位承办人和负责人看到对本单位的（须答复）。"""

    serializer_class = UrgeSerializer
    filterset_fields = ["unit", "task", "level"]

    def get_queryset(self):
        return Urge.objects.visible_to(self.request.user).select_related("unit").order_by("-created_at", "-id")

    @extend_schema(request=UrgeInputSerializer, responses={201: UrgeSerializer})
    def create(self, request, *args, **kwargs):
        """对一项任务（其单位）或整个单位发出催办；level=escalate 为督办。"""
        _require_supervisor(request)
        d = _input(UrgeInputSerializer, request.data)
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=d["task"]) if d.get("task") else None
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=d["unit"]) if d.get("unit") else None
        urge = services.urge_create(actor=request.user, task=task, unit=unit, message=d["message"],
                                    level=d["level"])
        return Response(UrgeSerializer(urge).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UrgeResponseSerializer, responses={200: UrgeSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """被催办单位答复（情况说明）。"""
        urge = self.get_object()
        d = _input(UrgeResponseSerializer, request.data)
        urge = services.urge_respond(urge=urge, actor=request.user, response=d["response"])
        return Response(UrgeSerializer(urge).data)


class _ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """A queue of requests on the visible tasks, for supervisors; `decide` approves or rejects
    through the workflow's service (`decide_with(obj, actor=, approve=, comment=)`)."""

    model = None
    decide_with = None
    filterset_fields = ["decision", "task"]
    permission_classes = [IsSupervisor]

    def get_queryset(self):
        return (self.model.objects.filter(task__in=Task.objects.visible_to(self.request.user))
                .order_by("decision", "-id"))

    @extend_schema(request=DecisionInputSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        d = _input(DecisionInputSerializer, request.data)
        obj = type(self).decide_with(self.get_object(), actor=request.user, approve=d["approve"],
                                     comment=d["comment"])
        return Response(self.get_serializer(obj).data)


@extend_schema_view(decide=extend_schema(description="同意（任务按新时限考核）或驳回（须填写意见）。",
                                         responses={200: ExtensionReviewSerializer}))
class ExtensionReviewViewSet(_ReviewViewSet):
    """延期申请审批（督查人员）。decision=pending 为待审批。"""

    model = ExtensionRequest
    serializer_class = ExtensionReviewSerializer
    decide_with = staticmethod(lambda obj, **kw: services.extension_decide(request=obj, **kw))


@extend_schema_view(decide=extend_schema(description="通过（任务销号）或退回（须填写意见，任务回到推进中）。",
                                         responses={200: CompletionReviewSerializer}))
class CompletionReviewViewSet(_ReviewViewSet):
    """办结审核（销号，督查人员）。decision=pending 为待审核。"""

    model = CompletionApplication
    serializer_class = CompletionReviewSerializer
    decide_with = staticmethod(lambda obj, **kw: services.completion_review(application=obj, **kw))


__all__ = ["NotificationViewSet", "UrgeViewSet", "ExtensionReviewViewSet", "CompletionReviewViewSet"]
