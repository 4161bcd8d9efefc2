from django.conf import settings


def site(request):
    """Values every page's layout needs."""
    return {"quick_exit_url": settings.QUICK_EXIT_URL}
