from django.urls import path

from . import views

app_name = "background"
urlpatterns = [
    path("<str:label>/<int:pk>/retry/", views.job_retry_view, name="retry"),
]
