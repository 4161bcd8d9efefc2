from django.core.management.base import BaseCommand, CommandError

from courses.content_files import BUNDLED_CONTENT, ContentError, read_course_folder
from courses.management.commands.import_course import problems_error
from courses.models import Course
from courses.services import import_course


class Command(BaseCommand):
    help = (
        "Load the courses bundled in courses/content/ (each folder with a course.toml) that the database does not "
        "have yet. Courses already loaded are left alone, so edits made in the admin are kept; --update re-imports "
        "them from the files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Also update courses already loaded.")

    def handle(self, *args, update=False, **options):
        folders = sorted(path.parent for path in BUNDLED_CONTENT.glob("*/course.toml"))
        if not folders:
            raise CommandError(f"No course folders (with a course.toml) in {BUNDLED_CONTENT}.")
        loaded = set(Course.objects.filter(slug__in=[folder.name for folder in folders]).values_list("slug", flat=True))
        courses = []
        # Every folder is read and checked before any is imported, so one bad course stops them all.
        for folder in folders:
            if folder.name in loaded and not update:
                self.stdout.write(f"{folder.name} is already loaded; use --update to re-import it from its files.")
                continue
            data, problems = read_course_folder(folder)
            if problems:
                raise problems_error(folder, problems)
            courses.append((folder, data))
        for folder, data in courses:
            try:
                report = import_course(data=data)
            except ContentError as error:
                raise problems_error(folder, error.problems) from error
            self.stdout.write(str(report))
