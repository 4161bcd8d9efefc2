from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.redirects import next_param
from courses import actions, progress, published, quizzes
from courses.contacts import FIRST_STEPS, HELP_CONTACTS
from courses.models import Certificate, Course, Lesson, Module, Quiz, QuizAttempt, Status


def _published_course_or_404(request, slug: str) -> Course:
    course = published.published_course(slug)
    if course is None:
        raise Http404
    return course


def _learner_progress(request, course: Course) -> progress.CourseProgress:
    """The visitor's progress in `course`, carrying a guest's progress into their account first."""
    if request.user.is_authenticated:
        if progress.GUEST_LESSONS in request.session:
            actions.adopt_guest_progress(user=request.user, session=request.session)
        return progress.course_progress(course, user=request.user)
    return progress.course_progress(course, guest_lessons=request.session.get(progress.GUEST_LESSONS, []))


def _draft_preview(*items) -> bool:
    """Staff looking at something parents cannot see yet."""
    return any(item.status != Status.PUBLISHED for item in items)


@require_safe
def home(request):
    """What the site is, who it is for, and how to start (or where to carry on)."""
    course = published.published_course()
    context = {"course": course}
    if course:
        course_progress = _learner_progress(request, course)
        context.update(progress=course_progress, first_url=progress_first_url(course_progress))
    return render(request, "courses/home.html", context)


def progress_first_url(course_progress: progress.CourseProgress) -> str | None:
    for module in course_progress.modules:
        if module.lessons:
            return module.lessons[0].url
    return None


@require_safe
def help_page(request):
    """Get help now: who to contact and what to do first. Open to everyone."""
    return render(request, "courses/help.html", {"contacts": HELP_CONTACTS, "first_steps": FIRST_STEPS})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page says; send them to the hashed icon."""
    return redirect(static("img/favicon.svg"))


@require_safe
def course_detail(request, course):
    """The course outline: each module's status, the overall percentage and the way to continue."""
    if request.user.is_staff:  # drafts too, read fresh from the database
        course = get_object_or_404(Course.objects.visible_to(request.user), slug=course)
    else:
        course = _published_course_or_404(request, course)
    course_progress = _learner_progress(request, course)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "progress": course_progress,
            "enrolled": course_progress.enrolled,
            "first_url": progress_first_url(course_progress),
            "draft_preview": _draft_preview(course),
        },
    )


@require_POST
@login_required
def enrol(request, course):
    """Start a course: enrolling twice is harmless."""
    course = get_object_or_404(Course.objects.published(), slug=course)
    actions.enrol(user=request.user, course=course)
    return redirect(course)


@require_safe
def module_detail(request, course, module):
    """A module's introduction and its lessons."""
    module = get_object_or_404(
        Module.objects.visible_to(request.user).select_related("course"), course__slug=course, slug=module
    )
    lessons = Lesson.objects.visible_to(request.user).filter(module=module)
    return render(
        request,
        "courses/module_detail.html",
        {"module": module, "lessons": lessons, "draft_preview": _draft_preview(module.course, module)},
    )


def _visible_lesson(request, course, module, lesson) -> Lesson:
    if request.user.is_staff:  # drafts too, read fresh from the database
        return get_object_or_404(
            Lesson.objects.visible_to(request.user).select_related("module__course"),
            module__course__slug=course,
            module__slug=module,
            slug=lesson,
        )
    found = published.published_lesson(_published_course_or_404(request, course), module, lesson)
    if found is None:
        raise Http404
    return found


@require_safe
def lesson_detail(request, course, module, lesson):
    """One lesson: its text, key points, where the learner is, and the way on."""
    lesson = _visible_lesson(request, course, module, lesson)
    course_progress = _learner_progress(request, lesson.module.course)
    if not request.user.is_authenticated and not progress.is_open_to_guests(course_progress, lesson):
        messages.info(request, _("Create a free account (or log in) to read the rest of the course."))
        return redirect(f"{reverse('courses:signup')}?next={lesson.get_absolute_url()}")
    module_progress = course_progress.module_of(lesson)
    previous, following = course_progress.neighbours(lesson)
    lesson_number, lesson_total, module_number, module_total = course_progress.position_of(lesson)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "lesson": lesson,
            "progress": course_progress,
            "done": module_progress is not None and lesson.pk in module_progress.done_lessons,
            "previous": previous,
            "following": following,
            "lesson_number": lesson_number,
            "lesson_total": lesson_total,
            "module_number": module_number,
            "module_total": module_total,
            "draft_preview": _draft_preview(lesson.module.course, lesson.module, lesson),
            "plan_starters": course_progress.picked.get(lesson.pk, ()),
        },
    )


@require_POST
def complete_lesson(request, course, module, lesson):
    """Mark as complete and continue: idempotent, and kept in the session for guests."""
    lesson = _visible_lesson(request, course, module, lesson)
    course_progress = _learner_progress(request, lesson.module.course)
    if request.user.is_authenticated:
        actions.complete_lesson(user=request.user, lesson=lesson, course_progress=course_progress)
    elif progress.is_open_to_guests(course_progress, lesson):
        actions.remember_guest_lesson(request.session, lesson)
    else:
        return redirect(f"{reverse('courses:signup')}?next={lesson.get_absolute_url()}")
    _previous, following = course_progress.neighbours(lesson)
    if following and following.module_id == lesson.module_id:
        return redirect(following.url)
    module_progress = course_progress.module_of(lesson)
    if module_progress and module_progress.has_quiz:
        if not request.user.is_authenticated:
            messages.success(
                request, _("You have read every lesson in this module. Create a free account to take its quiz.")
            )
            return redirect(f"{reverse('courses:signup')}?next={lesson.module.quiz_url()}")
        return redirect(lesson.module.quiz_url())
    if following:
        return redirect(following.url)
    return redirect(lesson.module.course)


def _visible_quiz(request, course, module) -> Quiz:
    if request.user.is_staff:  # drafts too, read fresh from the database
        return get_object_or_404(
            Quiz.objects.select_related("module__course").filter(module__in=Module.objects.visible_to(request.user)),
            module__course__slug=course,
            module__slug=module,
        )
    found = published.published_module(_published_course_or_404(request, course), module)
    if found is None or not hasattr(found, "quiz"):
        raise Http404
    return found.quiz


def _kept_answers(request, shown: quizzes.ShownQuiz) -> dict:
    """Answers from a refused submission that still fit the questions now shown."""
    kept = {}
    for question, choices in shown.questions:
        name = quizzes.QuizForm.field_name(question)
        valid = {str(choice.pk) for choice in choices}
        picked = [value for value in request.POST.getlist(name) if value in valid]
        if picked:
            kept[name] = picked if question.kind == "multiple" else picked[0]
    return kept


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def quiz(request, course, module):
    """A module's quiz, all questions on one page; submitting records an attempt and shows the result."""
    quiz = _visible_quiz(request, course, module)
    if request.method == "POST":
        try:
            shown = quizzes.restore(quiz, request.POST.get("token", ""), request.user)
            form = quizzes.QuizForm(shown, request.POST)
            if form.is_valid():
                attempt = actions.submit_quiz(user=request.user, quiz=quiz, shown=shown, picked=form.chosen())
                return redirect("courses:quiz-result", course=course, module=module, token=attempt.token)
        except (quizzes.QuizChanged, quizzes.BadToken) as problem:
            shown = quizzes.prepare(quiz)
            form = quizzes.QuizForm(
                shown, initial={"token": shown.signed(request.user), **_kept_answers(request, shown)}
            )
            if isinstance(problem, quizzes.QuizChanged):
                why = _("The questions changed while you were answering.")
            else:
                why = _("This quiz page had expired.")
            messages.warning(request, why + " " + _("Your answers are kept below: please check them and submit again."))
    else:
        shown = quizzes.prepare(quiz)
        form = quizzes.QuizForm(shown, initial={"token": shown.signed(request.user)})
    return render(
        request,
        "courses/quiz.html",
        {
            "quiz": quiz,
            "form": form,
            "attempts": quizzes.latest_attempts(request.user, quiz),
            # Each attempt's result is under the quiz's address (one reverse, not one per attempt).
            "quiz_url": reverse("courses:quiz", kwargs={"course": course, "module": module}),
            "draft_preview": _draft_preview(quiz.module),
        },
    )


@require_safe
@login_required
def quiz_result(request, course, module, token):
    """One attempt's score and, per question, whether it was right and the feedback on each choice picked."""
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz__module__course"),
        user=request.user,
        token=token,
        quiz__module__course__slug=course,
        quiz__module__slug=module,
    )
    answers = quizzes.given_answers(attempt, quizzes.questions_with_choices(attempt.quiz))
    course_progress = progress.course_progress(attempt.quiz.module.course, user=request.user)
    certificate = Certificate.objects.filter(user=request.user, course=attempt.quiz.module.course).first()
    return render(
        request,
        "courses/quiz_result.html",
        {"attempt": attempt, "answers": answers, "progress": course_progress, "certificate": certificate},
    )


@require_safe
@login_required
def learning(request):
    """My learning: each course with its percentage, last activity, certificate and plan."""
    enrollments = progress.enrolments(request.user)
    rows = [
        {"enrollment": enrollment, "progress": _learner_progress(request, enrollment.course),
         "certificate": enrollment.certified}
        for enrollment in enrollments
    ]  # fmt: skip
    return render(request, "courses/learning.html", {"rows": rows, "first_course": published.published_course()})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def certificate(request, course):
    """The learner's own certificate for a course, printable. A learner who finished without one (say,
    before the last step issued it) is offered it, and asks for it with a POST: a GET never writes."""
    certificate = Certificate.objects.select_related("course").filter(user=request.user, course__slug=course).first()
    if certificate is None:
        finished = published.published_course(course)
        if finished is None or not progress.course_progress(finished, user=request.user).complete:
            raise Http404
        if request.method != "POST":
            return render(request, "courses/certificate_offer.html", {"course": finished})
        actions.issue_certificate(user=request.user, course=finished)
        return redirect("courses:certificate", course=course)
    return render(request, "courses/certificate.html", {"certificate": certificate, "own": True})


@require_safe
def verify_certificate(request, code):
    """Public check that a certificate is real: name, course and date, nothing else."""
    certificate = get_object_or_404(Certificate.objects.select_related("course"), code=code.upper())
    return render(request, "courses/certificate.html", {"certificate": certificate, "own": False})


@require_safe
def signup(request):
    """Where the course's "Create a free account" links go: allauth's sign-up, carrying the page to go
    on to once the address is confirmed."""
    then = next_param(request)
    return redirect(f"{reverse('account_signup')}?{urlencode({'next': then})}" if then else "account_signup")
