from django.urls import path

from . import plan_views as views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/source/", views.plan_source, name="source"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/publish/", views.plan_publish_view, name="publish"),
    path("<int:pk>/units/map/", views.unit_map_view, name="unit_map"),
    path("<int:pk>/update/", views.plan_update_view, name="update"),
    path("<int:pk>/measures/add/", views.measure_add_view, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/remove/", views.measure_remove_view, name="measure_remove"),
]
