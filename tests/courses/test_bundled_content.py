"""The bundled course "Keeping children safe online", checked for what a parent relies on.

Complete and published, quizzes that mark fairly, lessons short and plain enough to read on a
phone, every piece of the Police advice present, help contacts that are exactly right, links that
work, and a tone that never blames. Pure content checks read the files; the rest import them.
"""

import math
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from courses.contacts import HELP_CONTACTS
from courses.content_files import CourseData, LessonData, ModuleData, read_course_folder
from courses.models import Course, Lesson, Question, QuestionKind, Status
from courses.readability import count_syllables, grade_level, plain_text, word_count
from tests.courses.content_helpers import BUNDLED, SLUG, import_folder
from tests.factories import make_user
from tests.html import PageStructure

MAX_GRADE = 8
WORDS_PER_MINUTE = 150


@pytest.fixture(scope="module")
def course() -> CourseData:
    data, problems = read_course_folder(BUNDLED)
    assert not problems, "\n".join(map(str, problems))
    return data


@pytest.fixture
def imported(db) -> Course:
    import_folder(BUNDLED)
    return Course.objects.get(slug=SLUG)


def _modules(course: CourseData) -> list[ModuleData]:
    return [module for module in course.modules if module.status == Status.PUBLISHED]


def _lessons(course: CourseData) -> list[LessonData]:
    return [lesson for module in _modules(course) for lesson in module.lessons if lesson.status == Status.PUBLISHED]


def _lesson_texts(lesson: LessonData) -> list[str]:
    """Everything a parent reads on a lesson page."""
    return [lesson.body, *lesson.key_points, *lesson.try_saying, lesson.today]


def _course_texts(course: CourseData) -> list[str]:
    """Every piece of published text: summary, module intros, lessons, quizzes and the app checklist."""
    texts = [course.summary]
    for module in _modules(course):
        texts.append(module.intro)
        for lesson in module.lessons:
            if lesson.status == Status.PUBLISHED:
                texts += _lesson_texts(lesson)
        for question in module.quiz.questions:
            texts += [question.text, question.explanation]
            texts += [part for choice in question.choices for part in (choice.text, choice.feedback)]
    texts += [setting for app in course.apps for setting in app.settings]
    return texts


def _normalised(text: str) -> str:
    """Plain words with straight quotes and single spaces, so patterns need not mind typography."""
    text = plain_text(text).replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text)


# 1. Complete and published


def test_bundled_course_imports_complete_and_published(imported):
    course = imported
    assert course.status == Status.PUBLISHED
    modules = list(course.modules.select_related("quiz").prefetch_related("lessons", "quiz__questions"))
    assert [module.status for module in modules] == [Status.PUBLISHED] * 10
    lessons = Lesson.objects.filter(module__course=course)
    assert lessons.count() >= 30
    assert set(lessons.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert Question.objects.filter(quiz__module__course=course).count() >= 50
    shapes = {
        module.slug: (len(module.lessons.all()), len(module.quiz.questions.all()), module.quiz.pass_mark)
        for module in modules
    }
    wrong = {slug: shape for slug, shape in shapes.items() if not (3 <= shape[0] <= 5 and 5 <= shape[1] <= 8)}
    assert not wrong, f"(lessons, questions, pass mark) outside 3–5 lessons and 5–8 questions: {wrong}"
    assert {shape[2] for shape in shapes.values()} == {80}


# 2. Quizzes that mark fairly and explain


def test_every_question_is_answerable_and_explained(course):
    problems = []
    for module in _modules(course):
        kinds = {question.kind for question in module.quiz.questions}
        if not {QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE} <= kinds:
            problems.append(f"{module.slug}: the quiz needs a multiple-choice and a true/false question")
        for question in module.quiz.questions:
            where = f"{module.slug}/{question.slug}"
            correct = sum(choice.correct for choice in question.choices)
            if question.kind == QuestionKind.SINGLE and (correct != 1 or len(question.choices) < 2):
                problems.append(f"{where}: a single-choice question needs one correct choice of several")
            if question.kind == QuestionKind.TRUE_FALSE and (
                sorted(choice.text for choice in question.choices) != ["False", "True"] or correct != 1
            ):
                problems.append(f"{where}: a true/false question needs the choices True and False, one correct")
            if question.kind == QuestionKind.MULTIPLE and (correct < 1 or len(question.choices) < 2):
                problems.append(f"{where}: a multiple-choice question needs at least one correct choice")
            if not question.explanation.strip():
                problems.append(f"{where}: no explanation")
            if any(not choice.feedback.strip() for choice in question.choices):
                problems.append(f"{where}: a choice without feedback")
    assert not problems, "\n".join(problems)


# 3. Lessons a parent can read in a few minutes


def test_every_lesson_fits_a_few_minutes_on_a_phone(course):
    problems = []
    for lesson in _lessons(course):
        words = word_count(plain_text(lesson.body))
        if not 3 <= len(lesson.key_points) <= 5:
            problems.append(f"{lesson.file}: {len(lesson.key_points)} key points (3–5 expected)")
        if not 3 <= lesson.minutes <= 5:
            problems.append(f"{lesson.file}: {lesson.minutes} minutes (3–5 expected)")
        if not 300 <= words <= 700:
            problems.append(f"{lesson.file}: {words} words (300–700 expected)")
        if abs(math.ceil(words / WORDS_PER_MINUTE) - lesson.minutes) > 1:
            problems.append(f"{lesson.file}: {words} words is not about {lesson.minutes} minutes")
        if not lesson.today.strip():
            problems.append(f"{lesson.file}: nothing to do today")
    assert not problems, "\n".join(problems)


# 4. Plain language


def test_every_lesson_is_plain_language(course):
    texts = {lesson.file: lesson.body for lesson in _lessons(course)}
    texts |= {f"{module.folder}/module.md": module.intro for module in _modules(course)}
    grades = {file: round(grade_level(plain_text(text)), 1) for file, text in texts.items()}
    too_hard = {file: grade for file, grade in grades.items() if grade > MAX_GRADE}
    assert not too_hard, f"above US grade {MAX_GRADE}: {too_hard}"


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1),
        ("make", 1),
        ("child’s", 1),
        ("online", 2),
        ("table", 2),
        ("parent", 2),
        ("family", 3),
        ("sextortion", 3),
        ("conversation", 4),
    ],
)
def test_count_syllables_of_known_words(word, syllables):
    assert count_syllables(word) == syllables


def test_grade_level_is_low_for_simple_text_and_high_for_dense_text():
    simple = "The cat sat on the mat. It was a warm day. We had fun in the sun."
    dense = (
        "Notwithstanding considerable methodological heterogeneity, contemporary epidemiological investigations "
        "consistently demonstrate substantial associations between problematic technological engagement and "
        "psychological vulnerability among adolescent populations."
    )
    assert grade_level(simple) < 3
    assert grade_level(dense) > 16
    assert grade_level("") == 0.0


def test_grade_level_ends_a_sentence_at_each_list_item():
    assert grade_level("- a new friend online\n- gifts and game money\n- a secret chat") < grade_level(
        "a new friend online gifts and game money a secret chat"
    )


def test_word_count_and_plain_text_keep_only_the_words():
    assert word_count("Kia ora, whānau! It’s time to talk.") == 7
    assert word_count("Call 0508 638 723.") == 1
    lesson = '+++\ntitle = "A lesson"\n+++\nSee [Get help now](/help/) **today**.\n'
    assert word_count(plain_text(lesson)) == 5
    assert "help/" not in plain_text(lesson)


# 5. Everything the Police advice says, and the additions of CONTENT.md

# Each fact: patterns (case-insensitive, on text with straight quotes and single spaces) that must all
# appear somewhere in the published course.
FACTS = {
    # How to spot this offending
    "sign: asked to move to another app or platform": (r"(move|moving|switch)\w*\b.{0,30}\b(another|a different) app",),
    "sign: profile or language that doesn't fit": (
        r"profile (or|and) (way of writing|language)|profile that doesn't add up",
        r"english (is not their first|as a second) language",
    ),
    "sign: sexualised conversation": (r"sexual talk|making the chat sexual|talk that turns sexual",),
    "sign: webcam or microphone 'not working'": (
        r"(webcam|camera) or (microphone|mic)\b.{0,30}\b(isn't|is not|not|never) work",
    ),
    # For victims
    "victims: stop sending, even under threats": (r"stop sending (images|anything).{0,40}even (if|when).{0,30}threat",),
    "victims: complying does not stop them": (
        r"(doing what (they|the offender) asks?|giving in|paying) (does not|doesn't) (make (them|it) stop|end it)",
        r"leads? to more demands",
    ),
    "victims: save the chat and take screenshots": (r"save (the|all the|the whole) chat", r"take screenshots"),
    "victims: block the profile": (r"block the profile",),
    "victims: report to the platform and ask for removal": (
        r"report .{0,40}to the platform",
        r"ask (the platform to remove|for (it|the content) to be removed)",
    ),
    "victims: report to Police on 105 or Netsafe": (
        r"police on 105,? or (to )?netsafe",
        r"(find out|understand|explain)\w* (what )?(your )?options",
    ),
    # For parents and caregivers
    "parents: supervision is essential": (
        r"supervision is essential",
        r"who they (talk|chat) (to|with)",
        r"which apps and games they use",
    ),
    "parents: open conversations, often": (
        r"most important tip",
        r"talk with your child about (their online life|what they do online)",
        r"early and often",
    ),
    "parents: privacy settings, researched together": (
        r"turn off location sharing",
        r"set (the )?profiles? to private",
        r"turning chat off|turn chat off",
        r"learn how the settings work|(check|look at)\w* (its |the )?settings (together|side by side)",
    ),
    "parents: be approachable, without punishment or losing devices": (
        r"punished or have their devices taken away|punished or losing their devices",
        r"(tell|speak to|come to) you,? or (another|any other) trusted adult",
    ),
    "parents: long-term impact, and a victim who needs support": (
        r"fear and shame",
        r"feel(ing)? trapped",
        r"effects (can )?last",
        r"victims? who needs? (your )?support",
    ),
    "parents: report suspicious behaviour": (r"report suspicious behaviour", r"(isn't|is not) aimed at your child"),
    # Where to report
    "report: Police 111 in an emergency": (r"call (police on )?111 if .{0,40}danger",),
    "report: Police 105, by phone or online form": (r"police on 105", r"105 online form"),
    "report: text 'Netsafe' to 4282": (r"text 'netsafe' to 4282",),
    "report: email help@netsafe.org.nz": (r"email help@netsafe\.org\.nz",),
    "report: call 0508 NETSAFE (0508 638 723) toll free": (r"0508 netsafe \(0508 638 723\),? toll free",),
    "report: Netsafe online report form": (r"online report form at netsafe\.org\.nz/report",),
    "report: Netsafe helpline hours": (r"8am[–-]8pm monday to friday,? and 9am[–-]5pm on weekends",),
    "report: Netsafe is free, confidential, non-judgemental": (r"free, confidential,? (and )?non-judgemental",),
    # Additions marked in CONTENT.md
    "addition: do not pay (CEOP, National Crime Agency)": (
        r"\b(do not|don't) pay\b",
        r"ceop",
        r"national crime agency",
    ),
    "addition: keep evidence, delete nothing before reporting": (
        r"(do not|don't) delete .{0,60}before (you report|reporting)|before you delete, block or report",
        r"never forward",
    ),
    "addition: Take It Down, for images taken under 18": (
        r"take it down",
        r"national center for missing & exploited children",
        r"taken when (they were|the person was) under 18",
    ),
    "addition: StopNCII, for adults": (
        r"stopncii (works in a similar way|does a similar job),? for (images of )?adults",
    ),
    "addition: a digital fingerprint made on your own device": (
        r"digital fingerprint",
        r"on your own device",
        r"not uploaded",
    ),
    "addition: 1737, free call or text any time": (r"1737", r"free call or text|free to call or text", r"counsellor"),
    "addition: Youthline 0800 376 633 or free text 234": (r"youthline", r"0800 376 633", r"free text (to )?234"),
    "addition: most reported grooming victims are girls (NSPCC)": (
        r"most reported victims of grooming are girls",
        r"nspcc",
    ),
    "addition: most reported victims of financially motivated sextortion are teenage boys (NCMEC, Thorn)": (
        r"most reported victims of financially motivated sextortion are teenage boys",
        r"thorn",
        r"ncmec",
    ),
    "addition: the child's safety first: stay with them, not in trouble, a way through": (
        r"stay with your child",
        r"there is a way through this",
        r"not in trouble",
    ),
    "addition: some young people think about hurting themselves: 111 now, 1737 any time": (
        r"think about hurting themselves",
        r"call 111",
        r"1737",
    ),
    "addition: an app that tells the sender about a screenshot: photograph the screen": (
        r"photograph the screen with another device",
        r"snapchat",
    ),
    "addition: Safe to talk, 0800 044 334 or text 4334": (r"safe to talk", r"0800 044 334", r"text 4334"),
    "addition: the Department of Internal Affairs' report form for abuse material seen online": (
        r"department of internal affairs",
        r"report online child exploitation material",
    ),
    "addition: end-to-end encryption hides offenders (Virtual Global Taskforce)": (
        r"end-to-end encryption",
        r"virtual global taskforce",
        r"harder to detect",
    ),
}


@pytest.mark.parametrize("patterns", list(FACTS.values()), ids=list(FACTS))
def test_the_course_gives_every_fact_of_the_advice(course, patterns):
    text = _normalised("\n".join(_course_texts(course)))
    missing = [pattern for pattern in patterns if not re.search(pattern, text, re.IGNORECASE)]
    assert not missing, f"no published text matches {missing}"


# 6. Help contacts exactly as the help page gives them

_NUMBER = re.compile(r"(?<![$\d])\b\d{3,}(?: \d{3,})*\b")
_YEAR = re.compile(r"(19|20)\d\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ADDRESS = re.compile(r"(?<![@\w.-])(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[\w/-]*)?)", re.IGNORECASE)
_NETSAFE_WORDS = re.compile(r"0508 NETSAFE(?! \(0508 638 723\))")


def _contact_labels() -> str:
    return "\n".join(str(way.label) for contact in HELP_CONTACTS for way in contact.ways)


def _addresses(text: str) -> set[str]:
    return {match.group(1).lower().rstrip("/") for match in _ADDRESS.finditer(_EMAIL.sub(" ", text))}


def _numbers(text: str) -> set[str]:
    return {number for number in _NUMBER.findall(text) if not _YEAR.fullmatch(number)}


def test_help_contacts_in_the_course_are_exactly_the_real_ones(course):
    labels = _contact_labels()
    hrefs = {way.href for contact in HELP_CONTACTS for way in contact.ways}
    known_addresses = _addresses(labels) | {href.split("://", 1)[1].rstrip("/") for href in hrefs if "://" in href}
    text = _normalised("\n".join(_course_texts(course)))

    numbers, emails, addresses = _numbers(text), set(_EMAIL.findall(text)), _addresses(text)
    assert {"111", "105", "4282", "0508 638 723", "1737", "0800 376 633", "234", "0800 044 334", "4334"} <= numbers
    assert numbers - _numbers(labels) == set(), "phone or text numbers that are not a help contact"
    assert emails - set(_EMAIL.findall(labels)) == set(), "email addresses that are not a help contact"
    assert addresses - known_addresses == set(), "web addresses that are not a help contact"
    assert _NETSAFE_WORDS.findall(text) == [], "0508 NETSAFE without its number, (0508 638 723)"


def test_help_contact_check_catches_a_wrong_number():
    typo = "Call 0508 NETSAFE (0508 638 732) or Youthline on 0800 376 663, email help@netsafe.co.nz."
    assert _numbers(typo) - _numbers(_contact_labels()) == {"0508 638 732", "0800 376 663"}
    assert _NETSAFE_WORDS.findall(typo) == ["0508 NETSAFE"]
    assert set(_EMAIL.findall(typo)) == {"help@netsafe.co.nz"}
    assert _numbers("She sent $200 in 2024.") == set()


# 7. Links that work and stay with the help services

HELP_SITES = (
    "netsafe.org.nz",
    "police.govt.nz",
    "takeitdown.ncmec.org",
    "stopncii.org",
    "1737.org.nz",
    "youthline.co.nz",
    "safetotalk.nz",
    "dia.govt.nz",
)


def _links(html: str) -> list[str]:
    parser = PageStructure()
    parser.feed(html)
    return [attrs["href"] for tag, attrs in parser.tags if tag == "a" and attrs.get("href")]


def test_every_link_in_the_course_works(imported, client):
    client.force_login(make_user())
    pages = {module.get_absolute_url(): module.intro_html for module in imported.modules.all()}
    pages |= {lesson.get_absolute_url(): lesson.body_html for lesson in Lesson.objects.filter(module__course=imported)}
    contact_hrefs = {way.href for contact in HELP_CONTACTS for way in contact.ways}
    targets, outside = {}, []
    for page, html in pages.items():
        assert client.get(page).status_code == 200, page
        for href in _links(html):
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                host = parts.hostname or ""
                if not any(host == site or host.endswith(f".{site}") for site in HELP_SITES):
                    outside.append(f"{page}: {href}")
            elif parts.scheme:
                if href not in contact_hrefs:
                    outside.append(f"{page}: {href}")
            else:
                targets.setdefault(urljoin(page, href).split("#")[0], page)
    assert not outside, "links to places other than the help services:\n" + "\n".join(outside)
    assert targets, "the lessons link to each other and to the help page"
    broken = [f"{page} → {target}" for target, page in targets.items() if client.get(target).status_code != 200]
    assert not broken, "links that do not open a page:\n" + "\n".join(broken)


# 8. Warm, never blaming, never graphic

# Words that blame a parent or a child. The course may use them only to deny them ("not your fault")
# or to name a feeling or an offender's lie ("they may feel they should have known better"), so a
# sentence is fine when such a word comes before the blaming one.
BLAMING = re.compile(
    r"\b(stupid|naive|gullible|foolish|careless|irresponsible|dumb|bad (parent|kid|child)|asked for it"
    r"|brought it on|should have known|(your|their|his|her|child's|own) fault"
    r"|(you|your child|they|he|she) (is|are|was|were) (partly |partially |also )?to blame)\b",
    re.IGNORECASE,
)
DENIED_OR_REPORTED = re.compile(
    r"\b(not|never|no one|nobody|none|feel|feels|felt|think|thinks|worry|worries|believe|believes"
    r"|tell|tells|told|say|says|offenders?)\b|n't\b",
    re.IGNORECASE,
)
GRAPHIC = re.compile(
    r"\b(porn\w*|genital\w*|penis\w*|vagina\w*|breasts?|boobs?|dick|masturbat\w*|orgasm\w*|intercourse"
    r"|sex acts?|erotic\w*|rape\w*)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _blaming_sentences(text: str) -> list[str]:
    found = []
    for sentence in _SENTENCE.split(_normalised_lines(text)):
        for match in BLAMING.finditer(sentence):
            if not DENIED_OR_REPORTED.search(sentence[: match.start()]):
                found.append(sentence.strip())
    return found


def _normalised_lines(text: str) -> str:
    return "\n".join(_normalised(line) for line in text.split("\n"))


def test_no_lesson_blames_the_parent_or_the_child(course):
    texts = {lesson.file: "\n".join(_lesson_texts(lesson)) for lesson in _lessons(course)}
    texts |= {f"{module.folder}/module.md": module.intro for module in _modules(course)}
    blaming = {file: found for file, text in texts.items() if (found := _blaming_sentences(text))}
    assert not blaming, f"blaming words: {blaming}"


def test_blame_check_tells_blame_from_reassurance():
    assert _blaming_sentences("It was naive of her to send it. Some parents are careless.") == [
        "It was naive of her to send it.",
        "Some parents are careless.",
    ]
    reassuring = "This is not your fault. They may feel they should have known better. That is not silly or naive."
    assert _blaming_sentences(reassuring) == []


def test_the_course_is_never_graphic(course):
    graphic = sorted({match.group(0) for text in _course_texts(course) for match in GRAPHIC.finditer(text)})
    assert not graphic, f"graphic words: {graphic}"


# 9. Who is targeted, said as the evidence says it

# A sentence that names boys and girls (or sons and daughters), says they are targeted or harmed, and
# says it happens to them equally.
_BOTH = re.compile(r"\b(boys?|sons?)\b.*\b(girls?|daughters?)\b|\b(girls?|daughters?)\b.*\b(boys?|sons?)\b", re.I)
_EQUALLY = re.compile(
    r"\b(equally|as (much|often|likely|many) as|just as|the same (rate|amount|number|extent)|in equal|alike|50/50)\b",
    re.I,
)
_TARGETED = re.compile(r"\b(target\w*|victims?|at risk|affect\w*|groom\w*|sextort\w*|exploit\w*|happen\w*)\b", re.I)
REPO = BUNDLED.parents[2]


def _equal_targeting_sentences(text: str) -> list[str]:
    sentences = _SENTENCE.split(_normalised_lines(text))
    return [s.strip() for s in sentences if _BOTH.search(s) and _EQUALLY.search(s) and _TARGETED.search(s)]


def test_equal_targeting_check_catches_the_old_claim_and_spares_the_true_one():
    assert _equal_targeting_sentences("Any child can be groomed. Boys are targeted as much as girls.") == [
        "Boys are targeted as much as girls."
    ]
    assert _equal_targeting_sentences("Girls and boys are equally at risk.") == ["Girls and boys are equally at risk."]
    true = (
        "Most reported victims of grooming are girls. Most reported victims of financially motivated sextortion "
        "are teenage boys. Your son needs these talks just as much as your daughter."
    )
    assert _equal_targeting_sentences(true) == []


def test_no_sentence_says_boys_and_girls_are_targeted_equally():
    files = [*BUNDLED.rglob("*.md"), *BUNDLED.rglob("*.toml"), *(REPO / "templates").rglob("*.html")]
    files += [REPO / "courses" / "contacts.py"]
    found = {
        str(file.relative_to(REPO)): sentences
        for file in files
        if (sentences := _equal_targeting_sentences(file.read_text()))
    }
    assert not found, f"sentences saying boys and girls are targeted equally: {found}"


def test_the_first_module_says_who_is_most_often_targeted(course):
    first = _modules(course)[0]
    text = _normalised("\n".join(text for lesson in first.lessons for text in _lesson_texts(lesson)))
    assert re.search(r"most reported victims of grooming are girls", text, re.I)
    assert re.search(r"most reported victims of financially motivated sextortion are teenage boys", text, re.I)
    assert re.search(r"nspcc", text, re.I)
    assert re.search(r"thorn", text, re.I)


# 10. When it is happening, the child's safety comes first


def test_the_response_plan_starts_with_the_childs_safety(course):
    plan = next(module for module in _modules(course) if module.slug == "response-plan")
    first = _normalised(plan.lessons[0].body).lower()
    safety = first.index("stay with your child")
    assert safety < first.index("screenshot"), "the child's safety comes before saving evidence"
    assert safety < first.index("block"), "the child's safety comes before blocking"
    for words in ("not in trouble", "there is a way through this", "think about hurting themselves", "1737"):
        assert words in first, words


def test_starters_invite_the_child_to_tell(course):
    text = _normalised("\n".join(_course_texts(course))).lower()
    assert "nothing you could show me" not in text


# 11. Facts with their date and sources


def test_every_module_says_when_its_facts_were_checked_and_against_what(course):
    today = timezone.localdate()
    problems = [
        f"{module.folder}: last_reviewed {module.last_reviewed}, {len(module.sources)} sources"
        for module in _modules(course)
        if not module.sources or module.last_reviewed is None or module.last_reviewed > today
    ]
    assert not problems, "modules without a review date or sources:\n" + "\n".join(problems)


def test_every_app_guide_was_checked_on_a_date_against_public_pages(course):
    today = timezone.localdate()
    problems = [
        f"{app.slug}: checked_on {app.checked_on}, {len(app.sources)} sources"
        for app in course.apps
        if not app.sources or app.checked_on is None or app.checked_on > today
    ]
    assert not problems, "app guides without a checked-on date or a source:\n" + "\n".join(problems)
    names = {app.slug for app in course.apps}
    assert {"messenger", "xbox", "playstation", "nintendo-switch", "twitch"} <= names
