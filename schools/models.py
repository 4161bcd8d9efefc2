import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course

# Join codes are read aloud and typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
INVITATION_DAYS = 14
REMINDER_GAP = timedelta(days=7)


def new_join_code() -> str:
    """A random join code that no school or cohort uses yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not School.objects.filter(join_code=code).exists() and not Cohort.objects.filter(join_code=code).exists():
            return code


def normalise_code(code: str) -> str:
    """What a parent typed, as stored: upper case, no spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    FAMILY = "family", _("Family")


class SchoolQuerySet(models.QuerySet):
    def coordinated_by(self, user):
        """The schools `user` runs as a coordinator."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.COORDINATOR)


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    # Short code families type at /join/ or follow as /join/<code>/; CODE_ALPHABET only.
    join_code = models.CharField(_("join code"), max_length=16, unique=True, default=new_join_code)
    # The course families are enrolled in when they join; empty means the site's first published course.
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="schools")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:dashboard", kwargs={"school": self.slug})

    def join_url(self):
        return reverse("schools:join-code", kwargs={"code": self.join_code})

    def the_course(self):
        """The course this school's families take."""
        return self.course or Course.objects.published().order_by("pk").first()


class Cohort(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=100, help_text=_("For example “Year 7 2027”."))
    # A join code that also puts the family in this cohort.
    join_code = models.CharField(_("join code"), max_length=16, unique=True, default=new_join_code)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="schools_cohort_name_unique_in_school"),
        ]

    def __str__(self):
        return self.name

    def join_url(self):
        return reverse("schools:join-code", kwargs={"code": self.join_code})


class MembershipQuerySet(models.QuerySet):
    def families(self):
        return self.filter(role=Role.FAMILY)

    def coordinators(self):
        return self.filter(role=Role.COORDINATOR)


class Membership(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.FAMILY)
    # Families only: the group the school put them in.
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)
    # When this family was last sent a reminder by this school (at most one per REMINDER_GAP).
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # The family followed "stop reminders": this school sends them no more.
    reminders_stopped = models.BooleanField(default=False)
    # Coordinators only: they followed "stop these weekly emails", so this school sends them no more digests.
    digest_stopped = models.BooleanField(default=False)
    # Unguessable, for the "stop" links in emails: reminders for families, the weekly digest for
    # coordinators (works without logging in).
    reminder_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="schools_membership_once_per_school"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.school}"

    def may_be_reminded(self, now=None) -> bool:
        now = now or timezone.now()
        if self.reminders_stopped:
            return False
        return self.last_reminded_at is None or self.last_reminded_at <= now - REMINDER_GAP


def default_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations")
    # SHA-256 of the secret part of the emailed link: the link itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="schools_invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.school}"

    def new_token(self) -> str:
        """Give the invitation a fresh secret (256 bits); returns the token for the link."""
        secret = secrets.token_urlsafe(32)
        self.token_hash = hash_token(secret)
        # The school's code in front lets a link meant for one school never match another's invitation.
        return f"{self.school.join_code}-{secret}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class Assignment(models.Model):
    """The course set for a cohort, with the date the school would like it done by."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    due = models.DateField(_("due date"))

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "course"], name="schools_assignment_once_per_cohort"),
        ]

    def __str__(self):
        return f"{self.course} for {self.cohort} by {self.due}"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class SchoolRequest(models.Model):
    """A teacher asks for their school's page; a site admin approves it (making the school) or declines."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_requests", verbose_name=_("asked by")
    )
    school_name = models.CharField(_("school’s name"), max_length=200)
    town = models.CharField(_("town or city"), max_length=100)
    role = models.CharField(_("your role at the school"), max_length=100)
    message = models.TextField(_("anything else we should know"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus, default=RequestStatus.WAITING)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("school request")
        constraints = [
            # One open request a person at a time: a second press of the button changes nothing.
            models.UniqueConstraint(
                fields=["requested_by"],
                condition=Q(status="waiting"),
                name="schools_schoolrequest_one_waiting_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.school_name} ({self.town})"
