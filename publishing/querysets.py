from __future__ import annotations

from django.db import models

from plans.models import Measure

from .choices import LinkStatus


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ArticleQuerySet:
        """The case library is shared knowledge: every signed-in user reads all of it."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class MeasureLinkQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeasureLinkQuerySet:
        """A link is visible where its new measure is."""
        return self.filter(measure__in=Measure.objects.visible_to(user))

    def live(self) -> MeasureLinkQuerySet:
        """Links nobody rejected: suggested or confirmed."""
        return self.exclude(status=LinkStatus.REJECTED)
