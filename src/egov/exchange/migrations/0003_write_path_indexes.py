"""Two indexes fewer on the exchange's write path (docs/adr/0016-write-path-indexes.md): the log
row's hash is not unique-indexed (the verifier recomputes every hash along the chain, whose
``(chain, seq)`` is unique; nothing looks a row up by its hash), and a stored answer's consumer
is indexed only by the unique ``(consumer, message_id)`` constraint, whose first column it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_message_hash_version_log_append")]

    operations = [
        migrations.AlterField(
            model_name="delivery",
            name="consumer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="exchange.subsystem",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="hash",
            field=models.CharField(max_length=64),
        ),
    ]
