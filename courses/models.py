from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import signals
from courses.rendering import render_markdown

# The quiz lives at /courses/<course>/<module>/quiz/, so no lesson may take that slug.
RESERVED_LESSON_SLUG = "quiz"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def lines(text: str) -> list[str]:
    """The non-blank lines of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Published courses; staff also see drafts, to preview them."""
        return self if user.is_staff else self.published()


class Course(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    # One or two sentences on the home page and at the top of the outline.
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:course-detail", kwargs={"course": self.slug})

    def content_changed(self) -> None:
        """Note that something in the course changed, so cached outlines of it are rebuilt."""
        self.updated_at = timezone.now()
        Course.objects.filter(pk=self.pk).update(updated_at=self.updated_at)
        signals.content_changed.send(sender=Course, course=self)

    @staticmethod
    def course_of(item) -> "Course":
        """The course a piece of content belongs to."""
        match item:
            case Course():
                return item
            case Module() | AppGuide():
                return item.course
            case Lesson():
                return item.module.course
            case Quiz():
                return item.module.course
            case Question():
                return item.quiz.module.course
            case Choice():
                return item.question.quiz.module.course
        raise TypeError(f"{type(item).__name__} is not course content")


class ModuleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, course__status=Status.PUBLISHED)

    def visible_to(self, user):
        return self if user.is_staff else self.published()


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    # Markdown shown at the top of the module; intro_html is its sanitised rendering.
    intro = models.TextField(blank=True)
    intro_html = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(default=0, help_text=_("Modules are listed from the lowest number."))
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    # Shown to parents: when someone last checked this module's facts against its sources.
    last_reviewed = models.DateField(null=True, blank=True)
    # The public sources the module's facts were checked against, one per line, shown under the module.
    sources = models.TextField(blank=True, help_text=_("One source per line: who, what, year and its address."))

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="courses_module_slug_unique_in_course"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:module-detail", kwargs={"course": self.course.slug, "module": self.slug})

    def clean(self):
        self.intro_html = render_markdown(self.intro, field="intro")

    def quiz_url(self):
        return reverse("courses:quiz", kwargs={"course": self.course.slug, "module": self.slug})

    @property
    def source_list(self) -> list[tuple[str, str]]:
        """Each source as (what it is, its web address or ""): the address is the line's last word when it
        starts with https://, so that the page can link it without guessing at bare domain names."""
        found = []
        for line in lines(self.sources):
            text, _space, last = line.rpartition(" ")
            found.append((text, last) if text and last.startswith("https://") else (line, ""))
        return found


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=Status.PUBLISHED, module__status=Status.PUBLISHED, module__course__status=Status.PUBLISHED
        )

    def visible_to(self, user):
        return self if user.is_staff else self.published()


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    # Markdown, as the author writes it; body_html is its sanitised rendering, made on each change.
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(default=0, help_text=_("Lessons are listed from the lowest number."))
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=4)
    key_points = models.TextField(blank=True, help_text=_("One point per line."))
    try_saying = models.TextField(
        _("try saying"), blank=True, help_text=_("Conversation starters for parents, one per line.")
    )
    # The one small thing a parent can do today, shown at the end of the lesson.
    today = models.TextField(_("one thing to do today"), blank=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="courses_lesson_slug_unique_in_module"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "courses:lesson-detail",
            kwargs={"course": self.module.course.slug, "module": self.module.slug, "lesson": self.slug},
        )

    def clean(self):
        if self.slug == RESERVED_LESSON_SLUG:
            raise ValidationError({"slug": _("“quiz” is the address of the module’s quiz: choose another slug.")})
        self.body_html = render_markdown(self.body, field="body")

    @property
    def key_point_list(self) -> list[str]:
        return lines(self.key_points)

    @property
    def try_saying_list(self) -> list[str]:
        return lines(self.try_saying)


class Quiz(models.Model):
    """The quiz that ends a module. It is shown when its module is published."""

    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, help_text=_("The percentage of questions a parent must get right.")
    )
    # Shuffle question and choice order for each attempt.
    shuffle = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="courses_quiz_pass_mark_is_a_percentage"
            ),
        ]

    def __str__(self):
        return _("Quiz: %(module)s") % {"module": self.module.title}

    def get_absolute_url(self):
        return reverse("courses:quiz", kwargs={"course": self.module.course.slug, "module": self.module.slug})


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class QuestionQuerySet(models.QuerySet):
    def asked(self):
        return self.filter(retired=False)


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField()
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind, default=QuestionKind.SINGLE)
    text = models.TextField()
    # Shown with the result: why the right answer is right.
    explanation = models.TextField(blank=True)
    # A question taken out of the quiz after parents answered it: no longer asked, kept so that their
    # answers can still be read (in their data, and in "How learners answered").
    retired = models.BooleanField(default=False, help_text=_("No longer asked; kept for the answers given."))

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "slug"], name="courses_question_slug_unique_in_quiz"),
        ]

    def __str__(self):
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    # Shown to a parent who picked this choice: why it is right or wrong.
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text[:80]


class AppGuide(models.Model):
    """An app or game, with the settings a parent should check on it with their child."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="app_guides")
    slug = models.SlugField()
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    settings = models.TextField(help_text=_("The settings to check, one per line."))
    # When a person last checked these settings in the app, and the public pages they checked them against.
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    sources = models.TextField(blank=True, help_text=_("The addresses of the pages checked, one per line."))

    class Meta:
        ordering = ["course", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="courses_appguide_slug_unique_in_course"),
        ]

    def __str__(self):
        return self.name

    @property
    def setting_list(self) -> list[str]:
        return lines(self.settings)

    @property
    def source_list(self) -> list[str]:
        return lines(self.sources)

    @property
    def source_sites(self) -> list[tuple[str, str]]:
        """Each source as (the site's name, its address), to link it by the site's name."""
        return [(urlsplit(url).hostname or url, url) for url in self.source_list]


# Learners' progress: one row per learner and lesson, and append-only quiz attempts.


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    created_at = models.DateTimeField(auto_now_add=True)
    # The last time the learner completed a lesson or submitted a quiz in this course.
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrollment_once_per_course"),
        ]

    def __str__(self):
        return f"{self.user} in {self.course}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="courses_lessoncompletion_once_per_lesson"),
        ]

    def __str__(self):
        return f"{self.user} finished {self.lesson}"


class QuizAttempt(models.Model):
    """One submission of a quiz with its answers, written in one statement and never changed."""

    # Emptied when the learner deletes their account, so statistics keep only anonymous counts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    # The one-time token of the form that was submitted: a second submit of the same form is refused.
    token = models.CharField(max_length=64, unique=True)
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(help_text=_("Percent of questions answered right."))
    passed = models.BooleanField()
    # Each question in the order the learner saw it: {"question": id, "picked": [choice ids], "right": bool}.
    # Part of the attempt rather than rows of their own, so that a submission is one INSERT; read with
    # `courses.quizzes.given_answers`. A question or choice deleted since is left out when read.
    answers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A parent's latest attempts at a quiz (the quiz page), however many they have made.
            models.Index(fields=["user", "quiz", "-created_at"], name="courses_attempt_latest"),
        ]

    def __str__(self):
        return f"{self.quiz}: {self.score}%"


class Certificate(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certificates")
    # Short, unguessable code that lets anyone verify the certificate at /certificates/<code>/.
    code = models.CharField(max_length=32, unique=True)
    # The name printed on the certificate, as it was when it was issued; blank prints "A parent". Never
    # the email address: the certificate can be shown to anyone with its code.
    name = models.CharField(max_length=200, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_certificate_once_per_course"),
        ]

    def __str__(self):
        return f"{self.name}: {self.course} ({self.code})"

    def get_absolute_url(self):
        return reverse("courses:certificate-verify", kwargs={"code": self.code})


# A parent's family online-safety plan: what they gathered while learning, kept in their account.


class FamilyPlan(models.Model):
    """One parent's plan for one course: the apps to check, starters to try and trusted adults."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_plans")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="family_plans")
    # The people a child can go to, one per line, exactly as the parent wrote them.
    trusted_adults = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_familyplan_once_per_course"),
        ]

    def __str__(self):
        return f"{self.user}: plan for {self.course}"

    def get_absolute_url(self):
        return reverse("courses:plan", kwargs={"course": self.course.slug})

    @property
    def trusted_adult_list(self) -> list[str]:
        return lines(self.trusted_adults)


class PlanApp(models.Model):
    """An app or game the parent chose to check, from the course's checklist."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="apps")
    # Goes when an author takes the app off the checklist: there is nothing left to tick.
    app = models.ForeignKey(AppGuide, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "app"], name="courses_planapp_once_per_plan"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.app}"


class PlanSetting(models.Model):
    """A setting of a chosen app that the parent has ticked as done."""

    plan_app = models.ForeignKey(PlanApp, on_delete=models.CASCADE, related_name="ticks")
    # The setting's text, as AppGuide keeps its settings as lines of text rather than rows.
    setting = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan_app", "setting"], name="courses_plansetting_once_per_app"),
        ]

    def __str__(self):
        return self.setting[:80]


class PlanStarter(models.Model):
    """A conversation starter the parent picked from a lesson's "Try saying" lines."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="starters")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    # Kept as picked, so the plan still reads the same if an author later rewords the lesson.
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "lesson", "text"], name="courses_planstarter_once_per_lesson"),
        ]

    def __str__(self):
        return self.text[:80]
