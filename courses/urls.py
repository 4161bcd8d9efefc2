from django.urls import include, path

from courses import plan_views, views

app_name = "courses"

# A course's own pages, below /courses/<course>/: matched after one test of that prefix.
course_patterns = [
    path("", views.course_detail, name="course-detail"),
    path("enrol/", views.enrol, name="enrol"),
    path("<slug:module>/", views.module_detail, name="module-detail"),
    path("<slug:module>/quiz/", views.quiz, name="quiz"),
    path("<slug:module>/quiz/results/<str:token>/", views.quiz_result, name="quiz-result"),
    path("<slug:module>/<slug:lesson>/", views.lesson_detail, name="lesson-detail"),
    path("<slug:module>/<slug:lesson>/complete/", views.complete_lesson, name="lesson-complete"),
]

urlpatterns = [
    # First: the pages parents load most.
    path("courses/<slug:course>/", include(course_patterns)),
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("signup/", views.signup, name="signup"),
    path("learning/", views.learning, name="learning"),
    path("learning/certificates/<slug:course>/", views.certificate, name="certificate"),
    path("learning/plan/<slug:course>/", plan_views.plan, name="plan"),
    path("learning/plan/<slug:course>/apps/", plan_views.plan_apps, name="plan-apps"),
    path("learning/plan/<slug:course>/trusted-adults/", plan_views.plan_trusted_adults, name="plan-trusted-adults"),
    path(
        "learning/plan/<slug:course>/starters/<slug:module>/<slug:lesson>/add/",
        plan_views.add_starter,
        name="plan-starter-add",
    ),
    path(
        "learning/plan/<slug:course>/starters/<slug:module>/<slug:lesson>/remove/",
        plan_views.remove_starter,
        name="plan-starter-remove",
    ),
    path("certificates/<str:code>/", views.verify_certificate, name="certificate-verify"),
]
