from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.my_tasks, name="mine"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/report/", views.report_form, name="report"),
    path("<int:pk>/report/draft/", views.draft_save, name="draft"),
    path("<int:pk>/complete/", views.completion_apply, name="complete"),
    path("<int:pk>/extend/", views.extension_request, name="extend"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
