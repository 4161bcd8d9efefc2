from django.urls import path

from accounts import views

app_name = "accounts"

# Sign-up, log-in, email, password and the second step are allauth's (`allauth.urls`, under the same
# /accounts/ prefix in config/urls.py); these are the site's own account pages.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.download_data, name="download-data"),
    path("delete/", views.delete_account, name="delete-account"),
]
