"""REST API for screening (/api/v1/reviews/{id}/screening/{stage}/…) and PRISMA counts.

Responses never show another reviewer's decision, or who made it, before every required
decision on that record is in (when the stage is blinded).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.serializers import JSONTypes
from reviews.access import review_for_user
from reviews.models import BIBLIOGRAPHIC_FIELDS, Record
from reviews.publications import publication_fields
from screening import selectors, services
from screening.access import stage_for_user
from screening.agreement_summary import stage_agreement
from screening.models import Choice, Decision, Resolution, Stage
from screening.prisma import prisma_counts

STAGE = OpenApiParameter(
    "stage",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=Stage.values,
    description="The screening stage; any other value answers 404.",
)


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


class DecisionFilterSerializer(serializers.Serializer):
    record = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this record's decisions."
    )


class DecisionInputSerializer(JSONTypes, serializers.Serializer):
    record = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=Choice.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResolutionSerializer(serializers.ModelSerializer):
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True)

    class Meta:
        model = Resolution
        fields = ["record", "stage", "decision", "reason", "resolved_by"]
        read_only_fields = fields


class ResolveInputSerializer(JSONTypes, serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Choice.INCLUDE, Choice.EXCLUDE])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


@extend_schema(tags=["screening"], parameters=[STAGE])
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


@extend_schema(tags=["screening"], parameters=[STAGE])
class DecisionView(generics.GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(
        operation_id="reviews_screening_decisions_list",
        responses=DecisionSerializer(many=True),
        parameters=[DecisionFilterSerializer],
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        """Decisions you may see: yours, and the others' once a record has every required
        decision (or on an unblinded stage)."""
        access = stage_for_user(request.user, review_id, stage)
        decisions = selectors.decisions_visible_to(request.user, access.review, access.stage)
        # A plain dict: DRF reads an empty value in a QueryDict as a missing one.
        filters = DecisionFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        if "record" in filters.validated_data:
            decisions = decisions.filter(record_id=filters.validated_data["record"])
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


@extend_schema(tags=["screening"], parameters=[STAGE])
class ConflictListView(generics.GenericAPIView):
    serializer_class = ConflictSerializer

    @extend_schema(
        operation_id="reviews_screening_conflicts_list", responses=ConflictSerializer(many=True)
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage)
        page = self.paginate_queryset(
            selectors.conflicts_with_decisions(access.review, access.stage)
        )
        data = ConflictSerializer(page, many=True).data
        return self.get_paginated_response(data)


@extend_schema(tags=["screening"], parameters=[STAGE])
class ResolveView(APIView):
    @extend_schema(request=ResolveInputSerializer, responses=ResolutionSerializer)
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
        return Response(ResolutionSerializer(resolution).data)


@extend_schema(tags=["screening"], parameters=[STAGE])
class AgreementView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Agreement",
            {
                "kappa": serializers.FloatField(allow_null=True),
                "percent_agreement": serializers.FloatField(allow_null=True),
                "n_records": serializers.IntegerField(),
                "method": serializers.ChoiceField(choices=["cohen", "fleiss", "none"]),
                "pairs": inline_serializer(
                    "AgreementPair",
                    {
                        "reviewers": serializers.ListField(child=serializers.CharField()),
                        "n_records": serializers.IntegerField(),
                        "kappa": serializers.FloatField(allow_null=True),
                        "percent_agreement": serializers.FloatField(allow_null=True),
                    },
                    many=True,
                ),
            },
        )
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage)
        return Response(stage_agreement(access.review, access.stage))


@extend_schema(tags=["screening"])
class PrismaView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Prisma",
            {
                "identified": serializers.DictField(
                    child=serializers.IntegerField(),
                    help_text="Records imported, by database, and their `total`.",
                ),
                "duplicates_removed": serializers.IntegerField(),
                "records_screened": serializers.IntegerField(),
                "records_excluded": serializers.IntegerField(),
                "reports_sought": serializers.IntegerField(),
                "reports_not_retrieved": serializers.IntegerField(),
                "reports_assessed": serializers.IntegerField(),
                "reports_excluded": inline_serializer(
                    "PrismaReportsExcluded",
                    {
                        "total": serializers.IntegerField(),
                        "reasons": serializers.DictField(child=serializers.IntegerField()),
                    },
                ),
                "studies_included": serializers.IntegerField(),
                "reports_included": serializers.IntegerField(),
                "progress": serializers.DictField(
                    child=inline_serializer(
                        "PrismaStageProgress",
                        {
                            "status": serializers.CharField(
                                help_text="not_started, in_progress or complete"
                            ),
                            "screened": serializers.IntegerField(),
                            "awaiting": serializers.IntegerField(),
                            "conflicts": serializers.IntegerField(),
                        },
                    ),
                    help_text="Each screening stage (title_abstract, full_text): whether it "
                    "is complete, and its settled, awaiting and in-conflict records.",
                ),
                "notes": serializers.ListField(
                    child=serializers.CharField(),
                    help_text="What the counts leave out, e.g. unusable records skipped at import.",
                ),
            },
        )
    )
    def get(self, request: Request, review_id: int) -> Response:
        return Response(prisma_counts(review_for_user(request.user, review_id)))


@extend_schema(tags=["screening"], parameters=[STAGE])
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
                "random": serializers.BooleanField(
                    help_text="Records come in random order (a sample for the stopping estimate)."
                ),
                "failed_at": serializers.DateTimeField(
                    allow_null=True,
                    help_text="When training a model last failed, if after the latest model.",
                ),
            },
        )
    )
    def get(self, request: Request, review_id: int, stage: str) -> Response:
        access = stage_for_user(request.user, review_id, stage)
        return Response(selectors.ranking_status(access.review, access.stage))
