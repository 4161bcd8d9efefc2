from django.conf import settings
from django.urls import Resolver404, resolve

from accounts import two_factor


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
