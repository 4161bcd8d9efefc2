"""Addresses are kept in lower case, the form every lookup and throttle uses (`accounts.models.canonical_email`).

The unique constraint on `Lower("email")` already kept two accounts from differing only in case, so
no two rows can meet here.
"""

from django.db import migrations


def lower_case(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changed = [user for user in User.objects.only("pk", "email").iterator() if user.email != user.email.strip().lower()]
    for user in changed:
        user.email = user.email.strip().lower()
    User.objects.bulk_update(changed, ["email"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_two_factor")]

    # Going back leaves the addresses in lower case: the earlier code looked them up in any case.
    operations = [migrations.RunPython(lower_case, migrations.RunPython.noop)]
