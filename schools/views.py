from functools import cached_property, wraps

import segno
from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import second_factor
from schools import dashboard as dashboards
from schools import services
from schools.forms import CohortForm, DashboardFilterForm, InviteForm, JoinCodeForm, SchoolRequestForm
from schools.models import Assignment, Membership, Role, School

PAGE_SIZE = 50


def coordinator_view(view):
    """For a school's own pages: 404 unless the user coordinates it, then a second factor first.

    The view gets the `School` itself. Staff who do not coordinate a school get a 404 too: they
    manage schools in the admin.
    """

    @login_required
    @wraps(view)
    def wrapper(request, school, **kwargs):
        school = get_object_or_404(School.objects.coordinated_by(request.user), slug=school)
        if second_factor.missing(request):
            return second_factor.set_one_up(request)
        return view(request, school, **kwargs)

    return wrapper


def _invitation(school: School, pk: str, **filters):
    """One of the school's invitations; the path takes any text so a wrong method is a 405 first, not a 404."""
    if not (pk.isascii() and pk.isdigit()):
        raise Http404
    return get_object_or_404(school.invitations.filter(**filters), pk=int(pk))


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _sign_up_first(request, path: str):
    messages.info(request, _("Create a free account, or log in, to join your school. It takes a minute."))
    return redirect(f"{reverse('courses:signup')}?{urlencode({'next': path})}")


# Families ---------------------------------------------------------------------------------------


@require_safe
def join_form(request):
    """Type the code from the school's letter or flyer."""
    form = JoinCodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("schools:join-code", code=form.cleaned_data["code"])
    return render(request, "schools/join_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def join(request, code):
    """Join a school by its link or code: sign up or log in, read what the school will see, agree."""
    # Codes that match no school are counted per network (a join link is a GET, which allauth's public
    # `consume` would not count); past the limit no code is answered at all.
    counted = {"app": "allauth.account", "action": "join_code", "limit_get": True}
    if not ratelimit.consume(request, **counted, dry_run=True):
        return render(request, "schools/join_unknown.html", {"form": JoinCodeForm(), "waiting": True}, status=429)
    found = services.resolve_code(code)
    if found is None:
        ratelimit.consume(request, **counted)
        return render(request, "schools/join_unknown.html", {"form": JoinCodeForm()}, status=404)
    school, cohort = found
    if not request.user.is_authenticated:
        return _sign_up_first(request, request.path)
    confirm_first = services.must_confirm_email(request.user)
    if request.method == "POST" and not confirm_first:
        services.join_school(user=request.user, school=school, cohort=cohort)
        messages.success(request, _("You have joined %(school)s. Welcome!") % {"school": school.name})
        return redirect("courses:learning")
    return _consent(request, school, cohort, confirm_first)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token):
    """Accept an emailed invitation, after the same consent screen as the join link."""
    try:
        found = services.find_invitation(token)
    except services.InvitationProblem as problem:
        return render(request, "schools/invitation_problem.html", {"reason": problem.reason}, status=404)
    if not request.user.is_authenticated:
        return _sign_up_first(request, request.path)
    confirm_first = services.must_confirm_email(request.user, found)
    if request.method == "POST" and not confirm_first:
        try:
            services.accept_invitation(user=request.user, token=token)
        except services.InvitationProblem as problem:
            return render(request, "schools/invitation_problem.html", {"reason": problem.reason}, status=404)
        messages.success(request, _("You have joined %(school)s. Welcome!") % {"school": found.school.name})
        return redirect("courses:learning")
    return _consent(request, found.school, found.cohort, confirm_first)


def _consent(request, school: School, cohort, confirm_first: bool):
    """What the school will see, and the button to agree (or, first, a link to confirm the email address)."""
    member = Membership.objects.filter(school=school, user=request.user).first()
    context = {"school": school, "cohort": cohort, "member": member, "confirm_first": confirm_first and not member}
    # A POST that could not join (the address is not confirmed yet) is answered with the same page.
    return render(request, "schools/consent.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def leave(request, school):
    """A family stops sharing their progress with a school."""
    school = get_object_or_404(
        School.objects.filter(memberships__user=request.user, memberships__role=Role.FAMILY), slug=school
    )
    services.leave_school(user=request.user, school=school)
    messages.success(request, _("%(school)s can no longer see your progress.") % {"school": school.name})
    return redirect("courses:learning")


@require_http_methods(["GET", "HEAD", "POST"])
def stop_reminders(request, token):
    """The link in every reminder: one click on the page stops that school's reminders."""
    membership = get_object_or_404(Membership.objects.select_related("school"), reminder_token=token)
    if request.method == "POST":
        services.stop_reminders(token=token)
        membership.reminders_stopped = True
    return render(request, "schools/stop_reminders.html", {"membership": membership})


@require_http_methods(["GET", "HEAD", "POST"])
def stop_digest(request, token):
    """The link in every weekly digest: one click on the page stops that school's digest for this coordinator."""
    # Mail scanners follow links: only the page's button (a POST) stops anything.
    membership = get_object_or_404(Membership.objects.coordinators().select_related("school"), reminder_token=token)
    if request.method == "POST":
        services.stop_digest(token=token)
        membership.digest_stopped = True
    return render(request, "schools/stop_digest.html", {"membership": membership})


# Coordinators -----------------------------------------------------------------------------------


@require_safe
def school_list(request):
    """For schools: what a school page offers; signed in, the schools the user runs and any request waiting."""
    if not request.user.is_authenticated:
        return render(request, "schools/school_list.html", {"schools": [], "waiting": None})
    schools = list(School.objects.coordinated_by(request.user))
    if schools and second_factor.missing(request):
        return second_factor.set_one_up(request)
    waiting = services.waiting_request(request.user)
    return render(request, "schools/school_list.html", {"schools": schools, "waiting": waiting})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def request_school(request):
    """A teacher asks for their school's page; a site admin checks and approves it."""
    waiting = services.waiting_request(request.user)
    form = SchoolRequestForm(request.POST or None)
    if request.method == "POST" and not waiting and request.user.email_verified and form.is_valid():
        services.request_school(user=request.user, base_url=_base_url(request), **form.cleaned_data)
        messages.success(
            request, _("Thank you. We will check with the school and email you, usually within two working days.")
        )
        return redirect("schools:school-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/request_school.html", {"form": form, "waiting": waiting}, status=status)


@require_safe
@coordinator_view
def dashboard(request, school):
    """Who has finished, who is on the way and who has not started: completion only."""
    return render(request, "schools/dashboard.html", {"school": school, "listing": DashboardListing(request, school)})


class DashboardListing:
    """The families a coordinator asked for, worked out only when the page is not rendered already.

    The page below the header is the same for every request with the same query against the same
    snapshot (`{% fragment %}` in schools/dashboard.html), so a warm dashboard never filters,
    pages or renders anything.
    """

    def __init__(self, request, school):
        self.request, self.school = request, school
        self.version = dashboards.snapshot(school).version

    @cached_property
    def form(self):
        return DashboardFilterForm(self.request.GET or None, school=self.school)

    @cached_property
    def board(self):
        form = self.form
        filters = form.filters() if form.is_bound else {"search": "", "cohort": None, "status": "", "sort": "name"}
        return dashboards.dashboard(self.school, **filters)

    @cached_property
    def page(self):
        return Paginator(self.board.rows, PAGE_SIZE).get_page(self.request.GET.get("page"))

    @cached_property
    def rows(self):
        return [self.board.snapshot.row_html(row) for row in self.page.object_list]

    @cached_property
    def query(self):
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()


@require_safe
@coordinator_view
def export(request, school):
    """The dashboard as a CSV file, streamed a chunk of families at a time."""
    response = StreamingHttpResponse(dashboards.export_lines(school), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{school.slug}-progress.csv"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_view
def invite(request, school):
    """Paste or upload a list; every row is checked and shown before anything is sent."""
    if request.method == "POST" and request.POST.get("confirm") == "send":
        created = services.send_invitations(
            school=school, text=request.POST.get("text", ""), base_url=_base_url(request)
        )
        messages.success(
            request,
            ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", len(created)) % {"n": len(created)},
        )
        return redirect("schools:invitations", school=school.slug)
    form = InviteForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        check = services.check_invitations(school=school, text=form.cleaned_data["text"])
    return render(request, "schools/invite.html", {"school": school, "form": form, "check": check})


@require_safe
@coordinator_view
def invitations(request, school):
    """The school's invitations, newest first, with resend and revoke."""
    items = Paginator(school.invitations.select_related("cohort"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "schools/invitations.html", {"school": school, "page": items})


@require_POST
@coordinator_view
def resend(request, school, pk):
    """Send a fresh link for another 14 days."""
    item = _invitation(school, pk, accepted_at__isnull=True)
    services.resend_invitation(invitation=item, base_url=_base_url(request))
    messages.success(request, _("We sent %(email)s a new invitation.") % {"email": item.email})
    return redirect("schools:invitations", school=school.slug)


@require_POST
@coordinator_view
def revoke(request, school, pk):
    """The invitation's link stops working."""
    item = _invitation(school, pk)
    services.revoke_invitation(invitation=item)
    messages.success(request, _("The invitation to %(email)s no longer works.") % {"email": item.email})
    return redirect("schools:invitations", school=school.slug)


@require_POST
@coordinator_view
def remind(request, school):
    """Remind chosen families, or everyone not finished; nobody more than once a week."""
    if request.POST.get("everyone"):
        chosen = dashboards.families_not_finished(school)
    else:
        ids = [value for value in request.POST.getlist("families") if value.isascii() and value.isdigit()]
        # At most a page's worth: that is all the dashboard's form can send.
        chosen = list(school.memberships.families().filter(pk__in=ids[:PAGE_SIZE]))
    if not chosen:
        messages.info(request, _("Choose at least one family to remind."))
        return redirect(school)
    sent = services.send_reminders(school=school, memberships=chosen, base_url=_base_url(request))
    skipped = len(chosen) - sent
    text = ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", sent) % {"n": sent}
    if skipped:
        text += " " + ngettext(
            "%(n)s family was reminded in the last 7 days or asked for no reminders.",
            "%(n)s families were reminded in the last 7 days or asked for no reminders.",
            skipped,
        ) % {"n": skipped}
    messages.success(request, text)
    return redirect(school)


@require_safe
@coordinator_view
def flyer(request, school):
    """A printable page with the join link, the code and a QR code drawn here as SVG."""
    link = _base_url(request) + school.join_url()
    qr = segno.make(link, error="m").svg_inline(scale=4, title=_("QR code for %(link)s") % {"link": link})
    return render(request, "schools/flyer.html", {"school": school, "link": link, "qr": qr})


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_view
def cohorts(request, school):
    """The school's cohorts, each with its own join link, and the date to finish the course by."""
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = services.save_cohort(school=school, name=form.cleaned_data["name"], due=form.cleaned_data["due"])
        messages.success(request, _("Saved “%(cohort)s”.") % {"cohort": cohort.name})
        return redirect("schools:cohorts", school=school.slug)
    course = school.the_course()
    items = school.cohorts.annotate(families=Count("memberships")).order_by("name")
    dues = dict(Assignment.objects.filter(cohort__school=school, course=course).values_list("cohort_id", "due"))
    for item in items:
        item.due = dues.get(item.pk)
    return render(
        request, "schools/cohorts.html", {"school": school, "cohorts": items, "form": form, "base": _base_url(request)}
    )
