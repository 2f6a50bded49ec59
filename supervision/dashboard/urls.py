from django.urls import path

from supervision.exports import views as exports

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("tasks/", views.task_list, name="tasks"),
    path("panels/", views.dashboard_panels, name="panels"),
    path("search/", views.search, name="search"),
    path("ledger.xlsx", exports.ledger, name="ledger"),
    path("bulletin.docx", exports.bulletin, name="bulletin"),
    path("exports/<int:pk>/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
