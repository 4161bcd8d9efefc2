from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Get the site ready to serve, in one process: apply migrations, load the bundled course if it is "
        "missing, and collect static files. `make run` and `make serve` run it before the server starts."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("load_bundled_course", verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=0)
