"""Slowing down guessing and flooding: failed log-ins, second-step and join codes, password resets and sign-ups.

Counts live in Django's cache and are kept with `cache.add` then `cache.incr`, which Redis does
atomically, so every process and machine shares them when REDIS_URL is set. Without it each process
counts on its own (fine for one process; several gunicorn workers would each allow the full count).

A limit allows `attempts` within `period` seconds; the attempt that reaches it starts a cool-off of
`period` seconds during which everything it guards is refused, even a right password.
"""

import hashlib
import ipaddress
import math
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from core import cache as shared_cache


class Limit(NamedTuple):
    name: str
    attempts: int
    period: int  # seconds: the window attempts are counted in, and the cool-off after the last


MINUTE = 60
LOGIN_PER_ACCOUNT = Limit("login-account", 5, 15 * MINUTE)
# Per network limits are loose: many parents share one school's or workplace's address, and one
# person's typos must not lock the others out.
LOGIN_PER_NETWORK = Limit("login-network", 50, 15 * MINUTE)
RESET_PER_EMAIL = Limit("reset-email", 5, 60 * MINUTE)
RESET_PER_NETWORK = Limit("reset-network", 50, 60 * MINUTE)
SIGNUP_PER_NETWORK = Limit("signup-network", 50, 60 * MINUTE)
# Codes from an authenticator app (or recovery codes) for one account, at the second step of signing in.
SECOND_FACTOR_PER_ACCOUNT = Limit("second-factor", 5, 15 * MINUTE)
# Join codes that match no school, from one network: a family mistypes one or two; guessing takes thousands.
JOIN_CODE_PER_NETWORK = Limit("join-code-network", 20, 15 * MINUTE)


def now() -> float:
    """The clock cool-offs are measured by (tests move it forward)."""
    return time.time()


def _keys(limit: Limit, who: str) -> tuple[str, str]:
    # Hashed: cache keys stay short and safe whatever was typed, and hold no email address.
    digest = hashlib.sha256(who.encode("utf-8", "replace")).hexdigest()[:40]
    return f"throttle:{limit.name}:{digest}:count", f"throttle:{limit.name}:{digest}:until"


def wait(limit: Limit, who: str) -> int:
    """Seconds until `who` may try again under `limit`; 0 when they may now.

    Counting needs the shared cache: without it, this raises `CacheUnavailable` (a 503 page), rather
    than let every guess through.
    """
    if not who:
        return 0
    with shared_cache.required():
        until = cache.get(_keys(limit, who)[1])
    return max(0, math.ceil(until - now())) if until else 0


def hit(limit: Limit, who: str) -> None:
    """Count one attempt by `who`; the one that reaches the limit starts the cool-off."""
    if not who:
        return
    count_key, until_key = _keys(limit, who)
    with shared_cache.required():
        cache.add(count_key, 0, timeout=limit.period)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr: this attempt starts a new window
            cache.add(count_key, 1, timeout=limit.period)
            count = 1
        if count >= limit.attempts:
            cache.set(until_key, now() + limit.period, timeout=limit.period)
            # After the cool-off, a fresh count.
            cache.delete(count_key)


def clear(limit: Limit, who: str) -> None:
    """Forget `who`'s attempts (after a successful log-in)."""
    if who:
        with shared_cache.required():
            cache.delete_many(_keys(limit, who))


def try_again_message(seconds: int) -> str:
    """What to tell someone who must wait, in whole minutes."""
    minutes = max(1, math.ceil(seconds / MINUTE))
    return ngettext(
        "Too many attempts. Please try again in %(minutes)d minute.",
        "Too many attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def client_ip(request) -> str:
    """The client's address, from the trusted proxy's header when one is configured, else the connection's."""
    # IPv6 addresses count per /64, which one home or phone usually has to itself.
    address = ""
    if settings.TRUSTED_PROXY_HEADER:
        # The right-most entry is the one our proxy added; anything left of it the client could have typed.
        address = request.META.get(settings.TRUSTED_PROXY_HEADER, "").rsplit(",", 1)[-1].strip()
    for candidate in (address, request.META.get("REMOTE_ADDR", "")):
        try:
            ip = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        # A proxy listening on IPv6 writes IPv4 clients as ::ffff:a.b.c.d, all in one /64: each is its own.
        ip = getattr(ip, "ipv4_mapped", None) or ip
        return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return ""


def allow_signup(request, form) -> bool:
    """Count one sign-up from the client's network; while it is cooling off, say so on the form and refuse."""
    network = client_ip(request)
    waiting = wait(SIGNUP_PER_NETWORK, network)
    if waiting:
        form.add_error(None, try_again_message(waiting))
        return False
    hit(SIGNUP_PER_NETWORK, network)
    return True
