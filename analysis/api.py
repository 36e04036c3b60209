"""REST API for analysis (/api/v1/reviews/{id}/analysis/…): plans, runs (create = enqueue on
the locked snapshot; status; results; plots), GRADE and the summary of findings.

Every member reads; only leads create, change and run. A run on unlocked data answers 409."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis import engine, selectors, services
from analysis.access import analysis_review_for_user, plan_for_user, run_for_user
from analysis.jobs import plot_for, plot_png
from analysis.models import MEASURES, METHODS, AnalysisPlan, AnalysisRun
from analysis.views_grade import grade_summary

NOT_LOCKED = OpenApiResponse(description="Extraction of the review is not locked.")
BAD = OpenApiResponse(description="Invalid values; `errors` names each field.")


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    outcome = serializers.CharField(help_text="The outcome's key in the extraction form.")
    timepoint = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(required=False, default="Main analysis")
    measure = serializers.ChoiceField(choices=MEASURES)
    method = serializers.ChoiceField(choices=METHODS, default="REML")
    test = serializers.ChoiceField(choices=AnalysisPlan.Test.values, default="z")
    study_filter = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        default=dict,
        help_text="{study field key: [values kept]}; empty: every study.",
    )
    subgroup = serializers.CharField(
        required=False, allow_blank=True, default="", help_text='"", "design", "rob" or "field:KEY"'
    )
    leave_one_out = serializers.BooleanField(required=False, default=True)
    exclude_high_rob = serializers.BooleanField(required=False, default=False)
    compare_models = serializers.BooleanField(required=False, default=True)
    r_values = serializers.ListField(
        child=serializers.FloatField(min_value=-1, max_value=1), required=False, default=list
    )
    small_study = serializers.BooleanField(required=False, default=True)


def _plan_data(plan: AnalysisPlan) -> dict:
    return {"id": plan.pk, **{k: getattr(plan, k) for k in services.FIELDS}}


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField()
    snapshot = serializers.IntegerField(help_text="The snapshot's version.")
    snapshot_sha256 = serializers.CharField()
    engine_version = serializers.CharField()
    started_by = serializers.CharField(allow_null=True)
    job = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField(allow_null=True)


def _run_data(run: AnalysisRun) -> dict:
    results = selectors.results(run)
    return {
        "id": run.pk,
        "plan": run.plan_id,
        "snapshot": run.snapshot.version,
        "snapshot_sha256": run.snapshot_sha256,
        "engine_version": run.engine_version,
        "started_by": run.started_by.get_username() if run.started_by else None,
        "job": run.job_id,
        "status": run.job.status,
        "progress": run.job.current_progress,
        "message": run.job.message,
        "created_at": run.created_at,
        "started_at": run.job.started_at,
        "finished_at": run.job.finished_at,
        # The results keep the English line; the summary is in the caller's language.
        "summary": engine.plain_language(results, results["participants"]) if results else None,
    }


class RunCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField(
        required=False, help_text="The plan to run; without it, every plan of the review."
    )


class _AnalysisView(APIView):
    def handle_exception(self, exc):
        if isinstance(exc, ValidationError) and getattr(exc, "code", None) == "not_locked":
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)


@extend_schema(tags=["analysis"])
class PlanListView(_AnalysisView):
    @extend_schema(operation_id="reviews_analysis_plans_list", responses=PlanSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review = analysis_review_for_user(request.user, review_id)
        return Response([_plan_data(p) for p in selectors.plans(review)])

    @extend_schema(request=PlanSerializer, responses={201: PlanSerializer, 400: BAD})
    def post(self, request: Request, review_id: int) -> Response:
        review = analysis_review_for_user(request.user, review_id, write=True)
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_create(lead=request.user, review=review, data=data.validated_data)
        return Response(_plan_data(plan), status=status.HTTP_201_CREATED)


@extend_schema(tags=["analysis"])
class PlanDetailView(_AnalysisView):
    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, review_id: int, plan_id: int) -> Response:
        return Response(_plan_data(plan_for_user(request.user, review_id, plan_id)))

    @extend_schema(request=PlanSerializer(partial=True), responses={200: PlanSerializer, 400: BAD})
    def patch(self, request: Request, review_id: int, plan_id: int) -> Response:
        analysis_review_for_user(request.user, review_id, write=True)
        data = PlanSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        plan = plan_for_user(request.user, review_id, plan_id, write=True)
        plan = services.plan_update(lead=request.user, plan=plan, data=data.validated_data)
        return Response(_plan_data(plan))


@extend_schema(tags=["analysis"])
class RunListView(_AnalysisView):
    @extend_schema(operation_id="reviews_analysis_runs_list", responses=RunSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review = analysis_review_for_user(request.user, review_id)
        return Response([_run_data(r) for r in selectors.runs(review)[:200]])

    @extend_schema(
        summary="Run a plan (or every plan) on the locked snapshot",
        description="Queues one job per plan; follow each run's status. 409 while extraction "
        "is not locked (nothing is queued).",
        request=RunCreateSerializer,
        responses={202: RunSerializer(many=True), 400: BAD, 409: NOT_LOCKED},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = analysis_review_for_user(request.user, review_id, write=True)
        data = RunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            if data.validated_data.get("plan") is None:
                started = services.runs_enqueue_all(lead=request.user, review=review)
            else:
                plan = plan_for_user(request.user, review.pk, data.validated_data["plan"])
                started = [services.run_enqueue(lead=request.user, plan=plan)]
        except ValidationError as exc:
            if exc.code == "not_locked":
                return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
            raise
        runs = AnalysisRun.objects.select_related("job", "snapshot", "started_by").filter(
            pk__in=[r.pk for r in started]
        )
        return Response([_run_data(r) for r in runs], status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["analysis"])
class RunDetailView(APIView):
    @extend_schema(responses=RunSerializer)
    def get(self, request: Request, review_id: int, run_id: int) -> Response:
        return Response(_run_data(run_for_user(request.user, review_id, run_id)))


@extend_schema(tags=["analysis"])
class RunResultsView(APIView):
    @extend_schema(
        summary="The run's results (canonical JSON: the same bytes for the same plan and snapshot)",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT),
            409: OpenApiResponse(description="The run has not finished successfully."),
        },
    )
    def get(self, request: Request, review_id: int, run_id: int):
        run = run_for_user(request.user, review_id, run_id)
        if not run.results:
            return Response(
                {
                    "detail": _("Run %(run)s has no results (%(status)s).")
                    % {"run": run.pk, "status": run.job.get_status_display()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        return HttpResponse(run.results, content_type="application/json")


@extend_schema(tags=["analysis"])
class RunPlotView(APIView):
    @extend_schema(
        summary="A plot of the run (forest, subgroups, funnel, leave_one_out)",
        parameters=[OpenApiParameter("type", str, enum=["svg", "png"], required=False)],
        responses={
            (200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.STR),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request: Request, review_id: int, run_id: int, name: str):
        run = run_for_user(request.user, review_id, run_id)
        plot = plot_for(run, name, get_language())
        if plot is None:
            raise Http404(_("This run has no such plot."))
        kind = request.query_params.get("type", "svg")
        if kind == "png":
            return HttpResponse(plot_png(plot), content_type="image/png")
        if kind != "svg":
            return Response(
                {"detail": _("type must be svg or png.")}, status=status.HTTP_400_BAD_REQUEST
            )
        return HttpResponse(plot.svg, content_type="image/svg+xml")


class DomainSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=0, max_value=2)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class GradeSerializer(serializers.Serializer):
    mid = serializers.FloatField(required=False, allow_null=True)
    assumed_control_risk = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1
    )
    comments = serializers.CharField(required=False, allow_blank=True)
    domains = serializers.DictField(child=DomainSerializer(), required=False)


class GradeStateSerializer(serializers.Serializer):
    run = serializers.IntegerField(allow_null=True)
    proposals = serializers.JSONField()
    judgements = serializers.JSONField()
    certainty = serializers.JSONField(allow_null=True)
    absolute = serializers.JSONField()
    mid = serializers.FloatField(allow_null=True)
    assumed_control_risk = serializers.FloatField(allow_null=True)
    comments = serializers.CharField()


def _grade_data(plan: AnalysisPlan) -> dict:
    s = grade_summary(plan)
    a = s["assessment"]
    return {
        "run": s["run"].pk if s["run"] else None,
        "proposals": s["proposals"],
        "judgements": a.domains,
        "certainty": s["certainty"],
        "absolute": s["absolute"],
        "mid": a.mid,
        "assumed_control_risk": a.assumed_control_risk,
        "comments": a.comments,
    }


@extend_schema(tags=["analysis"])
class GradeView(_AnalysisView):
    @extend_schema(responses=GradeStateSerializer)
    def get(self, request: Request, review_id: int, plan_id: int) -> Response:
        return Response(_grade_data(plan_for_user(request.user, review_id, plan_id)))

    @extend_schema(request=GradeSerializer, responses={200: GradeStateSerializer, 400: BAD})
    def put(self, request: Request, review_id: int, plan_id: int) -> Response:
        analysis_review_for_user(request.user, review_id, write=True)
        data = GradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_for_user(request.user, review_id, plan_id, write=True)
        services.grade_update(lead=request.user, plan=plan, data=data.validated_data)
        return Response(_grade_data(plan))
