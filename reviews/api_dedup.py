"""REST API for deduplication (/api/v1/reviews/{id}/dedup/…)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.serializers import JSONTypes
from reviews import selectors
from reviews.access import cluster_for_user, pair_for_user, review_for_user
from reviews.deduplication import cluster_undo, dedup_start, pair_decide
from reviews.models import CITATION_FIELDS, DedupRun, DuplicateCluster, DuplicatePair, Record


class DedupRunSerializer(serializers.ModelSerializer):
    # The run's state is its job's (reviews.jobs), told in the words of a run.
    status = serializers.ChoiceField(choices=DedupRun.Status.choices, read_only=True)
    error = serializers.CharField(read_only=True)
    finished_at = serializers.DateTimeField(
        source="job.finished_at", read_only=True, allow_null=True
    )

    class Meta:
        model = DedupRun
        fields = [
            "id",
            "status",
            "auto_only",
            "auto_threshold",
            "review_threshold",
            "counts",
            "error",
            "job",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class PairRecordSerializer(serializers.ModelSerializer):
    database = serializers.CharField(source="search_import.database", read_only=True)

    class Meta:
        model = Record
        fields = ["id", "database", *CITATION_FIELDS, "cluster"]
        read_only_fields = fields


class PairSerializer(serializers.ModelSerializer):
    record_a = PairRecordSerializer(read_only=True)
    record_b = PairRecordSerializer(read_only=True)

    class Meta:
        model = DuplicatePair
        fields = ["id", "score", "rule", "fields", "status", "held", "record_a", "record_b"]
        read_only_fields = fields


class ClusterSerializer(serializers.ModelSerializer):
    records = serializers.SerializerMethodField()

    class Meta:
        model = DuplicateCluster
        fields = [
            "id",
            "primary",
            "merged",
            "field_sources",
            "automatic",
            "created_at",
            "undone_at",
            "records",
        ]
        read_only_fields = fields

    def get_records(self, cluster: DuplicateCluster) -> list[int]:
        # The ids it grouped, also after an undo has freed them.
        return cluster.member_ids


class DedupStartSerializer(JSONTypes, serializers.Serializer):
    auto_only = serializers.BooleanField(required=False, default=False)


@extend_schema(tags=["dedup"])
class DedupView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "DedupStatus",
            {
                "latest_run": DedupRunSerializer(allow_null=True),
                "clusters": serializers.IntegerField(),
                "needs_review": serializers.IntegerField(),
                "duplicates_removed": serializers.DictField(child=serializers.IntegerField()),
            },
        )
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        run = selectors.latest_dedup_run(review)
        return Response(
            {
                "latest_run": DedupRunSerializer(run).data if run else None,
                "clusters": selectors.active_clusters(review).count(),
                "needs_review": selectors.review_queue(review).count(),
                "duplicates_removed": selectors.duplicates_removed_by_database(review),
            }
        )

    @extend_schema(request=DedupStartSerializer, responses={202: DedupRunSerializer})
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, write=True)
        start = DedupStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        run = dedup_start(
            review=review, user=request.user, auto_only=start.validated_data["auto_only"]
        )
        return Response(DedupRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["dedup"])
class CandidateListView(generics.GenericAPIView):
    serializer_class = PairSerializer

    @extend_schema(
        operation_id="reviews_dedup_candidates_list", responses=PairSerializer(many=True)
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        page = self.paginate_queryset(selectors.review_queue(review))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DecisionSerializer(JSONTypes, serializers.Serializer):
    duplicate = serializers.BooleanField()


@extend_schema(tags=["dedup"])
class CandidateDecisionView(APIView):
    @extend_schema(request=DecisionSerializer, responses=PairSerializer)
    def post(self, request: Request, review_id: int, pair_id: int) -> Response:
        pair = pair_for_user(request.user, review_id, pair_id, write=True)
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        pair = pair_decide(
            user=request.user, pair=pair, duplicate=decision.validated_data["duplicate"]
        )
        return Response(PairSerializer(pair).data)


class UndoSerializer(JSONTypes, serializers.Serializer):
    confirm = serializers.BooleanField(required=False, default=False)


@extend_schema(tags=["dedup"])
class ClusterUndoView(APIView):
    @extend_schema(request=UndoSerializer, responses=ClusterSerializer)
    def post(self, request: Request, review_id: int, cluster_id: int) -> Response:
        cluster = cluster_for_user(request.user, review_id, cluster_id, write=True)
        undo = UndoSerializer(data=request.data)
        undo.is_valid(raise_exception=True)
        cluster = cluster_undo(
            user=request.user, cluster=cluster, confirm=undo.validated_data["confirm"]
        )
        return Response(ClusterSerializer(cluster).data)
