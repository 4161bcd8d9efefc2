from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content_files import write_course_folder
from courses.models import Course


class Command(BaseCommand):
    help = "Write a course as files to PATH/<slug>/, replacing what that folder held."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's slug")
        parser.add_argument("path", help="the folder to write the course folder into")

    def handle(self, *args, slug, path, **options):
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            raise CommandError(f"No course has the slug '{slug}'.")
        try:
            folder = write_course_folder(course, Path(path))
        except OSError as error:
            raise CommandError(f"Could not write {Path(path) / slug}: {error}") from error
        count = sum(1 for file in folder.rglob("*") if file.is_file())
        self.stdout.write(f"Exported {slug} to {folder} ({count} files).")
