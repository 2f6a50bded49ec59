from django.urls import path

from . import views

app_name = "publishing"
urlpatterns = [
    path("", views.library, name="library"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("upload/", views.compilation_upload, name="upload"),
    path("related/measure/<int:pk>/", views.related_for_measure, name="related_measure"),
]
