from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from courses.contacts import FIRST_STEPS, HELP_CONTACTS


@require_safe
def home(request):
    """What the site is, who it is for, and how to start."""
    return render(request, "courses/home.html")


@require_safe
def help_page(request):
    """Get help now: who to contact and what to do first. Open to everyone."""
    return render(request, "courses/help.html", {"contacts": HELP_CONTACTS, "first_steps": FIRST_STEPS})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page says; send them to the hashed icon."""
    return redirect(static("img/favicon.svg"))
