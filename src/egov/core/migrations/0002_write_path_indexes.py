"""Fewer indexes on the write path (docs/adr/0016-write-path-indexes.md): no index nothing
reads, none a composite index already serves (its first column), and no ``varchar_pattern_ops``
twin for columns only compared for equality."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboxevent',
            name='name',
            field=models.CharField(max_length=100),
        ),
    ]
