from django.core.management.base import BaseCommand

from core.schedule import enqueue_due_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs that are due (reminders, the retention purge, the weekly digest, tidying "
        "the email queue) for the task workers. Run it every 5 to 15 minutes from cron or a systemd timer; "
        "each job is enqueued once per period however often, and on however many machines, this runs."
    )

    def handle(self, *args, **options):
        enqueued = enqueue_due_jobs()
        self.stdout.write("Enqueued: " + ", ".join(enqueued) if enqueued else "Nothing due.")
