"""For cron: remind families whose cohort's due date has passed or is a week away and who have not finished.

Idempotent: a family reminded in the last 7 days (or who asked to stop) is skipped, so running it
twice, or every hour, sends nothing more.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schools import dashboard, services
from schools.models import School


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
        soon = timezone.localdate() + timedelta(days=7)
        total = 0
        for school in School.objects.filter(cohorts__assignments__due__lte=soon).distinct():
            due_cohorts = set(school.cohorts.filter(assignments__due__lte=soon).values_list("pk", flat=True))
            families = [
                membership
                for membership in dashboard.families_not_finished(school)
                if membership.cohort_id in due_cohorts and membership.may_be_reminded()
            ]
            if families:
                total += services.send_reminders(school=school, memberships=families, base_url=base_url.rstrip("/"))
        self.stdout.write(f"{total} reminders sent.")
