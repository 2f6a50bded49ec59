from rest_framework.routers import DefaultRouter

from indicators.api.views import TargetViewSet
from plans.api.views import MeasureViewSet, PlanViewSet, UnitViewSet
from tasks.api.views import ProgressReportViewSet, TaskViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("measures", MeasureViewSet, basename="measure")
router.register("units", UnitViewSet, basename="unit")
router.register("tasks", TaskViewSet, basename="task")
router.register("reports", ProgressReportViewSet, basename="report")
router.register("targets", TargetViewSet, basename="target")

urlpatterns = router.urls
