from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    # The schema and its docs describe every endpoint: for signed-in users only (SERVE_PERMISSIONS
    # answers 401/403 to the API; the docs page sends a browser to the login page). The split
    # view serves Swagger UI's start-up script as a file, so the page needs no inline script (CSP).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("plans/", include("publishing.plan_urls")),  # the plan pages keep their `plans:` URL names
    path("tasks/", include("tasks.urls")),
    path("supervision/", include("supervision.urls")),
    path("dashboard/", include("supervision.dashboard.urls")),
    path("jobs/", include("background.urls")),
    path("library/", include("publishing.urls")),
    path("indicators/", include("indicators.urls")),
]
# No /media/ route, in any settings: uploads and exports are served only by views that check
# who may read them (config/files.py).
