from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Get the site ready to serve, in one process: apply migrations, load the bundled course if it is "
        "missing, and collect static files. `make run` and `make serve` run it before the server starts."
    )

    # The system checks (compiling every template for the shared-part guard among them) run in `make lint`
    # and at deploy (`check --deploy`), not on every start: they would add a third of a second to it.
    requires_system_checks = []

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("load_bundled_course", verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=0)
