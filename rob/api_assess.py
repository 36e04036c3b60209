"""REST API for assessing (/api/v1/reviews/{id}/rob/assignments/{assignment_id}/…): one's own
assessment (``mine/``), the comparison of the assessors' and the consensus (``consensus/``).

Writes send one domain at a time: its answers (each with an optional quote and page), and
optionally the assessor's judgement, which overrides the proposal only with a justification.
Questions not asked are left out (their answer is NA).
"""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rob import selectors, services
from rob.access import assignment_for_user, comparison_for_user, consensus_assignment_for_user
from rob.api import REFUSED
from rob.models import Assessment

NOT_STARTED = OpenApiResponse(description="Not started yet.")


class RobAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_null=True, allow_blank=True, help_text="Y, PY, PN …")
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    page = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)


class RobDomainOutSerializer(serializers.Serializer):
    domain = serializers.CharField()
    answers = serializers.DictField(child=RobAnswerSerializer())
    proposed = serializers.CharField(help_text="The algorithm's proposal; empty until complete.")
    judgement = serializers.CharField()
    overridden = serializers.BooleanField()
    justification = serializers.CharField()


class RobAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField()
    assessor = serializers.CharField(allow_null=True, help_text="Null for the consensus.")
    status = serializers.CharField()
    domains = RobDomainOutSerializer(many=True)
    overall_proposed = serializers.CharField()
    overall_judgement = serializers.CharField()
    overall_overridden = serializers.BooleanField()
    overall_justification = serializers.CharField()
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What stops it from being marked done."
    )


class RobDomainWriteSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text="A domain id of the tool, e.g. D1.")
    answers = serializers.DictField(child=RobAnswerSerializer(), required=False, default=dict)
    judgement = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Omit to follow the proposal; a different one is an override; '' drops it.",
    )
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class RobOverallWriteSerializer(serializers.Serializer):
    judgement = serializers.CharField(allow_blank=True, help_text="'' follows the proposal.")
    justification = serializers.CharField(required=False, allow_blank=True, default="")


def _data(assessment: Assessment) -> dict:
    return {
        **selectors.assessment_json(assessment),
        "problems": services.assessment_problems(assessment),
    }


def _save_domain(request: Request, assessment: Assessment) -> Response:
    data = RobDomainWriteSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    given = data.validated_data
    answers = {q: a["answer"] for q, a in given["answers"].items() if a["answer"]}
    services.domain_save(
        user=request.user,
        assessment=assessment,
        domain_id=given["domain"],
        answers=answers,
        notes={q: {"quote": a["quote"], "page": a["page"]} for q, a in given["answers"].items()},
        judgement=given["judgement"],
        justification=given["justification"],
    )
    assessment.refresh_from_db()
    return Response(_data(assessment))


def _save_overall(request: Request, assessment: Assessment) -> Response:
    data = RobOverallWriteSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    services.overall_save(user=request.user, assessment=assessment, **data.validated_data)
    return Response(_data(assessment))


def _mine(request: Request, review_id: int, assignment_id: int) -> Assessment:
    """The user's own assessment (viewers do not assess: 403)."""
    assignment = assignment_for_user(request.user, review_id, assignment_id, write=True)
    assessment = Assessment.objects.filter(assignment=assignment, assessor=request.user).first()
    if assessment is None:
        raise Http404(gettext("You have not started assessing this; POST to start."))
    assessment.assignment = assignment
    assessment.review = assignment.review
    return assessment


def _consensus(request: Request, review_id: int, assignment_id: int) -> Assessment:
    assignment = consensus_assignment_for_user(request.user, review_id, assignment_id)
    consensus = selectors.consensus_of(assignment)
    if consensus is None:
        raise Http404(gettext("The consensus has not been started; POST to start it."))
    consensus.assignment = assignment
    consensus.review = assignment.review
    return consensus


@extend_schema(tags=["rob"])
class MineView(APIView):
    @extend_schema(responses={200: RobAssessmentSerializer, 404: NOT_STARTED})
    def get(self, request: Request, review_id: int, assignment_id: int) -> Response:
        return Response(_data(_mine(request, review_id, assignment_id)))

    @extend_schema(request=None, responses={201: RobAssessmentSerializer, 400: REFUSED})
    def post(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assignment = assignment_for_user(request.user, review_id, assignment_id, write=True)
        assessment = services.assessment_start(assessor=request.user, assignment=assignment)
        return Response(_data(assessment), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RobDomainWriteSerializer, responses={200: RobAssessmentSerializer, 400: REFUSED}
    )
    def put(self, request: Request, review_id: int, assignment_id: int) -> Response:
        return _save_domain(request, _mine(request, review_id, assignment_id))


@extend_schema(tags=["rob"])
class MineOverallView(APIView):
    @extend_schema(
        request=RobOverallWriteSerializer, responses={200: RobAssessmentSerializer, 400: REFUSED}
    )
    def put(self, request: Request, review_id: int, assignment_id: int) -> Response:
        return _save_overall(request, _mine(request, review_id, assignment_id))


@extend_schema(tags=["rob"])
class MineDoneView(APIView):
    @extend_schema(request=None, responses={200: RobAssessmentSerializer, 400: REFUSED})
    def post(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assessment = _mine(request, review_id, assignment_id)
        services.assessment_done(user=request.user, assessment=assessment)
        return Response(_data(assessment))


@extend_schema(tags=["rob"])
class MineReopenView(APIView):
    @extend_schema(request=None, responses={200: RobAssessmentSerializer, 400: REFUSED})
    def post(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assessment = _mine(request, review_id, assignment_id)
        services.assessment_reopen(user=request.user, assessment=assessment)
        return Response(_data(assessment))


class RobDifferenceSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text="A domain id, or 'overall'.")
    item = serializers.CharField(help_text="A question id, 'judgement' or 'overall'.")
    values = serializers.ListField(child=serializers.CharField(), help_text="Per assessor.")


class RobComparisonSerializer(serializers.Serializer):
    assessors = serializers.ListField(child=serializers.CharField())
    compared = serializers.IntegerField(help_text="Questions and judgements compared.")
    differences = RobDifferenceSerializer(many=True)
    assessments = RobAssessmentSerializer(many=True)


@extend_schema(tags=["rob"])
class ComparisonView(APIView):
    @extend_schema(responses=RobComparisonSerializer)
    def get(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assignment = comparison_for_user(request.user, review_id, assignment_id)
        assessments, differences, compared = selectors.comparison(assignment)
        return Response(
            {
                "assessors": [a.assessor.get_username() for a in assessments],
                "compared": compared,
                "differences": [
                    {"domain": d.domain, "item": d.item, "values": d.values} for d in differences
                ],
                "assessments": [_data(a) for a in assessments],
            }
        )


@extend_schema(tags=["rob"])
class ConsensusView(APIView):
    @extend_schema(responses={200: RobAssessmentSerializer, 404: NOT_STARTED})
    def get(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assignment = assignment_for_user(request.user, review_id, assignment_id)
        consensus = selectors.consensus_of(assignment)
        if consensus is not None and consensus.status == Assessment.Status.DONE:
            return Response(_data(consensus))
        return Response(_data(_consensus(request, review_id, assignment_id)))

    @extend_schema(request=None, responses={201: RobAssessmentSerializer, 400: REFUSED})
    def post(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assignment = consensus_assignment_for_user(request.user, review_id, assignment_id)
        consensus = services.consensus_start(user=request.user, assignment=assignment)
        return Response(_data(consensus), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RobDomainWriteSerializer, responses={200: RobAssessmentSerializer, 400: REFUSED}
    )
    def put(self, request: Request, review_id: int, assignment_id: int) -> Response:
        return _save_domain(request, _consensus(request, review_id, assignment_id))


@extend_schema(tags=["rob"])
class ConsensusOverallView(APIView):
    @extend_schema(
        request=RobOverallWriteSerializer, responses={200: RobAssessmentSerializer, 400: REFUSED}
    )
    def put(self, request: Request, review_id: int, assignment_id: int) -> Response:
        return _save_overall(request, _consensus(request, review_id, assignment_id))


@extend_schema(tags=["rob"])
class ConsensusCompleteView(APIView):
    @extend_schema(request=None, responses={200: RobAssessmentSerializer, 400: REFUSED})
    def post(self, request: Request, review_id: int, assignment_id: int) -> Response:
        consensus = _consensus(request, review_id, assignment_id)
        services.assessment_done(user=request.user, assessment=consensus)
        return Response(_data(consensus))


@extend_schema(tags=["rob"])
class ConsensusReopenView(APIView):
    @extend_schema(request=None, responses={200: RobAssessmentSerializer, 400: REFUSED})
    def post(self, request: Request, review_id: int, assignment_id: int) -> Response:
        consensus = _consensus(request, review_id, assignment_id)
        services.assessment_reopen(user=request.user, assessment=consensus)
        return Response(_data(consensus))
