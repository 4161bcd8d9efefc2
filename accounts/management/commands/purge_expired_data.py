from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import purge_expired


class Command(BaseCommand):
    help = (
        "Delete what the site no longer keeps: parent accounts never confirmed after "
        "ACCOUNT_UNVERIFIED_RETENTION_DAYS, and each app's expired data (e.g. old invitations). "
        "Safe to run as often as you like, e.g. daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS,
            help="Days an unconfirmed account is kept (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        removed = purge_expired(unverified_days=days)
        self.stdout.write("Removed " + ", ".join(f"{count} {what}" for what, count in removed.items()) + ".")
