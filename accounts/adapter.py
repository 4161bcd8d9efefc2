"""How django-allauth behaves on this site: where people go, how mail is sent, who a client is.

allauth does sign-up, log-in, email confirmation, password reset, rate limits and the second step
(TOTP, recovery codes and passkeys). Addresses are stored and looked up in lower case, exactly
(`canonical_email`), and its per-address rate limits are keyed by the same form, so a look-alike
letter (`ı`, `ſ`) neither finds an account nor gets a count of its own.
"""

import io
import ipaddress

import segno
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from accounts.models import canonical_email
from core import mail


def client_ip(request) -> str:
    """The client's address, from the trusted proxy's header when one is configured, else the connection's.

    An IPv4 client that a proxy listening on IPv6 writes as `::ffff:a.b.c.d` is that IPv4 address
    (allauth counts IPv6 addresses per /64, which would put every such client in one bucket).
    """
    address = ""
    if settings.TRUSTED_PROXY_HEADER:
        # The right-most entry is the one our proxy added; anything left of it the client could have typed.
        address = request.META.get(settings.TRUSTED_PROXY_HEADER, "").rsplit(",", 1)[-1].strip()
    for candidate in (address, request.META.get("REMOTE_ADDR", "")):
        try:
            ip = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return str(getattr(ip, "ipv4_mapped", None) or ip)
    return ""


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return canonical_email(super().clean_email(email))

    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth puts the request's host name in front, which the client chooses (another port or
        # capital letter, another five guesses): the address alone, as it is looked up.
        return canonical_email(credentials.get("email", ""))

    def pre_authenticate(self, request, **credentials) -> None:
        # The network's failed log-ins, counted apart from the address's (see ACCOUNT_RATE_LIMITS).
        self._network_usage = ratelimit.consume(request, app="allauth.account", action="login_failed_network")
        if not self._network_usage:
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:  # a success is not a failure of the network's
            self._network_usage.rollback()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Written now, while the request is at hand (as allauth's own does), and queued with what it
        # tells about (an account, an address): the worker sends it once that is committed.
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        mail.queue_message(self.render_mail(template_prefix, email, context), template=template_prefix)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # Drawn by segno, which the school flyers use already (allauth's default needs `qrcode`). A whole
        # SVG document: allauth shows it as an image from a data: address.
        drawing = io.BytesIO()
        segno.make(url, error="m").save(drawing, kind="svg", xmldecl=False, scale=4)
        return drawing.getvalue().decode()
