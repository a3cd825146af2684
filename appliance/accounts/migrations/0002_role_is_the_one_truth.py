"""The role becomes the one truth about admin rights: a superuser recorded as Staff was an admin in
practice, so it is shown as Admin (nobody loses rights here), and the Django flags follow the role."""
from django.db import migrations


def roles_decide_the_flags(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_superuser=True).exclude(role="admin").update(role="admin")
    User.objects.filter(role="admin").update(is_superuser=True, is_staff=True)
    User.objects.exclude(role="admin").update(is_superuser=False, is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(roles_decide_the_flags, migrations.RunPython.noop)]
