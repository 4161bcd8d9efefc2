"""Error pages: friendly, with the help link and quick exit, and never a glimpse of the internals."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import patch_cache_control

from core.cache import CacheUnavailable

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# What a moment's wait may cure: the 503 page, not the 500 one.
UNAVAILABLE_ERRORS = (*DATABASE_ERRORS, CacheUnavailable)
RETRY_AFTER_SECONDS = 30


def _page_without_request(template_name: str, status: int) -> HttpResponse:
    # Rendered without the request, so nothing (the session, the user) reaches for a database or a
    # request that may be what is broken: the page shows the signed-out navigation.
    html = loader.render_to_string(template_name, {"quick_exit_url": settings.QUICK_EXIT_URL})
    return HttpResponse(html, status=status)


def database_unavailable(error: Exception) -> HttpResponse:
    """The 503 page for when the database (or the shared cache) cannot be reached: try again shortly."""
    logger.error("Service unavailable: %r", error)
    response = _page_without_request("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def bad_request(request, exception):
    """handler400: a request we cannot make sense of (a foreign Host header, an oversized body)."""
    return _page_without_request("400.html", 400)


def server_error(request):
    """handler500, also reached when the database fails outside a view (e.g. loading the session)."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE_ERRORS):
        return database_unavailable(error)
    return _page_without_request("500.html", 500)


def csrf_failure(request, reason=""):
    """A form that came from elsewhere, or from a page open so long its token expired."""
    return render(request, "403_csrf.html", status=403)
