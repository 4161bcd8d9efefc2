from django.conf import settings
from django.urls import reverse

from accounts import two_factor


class StaffTwoFactorMiddleware:
    """Staff reach the admin only after two-factor sign-in (set up on their first visit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.TWO_FACTOR_REQUIRED_FOR_STAFF
            and request.path.startswith(reverse("admin:index"))
            and request.user.is_authenticated
            and request.user.is_staff
            and not two_factor.is_verified(request)
        ):
            return two_factor.second_step_redirect(request)
        return self.get_response(request)
