"""Rotating one's own API token over the API."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services import api_token_rotate


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="新令牌，只显示这一次")
    expires_at = serializers.DateTimeField()


class TokenRotateView(APIView):
    """更换本人的接口令牌：原有令牌全部吊销，返回新令牌（只显示一次）及其过期时间。"""

    @extend_schema(request=None, responses={201: IssuedTokenSerializer})
    def post(self, request):
        issued = api_token_rotate(user=request.user, actor=request.user)
        return Response(IssuedTokenSerializer({"token": issued.key, "expires_at": issued.token.expires_at}).data,
                        status=status.HTTP_201_CREATED)
