"""The authoring admin: courses, modules, lessons, quizzes and the per-app checklist."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses import publishing
from courses.content_files import ContentError, course_zip_bytes, read_course_zip
from courses.models import AppGuide, Choice, Course, Lesson, Module, Question, Quiz
from courses.services import import_course
from courses.statistics import quiz_statistics


def _edit_link(obj, label=None):
    label = label or _("Edit")
    if not obj.pk:
        return "—"
    url = reverse(f"admin:courses_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label)


def _publish(modeladmin, request, items):
    published, problems = publishing.publish(items)
    if published:
        modeladmin.message_user(
            request,
            ngettext("Published %(count)d item.", "Published %(count)d items.", len(published))
            % {"count": len(published)},
            messages.SUCCESS,
        )
    for problem in problems:
        modeladmin.message_user(request, _("Not published: %(problem)s") % {"problem": problem}, messages.ERROR)


@admin.action(description=_("Publish selected (checks them first)"), permissions=["change"])
def publish_selected(modeladmin, request, queryset):
    if queryset.model is Module:
        queryset = publishing.modules_for_publishing(queryset)
    _publish(modeladmin, request, queryset)


@admin.action(description=_("Return selected to draft"), permissions=["change"])
def unpublish_selected(modeladmin, request, queryset):
    count = publishing.unpublish(queryset)
    modeladmin.message_user(
        request, ngettext("%(count)d item is now a draft.", "%(count)d items are now drafts.", count) % {"count": count}
    )


class ContentAdmin(admin.ModelAdmin):
    """Every change to course content refreshes the cached outlines of its course."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Course.course_of(form.instance).content_changed()

    def delete_model(self, request, obj):
        course = Course.course_of(obj)
        super().delete_model(request, obj)
        course.content_changed()

    def delete_queryset(self, request, queryset):
        courses = {Course.course_of(item) for item in queryset}
        super().delete_queryset(request, queryset)
        for course in courses:
            course.content_changed()


class PublishableAdmin(ContentAdmin):
    """Status changes only through Publish, which checks the content first."""

    actions = [publish_selected, unpublish_selected]
    readonly_fields = ("status",)
    view_on_site = False
    change_form_template = "admin/courses/publishable_change_form.html"

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            items = (
                publishing.modules_for_publishing(Module.objects.filter(pk=obj.pk))
                if isinstance(obj, Module)
                else [obj]
            )
            _publish(self, request, items)
        elif "_unpublish" in request.POST:
            publishing.unpublish(type(obj).objects.filter(pk=obj.pk))
            self.message_user(request, _("“%(item)s” is now a draft.") % {"item": obj})
        return super().response_change(request, obj)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "title", "slug", "status", "edit")
    readonly_fields = ("status", "edit")
    prepopulated_fields = {"slug": ("title",)}
    extra = 0
    show_change_link = False

    @admin.display(description=_("Lessons and quiz"))
    def edit(self, obj):
        return _edit_link(obj)


class CourseZipForm(forms.Form):
    archive = forms.FileField(
        label=_("Course zip"),
        help_text=_(
            "A zip made by “Export as zip”, holding one course folder. Nothing is saved unless all of it is valid."
        ),
    )


@admin.register(Course)
class CourseAdmin(PublishableAdmin):
    list_display = ("title", "slug", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "summary", "status")
    inlines = [ModuleInline]
    change_list_template = "admin/courses/course_change_list.html"

    def get_urls(self):
        return [
            path("<int:course_id>/export/", self.admin_site.admin_view(self.export_view), name="courses_course_export"),
            path("import/", self.admin_site.admin_view(self.import_view), name="courses_course_import"),
            *super().get_urls(),
        ]

    def export_view(self, request, course_id):
        """The course as a zip of its files, the same files `export_course` writes."""
        course = get_object_or_404(Course, pk=course_id)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        response = HttpResponse(course_zip_bytes(course), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{course.slug}.zip"'
        return response

    def import_view(self, request):
        """Upload a course zip: every problem is shown before anything is saved."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        problems = []
        form = CourseZipForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data, problems = read_course_zip(form.cleaned_data["archive"])
            if data is not None:
                try:
                    report = import_course(data=data)
                except ContentError as error:
                    problems = error.problems
                else:
                    for line in str(report).splitlines():
                        self.message_user(request, line, messages.SUCCESS)
                    course = Course.objects.get(slug=data.slug)
                    return redirect("admin:courses_course_change", course.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a course from a zip"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/courses/course_import.html", context)


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("position", "title", "slug", "minutes", "status", "edit")
    readonly_fields = ("status", "edit")
    prepopulated_fields = {"slug": ("title",)}
    extra = 0

    @admin.display(description=_("Text"))
    def edit(self, obj):
        return _edit_link(obj)


class NewQuizForm(forms.ModelForm):
    def has_changed(self):
        # An author who adds a quiz and keeps the default settings still wants the quiz saved.
        return not self.instance.pk or super().has_changed()


class QuizInline(admin.StackedInline):
    model = Quiz
    form = NewQuizForm
    fields = ("pass_mark", "shuffle", "questions")
    readonly_fields = ("questions",)
    extra = 0
    max_num = 1

    @admin.display(description=_("Questions"))
    def questions(self, obj):
        return _edit_link(obj, _("Edit the questions"))


@admin.register(Module)
class ModuleAdmin(PublishableAdmin):
    list_display = ("title", "course", "position", "status", "last_reviewed")
    list_display_links = ("title",)
    list_editable = ("position",)
    list_filter = ("status", "course")
    list_select_related = ("course",)
    search_fields = ("title", "intro")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("course", "title", "slug", "position", "intro", "last_reviewed", "sources", "status")
    inlines = [LessonInline, QuizInline]


@admin.register(Lesson)
class LessonAdmin(PublishableAdmin):
    list_display = ("title", "module", "position", "minutes", "status")
    list_display_links = ("title",)
    list_editable = ("position",)
    list_filter = ("status", "module__course", "module")
    list_select_related = ("module",)
    search_fields = ("title", "body", "key_points")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("module", "title", "slug", "position", "minutes", "body", "key_points", "try_saying", "today", "status")


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("position", "slug", "kind", "text", "retired", "choices")
    readonly_fields = ("choices",)
    extra = 0

    @admin.display(description=_("Choices"))
    def choices(self, obj):
        return _edit_link(obj, _("Edit choices"))


@admin.register(Quiz)
class QuizAdmin(ContentAdmin):
    list_display = ("__str__", "pass_mark", "shuffle", "statistics")
    list_filter = ("module__course",)
    list_select_related = ("module",)
    search_fields = ("module__title",)
    fields = ("module", "pass_mark", "shuffle")
    inlines = [QuestionInline]
    view_on_site = False

    def get_urls(self):
        return [
            path(
                "<int:quiz_id>/statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="courses_quiz_statistics",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Statistics"))
    def statistics(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:courses_quiz_statistics", args=[obj.pk]), _("How learners answered")
        )

    def statistics_view(self, request, quiz_id):
        """Per question: how many answered, the share correct, and how often each choice was picked."""
        quiz = get_object_or_404(Quiz.objects.select_related("module"), pk=quiz_id)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "quiz": quiz,
            "title": _("How learners answered: %(quiz)s") % {"quiz": quiz},
            "statistics": quiz_statistics(quiz),
        }
        return TemplateResponse(request, "admin/courses/quiz_statistics.html", context)


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ("position", "text", "is_correct", "feedback")
    extra = 0


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    list_display = ("__str__", "quiz", "kind", "position", "retired")
    list_filter = ("kind", "retired", "quiz__module__course")
    list_select_related = ("quiz__module",)
    search_fields = ("text", "slug")
    fields = ("quiz", "slug", "position", "kind", "text", "explanation", "retired")
    inlines = [ChoiceInline]


@admin.register(AppGuide)
class AppGuideAdmin(ContentAdmin):
    list_display = ("name", "course", "position", "checked_on")
    list_editable = ("position",)
    list_filter = ("course",)
    search_fields = ("name", "settings")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("course", "name", "slug", "position", "settings", "checked_on", "sources")
