"""``manage.py runanalysis REVIEW_ID --outcome NAME --measure M --method T …``: create the plan
if needed and run it on the locked snapshot as a background job; ``--wait`` follows the job
and prints its results (with ``--json``: the keys of ``metaanalyze --format json`` plus
``run``, ``snapshot``, ``snapshot_sha256`` and ``engine_version``). On an unlocked review it
exits non-zero and queues nothing."""

from __future__ import annotations

import json
import time

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from analysis import selectors, services
from analysis.models import AnalysisPlan
from reviews.models import Job, Membership, Review, Role


class Command(BaseCommand):
    help = "Run an analysis plan of a review on its locked extraction snapshot."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--outcome", required=True, help="outcome key or name")
        parser.add_argument("--timepoint", default=None)
        parser.add_argument("--measure", required=True)
        parser.add_argument("--method", default="REML")
        parser.add_argument("--test", default="z", choices=("z", "knha"))
        parser.add_argument(
            "--subgroup", default="", metavar="FIELD", help="design, rob or a study field"
        )
        parser.add_argument("--bias", action="store_true", help="Egger, Begg, trim-and-fill")
        parser.add_argument("--leave-one-out", action="store_true", dest="leave_one_out")
        parser.add_argument("--user", help="the lead who runs it (default: the review's creator)")
        parser.add_argument("--wait", action="store_true", help="wait for the run and print it")
        parser.add_argument("--timeout", type=float, default=600.0)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        review = Review.objects.filter(pk=opts["review_id"]).first()
        if review is None:
            raise CommandError(f"no review with id {opts['review_id']}")
        lead = self._lead(review, opts.get("user"))
        outcome = self._outcome(review, opts["outcome"])
        timepoint = opts["timepoint"] if opts["timepoint"] is not None else outcome.timepoints[0]
        subgroup = opts["subgroup"]
        if subgroup and subgroup not in ("design", "rob") and not subgroup.startswith("field:"):
            subgroup = f"field:{subgroup}"
        data = {
            "outcome": outcome.key,
            "timepoint": timepoint,
            "measure": opts["measure"].upper(),
            "method": opts["method"].upper(),
            "test": opts["test"],
            "subgroup": subgroup,
            "leave_one_out": opts["leave_one_out"],
            "small_study": opts["bias"],
            "compare_models": False,
        }
        data["name"] = " ".join(
            part
            for part in (
                data["measure"],
                data["method"],
                data["test"],
                subgroup and f"by {subgroup.removeprefix('field:')}",
                opts["bias"] and "bias",
                opts["leave_one_out"] and "loo",
            )
            if part
        )
        try:
            with transaction.atomic():
                plan = AnalysisPlan.objects.filter(
                    review=review, outcome=outcome.key, timepoint=timepoint, name=data["name"]
                ).first()
                if plan is None:
                    plan = services.plan_create(lead=lead, review=review, data=data)
                run = services.run_enqueue(lead=lead, plan=plan)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if not opts["wait"]:
            self._print(opts, {"run": run.pk, "job": run.job_id, "status": "queued"})
            return
        deadline = time.monotonic() + opts["timeout"]
        job = run.job
        while not job.is_finished:
            if time.monotonic() > deadline:
                raise CommandError(f"run {run.pk} not finished after {opts['timeout']:g} s")
            time.sleep(0.5)
            job.refresh_from_db()
        if job.status == Job.Status.FAILED:
            raise CommandError(f"run {run.pk} failed: {job.message}")
        run.refresh_from_db()
        results = selectors.results(run) or {}
        results.update(run=run.pk, snapshot=run.snapshot.version)
        if opts["json"]:
            self.stdout.write(json.dumps(results, indent=2, sort_keys=True))
        else:
            self.stdout.write(f"Run {run.pk}: {results['plain_language']}")

    def _print(self, opts, data: dict) -> None:
        if opts["json"]:
            self.stdout.write(json.dumps(data, sort_keys=True))
        else:
            self.stdout.write(f"Run {data['run']} queued (job {data['job']}).")

    def _lead(self, review: Review, username: str | None) -> User:
        leads = Membership.objects.filter(review=review, role=Role.LEAD).select_related("user")
        if username:
            found = leads.filter(user__username=username).first()
            if found is None:
                raise CommandError(f"{username} is not a lead of review {review.pk}")
            return found.user
        found = leads.filter(user=review.created_by).first() or leads.first()
        if found is None:
            raise CommandError(f"review {review.pk} has no lead")
        return found.user

    def _outcome(self, review: Review, name: str):
        outcomes = selectors.outcomes(review)
        for outcome in outcomes:
            if name in (outcome.key, outcome.name):
                return outcome
        known = ", ".join(o.key for o in outcomes) or "none"
        raise CommandError(f"review {review.pk} has no outcome '{name}' (known: {known})")
