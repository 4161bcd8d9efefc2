from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project itself as an app, so its deploy checks are registered."""

    name = "config"
    label = "site_config"
    verbose_name = "Site configuration"

    def ready(self):
        from config import checks  # noqa: F401 - registering the checks is the import's whole job
