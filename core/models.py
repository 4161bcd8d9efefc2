"""What the background work keeps: every email until it is sent, and which periodic jobs have run."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Email(models.Model):
    """One email to one person, from the moment something asks for it until the mail server takes it.

    The worker sends it (core.mail.deliver), retries it with backoff for a day, and records what
    happened. What it says is kept only until it is sent: the body may hold a sign-in link.
    """

    to = models.EmailField(_("to"))
    # Which email this is: the template's name, e.g. "schools/email/invitation".
    template = models.CharField(_("email"), max_length=100)
    # What the templates are given (JSON: names and links, never objects); emptied once sent.
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=16)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # Written when it was asked for (allauth's emails), else from the templates when it is sent; emptied once sent.
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # Set by senders that could ask twice for the same email (a weekly digest): the second ask is ignored.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=EmailStatus, default=EmailStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    # When the current round of tries began: retries stop a day after it (an admin's "send again" starts a new one).
    queued_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "attempted_at"], name="core_email_status_idx")]

    def __str__(self):
        return f"{self.template} to {self.to}"


class ScheduledRun(models.Model):
    """A periodic job enqueued for one period (a day, a week): the row is what makes it once only."""

    job = models.CharField(max_length=50)
    period = models.CharField(max_length=20)  # "2026-12-03" for a daily job, "2026-W49" for a weekly one
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="core_scheduledrun_once_per_period")]

    def __str__(self):
        return f"{self.job} {self.period}"
