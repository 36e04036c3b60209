"""REST API for risk of bias (/api/v1/reviews/{id}/rob/…): the tools, settings, assignments,
one's own assessment (answers, judgements, overrides), the comparison of the assessments of
an assignment and its consensus.

Viewers read the tools, assignments and finished consensus; reviewers assess; a lead assigns
tools; a lead or the RoB arbiter compares and builds the consensus once the required
assessments are done. Another assessor's answers stay hidden until then (`rob.access`).
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from extraction.models import Study
from reviews.access import review_for_user
from rob import selectors, services
from rob.access import (
    assignment_for_user,
)
from rob.catalogue import get_tool, tool_ids
from rob.definitions import RobError, describe
from rob.models import Assessment, Assignment

REFUSED = OpenApiResponse(description="The request does not fit the tool or the assessment.")


# Tools -----------------------------------------------------------------------------------------


class RobQuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    answers = serializers.ListField(child=serializers.CharField())
    asked_if = serializers.CharField(allow_null=True, help_text="In words; null: always asked.")


class RobDomainSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    judgements = serializers.ListField(child=serializers.CharField())
    has_algorithm = serializers.BooleanField()
    questions = RobQuestionSerializer(many=True)


class RobToolSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    kind = serializers.CharField()
    citation = serializers.CharField()
    overall_judgements = serializers.ListField(child=serializers.CharField())


class RobToolDetailSerializer(RobToolSerializer):
    domains = RobDomainSerializer(many=True)


def _tool_data(tool_id: str, *, detail: bool) -> dict:
    tool = get_tool(tool_id)
    data = {
        "id": tool.id,
        "name": tool.name,
        "version": tool.version,
        "kind": tool.kind,
        "citation": tool.citation,
        "overall_judgements": list(tool.overall["judgements"]),
    }
    if detail:
        data["domains"] = [
            {
                "id": d.id,
                "name": d.name,
                "judgements": list(d.judgements),
                "has_algorithm": d.algorithm is not None,
                "questions": [
                    {
                        "id": q.id,
                        "text": q.text,
                        "answers": list(q.answers),
                        "asked_if": describe(q.asked_if) if q.asked_if else None,
                    }
                    for q in (*d.preliminary, *d.questions)
                ],
            }
            for d in tool.domains
        ]
    return data


@extend_schema(tags=["rob"])
class ToolListView(APIView):
    @extend_schema(responses=RobToolSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review_for_user(request.user, review_id)
        return Response([_tool_data(t, detail=False) for t in tool_ids()])


@extend_schema(tags=["rob"])
class ToolDetailView(APIView):
    @extend_schema(responses=RobToolDetailSerializer)
    def get(self, request: Request, review_id: int, tool_id: str) -> Response:
        review_for_user(request.user, review_id)
        try:
            return Response(_tool_data(tool_id, detail=True))
        except RobError:
            raise NotFound(gettext("No such risk-of-bias tool.")) from None


# Settings --------------------------------------------------------------------------------------


class RobSettingsSerializer(serializers.Serializer):
    assessors_required = serializers.IntegerField(min_value=1, max_value=2, required=False)
    arbiter = serializers.CharField(
        required=False, allow_null=True, help_text="Username of a reviewer, or null."
    )


def _settings_data(settings) -> dict:
    return {
        "assessors_required": settings.assessors_required,
        "arbiter": settings.arbiter.get_username() if settings.arbiter_id else None,
    }


@extend_schema(tags=["rob"])
class SettingsView(APIView):
    @extend_schema(responses=RobSettingsSerializer)
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        return Response(_settings_data(selectors.rob_settings(review)))

    @extend_schema(
        request=RobSettingsSerializer, responses={200: RobSettingsSerializer, 400: REFUSED}
    )
    def patch(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = RobSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("arbiter"):
            user = (
                get_user_model()
                .objects.filter(username=values["arbiter"], memberships__review=review)
                .first()
            )
            if user is None:
                raise serializers.ValidationError(
                    {"arbiter": gettext("Not a member of this review.")}
                )
            values["arbiter"] = user
        settings = services.settings_update(lead=request.user, review=review, **values)
        return Response(_settings_data(settings))


# Assignments -----------------------------------------------------------------------------------


class RobAssessorProgressSerializer(serializers.Serializer):
    assessor = serializers.CharField(allow_null=True, help_text="Null for the consensus.")
    status = serializers.CharField()
    domains_judged = serializers.IntegerField()
    domains = serializers.IntegerField()


class RobAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    study = serializers.IntegerField()
    study_label = serializers.CharField(read_only=True)
    tool = serializers.CharField(
        required=False, allow_blank=True, help_text="Default: the one the study's design suggests."
    )
    result = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="RoB 2: the result assessed."
    )
    progress = RobAssessorProgressSerializer(many=True, read_only=True)
    consensus_done = serializers.BooleanField(read_only=True)


def _with_assessments(assignments):
    """Assignments with their assessments, assessors and judgements in a few queries."""
    return assignments.select_related("study").prefetch_related(
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related("assessor")
            .prefetch_related("domains")
            .order_by("pk"),
        )
    )


def _assignment_data(assignment: Assignment, builds: bool) -> dict:
    every = list(assignment.assessments.all())
    total = len(get_tool(assignment.tool).domains)
    return {
        "id": assignment.pk,
        "study": assignment.study_id,
        "study_label": assignment.study.label,
        "tool": assignment.tool,
        "result": assignment.result,
        "progress": [
            {
                # Who the other assessor is, and how far they are, is not blinded (as in
                # screening's progress); their answers are.
                "assessor": a.assessor.get_username() if a.assessor_id else None,
                "status": a.status,
                "domains_judged": sum(1 for d in a.domains.all() if d.judgement),
                "domains": total,
            }
            for a in every
            if a.assessor_id or builds or a.status == Assessment.Status.DONE
        ],
        "consensus_done": any(
            a.assessor_id is None and a.status == Assessment.Status.DONE for a in every
        ),
    }


def _builds(review) -> bool:
    return selectors.can_build_consensus(review.membership, selectors.rob_settings(review))


@extend_schema(tags=["rob"])
class AssignmentListView(APIView):
    @extend_schema(responses=RobAssignmentSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        builds = _builds(review)
        assignments = _with_assessments(Assignment.objects.filter(review=review))
        return Response([_assignment_data(a, builds) for a in assignments])

    @extend_schema(
        request=RobAssignmentSerializer, responses={201: RobAssignmentSerializer, 400: REFUSED}
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = RobAssignmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        study = Study.objects.filter(review=review, pk=data.validated_data["study"]).first()
        if study is None:
            raise serializers.ValidationError({"study": gettext("No such study in this review.")})
        study.review = review
        assignment = services.assignment_create(
            lead=request.user,
            study=study,
            tool=data.validated_data.get("tool", ""),
            result=data.validated_data.get("result", ""),
        )
        return Response(
            _assignment_data(assignment, _builds(review)), status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["rob"])
class AssignmentDetailView(APIView):
    @extend_schema(responses=RobAssignmentSerializer)
    def get(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assignment = assignment_for_user(request.user, review_id, assignment_id)
        return Response(_assignment_data(assignment, _builds(assignment.review)))

    @extend_schema(responses={204: None, 400: REFUSED})
    def delete(self, request: Request, review_id: int, assignment_id: int) -> Response:
        assignment = assignment_for_user(request.user, review_id, assignment_id, lead=True)
        services.assignment_delete(lead=request.user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)
