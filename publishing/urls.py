from django.urls import path

from . import carryover_views, views

app_name = "publishing"
urlpatterns = [
    path("", views.library, name="library"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("upload/", views.compilation_upload, name="upload"),
    path("related/measure/<int:pk>/", views.related_for_measure, name="related_measure"),
    # carry-over across years (publishing/carryover_views.py)
    path("links/<int:pk>/decide/", carryover_views.link_decide, name="link_decide"),
    path("plans/<int:pk>/dropped/", carryover_views.dropped, name="dropped"),
]
