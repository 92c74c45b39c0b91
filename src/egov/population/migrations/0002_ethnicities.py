import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "ethnicities.json"


def load(apps, schema_editor):
    Ethnicity = apps.get_model("population", "Ethnicity")
    groups = json.loads(DATA.read_text(encoding="utf-8"))["groups"]
    for group in groups:
        Ethnicity.objects.update_or_create(code=group["code"], defaults={"name": group["name"]})


class Migration(migrations.Migration):
    dependencies = [("population", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
