"""Signing in (allauth's backend); the signed-in user of each request is read from the cache.

Every page a parent sees while signed in needs their user row. `CachedUserBackend` keeps it in the
shared cache under the user's version, which every save or deletion of the user renews (see the
receivers below): a new password, a deactivated account or a new name is read afresh at once, on
every server. `update()` on users would bypass them; nothing here writes users that way.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import versions

# The dotted path a session records for users signed in here (for `login(..., backend=BACKEND)`).
BACKEND = "accounts.backends.CachedUserBackend"
# Part of the cache key: raise it when the user model changes shape, so a deploy never reads old rows.
USER_FORMAT = 1
USER_SECONDS = 15 * 60


def _version_key(user_id) -> str:
    return f"user-version:{user_id}"


class CachedUserBackend(AuthenticationBackend):
    def get_user(self, user_id):
        _version, user = versions.read_through(
            _version_key(user_id),
            f"user:{USER_FORMAT}:{user_id}",
            lambda: get_user_model()._default_manager.filter(pk=user_id).first(),
            USER_SECONDS,
            # Nearly every signed-in page reads the content version next: fetched in the same round trip.
            along=(versions.CONTENT,),
        )
        return user if user is not None and self.user_can_authenticate(user) else None


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def _user_written(sender, instance, **kwargs):
    versions.renew([_version_key(instance.pk)])
