from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content_files import ContentError, read_course_folder, read_course_zip
from courses.services import import_course


def problems_error(path, problems) -> CommandError:
    """One line per problem, so an author can work down the list."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return CommandError("\n".join([f"Nothing was imported: {path} has {count}.", *(str(p) for p in problems)]))


class Command(BaseCommand):
    help = "Create or update a course from its folder (or a zip of it), matched by slug; progress is kept."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a course folder, such as courses/content/keeping-children-safe-online")

    def handle(self, *args, path, **options):
        source = Path(path)
        if source.is_file() and source.suffix == ".zip":
            data, problems = read_course_zip(source)
        elif source.is_dir():
            data, problems = read_course_folder(source)
        else:
            raise CommandError(f"No course folder or zip at {path}.")
        if problems:
            raise problems_error(path, problems)
        try:
            report = import_course(data=data)
        except ContentError as error:
            raise problems_error(path, error.problems) from error
        self.stdout.write(str(report))
