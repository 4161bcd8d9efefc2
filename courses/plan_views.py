"""The family online-safety plan's pages: the plan itself, the app checklist, trusted adults, starters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.redirects import next_param
from courses import plans
from courses.contacts import HELP_CONTACTS
from courses.models import Course, Lesson
from courses.plan_forms import ChecklistForm, StarterForm, TrustedAdultsForm


def _course(request, slug: str) -> Course:
    return get_object_or_404(Course.objects.visible_to(request.user), slug=slug)


@require_safe
@login_required
def plan(request, course):
    """The parent's family online-safety plan: what they gathered, and who to call. Printable."""
    course = _course(request, course)
    summary = plans.plan_summary(user=request.user, course=course)
    return render(request, "courses/plan.html", {"course": course, "summary": summary, "contacts": HELP_CONTACTS})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_apps(request, course):
    """The per-app checklist: pick the apps the family uses, tick off each one's settings."""
    course = _course(request, course)
    form = ChecklistForm(
        request.POST if request.method == "POST" else None,
        guides=plans.app_guides(course),
        saved=plans.saved_ticks(user=request.user, course=course),
    )
    if request.method == "POST" and form.is_valid():
        apps, ticks = form.picks()
        try:
            plans.save_checklist(user=request.user, course=course, apps=apps, ticks=ticks)
        except plans.PlanError as problem:  # an author changed the checklist while the form was open
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Your checklist is saved in your family plan."))
            return redirect("courses:plan-apps", course=course.slug)
    return render(request, "courses/plan_apps.html", {"course": course, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_trusted_adults(request, course):
    """Name the trusted adults a child can go to when something online does not feel right."""
    course = _course(request, course)
    if request.method == "POST":
        form = TrustedAdultsForm(request.POST)
        if form.is_valid():
            plans.save_trusted_adults(user=request.user, course=course, names=form.cleaned_data["trusted_adults"])
            messages.success(request, _("Your trusted adults are saved in your family plan."))
            return redirect("courses:plan", course=course.slug)
    else:
        form = TrustedAdultsForm(
            initial={"trusted_adults": "\n".join(plans.trusted_adults(user=request.user, course=course))}
        )
    return render(request, "courses/plan_trusted_adults.html", {"course": course, "form": form})


def _lesson_path(course: str, module: str, lesson: str) -> str:
    return reverse("courses:lesson-detail", kwargs={"course": course, "module": module, "lesson": lesson})


@require_POST
def add_starter(request, course, module, lesson):
    """Add a lesson's "Try saying" line to the plan; adding it twice is harmless."""
    if not request.user.is_authenticated:
        return redirect_to_login(_lesson_path(course, module, lesson))
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user).select_related("module__course"),
        module__course__slug=course,
        module__slug=module,
        slug=lesson,
    )
    form = StarterForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""  # "" is on no lesson: the message below says so
    try:
        plans.pick_starter(user=request.user, lesson=lesson, text=text)
    except plans.PlanError as problem:
        messages.error(request, problem.message)
        return redirect(lesson.get_absolute_url())  # the top of the page, where the message is
    return redirect(next_param(request, lesson.get_absolute_url() + "#try-saying"))


@require_POST
def remove_starter(request, course, module, lesson):
    """Take a conversation starter out of the plan; removing it twice is harmless."""
    if not request.user.is_authenticated:
        return redirect_to_login(_lesson_path(course, module, lesson))
    lesson = get_object_or_404(
        plans.starter_lessons(request.user).select_related("module__course"),
        module__course__slug=course,
        module__slug=module,
        slug=lesson,
    )
    form = StarterForm(request.POST)
    if form.is_valid():  # text that was never a starter was never in the plan: nothing to take out
        plans.drop_starter(user=request.user, lesson=lesson, text=form.cleaned_data["text"])
    return redirect(next_param(request, lesson.get_absolute_url() + "#try-saying"))
