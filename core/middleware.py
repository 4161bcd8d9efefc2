"""Headers Django's settings do not cover, and a calm page when the database is down."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control

from core.views import UNAVAILABLE_ERRORS, database_unavailable


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy everywhere; no-store on a logged-in user's pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        # A 5xx is left alone: its user may be unknowable (the database may be what failed).
        user = getattr(request, "user", None)
        if response.status_code < 500 and user is not None and user.is_authenticated:
            # A shared or borrowed computer must not show a parent's pages from its cache after log-out.
            patch_cache_control(response, no_store=True)
        return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database, or the shared cache where it must, answers 503 with
    Retry-After, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE_ERRORS):
            return database_unavailable(exception)
        return None


class RejectNulBytesMiddleware:
    """A NUL byte in the path, the query string or a cookie is never a real request: answer 400 before
    any view. PostgreSQL refuses NUL in text, so such a value reaching a query (a session key read
    from the cookie, say) would otherwise be a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        cookies = request.COOKIES.items()
        if (
            "\x00" in request.path
            or "%00" in query
            or "\x00" in query
            or any("\x00" in name or "\x00" in value for name, value in cookies)
        ):
            return HttpResponseBadRequest("Bad request", content_type="text/plain")
        return self.get_response(request)
