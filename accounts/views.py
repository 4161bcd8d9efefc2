import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services, throttling, two_factor
from accounts.backends import BACKEND
from accounts.forms import ChangeEmailForm, DeleteAccountForm, LoginForm, ProfileForm, TwoFactorCodeForm
from accounts.models import User
from accounts.redirects import local_path, next_param


@require_safe
def privacy(request):
    """What we collect and why, who sees what, how long it is kept, how to get it or delete it."""
    return render(request, "accounts/privacy.html", {"unverified_days": settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS})


@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request):
    """The admin's log-in address: to the site's own log-in, then back to the admin page asked for."""
    return redirect_to_login(local_path(request, request.GET.get("next"), reverse("admin:index")))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request):
    """Your account: your name, email, password, your data and deleting the account."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your name has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def change_email(request):
    """Ask for the password again, then send a link to the new address; it changes when opened."""
    form = ChangeEmailForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.send_verification(request=request, user=request.user, email=form.cleaned_data["new_email"])
        messages.success(
            request,
            _("We have sent a link to %(email)s. Your address changes when you open it.")
            % {"email": form.cleaned_data["new_email"]},
        )
        return redirect("accounts:profile")
    return render(request, "accounts/change_email.html", {"form": form})


@require_POST
@login_required
def resend_verification(request):
    then = next_param(request)
    services.send_verification(request=request, user=request.user, then=then)
    messages.success(request, _("We have sent a new link to %(email)s.") % {"email": request.user.email})
    return redirect(then or "accounts:profile")


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request, token):
    """The link from the email: a button confirms (mail scanners that follow links change nothing)."""
    if request.method == "POST":
        user = services.confirm_email(token)
        if user is None:
            return render(request, "accounts/verify_email.html", {"failed": True}, status=400)
        messages.success(request, _("Thank you: %(email)s is confirmed.") % {"email": user.email})
        then = next_param(request)
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': then})}" if then else "login")
        return redirect(then or "accounts:profile")
    return render(request, "accounts/verify_email.html", {"failed": False})


@require_safe
@login_required
def download_data(request):
    """Everything linked to the account, as a JSON file."""
    data = services.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="safe-online-families-my-data-{stamp}.json"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_account(request):
    """Ask for the password again, then delete the account and everything that is the person's."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.delete_account(request.user)
        logout(request)
        messages.success(request, _("Your account and your data have been deleted. Kia kaha."))
        return redirect("courses:home")
    return render(request, "accounts/delete_account.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's log-in, with a second step for people who have turned on two-factor sign-in."""

    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.is_enabled(user):
            # Not logged in yet: the code page finishes the log-in (and changes the session key).
            self.request.session[two_factor.PENDING_KEY] = {
                "user": user.pk,
                "next": self.get_success_url(),
                "until": time.time() + PENDING_SECONDS,
            }
            return redirect("accounts:two-factor-verify")
        return super().form_valid(form)


PENDING_SECONDS = 5 * 60


def _pending_user(request):
    pending = request.session.get(two_factor.PENDING_KEY)
    if not pending or pending.get("until", 0) < time.time():
        return None, None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("next")


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_verify(request):
    """The second step: a code from the authenticator app, or a recovery code."""
    if request.user.is_authenticated:
        user, next_url = request.user, request.GET.get("next") or request.POST.get("next")
    else:
        user, next_url = _pending_user(request)
        if user is None:
            messages.info(request, _("Please log in again."))
            return redirect("login")
    form = TwoFactorCodeForm(request.POST or None)
    account = str(user.pk)
    waiting = throttling.wait(throttling.SECOND_FACTOR_PER_ACCOUNT, account) if request.method == "POST" else 0
    if waiting:
        form.add_error(None, throttling.try_again_message(waiting))
    elif request.method == "POST" and form.is_valid():
        if two_factor.check_second_factor(user, form.cleaned_data["code"]):
            throttling.clear(throttling.SECOND_FACTOR_PER_ACCOUNT, account)
            if not request.user.is_authenticated:
                request.session.pop(two_factor.PENDING_KEY, None)
                login(request, user, backend=BACKEND)
            two_factor.mark_verified(request)
            return redirect(local_path(request, next_url, settings.LOGIN_REDIRECT_URL))
        throttling.hit(throttling.SECOND_FACTOR_PER_ACCOUNT, account)
        form.add_error("code", _("That code did not work. Check the time on your phone, or use a recovery code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url or ""})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor_setup(request):
    """Turn on two-factor sign-in: scan the QR code, then enter a code to prove it works."""
    if two_factor.is_enabled(request.user):
        return render(request, "accounts/two_factor_on.html", {})
    device = request.user.two_factor if hasattr(request.user, "two_factor") else two_factor.start_setup(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_setup(device, form.cleaned_data["code"])
        if codes is not None:
            two_factor.mark_verified(request)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": next_param(request)},
            )
        form.add_error("code", _("That code did not work. Check the time on your phone and try the newest code."))
    uri = two_factor.provisioning_uri(request.user, device.secret)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": two_factor.qr_svg(uri), "secret": device.secret, "next": next_param(request)},
    )
