"""Delivery channels. Each sender is `send(*, recipient, message, config) -> str` and raises
ChannelError (retried with backoff) or RateLimited (retried after the window, not a failure)."""
from __future__ import annotations

from ..choices import Channel
from . import dingtalk, email, wecom
from .base import ChannelError, Message, RateLimited, truncate_bytes

SENDERS = {Channel.EMAIL: email.send, Channel.WECOM: wecom.send, Channel.DINGTALK: dingtalk.send}

__all__ = ["SENDERS", "ChannelError", "Message", "RateLimited", "truncate_bytes", "config_for"]


def config_for(user, channel: str):
    """The user's own robot setting, else their unit's; None when the channel is off for them."""
    from ..models import ChannelConfig

    own = ChannelConfig.objects.filter(user=user, channel=channel).first()
    if own is not None:
        return own if own.enabled else None
    membership = getattr(user, "membership", None)
    if membership is None:
        return None
    unit_cfg = ChannelConfig.objects.filter(unit_id=membership.unit_id, channel=channel, enabled=True).first()
    return unit_cfg
