from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from accounts import backends, two_factor


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, except that the user is read with what the session fetched along with itself
    (`accounts.sessions`): a signed-in page makes one round trip to the cache for both."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))


def _user_of(request):
    if not hasattr(request, "_cached_user"):
        with backends.reading_user_of(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class StaffTwoFactorMiddleware:
    """Staff reach the admin only after two-factor sign-in (set up on their first visit).

    The admin is recognised by resolving the request's own path (`path_info`, without any script
    prefix), so no header can make an admin address look like another, and nothing is kept between
    requests.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.TWO_FACTOR_REQUIRED_FOR_STAFF
            and request.user.is_authenticated
            and request.user.is_staff
            and _is_admin(request.path_info)
            and not two_factor.is_verified(request)
        ):
            return two_factor.second_step_redirect(request)
        return self.get_response(request)


def _is_admin(path_info: str) -> bool:
    try:
        match = resolve(path_info)
    except Resolver404:  # any address under the admin's root resolves, to its catch-all if nothing else
        return False
    return "admin" in match.namespaces
