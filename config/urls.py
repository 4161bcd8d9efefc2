from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from core.health import healthz

urlpatterns = [
    # First: the course pages parents load most (no other app's addresses overlap with them).
    path("", include("courses.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("privacy/", account_views.privacy, name="privacy"),
    path("healthz", healthz, name="healthz"),
    path("", include("schools.urls")),
]

handler400 = "core.views.bad_request"
handler500 = "core.views.server_error"
