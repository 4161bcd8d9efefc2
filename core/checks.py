"""Our own checks, on top of Django's: the `check --deploy` rules, and the guard on shared page parts."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.template import TemplateSyntaxError, engines

CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'"}


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs, **kwargs):
    """A Content-Security-Policy is enforced (not only reported), and its scripts allow no inline code."""
    policy = settings.SECURE_CSP
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE or not policy:
        return [
            Error(
                "No Content-Security-Policy is enforced.",
                hint=f"Add {CSP_MIDDLEWARE!r} to MIDDLEWARE and set SECURE_CSP (a report-only policy is not enough).",
                id="core.E001",
            )
        ]
    scripts = policy.get("script-src", policy.get("default-src", []))
    scripts = [scripts] if isinstance(scripts, str) else scripts
    if UNSAFE_SCRIPT_SOURCES.intersection(scripts):
        return [
            Error(
                "The Content-Security-Policy lets scripts run inline or from strings.",
                hint="Remove 'unsafe-inline' and 'unsafe-eval' from script-src; move the script to a static file.",
                id="core.E002",
            )
        ]
    return []


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    """The periodic jobs' emails (reminders, the weekly digest) link to the site: they need its address."""
    if settings.SITE_URL:
        return []
    return [
        Error(
            "SITE_URL is not set: reminders and the weekly digest cannot link to the site.",
            hint="Set SITE_URL to the site's address, e.g. https://safeonlinefamilies.nz.",
            id="core.E003",
        )
    ]


@register(Tags.templates)
def check_shared_template_parts(app_configs, **kwargs):
    """No template puts anything per person or per request inside a part shared between people."""
    from core.templatetags.fragments import shared_part_problems

    engine = engines["django"].engine
    errors = []
    for folder in engine.dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            try:
                problems = shared_part_problems(engine.get_template(name))
            except TemplateSyntaxError as error:
                problems = [f"{name}: {error}"]
            errors += [Error(str(problem), id="core.E003") for problem in problems]
    return errors
