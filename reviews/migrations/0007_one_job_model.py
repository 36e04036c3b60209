"""One job model: an import's and a deduplication run's state become their job's.

Imports and runs that ran without a job (the command line) get one that says how they ended;
then their own status, error and timing columns go."""

import django.db.models.deletion
from django.db import migrations, models

_IMPORT_TO_JOB = {"queued": "queued", "importing": "running", "complete": "succeeded"}
_RUN_TO_JOB = {"queued": "queued", "running": "running", "complete": "succeeded"}


def give_every_run_a_job(apps, schema_editor):
    Job = apps.get_model("reviews", "Job")
    SearchImport = apps.get_model("reviews", "SearchImport")
    DedupRun = apps.get_model("reviews", "DedupRun")
    for search_import in SearchImport.objects.exclude(status="staged"):
        status = _IMPORT_TO_JOB.get(search_import.status, "failed")
        job = search_import.job
        if job is None:
            job = Job.objects.create(
                review_id=search_import.review_id,
                kind="import",
                created_by_id=search_import.uploaded_by_id,
                started_at=search_import.created_at,
            )
            search_import.job = job
            search_import.save(update_fields=["job"])
        job.params = {"search_import": search_import.pk}
        job.status = status
        job.message = search_import.error if status == "failed" else job.message
        job.finished_at = search_import.completed_at or job.finished_at
        job.save()
    for run in DedupRun.objects.all():
        job = run.job
        if job is None:
            job = Job.objects.create(
                review_id=run.review_id,
                kind="dedup",
                created_by_id=run.created_by_id,
                started_at=run.created_at,
            )
            run.job = job
            run.save(update_fields=["job"])
        job.status = _RUN_TO_JOB.get(run.status, "failed")
        job.message = run.error if job.status == "failed" else job.message
        job.finished_at = run.finished_at or job.finished_at
        job.save()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_record_units_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How many times a worker has started it."
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="params",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What the job works on (ids), for its handler.",
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="worker",
            field=models.CharField(blank=True, help_text="host:pid of its last run.", max_length=200),
        ),
        migrations.AlterField(
            model_name="job",
            name="message",
            field=models.TextField(blank=True, help_text="The outcome, or why it failed, in words."),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["status"], name="job_status"),
        ),
        migrations.RunPython(give_every_run_a_job, migrations.RunPython.noop),
        migrations.RemoveField(model_name="deduprun", name="created_by"),
        migrations.RemoveField(model_name="deduprun", name="error"),
        migrations.RemoveField(model_name="deduprun", name="finished_at"),
        migrations.RemoveField(model_name="deduprun", name="status"),
        migrations.RemoveField(model_name="searchimport", name="completed_at"),
        migrations.RemoveField(model_name="searchimport", name="error"),
        migrations.RemoveField(model_name="searchimport", name="status"),
        migrations.AlterField(
            model_name="deduprun",
            name="job",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dedup_run",
                to="reviews.job",
            ),
        ),
        migrations.AlterField(
            model_name="searchimport",
            name="job",
            field=models.OneToOneField(
                blank=True,
                help_text="Set when the import is confirmed; the import's state is the job's.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="search_import",
                to="reviews.job",
            ),
        ),
    ]
