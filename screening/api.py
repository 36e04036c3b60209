"""REST API for screening (/api/v1/reviews/{id}/screening/{stage}/…) and PRISMA counts.

Responses never show another reviewer's decision, or who made it, before every required
decision on that record is in (when the stage is blinded).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.access import review_for_user
from reviews.models import BIBLIOGRAPHIC_FIELDS, Record
from reviews.publications import publication_fields
from screening import selectors, services
from screening.access import stage_for_user
from screening.agreement_summary import stage_agreement
from screening.models import Choice, Decision
from screening.prisma import prisma_counts


class ScreeningRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = Record
        fields = ["id", *BIBLIOGRAPHIC_FIELDS]
        read_only_fields = fields

    def to_representation(self, record: Record) -> dict:
        # The publication a reader sees: a merged group's values, as the page shows them.
        data = super().to_representation(record)
        data.update(publication_fields(record))
        return data


class DecisionSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "record", "stage", "reviewer", "decision", "reason", "note", "updated_at"]
        read_only_fields = fields


class DecisionInputSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=Choice.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResolveInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Choice.INCLUDE, Choice.EXCLUDE])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


@extend_schema(tags=["screening"])
class NextRecordView(APIView):
    @extend_schema(responses={200: ScreeningRecordSerializer, 204: None})
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage, write=True)
        record = services.next_record(
            reviewer=request.user, review=access.review, stage=access.stage
        )
        if record is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ScreeningRecordSerializer(record).data)


@extend_schema(tags=["screening"])
class DecisionView(generics.GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(
        operation_id="reviews_screening_decisions_list",
        parameters=[OpenApiParameter("record", int, description="Only this record's decisions.")],
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        """Decisions you may see: yours, and the others' once a record has every required
        decision (or on an unblinded stage)."""
        access = stage_for_user(request.user, review_id, stage)
        decisions = selectors.decisions_visible_to(request.user, access.review, access.stage)
        record = request.query_params.get("record", "")
        if record:
            if not record.isdecimal():
                raise ValidationError({"record": "“record” must be a record id."})
            decisions = decisions.filter(record_id=int(record))
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses=DecisionSerializer)
    def post(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage, write=True)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.decision_record(
            reviewer=request.user,
            review=access.review,
            record_id=data.validated_data["record"],
            stage=access.stage,
            decision=data.validated_data["decision"],
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
        )
        return Response(DecisionSerializer(decision).data)


class ConflictSerializer(ScreeningRecordSerializer):
    decisions = serializers.SerializerMethodField()

    class Meta(ScreeningRecordSerializer.Meta):
        fields = [*ScreeningRecordSerializer.Meta.fields, "decisions"]
        read_only_fields = fields

    def get_decisions(self, record: Record) -> list[dict]:
        return DecisionSerializer(record.stage_decisions, many=True).data


@extend_schema(tags=["screening"])
class ConflictListView(generics.GenericAPIView):
    serializer_class = ConflictSerializer

    @extend_schema(operation_id="reviews_screening_conflicts_list")
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage)
        page = self.paginate_queryset(
            selectors.conflicts_with_decisions(access.review, access.stage)
        )
        data = ConflictSerializer(page, many=True).data
        return self.get_paginated_response(data)


@extend_schema(tags=["screening"])
class ResolveView(APIView):
    @extend_schema(request=ResolveInputSerializer, responses=DecisionSerializer)
    def post(self, request: Request, review_id: int, stage: str, record_id: int) -> Response:
        access = stage_for_user(request.user, review_id, stage, resolve=True)
        data = ResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resolution = services.conflict_resolve(
            resolver=request.user,
            review=access.review,
            record_id=record_id,
            stage=access.stage,
            decision=data.validated_data["decision"],
            reason=data.validated_data["reason"],
        )
        return Response(
            {
                "record": resolution.record_id,
                "stage": resolution.stage,
                "decision": resolution.decision,
                "reason": resolution.reason,
                "resolved_by": request.user.get_username(),
            }
        )


@extend_schema(tags=["screening"])
class AgreementView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Agreement",
            {
                "kappa": serializers.FloatField(allow_null=True),
                "percent_agreement": serializers.FloatField(allow_null=True),
                "n_records": serializers.IntegerField(),
                "method": serializers.CharField(),
                "pairs": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage)
        return Response(stage_agreement(access.review, access.stage))


@extend_schema(tags=["screening"])
class PrismaView(APIView):
    @extend_schema(responses=inline_serializer("Prisma", {"identified": serializers.DictField()}))
    def get(self, request: Request, review_id: int) -> Response:
        return Response(prisma_counts(review_for_user(request.user, review_id)))


@extend_schema(tags=["screening"])
class RankingView(APIView):
    """Whether records come in order of relevance, and what the latest model learnt from."""

    @extend_schema(
        responses=inline_serializer(
            "RankingStatus",
            {
                "active": serializers.BooleanField(),
                "trained_at": serializers.DateTimeField(allow_null=True),
                "n_included": serializers.IntegerField(),
                "n_excluded": serializers.IntegerField(),
                "n_scored": serializers.IntegerField(),
            },
        )
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage)
        return Response(selectors.ranking_status(access.review, access.stage))
