"""Where a form may send someone next: only to a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request, target: str | None, fallback: str = "") -> str:
    """``target`` if it is a path on this site (``/...``), otherwise ``fallback``.

    Only a path is accepted: ``redirect()`` would take a bare word for a URL pattern's name, and
    ``//host`` or ``/\\host`` are other sites to a browser.
    """
    target = target or ""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    hosts = {request.get_host()}
    ours = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    return target if ours else fallback


def next_param(request, fallback: str = "") -> str:
    """The ``next`` field of a POST, or the ``next`` query parameter, if it is safe to follow."""
    return local_path(request, request.POST.get("next") or request.GET.get("next"), fallback)
