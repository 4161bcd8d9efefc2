"""Site admins manage every school: coordinators, cohorts, assignments, invitations, and teachers' requests."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schools import services
from schools.models import Assignment, Cohort, Invitation, Membership, RequestStatus, Role, School, SchoolRequest


class CoordinatorForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The inline only makes coordinators; families join by link, code or invitation.
        self.instance.role = Role.COORDINATOR


class CoordinatorInline(admin.TabularInline):
    model = Membership
    form = CoordinatorForm
    extra = 1
    raw_id_fields = ["user"]
    verbose_name = _("coordinator")
    verbose_name_plural = _("coordinators")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(role=Role.COORDINATOR).select_related("user")


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0
    fields = ["name", "join_code"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "join_code", "course"]
    search_fields = ["name", "slug", "join_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CoordinatorInline, CohortInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "cohort", "joined_at"]
    list_filter = ["role", "school"]
    search_fields = ["user__email", "school__name"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "school", "cohort"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["cohort", "course", "due"]
    list_select_related = ["cohort__school", "course"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "school", "cohort", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["school"]
    search_fields = ["email"]
    list_select_related = ["school", "cohort"]
    # The token exists only as a hash and in the family's email; nobody edits it.
    readonly_fields = ["token_hash", "accepted_by", "accepted_at", "sent_at"]


@admin.register(SchoolRequest)
class SchoolRequestAdmin(admin.ModelAdmin):
    """Check each request with the school (e.g. by phone), then approve it to make the school, or decline."""

    list_display = ["school_name", "town", "requested_by", "role", "status", "created_at", "school"]
    list_filter = ["status"]
    search_fields = ["school_name", "town", "requested_by__email"]
    list_select_related = ["requested_by", "school"]
    readonly_fields = ["requested_by", "status", "created_at", "decided_at", "school"]
    actions = ["approve", "decline"]

    def has_add_permission(self, request):
        return False  # teachers ask from the site; admins make schools directly on the school page

    @admin.action(description=_("Approve: make the school, with the teacher as its coordinator"))
    def approve(self, request, queryset):
        base_url = f"{request.scheme}://{request.get_host()}"
        made = [
            services.approve_request(school_request=item, base_url=base_url)
            for item in queryset.filter(status=RequestStatus.WAITING)
        ]
        count = sum(1 for school in made if school is not None)
        self.message_user(
            request,
            ngettext("%(n)s school made; its coordinator has been emailed.",
                     "%(n)s schools made; their coordinators have been emailed.", count) % {"n": count},
            messages.SUCCESS,
        )  # fmt: skip

    @admin.action(description=_("Decline, with a kind email"))
    def decline(self, request, queryset):
        count = sum(services.decline_request(school_request=item) for item in queryset)
        self.message_user(
            request,
            ngettext("%(n)s request declined.", "%(n)s requests declined.", count) % {"n": count},
            messages.SUCCESS,
        )
