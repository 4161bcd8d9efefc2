"""Publishing refuses broken content, naming the problem so an author can fix it."""

import pytest

from courses import publishing
from courses.models import Choice, Lesson, Module, Quiz, Status
from tests.factories import make_course, make_lesson, make_module, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def module():
    course = make_course(modules=0)
    return make_module(course=course, slug="signs", lessons=1, questions=1)


def problems(module):
    return publishing.problems_with(publishing.modules_for_publishing(Module.objects.filter(pk=module.pk)).get())


def test_a_complete_module_publishes(module):
    published, found = publishing.publish(publishing.modules_for_publishing(Module.objects.filter(pk=module.pk)))
    assert found == []
    assert [m.pk for m in published] == [module.pk]
    module.refresh_from_db()
    assert module.status == Status.PUBLISHED


def test_single_choice_question_needs_exactly_one_correct_choice(module):
    question = module.quiz.questions.get()
    question.choices.update(is_correct=True)
    assert any("exactly one correct choice (it has 2)" in p for p in problems(module))


def test_true_false_question_needs_two_choices_one_correct(module):
    question = module.quiz.questions.get()
    question.kind = "true_false"
    question.save()
    Choice.objects.create(question=question, position=3, text="Maybe", feedback="No.")
    assert any("true/false" in p for p in problems(module))


def test_multiple_choice_question_needs_a_correct_choice(module):
    question = module.quiz.questions.get()
    question.kind = "multiple"
    question.save()
    question.choices.update(is_correct=False)
    assert any("at least one correct choice" in p for p in problems(module))


def test_every_choice_needs_feedback(module):
    module.quiz.questions.get().choices.filter(text="Wrong").update(feedback="  ")
    assert any("the choice “Wrong” has no feedback" in p for p in problems(module))


def test_quiz_needs_questions(module):
    module.quiz.questions.all().delete()
    assert any("has no questions" in p for p in problems(module))


def test_module_needs_a_quiz(module):
    Quiz.objects.filter(module=module).delete()
    assert any("has no quiz" in p for p in problems(module))


def test_module_needs_a_published_lesson(module):
    module.lessons.update(status=Status.DRAFT)
    assert any("no published lessons" in p for p in problems(module))


def test_lesson_image_without_alt_text_is_refused(module):
    lesson = module.lessons.get()
    Lesson.objects.filter(pk=lesson.pk).update(body="![](/static/img/x.png)", status=Status.DRAFT)
    lesson.refresh_from_db()
    published, found = publishing.publish([lesson])
    assert published == []
    assert "alt text" in found[0]
    lesson.refresh_from_db()
    assert lesson.status == Status.DRAFT


def test_refused_module_stays_draft(module):
    module.quiz.questions.all().delete()
    published, found = publishing.publish(publishing.modules_for_publishing(Module.objects.filter(pk=module.pk)))
    assert published == []
    assert found
    module.refresh_from_db()
    assert module.status == Status.DRAFT


def test_course_needs_a_published_module():
    course = make_course(modules=1, status="draft")
    published, found = publishing.publish([course])
    assert published == []
    assert "no published modules" in found[0]


def test_publish_checks_are_a_fixed_number_of_queries(django_assert_max_num_queries):
    course = make_course(modules=6, lessons=3, questions=4, status="draft")
    with django_assert_max_num_queries(6):
        found = [publishing.problems_with(m) for m in publishing.modules_for_publishing(course.modules.all())]
    assert found == [[]] * 6


def test_unpublish_returns_to_draft():
    course = make_course(modules=2)
    assert publishing.unpublish(course.modules.all()) == 2
    assert not course.modules.filter(status=Status.PUBLISHED).exists()


def test_question_factory_is_valid_for_every_kind():
    module = make_module(course=make_course(modules=0), lessons=1, questions=0)
    make_lesson(module=module, position=2, slug="another")
    make_question(quiz=module.quiz, slug="q", kind="true_false")
    assert problems(module) == []
