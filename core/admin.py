"""Site admins see every email the site has been asked to send, and send a failed one again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import mail
from core.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Read-only: what was asked for, what happened, and when the next try is. Never what it said."""

    list_display = ["to", "template", "status", "attempts", "short_error", "created_at", "next_attempt_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to"]
    date_hierarchy = "created_at"
    # The body may hold a sign-in or reset link: admins see the envelope and the outcome only.
    fields = [
        "to", "template", "subject", "language", "status", "attempts", "last_error",
        "created_at", "queued_at", "attempted_at", "next_attempt_at", "sent_at",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("last error"))
    def short_error(self, email: Email) -> str:
        return email.last_error[:80]

    @admin.action(description=_("Send the selected failed emails again"))
    def send_again(self, request, queryset):
        selected = queryset.count()
        count = mail.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(n)d email queued again.", "%(n)d emails queued again.", count) % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )
        if count < selected:
            self.message_user(
                request,
                _("Only failed emails are sent again: the others are sent or still being tried."),
                messages.INFO,
            )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
