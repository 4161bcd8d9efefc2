import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import services
from accounts.forms import DeleteAccountForm, ProfileForm


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
@reauthentication_required(allow_get=True)
def delete_account(request):
    """Delete the account and everything that is the person's, once they have signed in again (password,
    code or passkey) and ticked the box."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(request.user)
        logout(request)
        messages.success(request, _("Your account and your data have been deleted. Kia kaha."))
        return redirect("courses:home")
    return render(request, "accounts/delete_account.html", {"form": form})
