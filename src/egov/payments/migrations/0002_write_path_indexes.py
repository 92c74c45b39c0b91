"""Fewer indexes on the write path (docs/adr/0016-write-path-indexes.md): no index nothing
reads, none a composite index already serves (its first column), and no ``varchar_pattern_ops``
twin for columns only compared for equality."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='payment',
            name='txn_ref',
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name='payment',
            name='wallet_key',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='paymentorder',
            name='dossier_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='paymentorder',
            name='payer_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['wallet_key'], name='payments_wallet_idx'),
        ),
        migrations.AddIndex(
            model_name='paymentorder',
            index=models.Index(fields=['dossier_id'], name='payments_order_dossier_idx'),
        ),
        migrations.AddIndex(
            model_name='paymentorder',
            index=models.Index(fields=['payer_id'], name='payments_order_payer_idx'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(fields=('txn_ref',), name='payments_txn_ref_unique'),
        ),
    ]
