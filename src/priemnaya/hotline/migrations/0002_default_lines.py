from django.db import migrations


def seed(apps, schema_editor):
    """Create the lines the seeds name (SPEC §16) so that /contacts/ shows them at once."""
    from priemnaya.hotline.defaults import lines_load

    lines_load(apps.get_model("hotline", "Line"), apps.get_model("hotline", "LineHours"))


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
