from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from plans.rules import supervises


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    if supervises(request.user):
        return redirect("plans:list")
    return redirect("tasks:mine")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
