from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("join/", views.join_form, name="join"),
    path("join/<str:code>/", views.join, name="join-code"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("reminders/stop/<str:token>/", views.stop_reminders, name="stop-reminders"),
    path("digest/stop/<str:token>/", views.stop_digest, name="stop-digest"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/request/", views.request_school, name="request-school"),
    path("schools/<slug:school>/", views.dashboard, name="dashboard"),
    path("schools/<slug:school>/export.csv", views.export, name="export"),
    path("schools/<slug:school>/invite/", views.invite, name="invite"),
    path("schools/<slug:school>/invitations/", views.invitations, name="invitations"),
    path("schools/<slug:school>/invitations/<str:pk>/resend/", views.resend, name="invitation-resend"),
    path("schools/<slug:school>/invitations/<str:pk>/revoke/", views.revoke, name="invitation-revoke"),
    path("schools/<slug:school>/remind/", views.remind, name="remind"),
    path("schools/<slug:school>/cohorts/", views.cohorts, name="cohorts"),
    path("schools/<slug:school>/flyer/", views.flyer, name="flyer"),
    path("schools/<slug:school>/leave/", views.leave, name="leave"),
]
