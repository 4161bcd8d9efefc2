"""Certificates no longer print the learner's email address: a certificate issued to a learner without a
display name printed their email, and anyone with its code could read it. Those names are cleared
(the certificate then prints "A parent"); going back leaves them cleared."""

from django.db import migrations, models


def clear_email_names(apps, schema_editor):
    Certificate = apps.get_model("courses", "Certificate")
    for certificate in Certificate.objects.select_related("user").filter(name__contains="@").iterator():
        if certificate.name.strip().lower() == certificate.user.email.lower():
            certificate.name = ""
            certificate.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0006_sources_checked_on_and_retired_questions")]

    operations = [
        migrations.AlterField(model_name="certificate", name="name", field=models.CharField(blank=True, max_length=200)),
        migrations.RunPython(clear_email_names, migrations.RunPython.noop),
    ]
