from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from accounts.urls import auth_urlpatterns
from core.health import healthz

urlpatterns = [
    # First: the course pages parents load most (no other app's addresses overlap with them).
    path("", include("courses.urls")),
    # Staff sign in through the site's log-in, which asks for their second step: the admin's own form
    # would sign in a password-only session, valid on every page.
    path("admin/login/", account_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("privacy/", account_views.privacy, name="privacy"),
    path("healthz", healthz, name="healthz"),
    path("", include("schools.urls")),
]

handler400 = "core.views.bad_request"
handler500 = "core.views.server_error"
