from django.db import migrations


def adopt(apps, schema_editor):
    from portal.site_address import adopt_public_address

    adopt_public_address(apps.get_model("wagtailcore", "Site"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_disclosure_pages"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
