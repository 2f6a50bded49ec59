"""The project's URLs plus one view that fails, for the 500 page test."""
from django.urls import path

from config.urls import urlpatterns as project


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *project]
