from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0005_transcript_search"),
    ]

    operations = [
        migrations.AddField(model_name="transcription", name="diarize", field=models.BooleanField(default=False)),
        migrations.AddField(
            model_name="transcription", name="speakers", field=models.PositiveSmallIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="transcription", name="min_speakers", field=models.PositiveSmallIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="transcription", name="max_speakers", field=models.PositiveSmallIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="transcription", name="speaker_names", field=models.JSONField(blank=True, default=dict)
        ),
    ]
