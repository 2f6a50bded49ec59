"""Email through Django's mail framework."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from .base import ChannelError, Message


def send(*, recipient, message: Message, config=None) -> str:
    if not recipient.email:
        raise ChannelError("用户未设置邮箱")
    send_mail(subject=f"【督办提醒】{message.title}", message=message.as_text(),
              from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[recipient.email])
    return f"mail to {recipient.email}"
