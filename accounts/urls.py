from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import forms, views

app_name = "accounts"

# Django's own account views, with our forms (no autofocus, email as the login). Their URL names
# stay un-namespaced ("login", "password_reset", ...), as Django's templates and views expect.
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("email/", views.change_email, name="change-email"),
    path("email/verify/", views.resend_verification, name="resend-verification"),
    path("email/verify/<str:token>/", views.verify_email, name="verify-email"),
    path("my-data/", views.download_data, name="download-data"),
    path("delete/", views.delete_account, name="delete-account"),
    path("two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
]
