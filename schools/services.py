"""Writes that touch several models: joining, invitations, leaving, reminders, the digest, asking for a school."""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import send_templated_email, send_templated_emails
from courses import actions
from schools import dashboard
from schools.models import (
    Assignment,
    Cohort,
    Invitation,
    Membership,
    RequestStatus,
    Role,
    School,
    SchoolRequest,
    default_expiry,
    hash_token,
    normalise_code,
)

MAX_ROWS = 2000


def resolve_code(code: str) -> tuple[School, Cohort | None] | None:
    """The school (and cohort) a join code belongs to, or None."""
    code = normalise_code(code)
    if not code:
        return None
    school = School.objects.filter(join_code=code).first()
    if school:
        return school, None
    cohort = Cohort.objects.select_related("school").filter(join_code=code).first()
    return (cohort.school, cohort) if cohort else None


@transaction.atomic
def must_confirm_email(user, invitation: Invitation | None = None) -> bool:
    """A family joins a school from a confirmed address; an invitation sent to that address confirms it."""
    if user.email_verified:
        return False
    return invitation is None or invitation.email.lower() != user.email.lower()


class EmailNotConfirmed(Exception):
    """The family must confirm their email address before a school can see their progress."""


def join_school(*, user, school: School, cohort: Cohort | None = None) -> Membership:
    """Make `user` a family of `school` (in `cohort` if given) and enrol them in its course; idempotent."""
    if not user.email_verified:
        raise EmailNotConfirmed
    try:
        with transaction.atomic():
            membership = Membership.objects.create(school=school, user=user, role=Role.FAMILY, cohort=cohort)
    except IntegrityError:
        membership = Membership.objects.get(school=school, user=user)
        if cohort is not None and membership.role == Role.FAMILY and membership.cohort_id != cohort.pk:
            membership.cohort = cohort
            membership.save(update_fields=["cohort"])
    course = school.the_course()
    if course is not None:
        actions.enrol(user=user, course=course)
    return membership


@transaction.atomic
def leave_school(*, user, school: School) -> bool:
    """Stop sharing progress with a school; True if the family was a member."""
    deleted, _detail = Membership.objects.families().filter(school=school, user=user).delete()
    return bool(deleted)


# Invitations ------------------------------------------------------------------------------------


class InvitationProblem(Exception):
    """An invitation link that cannot be used; `reason` says why, for the page shown instead."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def find_invitation(token: str) -> Invitation:
    """The usable invitation a link's token names, or InvitationProblem saying why not."""
    code, sep, secret = token.partition("-")
    if not sep or not secret:
        raise InvitationProblem("unknown")
    invitation = (
        Invitation.objects.select_related("school", "cohort")
        .filter(school__join_code=normalise_code(code), token_hash=hash_token(secret))
        .first()
    )
    if invitation is None:
        raise InvitationProblem("unknown")
    if invitation.state != "pending":
        raise InvitationProblem(invitation.state)
    return invitation


@transaction.atomic
def accept_invitation(*, user, token: str) -> Membership:
    """Use an invitation once: the family joins the school and cohort it names."""
    invitation = find_invitation(token)
    if must_confirm_email(user, invitation):
        raise EmailNotConfirmed
    if not user.email_verified:  # the link came to their own address: that confirms it
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    # Claim it first, so two tabs accepting at once cannot both use it.
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not claimed:
        raise InvitationProblem("accepted")
    return join_school(user=user, school=invitation.school, cohort=invitation.cohort)


@dataclass
class InviteRow:
    line: int
    email: str
    name: str = ""
    cohort_name: str = ""
    cohort: Cohort | None = None
    problems: list[str] = field(default_factory=list)
    duplicate: bool = False

    def as_line(self) -> str:
        return ", ".join(part for part in (self.email, self.name, self.cohort_name) if part) if self.email else ""


@dataclass
class InviteCheck:
    valid: list[InviteRow] = field(default_factory=list)
    invalid: list[InviteRow] = field(default_factory=list)
    duplicates: list[InviteRow] = field(default_factory=list)

    def as_text(self) -> str:
        """The rows that will be sent, as lines to carry through the confirm step."""
        return "\n".join(row.as_line() for row in self.valid)


def _split_rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in cells] for cells in csv.reader(io.StringIO(text))]


def read_upload(upload) -> str:
    """The text of an uploaded CSV file, dropping a header row; ValueError if it is not text."""
    raw = upload.read(1_000_000 + 1)
    if len(raw) > 1_000_000:
        raise ValueError(_("That file is too big: please keep it under 1 MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("That file is not a CSV file we can read. Save it as “CSV UTF-8” and try again.")) from None
    lines = text.splitlines()
    if lines and lines[0].split(",")[0].strip().strip('"').lower() in {"email", "email address"}:
        lines = lines[1:]
    return "\n".join(lines)


def check_invitations(*, school: School, text: str) -> InviteCheck:
    """Check every row (email, optional name, optional cohort) before anything is sent."""
    check = InviteCheck()
    cohorts = {cohort.name.casefold(): cohort for cohort in school.cohorts.all()}
    members = {email.casefold() for email in school.memberships.values_list("user__email", flat=True)}
    pending = {email.casefold() for email in school.invitations.pending().values_list("email", flat=True)}
    seen = set()
    try:
        rows = _split_rows(text.replace("\x00", ""))
    except csv.Error:
        rows = [[line] for line in text.splitlines()]
    for number, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        email, name, cohort_name = [*cells, "", "", ""][:3]
        row = InviteRow(line=number, email=email, name=name[:200], cohort_name=cohort_name)
        if len(check.valid) + len(check.invalid) + len(check.duplicates) >= MAX_ROWS:
            row.problems.append(_("Too many rows: send at most %(n)s at a time.") % {"n": MAX_ROWS})
            check.invalid.append(row)
            continue
        if len(cells) > 3:
            row.problems.append(_("Too many columns: use “email, name, cohort”."))
        try:
            validate_email(email)
        except ValidationError:
            row.problems.append(_("This is not an email address."))
        if cohort_name:
            row.cohort = cohorts.get(cohort_name.casefold())
            if row.cohort is None:
                row.problems.append(_("There is no cohort called “%(name)s”.") % {"name": cohort_name})
        if row.problems:
            check.invalid.append(row)
            continue
        key = email.casefold()
        if key in seen:
            row.problems.append(_("This address is already on the list."))
        elif key in members:
            row.problems.append(_("This family has already joined."))
        elif key in pending:
            row.problems.append(_("This family already has an invitation waiting."))
        if row.problems:
            row.duplicate = True
            check.duplicates.append(row)
            continue
        seen.add(key)
        check.valid.append(row)
    return check


def _invitation_email(invitation: Invitation, token: str, base_url: str) -> tuple[str, dict]:
    link = base_url + reverse("schools:invitation", kwargs={"token": token})
    return invitation.email, {"name": invitation.name, "school": {"name": invitation.school.name}, "link": link}


@transaction.atomic
def send_invitations(*, school: School, text: str, base_url: str) -> list[Invitation]:
    """Check the rows again and invite the valid ones: one email each, sent by the worker."""
    check = check_invitations(school=school, text=text)
    now = timezone.now()
    invitations, emails = [], []
    for row in check.valid:
        invitation = Invitation(school=school, email=row.email, name=row.name, cohort=row.cohort, sent_at=now)
        emails.append(_invitation_email(invitation, invitation.new_token(), base_url))
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations)
    send_templated_emails(template="schools/email/invitation", emails=emails)
    return invitations


@transaction.atomic
def resend_invitation(*, invitation: Invitation, base_url: str) -> None:
    """A fresh link (the old one stops working) and another 14 days, even after a revoke."""
    token = invitation.new_token()
    invitation.expires_at = default_expiry()
    invitation.revoked_at = None
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "revoked_at"])
    to, context = _invitation_email(invitation, token, base_url)
    send_templated_email(to=to, template="schools/email/invitation", context=context)


def revoke_invitation(*, invitation: Invitation) -> None:
    """Stop an invitation's link working; an accepted one stays accepted."""
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())


# Reminders --------------------------------------------------------------------------------------


@transaction.atomic
def send_reminders(*, school: School, memberships, base_url: str) -> int:
    """Remind these families, skipping any reminded in the last 7 days or who asked to stop; returns how many."""
    now = timezone.now()
    course = school.the_course()
    course_link = base_url + (course.get_absolute_url() if course else "/")
    ids = [membership.pk for membership in memberships]
    locked = Membership.objects.select_for_update().filter(pk__in=ids, school=school).select_related("user")
    reminded = [
        membership for membership in locked if membership.role == Role.FAMILY and membership.may_be_reminded(now)
    ]
    send_templated_emails(
        template="schools/email/reminder",
        emails=[
            (
                membership.user.email,
                {
                    "school": {"name": school.name},
                    "course_link": course_link,
                    "stop_link": base_url
                    + reverse("schools:stop-reminders", kwargs={"token": membership.reminder_token}),
                },
            )
            for membership in reminded
        ],
    )
    # One UPDATE for them all (nothing a dashboard shows changes, so no signal is wanted either).
    Membership.objects.filter(pk__in=[membership.pk for membership in reminded]).update(last_reminded_at=now)
    return len(reminded)


def send_due_reminders(*, base_url: str) -> int:
    """Remind every family whose due date is past or a week away and who has not finished; returns how many."""
    soon = timezone.localdate() + timedelta(days=7)
    total = 0
    for school in School.objects.filter(cohorts__assignments__due__lte=soon).distinct():
        due_cohorts = set(school.cohorts.filter(assignments__due__lte=soon).values_list("pk", flat=True))
        families = [
            membership
            for membership in dashboard.families_not_finished(school)
            if membership.cohort_id in due_cohorts and membership.may_be_reminded()
        ]
        if families:
            total += send_reminders(school=school, memberships=families, base_url=base_url.rstrip("/"))
    return total


def stop_reminders(*, token: str) -> Membership | None:
    """Follow a "stop reminders" link: that school sends this family no more reminders."""
    membership = Membership.objects.select_related("school").filter(reminder_token=token).first()
    if membership and not membership.reminders_stopped:
        membership.reminders_stopped = True
        membership.save(update_fields=["reminders_stopped"])
    return membership


# The weekly digest (schools/digest.py) -------------------------------------------------------------


def stop_digest(*, token: str) -> Membership | None:
    """Follow a "stop these weekly emails" link: that school sends this coordinator no more digests."""
    membership = Membership.objects.coordinators().select_related("school").filter(reminder_token=token).first()
    if membership and not membership.digest_stopped:
        # One UPDATE: nothing a dashboard shows changes, so no signal is wanted.
        Membership.objects.filter(pk=membership.pk).update(digest_stopped=True)
        membership.digest_stopped = True
    return membership


@transaction.atomic
def save_cohort(*, school: School, name: str, due) -> Cohort:
    """Create the cohort (or find it by name) and set or clear the date its families should finish by."""
    cohort = school.cohorts.filter(name__iexact=name).first() or Cohort.objects.create(school=school, name=name)
    course = school.the_course()
    if course is not None:
        if due:
            Assignment.objects.update_or_create(cohort=cohort, course=course, defaults={"due": due})
        else:
            Assignment.objects.filter(cohort=cohort, course=course).delete()
    return cohort


# Asking for a school ------------------------------------------------------------------------------


def waiting_request(user) -> SchoolRequest | None:
    return SchoolRequest.objects.filter(requested_by=user, status=RequestStatus.WAITING).first()


def request_school(*, user, school_name: str, town: str, role: str, message: str = "", base_url: str) -> SchoolRequest:
    """A teacher asks for their school's page and site admins are emailed; a request already waiting stands."""
    try:
        with transaction.atomic():
            school_request = SchoolRequest.objects.create(
                requested_by=user, school_name=school_name, town=town, role=role, message=message
            )
            _tell_site_admins(school_request, base_url)
    except IntegrityError:
        return waiting_request(user)
    return school_request


def _tell_site_admins(school_request: SchoolRequest, base_url: str) -> None:
    link = base_url + reverse("admin:schools_schoolrequest_change", args=[school_request.pk])
    context = {
        "request": {
            "school_name": school_request.school_name,
            "town": school_request.town,
            "role": school_request.role,
            "message": school_request.message,
            "email": school_request.requested_by.email,
        },
        "link": link,
    }
    admins = User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    send_templated_emails(template="schools/email/request_received", emails=[(email, context) for email in admins])


# Paths under /schools/ that are not schools.
RESERVED_SLUGS = {"request"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40].strip("-") or "school"
    taken = set(School.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def approve_request(*, school_request: SchoolRequest, base_url: str) -> School | None:
    """Make the school, with the teacher who asked as its coordinator, and tell them. None if already decided."""
    locked = SchoolRequest.objects.select_for_update().select_related("requested_by").get(pk=school_request.pk)
    if locked.status != RequestStatus.WAITING:
        return None
    school = School.objects.create(name=locked.school_name, slug=_unique_slug(locked.school_name))
    Membership.objects.update_or_create(
        school=school, user=locked.requested_by, defaults={"role": Role.COORDINATOR, "cohort": None}
    )
    locked.status, locked.decided_at, locked.school = RequestStatus.APPROVED, timezone.now(), school
    locked.save(update_fields=["status", "decided_at", "school"])
    send_templated_email(
        to=locked.requested_by.email,
        template="schools/email/request_approved",
        context={"school": {"name": school.name}, "link": base_url + school.get_absolute_url()},
    )
    return school


@transaction.atomic
def decline_request(*, school_request: SchoolRequest) -> bool:
    """Say no kindly; False if the request was already decided."""
    declined = SchoolRequest.objects.filter(pk=school_request.pk, status=RequestStatus.WAITING).update(
        status=RequestStatus.DECLINED, decided_at=timezone.now()
    )
    if declined:
        school_request.refresh_from_db()
        send_templated_email(
            to=school_request.requested_by.email,
            template="schools/email/request_declined",
            context={"request": {"school_name": school_request.school_name}},
        )
    return bool(declined)
