"""For cron: remind families whose cohort's due date has passed or is a week away and who have not finished.

Idempotent: a family reminded in the last 7 days (or who asked to stop) is skipped, so running it
twice, or every hour, sends nothing more. The task `schools.tasks.send_due_reminders` does the same daily.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schools import services


class Command(BaseCommand):
    help = "Send reminders to families with a due date within a week (or past) who have not finished."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="The site's address for the links in the emails (default: the SITE_URL setting).",
        )

    def handle(self, *args, base_url, **options):
        if not base_url:
            raise CommandError("Set SITE_URL (e.g. https://safeonlinefamilies.nz) or pass --base-url.")
        total = services.send_due_reminders(base_url=base_url)
        self.stdout.write(f"{total} reminders sent.")
