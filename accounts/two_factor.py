"""Two-factor sign-in: time-based one-time codes from an authenticator app (RFC 6238), and recovery codes.

Staff and school coordinators must pass it before the admin or a school dashboard; parents may turn it on.
"""

import base64
import hashlib
import hmac
import io
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts.models import RecoveryCode, TwoFactorDevice, User

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODES = 10
SESSION_KEY = "two_factor_verified"
PENDING_KEY = "two_factor_pending_user"
ISSUER = "Safe Online Families"


def new_secret() -> str:
    """160 random bits, base32 as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def code_at(secret: str, step: int) -> str:
    """The one-time code for a 30-second time step."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def verify_code(device: TwoFactorDevice, code: str, *, now: float | None = None) -> bool:
    """Accept a code from this step or the one either side (clock drift), never the same step twice."""
    code = "".join(code.split())
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return False
    step = current_step(now)
    for candidate in (step - 1, step, step + 1):
        if candidate > device.last_step and hmac.compare_digest(code_at(device.secret, candidate), code):
            # Only the first of two simultaneous submits of the same code gets through.
            return bool(
                TwoFactorDevice.objects.filter(pk=device.pk, last_step__lt=candidate).update(last_step=candidate)
            )
    return False


def provisioning_uri(user: User, secret: str) -> str:
    label = quote(f"{ISSUER}:{user.email}")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": ISSUER, "digits": DIGITS})


def qr_svg(uri: str) -> str:
    """The set-up link as an SVG QR code, drawn here so nothing is sent to another site."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=4, border=2, title="QR code for your authenticator app"
    )
    return buffer.getvalue().decode()


def is_enabled(user) -> bool:
    return user.is_authenticated and TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start_setup(user: User) -> TwoFactorDevice:
    """A fresh, unconfirmed device (replacing an unconfirmed one)."""
    device, _ = TwoFactorDevice.objects.update_or_create(
        user=user, confirmed_at=None, defaults={"secret": new_secret(), "last_step": 0}
    )
    return device


@transaction.atomic
def confirm_setup(device: TwoFactorDevice, code: str) -> list[str] | None:
    """Turn two-factor on when the code is right; returns the new recovery codes to show once."""
    if not verify_code(device, code):
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    return new_recovery_codes(device.user)


def new_recovery_codes(user: User) -> list[str]:
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=make_password(code)) for code in codes])
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """A recovery code works once."""
    code = code.strip().lower()
    for recovery in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(code, recovery.code_hash):
            return bool(
                RecoveryCode.objects.filter(pk=recovery.pk, used_at__isnull=True).update(used_at=timezone.now())
            )
    return False


def check_second_factor(user: User, code: str) -> bool:
    device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    return verify_code(device, code) or use_recovery_code(user, code)


def mark_verified(request) -> None:
    request.session[SESSION_KEY] = True


def is_verified(request) -> bool:
    return bool(request.session.get(SESSION_KEY))


def must_use_two_factor(user) -> bool:
    """Staff, before the admin. School coordinators too, before their school's pages: the schools
    app checks that itself (`schools.views.coordinator_view`), as `accounts` knows nothing of schools."""
    return user.is_authenticated and user.is_staff and settings.TWO_FACTOR_REQUIRED_FOR_STAFF


def second_step_redirect(request, next_path: str | None = None):
    """Send someone who has not passed two-factor to set it up, or to enter a code, then back here."""
    target = "accounts:two-factor-verify" if is_enabled(request.user) else "accounts:two-factor-setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': next_path or request.get_full_path()})}")
