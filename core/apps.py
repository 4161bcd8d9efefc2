from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared machinery the apps build on: versions and memos, the guarded page parts, the cache that
    fails as a miss, middleware, the request log, health and error pages, and the site's own checks."""

    name = "core"
    verbose_name = "Site machinery"

    def ready(self):
        from core import checks  # noqa: F401 - registering the checks is the import's whole job
