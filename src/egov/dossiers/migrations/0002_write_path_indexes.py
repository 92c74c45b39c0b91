"""Fewer indexes on the write path (docs/adr/0016-write-path-indexes.md): no index nothing
reads, none a composite index already serves (its first column), and no ``varchar_pattern_ops``
twin for columns only compared for equality."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dossier',
            name='applicant_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='procedure_code',
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name='dossierattachment',
            name='dossier',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='dossiers.dossier'),
        ),
        migrations.AlterField(
            model_name='dossierevent',
            name='dossier',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='dossiers.dossier'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['procedure_code'], name='dossier_procedure_idx'),
        ),
    ]
