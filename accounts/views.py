import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services
from accounts.forms import ChangeEmailForm, DeleteAccountForm, ProfileForm


@require_safe
def privacy(request):
    """What we collect and why, who sees what, how long it is kept, how to get it or delete it."""
    return render(request, "accounts/privacy.html", {"unverified_days": settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS})


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
    services.send_verification(request=request, user=request.user)
    messages.success(request, _("We have sent a new link to %(email)s.") % {"email": request.user.email})
    return redirect("accounts:profile")


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request, token):
    """The link from the email: a button confirms (mail scanners that follow links change nothing)."""
    if request.method == "POST":
        user = services.confirm_email(token)
        if user is None:
            return render(request, "accounts/verify_email.html", {"failed": True}, status=400)
        messages.success(request, _("Thank you: %(email)s is confirmed.") % {"email": user.email})
        return redirect("accounts:profile" if request.user.is_authenticated else "login")
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
