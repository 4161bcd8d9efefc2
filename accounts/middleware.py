from django.conf import settings
from django.core.cache import cache

from accounts import second_factor
from accounts.redirects import local_path
from core import cache as shared_cache
from core.views import database_unavailable

# The views that count attempts with allauth's rate limits (by URL name), and the one of ours.
RATE_LIMITED = {
    "account_login", "account_signup", "account_reset_password", "account_reset_password_from_key",
    "account_email", "account_change_password", "account_reauthenticate", "account_confirm_email",
    "mfa_authenticate", "mfa_reauthenticate", "mfa_login_webauthn", "mfa_reauthenticate_webauthn",
}  # fmt: skip


class SecondFactorMiddleware:
    """Staff reach the admin only once they have a second factor (set up on their first visit).

    The admin is recognised by the URL Django resolved from the request's own path (`path_info`,
    without any script prefix), so no header can make an admin address look like another, and
    nothing is kept between requests.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            settings.SECOND_FACTOR_REQUIRED_FOR_STAFF
            and request.user.is_authenticated
            and request.user.is_staff
            and "admin" in request.resolver_match.namespaces
            and second_factor.missing(request)
        ):
            return second_factor.set_one_up(request)
        return None


class RateLimitsNeedTheCacheMiddleware:
    """Rate limits count in the shared cache: before a view that counts attempts, a cache that cannot
    be reached is the 503 page (`core.cache.required`), not a miss that would let every guess through.

    The cache is asked once, before the view, rather than for the whole request: the 503 page, and the
    page parts a view renders, treat a failure as a miss like any other page. The view is known from
    the URL Django has already resolved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        # allauth counts on POST; a join code is counted whenever it is looked up.
        counts = (request.method == "POST" and match.url_name in RATE_LIMITED) or match.view_name == "schools:join-code"
        if counts:
            try:
                with shared_cache.required():
                    cache.get("rate-limits-reachable")
            except shared_cache.CacheUnavailable as error:
                return database_unavailable(error)
        return None


class LocalNextOnlyMiddleware:
    """A `?next=` that is not a path on this site is dropped before any view sees it.

    allauth follows only safe ones, but writes whatever was asked into its forms' hidden field; without
    it there is nothing to write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = request.GET.get("next")
        if target is not None and not local_path(request, target):
            request.GET = request.GET.copy()
            del request.GET["next"]
        return self.get_response(request)
