"""Every email goes through the database: queued with the work it reports, sent by a worker, never twice.

Asking for an email writes an `Email` row and a task (`core.tasks.deliver_email`) in the caller's
transaction: the worker sees both once the work they report is committed, and neither if it rolls
back. The worker claims the row before it speaks to the mail server, so a task run again after a
worker died mid-send finds it claimed and sends nothing: at most once, and the Message-ID, made from
the row, lets a mail system that sees it twice drop the copy. A failed send is retried with backoff
until a day has passed, then shown to site admins as failed, who can send it again.
"""

import json
import logging
import smtplib
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import Email, EmailStatus
from core.queue import enqueue_each

logger = logging.getLogger(__name__)


def send_templated_email(*, to: str, template: str, context: dict, key: str | None = None) -> Email | None:
    """Queue templates/<template>_subject.txt, _body.txt and _body.html, rendered by the worker.

    `context` is JSON (names, links, numbers): the worker renders it in the language active now.
    With a `key` that was used before, nothing is queued and None is returned.
    """
    return queue(Email(to=to, template=template, context=_json(context), language=_language(), key=key))


def send_templated_emails(*, template: str, emails: list[tuple[str, dict]]) -> list[Email]:
    """The same email to many people, each (address, context): one task each, written together."""
    language = _language()
    rows = [Email(to=to, template=template, context=_json(context), language=language) for to, context in emails]
    from core.tasks import deliver_email

    with transaction.atomic(savepoint=False):  # all or nothing with the caller's work
        created = Email.objects.bulk_create(rows)
        enqueue_each(deliver_email, [(email.pk,) for email in created])
    return created


def queue_message(message: EmailMultiAlternatives, *, template: str) -> Email:
    """An email already written (allauth's), queued as it is."""
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    (to,) = message.to
    return queue(
        Email(to=to, template=template, language=_language(), subject=message.subject, text=message.body, html=html)
    )


def queue(email: Email) -> Email | None:
    """Save the email and its task together; None if its key was used before."""
    try:
        with transaction.atomic():
            email.save()
            _enqueue(email)
    except IntegrityError:
        if email.key and Email.objects.filter(key=email.key).exists():
            return None
        raise
    return email


def send_again(emails) -> int:
    """Queue these failed emails again, for another day of tries; returns how many."""
    count = 0
    with transaction.atomic():
        for email in emails.select_for_update().filter(status=EmailStatus.FAILED):
            email.status, email.queued_at, email.next_attempt_at = EmailStatus.QUEUED, timezone.now(), None
            email.save(update_fields=["status", "queued_at", "next_attempt_at"])
            _enqueue(email)
            count += 1
    return count


def deliver(email_id: int) -> str:
    """Send one queued email and record what happened; a second delivery of the same email sends nothing."""
    # The claim is committed before the mail server is spoken to.
    claimed = Email.objects.filter(pk=email_id, status=EmailStatus.QUEUED).update(
        status=EmailStatus.SENDING, attempts=F("attempts") + 1, attempted_at=timezone.now(), next_attempt_at=None
    )
    if not claimed:
        return "not waiting"
    email = Email.objects.get(pk=email_id)
    try:
        message = build_message(email)
        message.send()
    except Exception as error:
        return _record_failure(email, error)
    Email.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), subject=message.subject[:300], last_error="",
        context={}, text="", html="",
    )  # fmt: skip
    return "sent"


def build_message(email: Email) -> EmailMultiAlternatives:
    """The email as the mail server gets it, written from its templates in its reader's language if need be."""
    subject, text, html = email.subject, email.text, email.html
    if not text:
        with translation.override(email.language):
            subject = " ".join(render_to_string(f"{email.template}_subject.txt", email.context).split())
            text = render_to_string(f"{email.template}_body.txt", email.context)
            html = render_to_string(f"{email.template}_body.html", email.context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [email.to], headers={"Message-ID": message_id(email)}
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def message_id(email: Email) -> str:
    """The same for every try of one email, so a mail system can tell a repeat."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<email-{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def retry_delay(attempts: int) -> timedelta:
    """Time to wait after the nth failed try: doubling from the first delay up to the longest."""
    seconds = settings.EMAIL_RETRY_FIRST_DELAY * 2 ** min(attempts - 1, 20)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_LONGEST_DELAY))


def is_permanent(error: Exception) -> bool:
    """Mail servers answer 5xx for what trying again will not change (an address that does not exist)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def give_up_on_stalled() -> int:
    """Emails a worker claimed and never finished (it died mid-send): failed, for an admin to decide.

    They may have reached the mail server, so they are not sent again by themselves.
    """
    stalled_before = timezone.now() - timedelta(seconds=settings.EMAIL_STALLED_AFTER)
    return Email.objects.filter(status=EmailStatus.SENDING, attempted_at__lt=stalled_before).update(
        status=EmailStatus.FAILED,
        last_error="The worker stopped while sending: it may have been sent. Send it again if it did not arrive.",
    )


def _record_failure(email: Email, error: Exception) -> str:
    now = timezone.now()
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        if is_permanent(error) or now - email.queued_at >= timedelta(seconds=settings.EMAIL_RETRY_FOR):
            email.status = EmailStatus.FAILED
            logger.error("email %s to %s failed for good: %s", email.pk, email.to, email.last_error)
        else:
            email.status, email.next_attempt_at = EmailStatus.QUEUED, now + retry_delay(email.attempts)
            logger.warning("email %s failed, trying again at %s: %s", email.pk, email.next_attempt_at, email.last_error)
            _enqueue(email)
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
    return "failed"


def _enqueue(email: Email) -> None:
    from core.tasks import deliver_email

    task = deliver_email.using(run_after=email.next_attempt_at) if email.next_attempt_at else deliver_email
    task.enqueue(email.pk)


def _json(context: dict) -> dict:
    # Refused here, where the caller can see it, rather than in the worker.
    json.dumps(context)
    return context


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE
