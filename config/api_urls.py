from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.views import TokenRotateView
from indicators.api.views import TargetViewSet
from plans.api.views import MeasureViewSet, PlanViewSet, UnitViewSet
from publishing.api.carryover import MeasureLinkViewSet
from publishing.api.views import ArticleViewSet
from supervision.api.dashboard import IndicatorFiguresView
from supervision.api.views import CompletionReviewViewSet, ExtensionReviewViewSet, NotificationViewSet, UrgeViewSet
from tasks.api.views import ProgressReportViewSet, TaskViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("measures", MeasureViewSet, basename="measure")
router.register("units", UnitViewSet, basename="unit")
router.register("tasks", TaskViewSet, basename="task")
router.register("reports", ProgressReportViewSet, basename="report")
router.register("targets", TargetViewSet, basename="target")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("urges", UrgeViewSet, basename="urge")
router.register("extension-requests", ExtensionReviewViewSet, basename="extension-request")
router.register("completion-applications", CompletionReviewViewSet, basename="completion-application")
router.register("articles", ArticleViewSet, basename="article")
router.register("measure-links", MeasureLinkViewSet, basename="measure-link")

urlpatterns = [path("token/rotate/", TokenRotateView.as_view(), name="token-rotate"),
               path("dashboard/indicators/", IndicatorFiguresView.as_view(), name="dashboard-indicators"),
               *router.urls]
