from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("measures/<int:pk>/", views.measure_indicator, name="measure"),
]
