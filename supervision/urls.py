from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("urges/", views.urges, name="urges"),
    path("urges/new/", views.urge_new, name="urge_new"),
    path("urges/<int:pk>/respond/", views.urge_respond, name="urge_respond"),
    path("extensions/", views.extension_list, name="extensions"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("completions/", views.completion_list, name="completions"),
    path("completions/<int:pk>/decide/", views.completion_decide, name="completion_decide"),
    path("tasks/<int:pk>/reopen/", views.task_reopen, name="task_reopen"),
]
