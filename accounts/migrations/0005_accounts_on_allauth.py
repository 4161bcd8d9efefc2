"""Accounts move to django-allauth: confirmed addresses, authenticator apps and recovery codes.

Each address becomes allauth's EmailAddress (confirmed where it was). A confirmed authenticator app
becomes a TOTP authenticator with the same secret, so its codes keep working. Recovery codes were
kept only as hashes, which allauth's own codes (made from a seed) cannot take over: the hashes of
unused ones go into the recovery-codes authenticator as `hashed_codes`, which
`accounts.forms.AuthenticateForm` accepts once each, and allauth's own codes start as all used
until the person makes new ones.
"""

import secrets

from django.db import migrations
from django.utils import timezone

RECOVERY_CODE_COUNT = 10  # allauth's MFA_RECOVERY_CODE_COUNT


def to_allauth(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    Authenticator = apps.get_model("mfa", "Authenticator")
    TwoFactorDevice = apps.get_model("accounts", "TwoFactorDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    has_address = set(EmailAddress.objects.values_list("user_id", flat=True))
    addresses = [
        EmailAddress(user_id=user.pk, email=user.email.lower(), primary=True, verified=user.email_verified_at is not None)
        for user in User.objects.only("pk", "email", "email_verified_at").iterator()
        if user.pk not in has_address
    ]
    EmailAddress.objects.bulk_create(addresses, batch_size=1000)
    # Not for anyone allauth already knows (a migration run back and forth again keeps their rows).
    known = set(Authenticator.objects.values_list("user_id", flat=True))
    for device in TwoFactorDevice.objects.filter(confirmed_at__isnull=False).exclude(user_id__in=known).iterator():
        Authenticator.objects.create(user_id=device.user_id, type="totp", data={"secret": device.secret})
        unused = RecoveryCode.objects.filter(user_id=device.user_id, used_at__isnull=True)
        Authenticator.objects.create(
            user_id=device.user_id,
            type="recovery_codes",
            data={
                "seed": secrets.token_hex(40),
                "used_mask": (1 << RECOVERY_CODE_COUNT) - 1,
                "hashed_codes": list(unused.values_list("code_hash", flat=True)),
            },
        )


def from_allauth(apps, schema_editor):
    """Back to the earlier tables: confirmed addresses, TOTP secrets and the hashed recovery codes.

    Recovery codes made by allauth after the move are not carried back (the earlier code kept hashes
    of codes it made itself); their owners make new ones.
    """
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    Authenticator = apps.get_model("mfa", "Authenticator")
    TwoFactorDevice = apps.get_model("accounts", "TwoFactorDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    now = timezone.now()
    confirmed = EmailAddress.objects.filter(verified=True, primary=True).values_list("user_id", flat=True)
    User.objects.filter(pk__in=list(confirmed)).update(email_verified_at=now)
    for totp in Authenticator.objects.filter(type="totp").iterator():
        TwoFactorDevice.objects.create(user_id=totp.user_id, secret=totp.data["secret"], confirmed_at=now)
    for codes in Authenticator.objects.filter(type="recovery_codes").iterator():
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user_id=codes.user_id, code_hash=code) for code in codes.data.get("hashed_codes", [])]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_addresses_in_lower_case"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(to_allauth, from_allauth),
        migrations.RemoveField(model_name="user", name="email_verified_at"),
        migrations.DeleteModel(name="RecoveryCode"),
        migrations.DeleteModel(name="TwoFactorDevice"),
    ]
